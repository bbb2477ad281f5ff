// The local stack's background work, as AWS runs it in functions of its own: the stream poller with the dispatcher
// (the table's event source mapping) and the tick loop (the recurring schedule).
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { faultSettingsFrom, injectFaults } from '../aws/fault-injection.ts';
import type { FerryServices } from '../core/services.ts';
import { createDispatchHandler } from '../handlers/dispatch-stream-batch.ts';
import { createTickHandler } from '../handlers/tick.ts';
import type { LocalEnv } from './local-services.ts';
import { StreamPoller } from './stream-poller.ts';
import { TickLoop } from './tick-loop.ts';
import { TimerWheelChangedError } from '../core/tick.ts';

export interface BackgroundOptions {
  env: LocalEnv;
  services: FerryServices;
  dynamoDbEndpoint: string;
  streamArn: string;
  /** Where the stream checkpoints are kept; omitted: in memory. */
  dataDir?: string;
  /** Told of dispatcher failures (they are retried). */
  onStreamError?: (error: unknown) => void;
  /** The benchmark only: told how long each dispatcher call took (Lambda bills that time). */
  timeDispatcher?: (ms: number) => void;
}

export interface Background {
  poller: StreamPoller;
  stop(): Promise<void>;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Starts the poller, runs the first tick (so that health is green from the start), then ticks on. */
export async function startBackground(options: BackgroundOptions): Promise<Background> {
  const { services } = options;
  const streams = new DynamoDBStreamsClient({ endpoint: options.dynamoDbEndpoint });
  const faults = faultSettingsFrom(options.env);
  if (faults !== undefined) injectFaults('DynamoDBStreams', streams.middlewareStack, faults);
  const dispatch = createDispatchHandler(services.dispatcher);
  const poller = new StreamPoller({
    streams,
    streamArn: options.streamArn,
    handler: options.timeDispatcher === undefined ? dispatch : timed(dispatch, options.timeDispatcher),
    ...(options.dataDir === undefined
      ? {}
      : { checkpointFile: `${options.dataDir}/stream-checkpoints-${services.config.tableName}.json` }),
    onError: options.onStreamError ?? ((error) => console.error(`ferry: dispatch will be retried: ${message(error)}`)),
  });
  poller.start();
  try {
    const tickHandler = createTickHandler(services.tick);
    const reportTickFailure = (error: unknown) => console.error(`ferry: tick failed: ${message(error)}`);
    try {
      await tickHandler();
    } catch (error) {
      // A changed timer wheel is a setting to put back before anything runs; any other failure is the next tick's to
      // retry, as in AWS, and must not keep the stack (and every message in its data folder) from starting.
      if (error instanceof TimerWheelChangedError) throw error;
      reportTickFailure(error);
    }
    const ticks = new TickLoop(tickHandler, services.config.tickSeconds * 1000, reportTickFailure);
    ticks.start();
    return {
      poller,
      async stop() {
        await ticks.stop();
        await poller.stop();
      },
    };
  } catch (error) {
    await poller.stop();
    throw error;
  }
}

/** The handler, telling `record` how long each call took. */
export function timed<A extends unknown[], R>(handler: (...args: A) => R | Promise<R>, record: (ms: number) => void) {
  return async (...args: A): Promise<R> => {
    const started = performance.now();
    try {
      return await handler(...args);
    } finally {
      record(performance.now() - started);
    }
  };
}

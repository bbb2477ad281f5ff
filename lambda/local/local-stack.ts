// The local stack: the same handlers and SDK calls as in AWS, against DynamoDB Local and fauxqs, on 127.0.0.1.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { createApp } from '../api/app.ts';
import { createClients, type InstrumentClient } from '../aws/clients.ts';
import { faultSettingsFrom, injectFaults } from '../aws/fault-injection.ts';
import { createAwsPorts } from '../aws/services.ts';
import type { Ports } from '../core/ports.ts';
import { createServices, type FerryServices } from '../core/services.ts';
import { createDispatchHandler } from '../handlers/dispatch-stream-batch.ts';
import { createTickHandler } from '../handlers/tick.ts';
import { TickLoop } from './tick-loop.ts';
import { startEngines, type Engines } from './engines.ts';
import { PushRunner } from './push-runner.ts';
import { StreamPoller } from './stream-poller.ts';
import { ensureTable } from './table.ts';

export interface LocalStackOptions {
  /** HTTP port of the API; 0 picks a free one. */
  port?: number;
  /** Where DynamoDB Local, fauxqs and the stream checkpoints keep their files; omitted: in memory. */
  dataDir?: string;
  /** Ports of the engines started here; omitted: free ones. */
  enginePorts?: { dynamoDbPort: number; sqsPort: number };
  /** Engines already running (tests share one pair); omitted: started here and stopped with the stack. */
  engines?: Pick<Engines, 'dynamoDbEndpoint' | 'sqsEndpoint'>;
  /** Extra FERRY_* settings; the process environment fills the rest. */
  env?: Record<string, string>;
  /** Told of dispatcher failures (they are retried). */
  onStreamError?: (error: unknown) => void;
  /** Tests only: wraps the stores and queues, to inject faults that a real engine cannot produce. */
  adjustPorts?: (ports: Ports) => Ports;
  /** The benchmark only: middleware added to the DynamoDB and SQS clients (its request counters). */
  instrumentClients?: InstrumentClient;
}

export interface LocalStack {
  apiUrl: string;
  dynamoDbEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  services: FerryServices;
  poller: StreamPoller;
  /** The push groups' pushers (the event source mappings of AWS). */
  pushers: PushRunner;
  stop(): Promise<void>;
}

/** The settings every SDK client reads: endpoints of the local engines and credentials they accept. */
export function localAwsEnv(engines: Pick<Engines, 'dynamoDbEndpoint' | 'sqsEndpoint'>): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: engines.dynamoDbEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB_STREAMS: engines.dynamoDbEndpoint,
    AWS_ENDPOINT_URL_SQS: engines.sqsEndpoint,
  };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const owned =
    options.engines === undefined
      ? await startEngines({
          ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
          ...options.enginePorts,
        })
      : undefined;
  const engines = options.engines ?? owned!;
  const stops: Array<() => Promise<void>> = owned === undefined ? [] : [() => owned.stop()];
  try {
    const awsEnv = localAwsEnv(engines);
    // The SDK's default credential and region chain reads these, as in Lambda.
    Object.assign(process.env, {
      AWS_REGION: awsEnv.AWS_REGION,
      AWS_ACCESS_KEY_ID: awsEnv.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: awsEnv.AWS_SECRET_ACCESS_KEY,
    });
    // Locally the tick runs every 5 s unless told otherwise, and check URLs may be http:// on loopback.
    const env = {
      FERRY_TICK_SECONDS: '5',
      FERRY_ALLOW_HTTP_LOOPBACK: 'true',
      ...process.env,
      ...awsEnv,
      ...options.env,
    };
    // Only the chaos runner sets FERRY_CHAOS_FAULT_RATE (npm run chaos): AWS calls then fail at random. Like the
    // benchmark's counters, this lives here and not in the Lambda bundles.
    const faults = faultSettingsFrom(env);
    const clients = createClients(env, (service, middlewareStack) => {
      options.instrumentClients?.(service, middlewareStack);
      if (faults !== undefined) injectFaults(service, middlewareStack, faults);
    });
    const pushers = new PushRunner((group, error) =>
      console.error(`ferry: push of group ${group}: ${error instanceof Error ? error.message : String(error)}`),
    );
    const basePorts = createAwsPorts(env, clients, { pushMappings: pushers });
    const ports = options.adjustPorts === undefined ? basePorts : options.adjustPorts(basePorts);
    const services = createServices(ports);
    pushers.attach(services.pusher, ports.queues);
    const tableName = services.config.tableName;
    const streamArn = await ensureTable(clients.dynamoDb, tableName);

    const streams = new DynamoDBStreamsClient({ endpoint: engines.dynamoDbEndpoint });
    if (faults !== undefined) injectFaults('DynamoDBStreams', streams.middlewareStack, faults);
    if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
    const poller = new StreamPoller({
      streams,
      streamArn,
      handler: createDispatchHandler(services.dispatcher),
      ...(options.dataDir === undefined
        ? {}
        : { checkpointFile: `${options.dataDir}/stream-checkpoints-${tableName}.json` }),
      onError:
        options.onStreamError ??
        ((error) =>
          console.error(`ferry: dispatch will be retried: ${error instanceof Error ? error.message : String(error)}`)),
    });
    poller.start();
    stops.unshift(() => poller.stop());

    // The first tick runs before the API answers, so health is green from the start.
    const tickHandler = createTickHandler(services.tick);
    await tickHandler();
    const ticks = new TickLoop(tickHandler, services.config.tickSeconds * 1000, (error) =>
      console.error(`ferry: tick failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    ticks.start();
    stops.unshift(() => ticks.stop());

    // Push groups of an earlier run (a data folder) push again, as their mappings would in AWS.
    for (const group of await ports.catalog.listGroups()) if (group.push !== undefined) await pushers.sync(group);
    stops.unshift(() => pushers.stop());

    const server = await listen(createApp(services).fetch, options.port ?? 0);
    stops.unshift(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Keep-alive connections would hold close() open.
          if ('closeAllConnections' in server) server.closeAllConnections();
        }),
    );
    const port = (server.address() as AddressInfo).port;
    return {
      apiUrl: `http://127.0.0.1:${port}`,
      dynamoDbEndpoint: engines.dynamoDbEndpoint,
      sqsEndpoint: engines.sqsEndpoint,
      tableName,
      services,
      poller,
      pushers,
      async stop() {
        for (const stop of stops) await stop();
      },
    };
  } catch (error) {
    for (const stop of stops) await stop();
    throw error;
  }
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  const server = createAdaptorServer({ fetch });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: stop what holds it or set FERRY_PORT`) : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

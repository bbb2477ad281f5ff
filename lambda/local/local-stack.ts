// The local stack: the same handlers and SDK calls as in AWS, against DynamoDB Local and fauxqs, on 127.0.0.1.
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { createApp } from '../api/app.ts';
import { createClients, type InstrumentClient } from '../aws/clients.ts';
import { faultSettingsFrom, injectFaults } from '../aws/fault-injection.ts';
import { s3BodyStoreFromEnv, s3ClientFromEnv } from '../aws/s3-body-store.ts';
import { createAwsPorts } from '../aws/services.ts';
import { systemClock, type Ports } from '../core/ports.ts';
import { createServices, type FerryServices } from '../core/services.ts';
import { createDispatchHandler } from '../handlers/dispatch-stream-batch.ts';
import { createTickHandler } from '../handlers/tick.ts';
import { TickLoop } from './tick-loop.ts';
import { startEngines, type Engines } from './engines.ts';
import { PushRunner } from './push-runner.ts';
import { StreamPoller } from './stream-poller.ts';
import { ensureBodyBucket } from './bucket.ts';
import { ensureTable } from './table.ts';
import { CountingMetrics } from '../memory/counting-metrics.ts';
import { registerDashboardPage } from '../dashboard/serve-page.ts';
import { RecentMessages } from './recent-messages.ts';

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
  /** The benchmark only: told how long each API request and each dispatcher call took (Lambda bills that time). */
  timeHandlers?: (handler: 'api' | 'dispatcher', ms: number) => void;
}

export interface LocalStack {
  apiUrl: string;
  dynamoDbEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  services: FerryServices;
  /** The counters behind GET /v1/metrics and the dashboard. */
  metrics: CountingMetrics;
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
    // fauxqs serves S3 on the same port as SQS: the body bucket lives there.
    AWS_ENDPOINT_URL_S3: engines.sqsEndpoint,
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
      FERRY_ENDPOINT_POLICY: 'local',
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
    // The dashboard's sources: counters instead of CloudWatch, and each topic's latest messages for the filter playground.
    const metrics = new CountingMetrics(systemClock);
    const recent = new RecentMessages();
    const basePorts = {
      ...createAwsPorts(env, clients, { bodies: s3BodyStoreFromEnv(env), pushMappings: pushers }),
      metrics,
    };
    basePorts.store = recent.watch(basePorts.store);
    const ports = options.adjustPorts === undefined ? basePorts : options.adjustPorts(basePorts);
    const services = createServices(ports);
    pushers.attach(services.pusher, ports.queues);
    const tableName = services.config.tableName;
    const streamArn = await ensureTable(clients.dynamoDb, tableName);
    await ensureBodyBucket(s3ClientFromEnv(env), services.config.bodyBucket);

    const streams = new DynamoDBStreamsClient({ endpoint: engines.dynamoDbEndpoint });
    if (faults !== undefined) injectFaults('DynamoDBStreams', streams.middlewareStack, faults);
    if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });
    const poller = new StreamPoller({
      streams,
      streamArn,
      handler: timed(createDispatchHandler(services.dispatcher), (ms) => options.timeHandlers?.('dispatcher', ms)),
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

    const app = createApp(services, {
      dashboard: { metrics: () => metrics.snapshot(), recentMessages: (topic, limit) => recent.recent(topic, limit) },
    });
    registerDashboardPage(app);
    const server = await listen(
      timed(app.fetch, (ms) => options.timeHandlers?.('api', ms)),
      options.port ?? 0,
    );
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
      metrics,
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

/** The handler, telling `record` how long each call took. */
function timed<A extends unknown[], R>(handler: (...args: A) => R | Promise<R>, record: (ms: number) => void) {
  return async (...args: A): Promise<R> => {
    const started = performance.now();
    try {
      return await handler(...args);
    } finally {
      record(performance.now() - started);
    }
  };
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

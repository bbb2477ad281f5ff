// The local stack: the same handlers and SDK calls as in AWS, against DynamoDB Local and fauxqs, on 127.0.0.1.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import { createApp } from '../api/app.ts';
import { SQSClient } from '@aws-sdk/client-sqs';
import { endpointFor, type InstrumentClient } from '../aws/clients.ts';
import { SqsQueues } from '../aws/sqs-queues.ts';
import { systemClock, type Ports } from '../core/ports.ts';
import type { FerryServices } from '../core/services.ts';
import { startBackground, timed } from './background.ts';
import { startChildModule } from './child-module.ts';
import { startEngines, type Engines } from './engines.ts';
import { replayMetrics, type MetricRecord } from './forwarded-metrics.ts';
import { createLocalServices } from './local-services.ts';
import { PushRunner } from './push-runner.ts';
import { ensureBodyBucket, s3ClientFromEnv } from './bucket.ts';
import { ensureTable } from './table.ts';
import { CountingMetrics } from '../memory/counting-metrics.ts';
import { registerDashboardPage } from '../dashboard/serve-page.ts';
import { RecentMessages } from './recent-messages.ts';
import { LOOPBACK } from './dynamodb-local.ts';

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
  /**
   * Runs the dispatcher and the tick in a Node process of their own, as AWS runs them in functions of their own, so
   * that they never hold up the API (`npm start` and the benchmark). Omitted: all in this process, where tests can
   * stop the poller and wrap the ports (`adjustPorts`, `instrumentClients` and `timeHandlers` need this).
   */
  separateProcesses?: boolean;
  /** Told of dispatcher failures (they are retried). */
  onStreamError?: (error: unknown) => void;
  /** Tests only: wraps the stores and queues, to inject faults that a real engine cannot produce. */
  adjustPorts?: (ports: Ports) => Ports;
  /** The benchmark only: middleware added to the DynamoDB and SQS clients (its request counters). */
  instrumentClients?: InstrumentClient;
  /** The benchmark only: told how long each API request and each dispatcher call took (Lambda bills that time). */
  timeHandlers?: (handler: 'api' | 'dispatcher', ms: number) => void;
}

/** The stream poller, in this process or in the background process. */
export interface PollerControl {
  /** Resolves once everything written before the call was dispatched. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
  start(): void | Promise<void>;
}

export interface LocalStack {
  apiUrl: string;
  dynamoDbEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  services: FerryServices;
  /** The counters behind GET /v1/metrics and the dashboard. */
  metrics: CountingMetrics;
  poller: PollerControl;
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
  if (
    options.separateProcesses === true &&
    (options.adjustPorts ?? options.instrumentClients ?? options.timeHandlers) !== undefined
  )
    throw new Error('adjustPorts, instrumentClients and timeHandlers reach into this process only');
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
    const pushers = new PushRunner((group, error) =>
      console.error(`ferry: push of group ${group}: ${error instanceof Error ? error.message : String(error)}`),
    );
    // The dashboard's sources: counters instead of CloudWatch, and each topic's latest messages for the filter playground.
    const metrics = new CountingMetrics(systemClock);
    const recent = new RecentMessages();
    const { clients, ports, services } = createLocalServices(env, {
      metrics,
      pushMappings: pushers,
      watchStore: (store) => recent.watch(store),
      ...(options.adjustPorts === undefined ? {} : { adjustPorts: options.adjustPorts }),
      ...(options.instrumentClients === undefined ? {} : { instrumentClients: options.instrumentClients }),
    });
    // The push loops long-poll their queues, as Lambda's event source mappings do apart from the API. A client of their
    // own, without the SDK's 50-socket cap: with many push groups they held every socket of the API's client, and its
    // receives and acks waited seconds for one.
    const pushSqs = new SQSClient({
      ...endpointFor(env, 'SQS'),
      requestHandler: { httpAgent: { maxSockets: Infinity } },
    });
    options.instrumentClients?.('SQS', pushSqs.middlewareStack);
    stops.push(async () => pushSqs.destroy());
    pushers.attach(services.pusher, new SqsQueues(pushSqs, services.config.queuePrefix, services.config.stackName));
    const tableName = services.config.tableName;
    const streamArn = await ensureTable(clients.dynamoDb, tableName);
    await ensureBodyBucket(s3ClientFromEnv(env), services.config.bodyBucket);
    if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true });

    let poller: PollerControl;
    if (options.separateProcesses === true) {
      const background = await startChildModule(
        new URL('./background-process.ts', import.meta.url),
        {
          ...env,
          FERRY_STREAM_ARN: streamArn,
          FERRY_DATA_DIR_ABSOLUTE: options.dataDir === undefined ? '' : resolve(options.dataDir),
        },
        (detail) => replayMetrics((detail as { metrics: MetricRecord[] }).metrics, metrics),
      );
      stops.unshift(() => background.stop());
      poller = {
        caughtUp: () => background.request('caughtUp'),
        stop: () => background.request('stopPoller'),
        start: () => background.request('startPoller'),
      };
    } else {
      const background = await startBackground({
        env,
        services,
        dynamoDbEndpoint: engines.dynamoDbEndpoint,
        streamArn,
        ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
        ...(options.onStreamError === undefined ? {} : { onStreamError: options.onStreamError }),
        ...(options.timeHandlers === undefined
          ? {}
          : { timeDispatcher: (ms: number) => options.timeHandlers?.('dispatcher', ms) }),
      });
      stops.unshift(() => background.stop());
      poller = background.poller;
    }

    // Push groups of an earlier run (a data folder) push again, as their mappings would in AWS.
    for (const group of await ports.catalog.listGroups()) if (group.push !== undefined) await pushers.sync(group);
    stops.unshift(() => pushers.stop());

    const app = createApp(services, {
      dashboard: { metrics: () => metrics.snapshot(), recentMessages: (topic, limit) => recent.recent(topic, limit) },
    });
    registerDashboardPage(app);
    const handle =
      options.timeHandlers === undefined ? app.fetch : timed(app.fetch, (ms) => options.timeHandlers?.('api', ms));
    const server = await listen(handle, options.port ?? 0);
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
      apiUrl: `http://${LOOPBACK}:${port}`,
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

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<ServerType> {
  const server = createAdaptorServer({ fetch });
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' ? new Error(`port ${port} is in use: stop what holds it or set FERRY_PORT`) : error,
      ),
    );
    server.listen(port, LOOPBACK, () => resolve(server));
  });
}

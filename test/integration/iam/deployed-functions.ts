// Ferry's five functions composed as their Lambda entries (lambda/handlers/*.ts) compose them, each with its own SDK
// clients recorded under its name, on the local engines: the API, the dispatcher behind a stream poller (Lambda's
// event source mapping, which reads the stream with the dispatcher's role), the tick fanning out over Lambda's Invoke
// API to the tick-shard function, and the stream redrive.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createApp } from '../../../lambda/api/app.ts';
import { createClients } from '../../../lambda/aws/clients.ts';
import { LambdaShardWaker } from '../../../lambda/aws/lambda-shard-waker.ts';
import { createAwsServices } from '../../../lambda/aws/services.ts';
import type { TickReport } from '../../../lambda/core/tick.ts';
import { createDispatchHandler } from '../../../lambda/handlers/dispatch-stream-batch.ts';
import { createStreamRedriveHandler } from '../../../lambda/handlers/stream-redrive.ts';
import { createTickShardHandler } from '../../../lambda/handlers/tick-shard.ts';
import { createTickHandler } from '../../../lambda/handlers/tick.ts';
import { localAwsEnv } from '../../../lambda/local/local-stack.ts';
import { StreamPoller } from '../../../lambda/local/stream-poller.ts';
import { ensureTable } from '../../../lambda/local/table.ts';
import { startLambdaInvokeEndpoint } from '../lambda-invoke-endpoint.ts';
import { startSchedulerEndpoint } from '../scheduler-endpoint.ts';
import { AwsCallRecorder, type FunctionName, type LocalNames } from './aws-calls.ts';

export interface DeployedFunctions {
  recorder: AwsCallRecorder;
  names: LocalNames;
  /** The API function's Hono app, called as API Gateway's integration calls it. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  /** One run of the tick function, as its schedule starts it. */
  tick(): Promise<TickReport>;
  /** Resolves once the dispatcher has handled every stream record written before the call. */
  dispatched(): Promise<void>;
  /** Stops the dispatcher's event source, as if it had given up on what follows. */
  stopDispatcher(): Promise<void>;
  startDispatcher(): void;
  /** The stream redrive function, given the on-failure records Lambda would put in its queue. */
  redrive(event: SQSEvent): Promise<SQSBatchResponse>;
  streamArn: string;
  stop(): Promise<void>;
}

const TICK_SHARD_FUNCTION = 'ferry-tick-shard';
const TICK_SCHEDULE = 'ferry-tick';

export async function startDeployedFunctions(options: {
  engines: { dynamoDbEndpoint: string; sqsEndpoint: string };
  tableName: string;
  queuePrefix: string;
  env: Record<string, string>;
}): Promise<DeployedFunctions> {
  const recorder = new AwsCallRecorder();
  const scheduler = await startSchedulerEndpoint();
  const shared = {
    ...localAwsEnv(options.engines),
    FERRY_TABLE_NAME: options.tableName,
    FERRY_QUEUE_PREFIX: options.queuePrefix,
    ...options.env,
  };
  // The SDK's default credential chain reads these, as in Lambda.
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  // The table exists before any function runs: CloudFormation creates it, with no function's role.
  const streamArn = await ensureTable(
    new DynamoDBClient({ endpoint: options.engines.dynamoDbEndpoint }),
    options.tableName,
  );

  /** Each function's own clients and services, configured from its own environment, as in its Lambda. */
  const servicesOf = (
    fn: FunctionName,
    env: Record<string, string>,
    extra: Parameters<typeof createAwsServices>[2] = {},
  ) => {
    const clients = createClients(env);
    recorder.record(fn, clients.dynamoDb, clients.documents, clients.sqs, clients.scheduler);
    return createAwsServices(env, clients, extra);
  };
  const streamsOf = (fn: FunctionName) => {
    const streams = new DynamoDBStreamsClient({ endpoint: options.engines.dynamoDbEndpoint });
    recorder.record(fn, streams);
    return streams;
  };

  const app = createApp(
    servicesOf('apiFunction', {
      ...shared,
      FERRY_TICK_SCHEDULE_NAME: TICK_SCHEDULE,
      AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
    }),
  );

  const poller = new StreamPoller({
    streams: streamsOf('dispatcherFunction'),
    streamArn,
    handler: createDispatchHandler(servicesOf('dispatcherFunction', shared).dispatcher),
    onError: () => undefined,
  });
  poller.start();

  const tickShard = createTickShardHandler(servicesOf('tickShardFunction', shared).tick);
  const lambda = await startLambdaInvokeEndpoint((event) => tickShard(event));
  const lambdaClient = new LambdaClient({ endpoint: lambda.url });
  recorder.record('tickFunction', lambdaClient);
  const tickEnv = { ...shared, FERRY_TICK_SHARD_FUNCTION: TICK_SHARD_FUNCTION };
  // lambda/aws/lambda-shard-waker.ts's shardWakerFromEnv, with a client this recorder sees.
  const tick = createTickHandler(
    servicesOf('tickFunction', tickEnv, { shardWaker: new LambdaShardWaker(lambdaClient, TICK_SHARD_FUNCTION) }).tick,
  );

  const redrive = createStreamRedriveHandler(
    createDispatchHandler(servicesOf('streamRedriveFunction', shared).dispatcher),
    streamsOf('streamRedriveFunction'),
  );

  return {
    recorder,
    names: {
      tableName: options.tableName,
      queuePrefix: options.queuePrefix,
      tickScheduleName: TICK_SCHEDULE,
      tickShardFunction: TICK_SHARD_FUNCTION,
    },
    async api(method, path, body) {
      const response = await app.request(path, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
    },
    tick,
    dispatched: () => poller.caughtUp(),
    stopDispatcher: () => poller.stop(),
    startDispatcher: () => poller.start(),
    redrive: (event) => redrive(event),
    streamArn,
    async stop() {
      await poller.stop();
      await lambda.close();
      await scheduler.close();
    },
  };
}

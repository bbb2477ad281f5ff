// Ferry's six functions composed as their Lambda entries (lambda/handlers/*.ts) compose them, each with its own SDK
// clients recorded under its name, on the local engines: the API (with its body store in fauxqs's S3, and making the
// pusher's event source mappings), the dispatcher behind a stream poller (Lambda's event source mapping, which reads
// the stream with the dispatcher's role), the tick fanning out over Lambda's Invoke API to the tick-shard function,
// the stream redrive, and the pusher behind the SQS polling of its mappings (with the pusher's role, as in Lambda).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createApp } from '../../../lambda/api/app.ts';
import { createClients, createCoreClients } from '../../../lambda/aws/clients.ts';
import { createAwsDispatcher } from '../../../lambda/aws/core-ports.ts';
import { LambdaPushMappings } from '../../../lambda/aws/lambda-push-mappings.ts';
import { LambdaShardWaker } from '../../../lambda/aws/lambda-shard-waker.ts';
import { S3BodyStore, s3ObjectsFromEnv } from '../../../lambda/aws/s3-body-store.ts';
import { createAwsApiPorts, createAwsPusher, createAwsTick } from '../../../lambda/aws/services.ts';
import { createApiServices } from '../../../lambda/core/services.ts';
import type { TickReport } from '../../../lambda/core/tick.ts';
import { createDispatchHandler } from '../../../lambda/handlers/dispatch-stream-batch.ts';
import { createPusherHandler } from '../../../lambda/handlers/pusher.ts';
import { createStreamRedriveHandler } from '../../../lambda/handlers/stream-redrive.ts';
import { createTickShardHandler } from '../../../lambda/handlers/tick-shard.ts';
import { createTickHandler } from '../../../lambda/handlers/tick.ts';
import { localAwsEnv } from '../../../lambda/local/local-stack.ts';
import { ensureBodyBucket, s3ClientFromEnv } from '../../../lambda/local/bucket.ts';
import { StreamPoller } from '../../../lambda/local/stream-poller.ts';
import { ensureTable } from '../../../lambda/local/table.ts';
import { startLambdaInvokeEndpoint } from '../lambda-invoke-endpoint.ts';
import { startLambdaMappingsEndpoint } from '../lambda-mappings-endpoint.ts';
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
  /** One poll of every push group's mapping, each batch handed to the pusher: how many messages it was handed. */
  push(): Promise<number>;
  /** An S3 client with no function's role, to do behind Ferry what the bucket's lifecycle rules do. */
  bodies: S3Client;
  streamArn: string;
  stop(): Promise<void>;
}

const TICK_SHARD_FUNCTION = 'ferry-tick-shard';
const TICK_SCHEDULE = 'ferry-tick';
const PUSHER_FUNCTION = 'arn:aws:lambda:us-east-1:000000000000:function:ferry-pusher';

export async function startDeployedFunctions(options: {
  engines: { dynamoDbEndpoint: string; sqsEndpoint: string };
  tableName: string;
  queuePrefix: string;
  bodyBucket: string;
  env: Record<string, string>;
}): Promise<DeployedFunctions> {
  const recorder = new AwsCallRecorder();
  const scheduler = await startSchedulerEndpoint();
  const shared = {
    ...localAwsEnv(options.engines),
    FERRY_TABLE_NAME: options.tableName,
    FERRY_QUEUE_PREFIX: options.queuePrefix,
    FERRY_BODY_BUCKET: options.bodyBucket,
    ...options.env,
  };
  // The SDK's default credential chain reads these, as in Lambda.
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  // The table exists before any function runs: CloudFormation creates it, with no function's role.
  const streamArn = await ensureTable(
    new DynamoDBClient({ endpoint: options.engines.dynamoDbEndpoint }),
    options.tableName,
  );
  // So does the body bucket.
  const bodies = s3ClientFromEnv(shared);
  await ensureBodyBucket(bodies, options.bodyBucket);

  /**
   * Each function's own clients, configured from its own environment, as in its Lambda: the API makes every client
   * (lambda/handlers/api.ts), the other functions the core ones (createCoreClients) and their one service.
   */
  const apiServicesOf = (env: Record<string, string>, extra: Parameters<typeof createAwsApiPorts>[2]) => {
    const clients = createClients(env);
    recorder.record('apiFunction', clients.dynamoDb, clients.documents, clients.sqs, clients.scheduler);
    return createApiServices(createAwsApiPorts(env, clients, extra));
  };
  const coreClientsOf = (fn: FunctionName, env: Record<string, string>) => {
    const clients = createCoreClients(env);
    recorder.record(fn, clients.dynamoDb, clients.documents, clients.sqs);
    return clients;
  };
  const streamsOf = (fn: FunctionName) => {
    const streams = new DynamoDBStreamsClient({ endpoint: options.engines.dynamoDbEndpoint });
    recorder.record(fn, streams);
    return streams;
  };

  // The pusher, fed by the mappings the API makes: Lambda polls a mapping's queue with the pusher's role.
  // With the S3 objects lambda/handlers/pusher.ts makes: a large body is pushed whole.
  const pusherS3 = s3ObjectsFromEnv(shared);
  recorder.recordS3('pusherFunction', pusherS3);
  const pusherClients = coreClientsOf('pusherFunction', shared);
  const pusher = createAwsPusher(shared, { bodies: new S3BodyStore(pusherS3, options.bodyBucket) }, pusherClients);
  const mappings = await startLambdaMappingsEndpoint({
    sqs: pusherClients.sqs,
    // fauxqs names a queue `<endpoint>/<account>/<name>`, as SQS does under its own host.
    queueUrlOf: (arn) => {
      const [, , , , account, name] = arn.split(':');
      return `${options.engines.sqsEndpoint}/${account!}/${name!}`;
    },
    handler: createPusherHandler({
      pusher: pusher.pusher,
      group: (name) => pusher.ports.catalog.getGroup(name),
      queuePrefix: options.queuePrefix,
    }),
  });

  // lambda/handlers/api.ts's s3BodyStoreFromEnv and lambda-push-mappings.ts's pushMappingsFromEnv, with clients this
  // recorder sees.
  const apiEnv = {
    ...shared,
    FERRY_TICK_SCHEDULE_NAME: TICK_SCHEDULE,
    AWS_ENDPOINT_URL_SCHEDULER: scheduler.url,
    FERRY_PUSHER_FUNCTION: PUSHER_FUNCTION,
    AWS_ENDPOINT_URL_LAMBDA: mappings.url,
  };
  const apiS3 = s3ObjectsFromEnv(apiEnv);
  recorder.recordS3('apiFunction', apiS3);
  const apiLambda = new LambdaClient({ endpoint: mappings.url });
  recorder.record('apiFunction', apiLambda);
  const app = createApp(
    apiServicesOf(apiEnv, {
      bodies: new S3BodyStore(apiS3, options.bodyBucket),
      pushMappings: new LambdaPushMappings(apiLambda, PUSHER_FUNCTION),
    }),
  );

  const poller = new StreamPoller({
    streams: streamsOf('dispatcherFunction'),
    streamArn,
    handler: createDispatchHandler(createAwsDispatcher(shared, coreClientsOf('dispatcherFunction', shared))),
    onError: () => undefined,
  });
  poller.start();

  const tickShard = createTickShardHandler(createAwsTick(shared, {}, coreClientsOf('tickShardFunction', shared)));
  const lambda = await startLambdaInvokeEndpoint((event) => tickShard(event));
  const lambdaClient = new LambdaClient({ endpoint: lambda.url });
  recorder.record('tickFunction', lambdaClient);
  const tickEnv = { ...shared, FERRY_TICK_SHARD_FUNCTION: TICK_SHARD_FUNCTION };
  // lambda/aws/lambda-shard-waker.ts's shardWakerFromEnv, with a client this recorder sees. Each run is a cold start,
  // so that each does all of a tick's work: a warm one counts dead letters only once a minute.
  const tick = () =>
    createTickHandler(
      createAwsTick(
        tickEnv,
        { shardWaker: new LambdaShardWaker(lambdaClient, TICK_SHARD_FUNCTION) },
        coreClientsOf('tickFunction', tickEnv),
      ),
    )();

  const redrive = createStreamRedriveHandler(
    createDispatchHandler(createAwsDispatcher(shared, coreClientsOf('streamRedriveFunction', shared))),
    streamsOf('streamRedriveFunction'),
  );

  return {
    recorder,
    names: {
      tableName: options.tableName,
      queuePrefix: options.queuePrefix,
      tickScheduleName: TICK_SCHEDULE,
      tickShardFunction: TICK_SHARD_FUNCTION,
      bodyBucket: options.bodyBucket,
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
    push: () => mappings.pollOnce(),
    bodies,
    streamArn,
    async stop() {
      await poller.stop();
      await lambda.close();
      await mappings.close();
      await scheduler.close();
    },
  };
}

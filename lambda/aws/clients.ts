// AWS SDK clients, configured only from the environment (AWS_ENDPOINT_URL_* for LocalStack and the local stack).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SchedulerClient } from '@aws-sdk/client-scheduler';

/** The clients' middleware stacks, for what a caller adds around every call (the benchmark's counters, chaos faults). */
export type ClientMiddlewareStack = DynamoDBClient['middlewareStack'] | SQSClient['middlewareStack'];
export type InstrumentClient = (service: 'DynamoDB' | 'SQS', middlewareStack: ClientMiddlewareStack) => void;

/** The clients every function uses. */
export interface CoreClients {
  dynamoDb: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  sqs: SQSClient;
}

/** And the Scheduler client, which only the API's health check uses (the tick schedule's state). */
export interface AwsClients extends CoreClients {
  scheduler: SchedulerClient;
}

type Env = Record<string, string | undefined>;

/**
 * AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL, as the SDK itself reads them, but from the given environment. Clients
 * that one handler alone needs (Lambda for the tick, DynamoDB Streams for the redrive) are made there, so that the
 * other bundles do not carry them.
 */
export function endpointFor(
  env: Env,
  service: 'DYNAMODB' | 'DYNAMODB_STREAMS' | 'SQS' | 'SCHEDULER' | 'LAMBDA' | 'S3',
): { endpoint?: string } {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  return endpoint === undefined ? {} : { endpoint };
}

/** `instrument`: middleware a caller adds (the Lambda handlers add none; the local stack may). */
export function createCoreClients(env: Env = process.env, instrument?: InstrumentClient): CoreClients {
  const dynamoDb = new DynamoDBClient(endpointFor(env, 'DYNAMODB'));
  // A message property named `constructor` hides Object's own: without convertClassInstanceToMap the marshaller no longer
  // knows the properties for a plain object and refuses them.
  const documents = DynamoDBDocumentClient.from(dynamoDb, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
  const sqs = new SQSClient(endpointFor(env, 'SQS'));
  instrument?.('DynamoDB', dynamoDb.middlewareStack);
  instrument?.('SQS', sqs.middlewareStack);
  return { dynamoDb, documents, sqs };
}

/** Every client, for the API and the local stack; the functions that run one service take createCoreClients. */
export function createClients(env: Env = process.env, instrument?: InstrumentClient): AwsClients {
  return { ...createCoreClients(env, instrument), scheduler: new SchedulerClient(endpointFor(env, 'SCHEDULER')) };
}

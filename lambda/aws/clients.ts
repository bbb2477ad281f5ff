// AWS SDK clients, configured only from the environment (AWS_ENDPOINT_URL_* for LocalStack and the local stack), with request counting.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { faultSettingsFrom, injectFaults } from './fault-injection.ts';

/** AWS requests made by this process, by `Service.Operation`; read by the benchmark. */
export const requestCounts = new Map<string, number>();
/** DynamoDB items written by this process (each is billed as at least one write unit); read by the benchmark. */
export const itemWriteCounts = new Map<string, number>();

interface CommandArgs {
  input?: { RequestItems?: Record<string, unknown[]>; TransactItems?: unknown[] };
}

interface MiddlewareStackLike {
  add(middleware: (next: (args: CommandArgs) => Promise<unknown>, context: { commandName?: string }) => (args: CommandArgs) => Promise<unknown>, options: { step: 'initialize'; name: string }): void;
}

function itemsWritten(operation: string, args: CommandArgs): number {
  if (operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem') return 1;
  if (operation === 'BatchWriteItem') return Object.values(args.input?.RequestItems ?? {}).reduce((sum, items) => sum + items.length, 0);
  if (operation === 'TransactWriteItems') return args.input?.TransactItems?.length ?? 0;
  return 0;
}

function countRequests(service: string, stack: MiddlewareStackLike): void {
  stack.add(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const key = `${service}.${operation}`;
      requestCounts.set(key, (requestCounts.get(key) ?? 0) + 1);
      const written = itemsWritten(operation, args);
      if (written > 0) itemWriteCounts.set(key, (itemWriteCounts.get(key) ?? 0) + written);
      return next(args);
    },
    { step: 'initialize', name: 'ferryRequestCounter' },
  );
}

export interface AwsClients {
  dynamoDb: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  sqs: SQSClient;
  scheduler: SchedulerClient;
}

type Env = Record<string, string | undefined>;

/**
 * AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL, as the SDK itself reads them, but from the given environment. Clients
 * that one handler alone needs (Lambda for the tick, DynamoDB Streams for the redrive) are made there, so that the
 * other bundles do not carry them.
 */
export function endpointFor(env: Env, service: 'DYNAMODB' | 'DYNAMODB_STREAMS' | 'SQS' | 'SCHEDULER' | 'LAMBDA'): { endpoint?: string } {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  return endpoint === undefined ? {} : { endpoint };
}

export function createClients(env: Env = process.env): AwsClients {
  const dynamoDb = new DynamoDBClient(endpointFor(env, 'DYNAMODB'));
  countRequests('DynamoDB', dynamoDb.middlewareStack as unknown as MiddlewareStackLike);
  const documents = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
  const sqs = new SQSClient(endpointFor(env, 'SQS'));
  countRequests('SQS', sqs.middlewareStack as unknown as MiddlewareStackLike);
  const scheduler = new SchedulerClient(endpointFor(env, 'SCHEDULER'));
  // Only the chaos runner sets FERRY_CHAOS_FAULT_RATE (npm run chaos): AWS calls then fail at random.
  const faults = faultSettingsFrom(env);
  if (faults !== undefined) {
    injectFaults('DynamoDB', dynamoDb.middlewareStack, faults);
    injectFaults('SQS', sqs.middlewareStack, faults);
  }
  return { dynamoDb, documents, sqs, scheduler };
}

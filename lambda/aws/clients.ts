// AWS SDK clients, configured only from the environment (AWS_ENDPOINT_URL_* for LocalStack and the local stack), with request counting.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

/** AWS requests made by this process, by `Service.Operation`; read by the benchmark. */
export const requestCounts = new Map<string, number>();

interface MiddlewareStackLike {
  add(middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>, options: { step: 'initialize'; name: string }): void;
}

function countRequests(service: string, stack: MiddlewareStackLike): void {
  stack.add(
    (next, context) => async (args) => {
      const key = `${service}.${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`;
      requestCounts.set(key, (requestCounts.get(key) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'ferryRequestCounter' },
  );
}

export interface AwsClients {
  dynamoDb: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  sqs: SQSClient;
}

type Env = Record<string, string | undefined>;

/** AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL, as the SDK itself reads them, but from the given environment. */
function endpointFor(env: Env, service: 'DYNAMODB' | 'SQS'): { endpoint?: string } {
  const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
  return endpoint === undefined ? {} : { endpoint };
}

export function createClients(env: Env = process.env): AwsClients {
  const dynamoDb = new DynamoDBClient(endpointFor(env, 'DYNAMODB'));
  countRequests('DynamoDB', dynamoDb.middlewareStack as unknown as MiddlewareStackLike);
  const documents = DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } });
  const sqs = new SQSClient(endpointFor(env, 'SQS'));
  countRequests('SQS', sqs.middlewareStack as unknown as MiddlewareStackLike);
  return { dynamoDb, documents, sqs };
}

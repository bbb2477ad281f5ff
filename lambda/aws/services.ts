// Builds Ferry's services on DynamoDB and SQS, configured from the environment: the same in AWS, LocalStack and the local stack.
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { readConfig } from '../core/config.ts';
import { systemClock } from '../core/ports.ts';
import { createServices, type FerryServices, type Ports } from '../core/services.ts';
import { createClients, type AwsClients } from './clients.ts';
import { DynamoCatalog } from './dynamo-catalog.ts';
import { DynamoMessageStore } from './dynamo-message-store.ts';
import { SqsQueues } from './sqs-queues.ts';

type Env = Record<string, string | undefined>;

export function createAwsPorts(env: Env = process.env, clients: AwsClients = createClients(env)): Ports {
  const config = readConfig(env);
  return {
    catalog: new DynamoCatalog(clients.documents, config.tableName),
    store: new DynamoMessageStore(clients.documents, config.tableName, config.defaultRetentionHours),
    queues: new SqsQueues(clients.sqs, config.queuePrefix),
    clock: systemClock,
    config,
    checks: {
      table: async () => {
        const { Table } = await clients.dynamoDb.send(new DescribeTableCommand({ TableName: config.tableName }));
        if (Table?.TableStatus !== 'ACTIVE') throw new Error(`table ${config.tableName} is ${Table?.TableStatus ?? 'missing'}`);
      },
    },
  };
}

export function createAwsServices(env: Env = process.env, clients: AwsClients = createClients(env)): FerryServices {
  return createServices(createAwsPorts(env, clients));
}

// The port contracts on the AWS adapters, against DynamoDB Local and fauxqs (started by the integration globalSetup).
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { createClients } from '../../lambda/aws/clients.ts';
import { DynamoCatalog } from '../../lambda/aws/dynamo-catalog.ts';
import { DynamoMessageStore } from '../../lambda/aws/dynamo-message-store.ts';
import { SqsQueues } from '../../lambda/aws/sqs-queues.ts';
import { systemClock } from '../../lambda/core/ports.ts';
import { TimerWheel } from '../../lambda/core/timers.ts';
import { localAwsEnv } from '../../lambda/local/local-stack.ts';
import { ensureTable } from '../../lambda/local/table.ts';
import { S3BodyStore, s3ObjectsFromEnv } from '../../lambda/aws/s3-body-store.ts';
import { ensureBodyBucket, s3ClientFromEnv } from '../../lambda/local/bucket.ts';
import type { Adapters } from './adapters.ts';
import { bodyStoreContract } from './body-store.contract.ts';
import { catalogStoreContract } from './catalog-store.contract.ts';
import { messageStoreContract } from './message-store.contract.ts';
import { queueServiceContract } from './queue-service.contract.ts';

const engines = { dynamoDbEndpoint: inject('dynamoDbEndpoint'), sqsEndpoint: inject('sqsEndpoint') };
const awsEnv = localAwsEnv(engines);
// The SDK's default credential and region chain reads these, as in Lambda.
Object.assign(process.env, {
  AWS_REGION: awsEnv.AWS_REGION,
  AWS_ACCESS_KEY_ID: awsEnv.AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: awsEnv.AWS_SECRET_ACCESS_KEY,
});

/** Each test gets a table of its own (when it needs one) and a queue prefix of its own. */
async function awsAdapters(options: { table: boolean }): Promise<Adapters> {
  const id = randomBytes(3).toString('hex');
  const clients = createClients(awsEnv);
  const tableName = `contract-${id}`;
  if (options.table) await ensureTable(clients.dynamoDb, tableName);
  const wheel = new TimerWheel(60, 2);
  return {
    store: new DynamoMessageStore(clients.documents, tableName, 72, wheel),
    catalog: new DynamoCatalog(clients.documents, tableName),
    queues: new SqsQueues(clients.sqs, `c${id}-`, 'contract'),
    wheel,
    now: () => systemClock.now(),
    passTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    close: async () => {
      if (options.table) await clients.dynamoDb.send(new DeleteTableCommand({ TableName: tableName }));
      clients.dynamoDb.destroy();
      clients.sqs.destroy();
    },
  };
}

messageStoreContract('DynamoDB Local', () => awsAdapters({ table: true }));
catalogStoreContract('DynamoDB Local', () => awsAdapters({ table: true }));
queueServiceContract('fauxqs', () => awsAdapters({ table: false }), [
  'accepts-invalid-receipt-handles',
  'accepts-delays-over-900-seconds',
  'counts-visibility-0-receives-as-in-flight',
]);
bodyStoreContract('fauxqs S3', async () => {
  const s3 = s3ClientFromEnv(awsEnv);
  const bucket = `contract-${randomBytes(3).toString('hex')}`;
  await ensureBodyBucket(s3, bucket);
  return { bodies: new S3BodyStore(s3ObjectsFromEnv(awsEnv), bucket), bucket, close: async () => s3.destroy() };
});

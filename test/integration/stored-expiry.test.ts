// The expiry Ferry stores on each message (DynamoDB Local runs no TTL, so the stored value is what is tested).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.ts';

let stack: TestStack;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  stack = await startTestStack();
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.dynamoDbEndpoint }));
});
afterAll(async () => {
  documents?.destroy();
  await stack?.stop();
});

async function storedExpiry(messageId: string): Promise<number> {
  const { Item } = await documents.send(
    new GetCommand({ TableName: stack.tableName, Key: { pk: `M#${messageId}`, sk: `M#${messageId}` } }),
  );
  return Number(Item?.expiresAt);
}

describe('stored expiry (DynamoDB TTL)', () => {
  it('a message scheduled 300 days ahead on a topic kept 1 hour expires 1 hour after its delivery time', async () => {
    await stack.client.putTopic('far-timeouts', 'DELAY', 1);
    const deliverAt = Date.now() + 300 * 86_400_000;
    const { messageId, state } = await stack.client.publish('far-timeouts', { body: 'renewal reminder', deliverAt });
    expect(state).toBe('SCHEDULED');
    expect(await storedExpiry(messageId)).toBe(Math.ceil(deliverAt / 1000 + 3600));
  });

  it('a prepared transaction on a topic kept 1 hour outlives every check-back and the rollback after them', async () => {
    await stack.client.putTopic('short-txns', 'TRANSACTION', 1);
    await stack.client.putProducerGroup('checkout');
    const before = Date.now();
    const { messageId } = await stack.client.publish('short-txns', { body: 'order 42', producerGroup: 'checkout' });
    const { txnCheckFirstSeconds, txnCheckIntervalSeconds, txnCheckMax } = stack.services.config;
    const lastCheck = before / 1000 + txnCheckFirstSeconds + txnCheckMax * txnCheckIntervalSeconds;
    expect(await storedExpiry(messageId)).toBeGreaterThan(lastCheck + txnCheckIntervalSeconds + 3600);
  });
});

// Loss windows closed (issue 9), end to end on the local engines: duplicate detection, the receive answer limit, the
// sweep, and the publish rules that keep poison messages out (rules the engines would not enforce are tested as rules).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { decodeTime } from 'ulid';
import { createClients } from '../../lambda/aws/clients.ts';
import { toOutboxItem } from '../../lambda/aws/message-items.ts';
import { outboxKey } from '../../lambda/aws/table-layout.ts';
import { RECEIVE_ANSWER_MAX_BYTES } from '../../lambda/core/consume.ts';
import type { MessageId } from '../../lambda/core/model.ts';
import { drain, request, startTestStack, type TestStack } from './harness.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
  await stack.client.putTopic('orders', 'NORMAL');
  await stack.client.putTopic('order-events', 'FIFO');
});
afterAll(async () => {
  await stack?.stop();
});

describe('duplicate detection', () => {
  it('a publish retried with its dedupKey answers 200 with the first message, and the group receives it once', async () => {
    await stack.client.putGroup('dedup-reader', [{ topic: 'orders' }]);
    const first = await request(stack, 'POST', '/v1/topics/orders/messages', {
      body: 'order 42 paid',
      dedupKey: 'order-42-paid',
    });
    const retried = await request(stack, 'POST', '/v1/topics/orders/messages', {
      body: 'order 42 paid',
      dedupKey: 'order-42-paid',
    });
    expect(first.status).toBe(200);
    expect(retried).toEqual({ status: 200, json: { ...(first.json as object), duplicate: true } });
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () =>
        stack.client.publish('orders', { body: 'order 43 paid', dedupKey: 'order-43-paid' }),
      ),
    );
    expect(new Set(concurrent.map((result) => result.messageId)).size).toBe(1);
    const received = await drain(stack, 'dedup-reader', 3, 4000);
    expect(received.map((message) => message.body).sort()).toEqual(['order 42 paid', 'order 43 paid']);
  });
});

describe('the receive answer limit (Lambda answers at most 6 MB)', () => {
  it('a receive of 32 messages of 250 KB answers at most 5 MiB, and the rest is receivable at once, none lost', async () => {
    await stack.client.putGroup('big-reader', [{ topic: 'orders' }]);
    const bodies = Array.from({ length: 32 }, (_, i) => `${String(i).padStart(2, '0')}${'x'.repeat(250 * 1024)}`);
    for (let start = 0; start < bodies.length; start += 8) {
      await stack.client.publishBatch(
        'orders',
        bodies.slice(start, start + 8).map((body) => ({ body })),
      );
    }
    await stack.dispatched();
    const response = await fetch(`${stack.apiUrl}/v1/groups/big-reader/receive`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ maxMessages: 32, waitSeconds: 5 }),
    });
    const answer = await response.text();
    expect(Buffer.byteLength(answer)).toBeLessThanOrEqual(RECEIVE_ANSWER_MAX_BYTES);
    const first = (JSON.parse(answer) as { messages: Array<{ body: string; receiptHandle: string }> }).messages;
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(32);
    await stack.client.ack(
      'big-reader',
      first.map((message) => message.receiptHandle),
    );
    const rest = await drain(stack, 'big-reader', 32 - first.length, 10_000);
    expect([...first, ...rest].map((message) => message.body.slice(0, 2)).sort()).toEqual(
      bodies.map((body) => body.slice(0, 2)),
    );
  });
});

describe('the sweep', () => {
  it('a READY message the stream never handed on reaches its group through the sweep on the tick', async () => {
    const missed = await startTestStack({ env: { FERRY_SWEEP_AFTER_SECONDS: '1' } });
    try {
      await missed.client.putTopic('orders', 'NORMAL');
      await missed.client.putGroup('sweep-reader', [{ topic: 'orders' }]);
      await missed.poller.stop();
      const { messageId } = await missed.client.publish('orders', { body: 'missed by the stream' });
      const [message] = await drain(missed, 'sweep-reader', 1, 15_000);
      expect(message?.messageId).toBe(messageId);
      const { events } = await missed.client.getMessage(messageId);
      expect(events.map((event) => event.type)).toContain('DISPATCHED');
    } finally {
      await missed.stop();
    }
  });

  it('an outbox entry an earlier version wrote for a message published READY is swept once, then cleared', async () => {
    const missed = await startTestStack({ env: { FERRY_SWEEP_AFTER_SECONDS: '1' } });
    const { documents } = createClients({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: missed.dynamoDbEndpoint,
    });
    try {
      await missed.client.putTopic('orders', 'NORMAL');
      await missed.client.putGroup('legacy-reader', [{ topic: 'orders' }]);
      await missed.poller.stop();
      const { messageId } = await missed.client.publish('orders', { body: 'published by an earlier version' });
      // Versions before the walk wrote an outbox entry beside every READY message, as of its publish (so that the walk
      // and the outbox find it due in the same sweep: an entry dated later was found by a later sweep, and sent again).
      const ref = { messageId: messageId as MessageId, topic: 'orders' };
      const bornAt = decodeTime(messageId);
      await documents.send(
        new PutCommand({
          TableName: missed.tableName,
          Item: toOutboxItem(ref, bornAt, Math.ceil(bornAt / 1000) + 3600),
        }),
      );
      const [message] = await drain(missed, 'legacy-reader', 1, 15_000);
      expect(message?.messageId).toBe(messageId);
      await expect
        .poll(
          async () => (await documents.send(new GetCommand({ TableName: missed.tableName, Key: outboxKey(ref) }))).Item,
          {
            timeout: 10_000,
          },
        )
        .toBeUndefined();
      // Three more ticks: sent once, not on every sweep.
      expect(await drain(missed, 'legacy-reader', 1, 3_500)).toEqual([]);
    } finally {
      await missed.stop();
    }
  });
});

describe('publish rules that keep poison out', () => {
  it.each([
    ['a space', 'order 42'],
    ['a character beyond ASCII', 'bestellung-ü'],
    ['129 characters', 'g'.repeat(129)],
  ])(
    'a FIFO messageGroup with %s is refused with a 400 naming the SQS MessageGroupId rule (fauxqs would accept it)',
    async (_, messageGroup) => {
      const answer = await request(stack, 'POST', '/v1/topics/order-events/messages', { body: 'x', messageGroup });
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.json)).toMatch(/ASCII letters, digits and punctuation/);
    },
  );

  it('a batch refuses only the entry with a bad messageGroup, and stores the others', async () => {
    const answer = await request(stack, 'POST', '/v1/topics/order-events/messages/batch', {
      messages: [
        { body: 'a', messageGroup: 'ok-1' },
        { body: 'b', messageGroup: 'not ok' },
      ],
    });
    expect(answer.status).toBe(200);
    const results = (answer.json as { results: Array<Record<string, unknown>> }).results;
    expect(results[0]).toHaveProperty('messageId');
    expect(results[1]).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  });

  it('property values are limited in UTF-8 bytes, not characters: 1,024 multi-byte characters are refused', async () => {
    const answer = await request(stack, 'POST', '/v1/topics/orders/messages', {
      body: 'x',
      properties: { note: 'ü'.repeat(1024) },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json)).toMatch(/1024 bytes in UTF-8/);
  });
});

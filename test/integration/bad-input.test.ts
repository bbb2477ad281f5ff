// Every bad request gets the contract's JSON error with the right 4xx, and nothing of it reaches storage or queues.
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, request, startTestStack, type TestStack } from './harness.ts';

let stack: TestStack;
let dynamoDb: DynamoDBClient;

async function itemCount(): Promise<number> {
  const { Count } = await dynamoDb.send(
    new ScanCommand({ TableName: stack.tableName, Select: 'COUNT', ConsistentRead: true }),
  );
  return Count ?? 0;
}

beforeAll(async () => {
  // No tick after the one at start: its sweep writes a mark for each new topic, which a count of the table would
  // take for something a refused request stored (it did, once in a CI run: 7 items before, 9 after).
  stack = await startTestStack({ env: { FERRY_MAX_BODY_BYTES: '1024', FERRY_TICK_SECONDS: '3600' } });
  dynamoDb = new DynamoDBClient({ endpoint: stack.dynamoDbEndpoint });
  await stack.client.putTopic('orders', 'NORMAL');
  await stack.client.putTopic('fifo-orders', 'FIFO');
  await stack.client.putTopic('timeouts', 'DELAY');
  await stack.client.putGroup('billing', [{ topic: 'orders' }]);
});
afterAll(async () => {
  await stack?.stop();
});

const cases: Array<[string, string, string, unknown, number, string]> = [
  ['invalid JSON', 'POST', '/v1/topics/orders/messages', '{"body": ', 400, 'MALFORMED_JSON'],
  ['a body that is not a string', 'POST', '/v1/topics/orders/messages', { body: 42 }, 400, 'INVALID_REQUEST'],
  ['a missing body', 'POST', '/v1/topics/orders/messages', { tag: 'a' }, 400, 'INVALID_REQUEST'],
  ['an unknown field', 'POST', '/v1/topics/orders/messages', { body: 'x', colour: 'red' }, 400, 'INVALID_REQUEST'],
  [
    'properties that are not strings',
    'POST',
    '/v1/topics/orders/messages',
    { body: 'x', properties: { amount: 30 } },
    400,
    'INVALID_REQUEST',
  ],
  [
    'a property name that is no identifier',
    'POST',
    '/v1/topics/orders/messages',
    { body: 'x', properties: { 'a b': '1' } },
    400,
    'INVALID_REQUEST',
  ],
  [
    'a tag with blank space around it (no tag filter could select it)',
    'POST',
    '/v1/topics/orders/messages',
    { body: 'x', tag: 'paid ' },
    400,
    'INVALID_REQUEST',
  ],
  ['a blank tag', 'POST', '/v1/topics/orders/messages', { body: 'x', tag: ' ' }, 400, 'INVALID_REQUEST'],
  [
    'a blank tag filter (it would subscribe the group to every message)',
    'PUT',
    '/v1/groups/blank-filter',
    { subscriptions: [{ topic: 'orders', filter: { type: 'TAG', expression: ' ' } }] },
    400,
    'INVALID_REQUEST',
  ],
  [
    'a blank SQL92 filter',
    'PUT',
    '/v1/groups/blank-filter',
    { subscriptions: [{ topic: 'orders', filter: { type: 'SQL92', expression: '\t\n' } }] },
    400,
    'INVALID_REQUEST',
  ],
  [
    'a property named __proto__ (JavaScript would drop it unseen)',
    'POST',
    '/v1/topics/orders/messages',
    '{"body":"x","properties":{"__proto__":"1"}}',
    400,
    'INVALID_REQUEST',
  ],
  [
    'a query time past what a date holds',
    'GET',
    '/v1/topics/orders/messages?from=0&to=99999999999999999999',
    undefined,
    400,
    'INVALID_TIME',
  ],
  ['a tag with ||', 'POST', '/v1/topics/orders/messages', { body: 'x', tag: 'A||B' }, 400, 'INVALID_REQUEST'],
  ['an unknown topic', 'POST', '/v1/topics/nope/messages', { body: 'x' }, 404, 'TOPIC_NOT_FOUND'],
  ['a bad topic name', 'POST', '/v1/topics/bad%20name/messages', { body: 'x' }, 400, 'INVALID_REQUEST'],
  ['a body over the limit', 'POST', '/v1/topics/orders/messages', { body: 'x'.repeat(1025) }, 413, 'PAYLOAD_TOO_LARGE'],
  [
    'a request over the request limit',
    'POST',
    '/v1/topics/orders/messages',
    JSON.stringify({ body: 'x'.repeat(7 * 1024 * 1024) }),
    413,
    'PAYLOAD_TOO_LARGE',
  ],
  [
    'a message group on a normal topic',
    'POST',
    '/v1/topics/orders/messages',
    { body: 'x', messageGroup: 'g' },
    400,
    'MESSAGE_TYPE_MISMATCH',
  ],
  [
    'no message group on a FIFO topic',
    'POST',
    '/v1/topics/fifo-orders/messages',
    { body: 'x' },
    400,
    'MESSAGE_GROUP_REQUIRED',
  ],
  [
    'a delay on a normal topic',
    'POST',
    '/v1/topics/orders/messages',
    { body: 'x', delaySeconds: 5 },
    400,
    'MESSAGE_TYPE_MISMATCH',
  ],
  [
    'a delay on a FIFO topic (FIFO and DELAY are kept apart)',
    'POST',
    '/v1/topics/fifo-orders/messages',
    { body: 'x', messageGroup: 'g', delaySeconds: 5 },
    400,
    'MESSAGE_TYPE_MISMATCH',
  ],
  [
    'a message group on a DELAY topic',
    'POST',
    '/v1/topics/timeouts/messages',
    { body: 'x', messageGroup: 'g', delaySeconds: 5 },
    400,
    'MESSAGE_TYPE_MISMATCH',
  ],
  [
    'a delivery time that is no time',
    'POST',
    '/v1/topics/timeouts/messages',
    { body: 'x', deliverAt: 'tomorrow' },
    400,
    'INVALID_DELIVERY_TIME',
  ],
  ['a negative delay', 'POST', '/v1/topics/timeouts/messages', { body: 'x', delaySeconds: -5 }, 400, 'INVALID_REQUEST'],
  [
    'a producer group on a normal topic',
    'POST',
    '/v1/topics/orders/messages',
    { body: 'x', producerGroup: 'p' },
    400,
    'MESSAGE_TYPE_MISMATCH',
  ],
  ['an empty batch', 'POST', '/v1/topics/orders/messages/batch', { messages: [] }, 400, 'INVALID_REQUEST'],
  [
    'a topic re-created with another type',
    'PUT',
    '/v1/topics/orders',
    { messageType: 'FIFO' },
    409,
    'TOPIC_TYPE_CONFLICT',
  ],
  ['an unknown message type', 'PUT', '/v1/topics/t2', { messageType: 'URGENT' }, 400, 'INVALID_REQUEST'],
  [
    'a group on an unknown topic',
    'PUT',
    '/v1/groups/g2',
    { subscriptions: [{ topic: 'nope' }] },
    404,
    'TOPIC_NOT_FOUND',
  ],
  ['a group without subscriptions', 'PUT', '/v1/groups/g2', { subscriptions: [] }, 400, 'INVALID_REQUEST'],
  [
    'a group with a bad name',
    'PUT',
    '/v1/groups/g.2',
    { subscriptions: [{ topic: 'orders' }] },
    400,
    'INVALID_REQUEST',
  ],
  [
    'a group mixing FIFO and normal topics',
    'PUT',
    '/v1/groups/g2',
    { subscriptions: [{ topic: 'orders' }, { topic: 'fifo-orders' }] },
    400,
    'MIXED_FIFO_SUBSCRIPTIONS',
  ],
  [
    'maxDeliveryAttempts of 0',
    'PUT',
    '/v1/groups/g2',
    { subscriptions: [{ topic: 'orders' }], maxDeliveryAttempts: 0 },
    400,
    'INVALID_REQUEST',
  ],
  ['receive from an unknown group', 'POST', '/v1/groups/nope/receive', {}, 404, 'GROUP_NOT_FOUND'],
  ['receive of 33 messages', 'POST', '/v1/groups/billing/receive', { maxMessages: 33 }, 400, 'INVALID_REQUEST'],
  [
    'ack with a forged receipt handle',
    'POST',
    '/v1/groups/billing/ack',
    { receiptHandles: ['forged'] },
    400,
    'INVALID_RECEIPT_HANDLE',
  ],
  ['nack without a receipt handle', 'POST', '/v1/groups/billing/nack', {}, 400, 'INVALID_REQUEST'],
  ['an unknown message id', 'GET', '/v1/messages/01JDZZZZZZZZZZZZZZZZZZZZZZ', undefined, 404, 'MESSAGE_NOT_FOUND'],
  ['an unknown route', 'GET', '/v1/nothing-here', undefined, 404, 'ROUTE_NOT_FOUND'],
];

describe('bad input', () => {
  it.each(cases)(
    '%s gets its 4xx with a JSON error, and nothing is stored',
    async (_name, method, path, body, status, code) => {
      const before = await itemCount();
      const response = await request(stack, method, path, body);
      expect(response.status).toBe(status);
      const error = (response.json as { error: { code: string; message: string } }).error;
      expect(error.code).toBe(code);
      expect(error.message.length).toBeGreaterThan(10);
      expect(await itemCount()).toBe(before);
    },
  );

  it('properties named like Object’s own (constructor, toString) are stored and delivered as any other', async () => {
    const properties = { constructor: 'y', toString: 'z', hasOwnProperty: 'w' };
    const single = await request(stack, 'POST', '/v1/topics/orders/messages', { body: 'own names', properties });
    expect(single.status).toBe(200);
    const batch = await request(stack, 'POST', '/v1/topics/orders/messages/batch', {
      messages: [{ body: 'own names, batched', properties }],
    });
    expect(batch.status).toBe(200);
    const received = await drain(stack, 'billing', 2, 10_000);
    received.sort((a, b) => a.body.localeCompare(b.body));
    expect(received.map((message) => [message.body, message.properties])).toEqual([
      ['own names', properties],
      ['own names, batched', properties],
    ]);
  });

  it('a time left out or given wrongly is named with what it takes, not "Invalid input"', async () => {
    const missing = await request(stack, 'POST', '/v1/groups/billing/replay', { topic: 'orders', from: 0 });
    expect(missing).toMatchObject({
      status: 400,
      json: { error: { message: 'body.to: required: a time, ISO 8601 or epoch ms' } },
    });
    const wrong = await request(stack, 'POST', '/v1/topics/orders/messages', { body: 'x', deliverAt: null });
    expect(wrong).toMatchObject({
      status: 400,
      json: { error: { message: 'body.deliverAt: a time: ISO 8601 (2026-11-25T10:00:00Z) or epoch ms' } },
    });
  });

  it('a day the calendar does not have (30 February, 31 April) is refused, not moved to the next month', async () => {
    for (const deliverAt of ['2027-02-30T00:00:00Z', '2027-04-31T10:00:00Z', '2027-02-29T00:00:00Z']) {
      const published = await request(stack, 'POST', '/v1/topics/timeouts/messages', { body: 'x', deliverAt });
      expect(published, deliverAt).toMatchObject({ status: 400, json: { error: { code: 'INVALID_DELIVERY_TIME' } } });
    }
    const query = await request(
      stack,
      'GET',
      '/v1/topics/orders/messages?from=2026-02-30T00:00:00Z&to=2026-03-01T00:00:00Z',
    );
    expect(query).toMatchObject({ status: 400, json: { error: { code: 'INVALID_TIME' } } });
    // A leap day is one (in the past: delivered at once).
    const leap = await request(stack, 'POST', '/v1/topics/timeouts/messages', {
      body: 'x',
      deliverAt: '2024-02-29T00:00:00Z',
    });
    expect(leap).toMatchObject({ status: 200, json: { state: 'READY' } });
  });

  it('a half message naming a producer group that does not exist is a 404 and is not stored, alone or in a batch', async () => {
    await stack.client.putTopic('order-txns', 'TRANSACTION');
    await stack.client.putProducerGroup('checkout');
    // A misspelt name: nobody would answer or pull its check-backs, and it would be rolled back when they ran out.
    const alone = await request(stack, 'POST', '/v1/topics/order-txns/messages', {
      body: 'x',
      keys: ['ghost-alone'],
      producerGroup: 'chekout',
    });
    expect(alone).toMatchObject({
      status: 404,
      json: { error: { code: 'PRODUCER_GROUP_NOT_FOUND', message: "producer group 'chekout' does not exist" } },
    });
    const batch = await request(stack, 'POST', '/v1/topics/order-txns/messages/batch', {
      messages: [
        { body: 'y', keys: ['ghost-batch'], producerGroup: 'checkout' },
        { body: 'z', keys: ['ghost-batch'], producerGroup: 'chekout' },
      ],
    });
    expect(batch.status).toBe(200);
    const results = (batch.json as { results: Array<{ state?: string; error?: { code: string } }> }).results;
    expect(results.map((result) => result.state ?? result.error?.code)).toEqual([
      'PREPARED',
      'PRODUCER_GROUP_NOT_FOUND',
    ]);
    const stored = await stack.client.call<{ messages: Array<{ body: string }> }>(
      'GET',
      '/v1/topics/order-txns/messages?key=ghost-alone',
    );
    expect(stored.messages).toEqual([]);
  });

  it('a body sent as another media type than JSON is a 415 that says to send JSON', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/topics/orders/messages`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"body":"x"}',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      error: {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        message: 'send the request body as JSON, with the header content-type: application/json',
      },
    });
  });

  it('a page limit is a whole number from 1 to 100 in digits; another notation is refused, not read', async () => {
    for (const limit of ['1e2', '0x10', '%205', '0', '101', '2.5', ''])
      expect(await request(stack, 'GET', `/v1/topics/orders/messages?from=0&to=1&limit=${limit}`), limit).toMatchObject(
        {
          status: 400,
          json: { error: { code: 'INVALID_REQUEST', message: 'query.limit: a whole number from 1 to 100, in digits' } },
        },
      );
    for (const limit of ['1', '20', '100'])
      expect(await request(stack, 'GET', `/v1/topics/orders/messages?from=0&to=1&limit=${limit}`), limit).toEqual({
        status: 200,
        json: { messages: [] },
      });
  });

  it('a query up to the last time a date holds (past the last time a message id holds) answers, empty', async () => {
    const response = await request(
      stack,
      'GET',
      '/v1/topics/orders/messages?from=8000000000000000&to=8640000000000000',
    );
    expect(response).toEqual({ status: 200, json: { messages: [] } });
  });

  it('a batch stores its valid messages and answers an error, in order, for each invalid one', async () => {
    const response = await request(stack, 'POST', '/v1/topics/orders/messages/batch', {
      messages: [{ body: 'ok 1' }, { body: 7 }, { body: 'ok 2', messageGroup: 'g' }, { body: 'ok 3' }],
    });
    expect(response.status).toBe(200);
    const results = (response.json as { results: Array<{ messageId?: string; error?: { code: string } }> }).results;
    expect(results.map((result) => result.error?.code ?? 'OK')).toEqual([
      'OK',
      'INVALID_REQUEST',
      'MESSAGE_TYPE_MISMATCH',
      'OK',
    ]);
    await stack.dispatched();
    const received = await drain(stack, 'billing', 2, 5000);
    expect(received.map((message) => message.body).sort()).toEqual(['ok 1', 'ok 3']);
  });
});

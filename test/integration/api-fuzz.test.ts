// Property-based fuzz of every route the OpenAPI document lists (routes added later are fuzzed too): whatever the path,
// query and body, Ferry answers no 5xx, every error is the contract's JSON, a request built to be invalid is a 4xx, a
// refused request stores nothing (table items and queue contents unchanged), and health is 200 afterwards.
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  requestArbitrary,
  routesOf,
  type FuzzRequest,
  type KnownValues,
  type OpenApiDocument,
  type Route,
} from './api-fuzz/openapi-arbitraries.ts';
import { startTestStack, type TestStack } from './harness.ts';

/** How long the fuzz runs (FERRY_FUZZ_SECONDS for a longer hunt); every route gets its share of the cases. */
const FUZZ_MS = Number(process.env.FERRY_FUZZ_SECONDS ?? 20) * 1000;
/** Cases per route in one round. */
const CASES_PER_ROUND = 3;
/**
 * The first round's seed. Fixed, so that the suite tries the cases it tried before and a red run is one that a change
 * made red; FERRY_FUZZ_SEED replays a run, or hunts with other seeds (a finding is then pinned in the test below).
 */
const FUZZ_SEED = Number(process.env.FERRY_FUZZ_SEED ?? 20_261_203);

let stack: TestStack;
let dynamoDb: DynamoDBClient;
let sqs: SQSClient;
let doc: OpenApiDocument;
const known: KnownValues = {};

beforeAll(async () => {
  // No tick during the fuzz (the stack runs one at start): only the requests change what is stored.
  stack = await startTestStack({ env: { FERRY_TICK_SECONDS: '3600', FERRY_MAX_BODY_BYTES: '4096' } });
  dynamoDb = new DynamoDBClient({ endpoint: stack.dynamoDbEndpoint });
  sqs = new SQSClient({ endpoint: stack.sqsEndpoint });
  const client = stack.client;
  await client.putTopic('orders', 'NORMAL');
  await client.putTopic('events', 'FIFO');
  await client.putTopic('later', 'DELAY');
  await client.putTopic('txns', 'TRANSACTION');
  await client.putGroup('billing', [{ topic: 'orders' }]);
  await client.putGroup('sequencer', [{ topic: 'events' }]);
  await client.putProducerGroup('checkout', {});
  const ready = await client.publish('orders', { body: 'order 1' });
  const scheduled = await client.publish('later', { body: 'close order 1', delaySeconds: 3600 });
  const prepared = await client.publish('txns', { body: 'order 1 paid', producerGroup: 'checkout' });
  await stack.dispatched();
  Object.assign(known, {
    topic: ['orders', 'events', 'later', 'txns'],
    group: ['billing', 'sequencer'],
    name: ['checkout'],
    messageId: [ready.messageId, scheduled.messageId, prepared.messageId],
  });
  doc = (await (await fetch(`${stack.apiUrl}/v1/openapi.json`)).json()) as OpenApiDocument;
});
afterAll(async () => {
  await stack?.stop();
});

/** What a request may have stored: the table's items, and each queue with the messages it holds. */
async function stored(): Promise<{ items: number; queues: Record<string, number> }> {
  const [{ Count }, { QueueUrls }] = await Promise.all([
    dynamoDb.send(new ScanCommand({ TableName: stack.tableName, Select: 'COUNT', ConsistentRead: true })),
    sqs.send(new ListQueuesCommand({ QueueNamePrefix: stack.services.config.queuePrefix })),
  ]);
  const queues = await Promise.all(
    (QueueUrls ?? []).map(async (url) => {
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
      const held = (
        [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ] as const
      )
        .map((name) => Number(Attributes?.[name] ?? 0))
        .reduce((sum, count) => sum + count, 0);
      return [url.split('/').at(-1)!, held] as const;
    }),
  );
  return { items: Count ?? 0, queues: Object.fromEntries(queues) };
}

type Sent = Pick<FuzzRequest, 'method' | 'path' | 'body'>;

async function send(request: Sent): Promise<{ status: number; text: string }> {
  const response = await fetch(`${stack.apiUrl}${request.path}`, {
    method: request.method,
    headers: request.body === undefined ? {} : { 'content-type': 'application/json' },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  return { status: response.status, text: await response.text() };
}

function describeRequest(request: Sent): string {
  return `${request.method} ${request.path}${request.body === undefined ? '' : ` ${request.body.slice(0, 300)}`}`;
}

describe('the API under fuzzed requests', () => {
  // Cases a hunt found (FERRY_FUZZ_SEED), kept so that they are tried every time.
  it('refuses with a 400 what the fuzz once answered with a 500', async () => {
    const found: Sent[] = [
      // An object with a `length` (whose toString is no function) where an array is expected: zod ran its length check
      // on it and threw; lambda/api/primitive-trap.ts refuses it first (patches/README.md).
      { method: 'PUT', path: '/v1/groups/billing', body: '{"subscriptions":{"length":{"toString":""}}}' },
      { method: 'PUT', path: '/v1/groups/billing', body: '{"subscriptions":{"length":{}}}' },
      { method: 'PUT', path: '/v1/topics/orders', body: '{"messageType":{"length":{"valueOf":1}}}' },
    ];
    const before = await stored();
    for (const request of found) {
      const { status, text } = await send(request);
      expect(status, `${describeRequest(request)} -> ${status} ${text.slice(0, 300)}`).toBe(400);
      expect(JSON.parse(text)).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
    }
    expect(await stored()).toEqual(before);
  });

  it(
    'answers every request without a 5xx, refuses invalid ones with a 4xx and the error JSON, and stores nothing it refused',
    async () => {
      const routes = routesOf(doc);
      const tried = new Map<string, number>();
      let before = await stored();
      let refused = 0;
      const started = Date.now();
      // Round after round over every route, a few cases each, until the time is up: every route (new ones too) gets its
      // share, however slow some are.
      const seed = FUZZ_SEED;
      const property = (route: Route, name: string) =>
        fc.asyncProperty(requestArbitrary(doc, route, known), async (request) => {
          tried.set(name, tried.get(name)! + 1);
          const { status, text } = await send(request);
          const what = `${describeRequest(request)} -> ${status} ${text.slice(0, 300)}`;
          expect(status, what).toBeLessThan(500);
          if (request.invalidBecause !== undefined)
            expect(status, `${what} (${request.invalidBecause})`).toBeGreaterThanOrEqual(400);
          if (status >= 400) {
            refused++;
            const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
            expect(typeof body.error?.code, what).toBe('string');
            expect(typeof body.error?.message, what).toBe('string');
            expect(await stored(), `${what} stored something`).toEqual(before);
          } else {
            // Accepted: what it stored (and what the dispatcher made of it) is the new baseline.
            if (request.method !== 'GET') await stack.dispatched();
            before = await stored();
          }
        });
      for (let round = 0; round === 0 || Date.now() - started < FUZZ_MS; round++) {
        for (const [index, route] of routes.entries()) {
          const name = `${route.method} ${route.path}`;
          tried.set(name, tried.get(name) ?? 0);
          await fc.assert(property(route, name), {
            numRuns: CASES_PER_ROUND,
            seed: seed + round * routes.length + index,
          });
        }
      }
      const cases = [...tried.values()].reduce((sum, count) => sum + count, 0);
      console.log(
        `api fuzz: ${cases} requests over ${routes.length} routes in ${Math.round((Date.now() - started) / 1000)} s, ${refused} refused with a 4xx, none answered 5xx (seed ${seed})`,
      );
      // Every route of the document was fuzzed, new ones included.
      expect([...tried].filter(([, count]) => count === 0).map(([route]) => route)).toEqual([]);
      const health = await fetch(`${stack.apiUrl}/v1/health`);
      expect(health.status).toBe(200);
    },
    FUZZ_MS + 60_000,
  );
});

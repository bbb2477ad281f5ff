// Transaction messages: half messages no consumer sees, decisions with one winner, check-backs, and the order story.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FerryApiError } from '../../client/index.ts';
import { startCheckEndpoint, type CheckBehaviour, type CheckEndpoint } from '../support/check-endpoint.ts';
import { drain, startTestStack, type TestStack } from './harness.ts';

// First check 1 s after publish, then every 1 s, at most 3 times, each allowed 1 s.
const CHECKS = {
  FERRY_TXN_CHECK_FIRST_SECONDS: '1',
  FERRY_TXN_CHECK_INTERVAL_SECONDS: '1',
  FERRY_TXN_CHECK_MAX: '3',
  FERRY_TXN_CHECK_TIMEOUT_SECONDS: '1',
};

let stack: TestStack;
let endpoint: CheckEndpoint;
const behaviour = new Map<string, CheckBehaviour>();

beforeAll(async () => {
  endpoint = await startCheckEndpoint(({ messageId }) => behaviour.get(messageId) ?? 'UNKNOWN');
  stack = await startTestStack({ env: CHECKS });
  await stack.client.putTopic('orders', 'TRANSACTION');
  await stack.client.call('PUT', '/v1/producer-groups/checkout', { checkUrl: endpoint.url });
  await stack.client.call('PUT', '/v1/producer-groups/puller', {});
  await stack.client.call('PUT', '/v1/producer-groups/gone', { checkUrl: await closedPortUrl() });
});
afterAll(async () => {
  await stack?.stop();
  await endpoint?.close();
});

/** A check URL on 127.0.0.1 that nothing listens on (a port just given back): connecting to it is refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/check`;
}

const half = (body: string, producerGroup = 'checkout') =>
  stack.client.publish('orders', { body, producerGroup, keys: [body] });
const decide = (messageId: string, decision: 'commit' | 'rollback') =>
  stack.client.call<{ state: string }>('POST', `/v1/transactions/${messageId}/${decision}`);
const statusOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 200,
    (error: unknown) => (error instanceof FerryApiError ? error.status : 0),
  );

describe('transaction messages', () => {
  it('a half message reaches no consumer until it is committed, and a rolled-back one never does', async () => {
    await stack.client.putGroup('cart', [{ topic: 'orders' }]);
    const committed = await half('order-commit');
    const rolledBack = await half('order-rollback');
    expect(committed.state).toBe('PREPARED');
    await stack.dispatched();
    expect(await stack.client.receive('cart', { waitSeconds: 1 })).toHaveLength(0);
    await decide(committed.messageId, 'commit');
    await decide(rolledBack.messageId, 'rollback');
    const received = await drain(stack, 'cart', 2, 4000);
    expect(received.map((message) => message.body)).toEqual(['order-commit']);
    const trace = (await stack.client.getMessage(committed.messageId)).events;
    // Check-backs start after 1 s here: on a loaded machine one may come before the commit, and that is fine.
    const decisions = trace.filter((event) => event.type !== 'CHECKED');
    expect(decisions.map((event) => event.type).slice(0, 3)).toEqual(['PREPARED', 'COMMITTED', 'DISPATCHED']);
    expect(decisions[1]).toMatchObject({ detail: { by: 'PRODUCER' } });
    await stack.client.call('DELETE', '/v1/groups/cart');
  });

  it('a committed half message with a 1 KB JSON body (stored deflated) arrives exactly as published', async () => {
    await stack.client.putGroup('ledger', [{ topic: 'orders' }]);
    const body = JSON.stringify({
      order: 'ord-7',
      lines: Array.from({ length: 60 }, (_, line) => ({ sku: `SKU-${line}` })),
    });
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024);
    const { messageId } = await stack.client.publish('orders', { body, producerGroup: 'checkout' });
    await decide(messageId, 'commit');
    const [message] = await drain(stack, 'ledger', 1, 4000);
    expect(message).toMatchObject({ messageId, body });
    await stack.client.call('DELETE', '/v1/groups/ledger');
  });

  it('the same decision again is a no-op, the other decision is a 409, and an unknown id a 404', async () => {
    const { messageId } = await half('order-twice');
    expect(await decide(messageId, 'commit')).toMatchObject({ state: 'READY' });
    expect(await decide(messageId, 'commit')).toMatchObject({ state: 'READY' });
    expect(await statusOf(decide(messageId, 'rollback'))).toBe(409);
    expect(await statusOf(decide('01JDZZZZZZZZZZZZZZZZZZZZZZ', 'commit'))).toBe(404);
    expect(await statusOf(decide('not-an-id', 'commit'))).toBe(400);
  });

  it('racing commits and rollbacks have exactly one winner, and the message is delivered iff it committed', async () => {
    await stack.dispatched(); // earlier tests' commits must not reach this new group
    await stack.client.putGroup('race-watcher', [{ topic: 'orders' }]);
    const outcomes: string[] = [];
    for (let round = 0; round < 5; round++) {
      const { messageId } = await half(`race-${round}`);
      const attempts = Array.from(
        { length: 20 },
        (_, i) => (i % 2 === 0 ? 'commit' : 'rollback') as 'commit' | 'rollback',
      );
      const statuses = await Promise.all(attempts.map((decision) => statusOf(decide(messageId, decision))));
      const winners = new Set(attempts.filter((_, i) => statuses[i] === 200));
      expect(winners.size).toBe(1);
      expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
      outcomes.push(`${[...winners][0]}:race-${round}`);
    }
    const received = await drain(stack, 'race-watcher', 5, 4000);
    const committed = outcomes
      .filter((outcome) => outcome.startsWith('commit'))
      .map((outcome) => outcome.split(':')[1]);
    expect(received.map((message) => message.body).sort()).toEqual(committed.sort());
    await stack.client.call('DELETE', '/v1/groups/race-watcher');
  });

  it('a committed message whose dispatch was interrupted is still delivered from the stream', async () => {
    await stack.dispatched();
    await stack.client.putGroup('crash-watcher', [{ topic: 'orders' }]);
    const { messageId } = await half('order-crash');
    await stack.poller.stop(); // the dispatcher is down between the commit write and dispatch
    await decide(messageId, 'commit');
    stack.poller.start();
    const received = await drain(stack, 'crash-watcher', 1, 5000);
    expect(received.map((message) => message.messageId)).toEqual([messageId]);
    await stack.client.call('DELETE', '/v1/groups/crash-watcher');
  });

  it('check-back: COMMIT and ROLLBACK decide; anything else counts as UNKNOWN, each check saying why it got no valid answer; checks run out into a rollback', async () => {
    await stack.client.putGroup('checked', [{ topic: 'orders' }]);
    const commit = await half('check-commit');
    const rollback = await half('check-rollback');
    const unknown = await half('check-unknown');
    const slow = await half('check-slow');
    const failing = await half('check-failing');
    const garbage = await half('check-garbage');
    const lowercase = await half('check-lowercase');
    const redirect = await half('check-redirect');
    const refused = await half('check-refused', 'gone');
    behaviour
      .set(commit.messageId, 'COMMIT')
      .set(rollback.messageId, 'ROLLBACK')
      .set(unknown.messageId, 'UNKNOWN')
      .set(slow.messageId, 'SLOW')
      .set(failing.messageId, 'ERROR')
      .set(garbage.messageId, 'GARBAGE')
      .set(lowercase.messageId, 'LOWERCASE_COMMIT')
      .set(redirect.messageId, 'REDIRECT');
    // The producer's own UNKNOWN gives no reason; every other UNKNOWN names what went wrong, never the answer's body.
    const reasons = new Map<string, string | undefined>([
      [unknown.messageId, undefined],
      [slow.messageId, 'no answer within 1 s'],
      [failing.messageId, 'HTTP 500'],
      [garbage.messageId, 'not JSON'],
      [lowercase.messageId, "status 'commit' is not COMMIT, ROLLBACK or UNKNOWN"],
      [redirect.messageId, 'redirect (302) not followed'],
      [refused.messageId, 'connection refused'],
    ]);

    const received = await drain(stack, 'checked', 5, 9000);
    expect(received.map((message) => message.body)).toEqual(['check-commit']);

    const stateOf = async (messageId: string) => (await stack.client.getMessage(messageId)).state;
    // Three checks a second apart, each up to 1 s: on a loaded machine the last ones may come after the drain.
    for (const decided of [rollback.messageId, ...reasons.keys()])
      await expect.poll(() => stateOf(decided), { timeout: 30_000, interval: 500 }).toBe('ROLLED_BACK');
    for (const [undecided, reason] of reasons) {
      const { events } = await stack.client.getMessage(undecided);
      const checks = events.filter((event) => event.type === 'CHECKED');
      expect(checks.map((event) => event.detail)).toEqual(
        [1, 2, 3].map((checkCount) => ({ answer: 'UNKNOWN', checkCount, ...(reason === undefined ? {} : { reason }) })),
      );
      expect(events.at(-1)).toMatchObject({
        type: 'ROLLED_BACK',
        detail: { by: 'CHECK', reason: expect.stringMatching(/FERRY_TXN_CHECK_MAX/) },
      });
    }
    const commitTrace = (await stack.client.getMessage(commit.messageId)).events;
    // The deciding check is named like the others: the first one answered.
    expect(commitTrace.find((event) => event.type === 'COMMITTED')).toMatchObject({
      detail: { by: 'CHECK', checkCount: 1 },
    });
    expect((await stack.client.getMessage(rollback.messageId)).events.at(-1)).toMatchObject({
      type: 'ROLLED_BACK',
      detail: { by: 'CHECK', reason: 'the check-back answered ROLLBACK', checkCount: 1 },
    });
    // The query counts the check that decided, as the trace does; one that ran out counts every check.
    const queriedCheckCount = async (key: string) =>
      (
        await stack.client.call<{ messages: Array<{ checkCount?: number }> }>(
          'GET',
          `/v1/topics/orders/messages?key=${key}`,
        )
      ).messages[0]?.checkCount;
    expect(await queriedCheckCount('check-commit')).toBe(1);
    expect(await queriedCheckCount('check-rollback')).toBe(1);
    expect(await queriedCheckCount('check-unknown')).toBe(3);
    await stack.client.call('DELETE', '/v1/groups/checked');
  });

  it('a producer without a check endpoint pulls its checks and decides with the same routes', async () => {
    await stack.client.putGroup('pulled', [{ topic: 'orders' }]);
    const { messageId } = await half('pull-me', 'puller');
    let checks: Array<{ messageId: string; checkCount: number }> = [];
    for (let i = 0; i < 20 && checks.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      checks = (await stack.client.call<{ checks: typeof checks }>('GET', '/v1/producer-groups/puller/checks')).checks;
    }
    expect(checks.map((check) => check.messageId)).toEqual([messageId]);
    await decide(messageId, 'commit');
    expect((await drain(stack, 'pulled', 1, 4000)).map((message) => message.messageId)).toEqual([messageId]);
    expect((await stack.client.call<{ checks: unknown[] }>('GET', '/v1/producer-groups/puller/checks')).checks).toEqual(
      [],
    );
    await stack.client.call('DELETE', '/v1/groups/pulled');
  });

  it('the order story: downstream services receive exactly the orders whose local transaction committed', async () => {
    await stack.client.putGroup('points', [{ topic: 'orders' }]);
    await stack.client.putGroup('cart-service', [{ topic: 'orders' }]);
    const committed: string[] = [];
    await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const { messageId } = await half(`order-${i}`);
        if (i % 3 === 0) return decide(messageId, 'rollback'); // the local transaction failed
        if (i % 10 === 1) {
          // The producer "crashes" before deciding; its check endpoint answers once it is back.
          behaviour.set(messageId, 'COMMIT');
          committed.push(`order-${i}`);
          return undefined;
        }
        committed.push(`order-${i}`);
        return decide(messageId, 'commit');
      }),
    );
    const [points, cart] = await Promise.all([
      drain(stack, 'points', committed.length + 1, 10_000),
      drain(stack, 'cart-service', committed.length + 1, 10_000),
    ]);
    expect(points.map((message) => message.body).sort()).toEqual([...committed].sort());
    expect(cart.map((message) => message.body).sort()).toEqual([...committed].sort());
  });
});

// Push delivery: a push group's messages are POSTed to its endpoint, signed, retried, dead-lettered, paced and kept in
// order, on DynamoDB Local and fauxqs with an endpoint on 127.0.0.1.
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { drain, request, startTestStack, type TestStack } from './harness.ts';
import { startPushEndpoint, type PushAnswerSpec, type PushCall, type PushEndpoint } from './push-endpoint.ts';

let stack: TestStack;
const endpoints: PushEndpoint[] = [];

async function endpoint(answer: (call: PushCall) => PushAnswerSpec): Promise<PushEndpoint> {
  const started = await startPushEndpoint(answer);
  endpoints.push(started);
  return started;
}

/** The trace's push events of a message for a group, as [type, status, retryAfterSeconds]. */
async function pushTrace(messageId: string) {
  const view = await stack.client.getMessage(messageId);
  return view.events
    .filter((event) => ['PUSHED', 'PUSH_FAILED', 'DEAD_LETTERED'].includes(event.type))
    .map((event) => [event.type, event.detail?.deliveryAttempt, event.detail?.status, event.detail?.retryAfterSeconds]);
}

const waitLong = { timeout: 30_000, interval: 200 };

beforeAll(async () => {
  stack = await startTestStack();
  // A topic per test: the tests run at once, and a group gets every message of its topic.
  for (const topic of [
    'push-ok',
    'push-retry',
    'push-retry-after',
    'push-dead',
    'push-refused',
    'push-capped',
    'push-signed',
    'push-large',
  ]) {
    await stack.client.putTopic(topic, 'NORMAL');
  }
  await stack.client.putTopic('push-fifo', 'FIFO');
});
afterAll(async () => {
  await stack?.stop();
  await Promise.all(endpoints.map((started) => started.close()));
});

describe.concurrent('push delivery', () => {
  it('messages are POSTed to the endpoint and a 2xx acknowledges them: the queue is left empty', async () => {
    const target = await endpoint(() => ({ status: 204 }));
    await stack.client.putGroup('push-ok', [{ topic: 'push-ok' }], undefined, { url: target.url });
    const published = await stack.client.publishBatch(
      'push-ok',
      ['a', 'b', 'c'].map((body) => ({ body, tag: 'ok' })),
    );
    const calls = await target.until(3);
    expect(calls.map((call) => call.body).sort()).toEqual(['a', 'b', 'c']);
    expect(calls.every((call) => call.deliveryAttempt === 1)).toBe(true);
    await vi.waitFor(async () => {
      const { backlog } = await stack.client.getGroup('push-ok');
      expect(backlog.visible + backlog.inFlight + backlog.deadLetters).toBe(0);
    }, waitLong);
    const first = published.results[0] as { messageId: string };
    await vi.waitFor(async () => expect(await pushTrace(first.messageId)).toEqual([['PUSHED', 1, 204, undefined]]));
  });

  it('a large body (kept in S3) is pushed whole, and the pushes are counted for the group', async () => {
    const target = await endpoint(() => ({ status: 200 }));
    await stack.client.putGroup('push-large', [{ topic: 'push-large' }], undefined, { url: target.url });
    // Past the 400 KB item: the queue carries only a reference, which the pusher must resolve.
    const body = 'x'.repeat(600 * 1024);
    await stack.client.publish('push-large', { body });
    const [call] = await target.until(1);
    expect(createHash('sha256').update(call!.body).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
    await vi.waitFor(async () => {
      const { json } = await request(stack, 'GET', '/v1/metrics');
      const figures = (json as { groups: Record<string, { totals: Record<string, number>; durations: unknown }> })
        .groups['push-large'];
      expect(figures?.totals).toMatchObject({ pushed: 1, pushFailed: 0 });
      expect(figures?.durations).toMatchObject({ pushLatency: { count: 1 } });
    }, waitLong);
  });

  it('a 500 is retried after the backoff, and the trace shows both attempts with their status codes', async () => {
    const target = await endpoint((call) => ({ status: call.deliveryAttempt === 1 ? 500 : 200 }));
    await stack.client.putGroup('push-retry', [{ topic: 'push-retry' }], undefined, { url: target.url });
    const { messageId } = await stack.client.publish('push-retry', { body: 'retry me' });
    const calls = await target.until(2, (call) => call.messageId === messageId);
    expect(calls.map((call) => call.deliveryAttempt)).toEqual([1, 2]);
    await vi.waitFor(
      async () =>
        expect(await pushTrace(messageId)).toEqual([
          // RocketMQ's first backoff level: 10 s.
          ['PUSH_FAILED', 1, 500, 10],
          ['PUSHED', 2, 200, undefined],
        ]),
      waitLong,
    );
  });

  it('a 429 or 503 with Retry-After is retried after that many seconds, not the backoff', async () => {
    const target = await endpoint((call) =>
      call.deliveryAttempt === 1
        ? { status: 429, retryAfter: '1' }
        : call.deliveryAttempt === 2
          ? { status: 503, retryAfter: '2' }
          : { status: 200 },
    );
    await stack.client.putGroup('push-retry-after', [{ topic: 'push-retry-after' }], undefined, { url: target.url });
    const { messageId } = await stack.client.publish('push-retry-after', { body: 'later' });
    await target.until(3, (call) => call.messageId === messageId);
    await vi.waitFor(
      async () =>
        expect(await pushTrace(messageId)).toEqual([
          ['PUSH_FAILED', 1, 429, 1],
          ['PUSH_FAILED', 2, 503, 2],
          ['PUSHED', 3, 200, undefined],
        ]),
      waitLong,
    );
  });

  it('after maxDeliveryAttempts failed pushes the message is in the dead-letter queue and is pushed no more', async () => {
    const target = await endpoint(() => ({ status: 503, retryAfter: '1' }));
    await stack.client.putGroup('push-dead', [{ topic: 'push-dead' }], 2, { url: target.url });
    const { messageId } = await stack.client.publish('push-dead', { body: 'doomed' });
    await vi.waitFor(async () => {
      const dead = await stack.client.deadLetters('push-dead');
      expect(dead.map((message) => message.messageId)).toEqual([messageId]);
    }, waitLong);
    expect(target.calls.filter((call) => call.messageId === messageId).map((call) => call.deliveryAttempt)).toEqual([
      1, 2,
    ]);
    await vi.waitFor(async () => {
      const trace = (await pushTrace(messageId)).map(([type, attempt, , retryAfter]) => [type, attempt, retryAfter]);
      // The dead-letter event is written with the last failure, at the same millisecond, and shown after it (the
      // cause first). The last failure names no retry: none follows.
      expect(trace.filter(([type]) => type === 'PUSH_FAILED' || type === 'DEAD_LETTERED')).toEqual([
        ['PUSH_FAILED', 1, 1],
        ['PUSH_FAILED', 2, undefined],
        ['DEAD_LETTERED', 2, undefined],
      ]);
    });
  });

  it('a refused connection is a failed attempt, traced with the connection error instead of a status', async () => {
    const closed = await endpoint(() => ({ status: 200 }));
    await closed.close();
    await stack.client.putGroup('push-refused', [{ topic: 'push-refused' }], 1, { url: closed.url });
    const { messageId } = await stack.client.publish('push-refused', { body: 'nobody home' });
    await vi.waitFor(async () => {
      const view = await stack.client.getMessage(messageId);
      const failed = view.events.find((event) => event.type === 'PUSH_FAILED');
      expect(failed?.detail?.error).toBeTypeOf('string');
      expect(failed?.detail?.status).toBeUndefined();
    }, waitLong);
  });

  it('a FIFO group is pushed in publish order per message group, with several pushers at once', async () => {
    const target = await endpoint(() => ({ status: 200, delayMs: 20 }));
    await stack.client.putGroup('push-fifo-order', [{ topic: 'push-fifo' }], undefined, {
      url: target.url,
      maxConcurrency: 4,
    });
    const groups = ['g1', 'g2', 'g3', 'g4'];
    await stack.client.publishBatch(
      'push-fifo',
      Array.from({ length: 6 }, (_, index) =>
        groups.map((group) => ({ body: `${group}-${index}`, messageGroup: group })),
      ).flat(),
    );
    const calls = await target.until(24);
    for (const group of groups) {
      expect(calls.filter((call) => call.messageGroup === group).map((call) => call.body)).toEqual(
        Array.from({ length: 6 }, (_, index) => `${group}-${index}`),
      );
    }
    // Several message groups were pushed at once, and never two messages of one group.
    expect(target.maxInFlight).toBeGreaterThan(1);
  });

  it('a maxConcurrency below 2 is refused (Lambda runs at least 2 pushers per mapping), and nothing is stored', async () => {
    const answer = await request(stack, 'PUT', '/v1/groups/push-one-at-a-time', {
      subscriptions: [{ topic: 'push-ok' }],
      push: { url: 'http://127.0.0.1:9/hook', maxConcurrency: 1 },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json)).toContain('at least 2');
    expect((await request(stack, 'GET', '/v1/groups/push-one-at-a-time')).status).toBe(404);
  });

  it('the endpoint never has more than maxConcurrency requests in flight', async () => {
    const target = await endpoint(() => ({ status: 200, delayMs: 30 }));
    await stack.client.putGroup('push-capped', [{ topic: 'push-capped' }], undefined, {
      url: target.url,
      maxConcurrency: 3,
    });
    await stack.client.publishBatch(
      'push-capped',
      Array.from({ length: 40 }, (_, index) => ({ body: `m${index}`, tag: 'capped' })),
    );
    await target.until(40);
    expect(target.maxInFlight).toBeLessThanOrEqual(3);
    expect(target.maxInFlight).toBeGreaterThan(1);
  });

  it('a push request carries a Ferry-Signature that verifies with the secret shown once at creation', async () => {
    const target = await endpoint(() => ({ status: 200 }));
    const created = await stack.client.putGroup('push-signed', [{ topic: 'push-signed' }], undefined, {
      url: target.url,
    });
    const secret = created.signingSecret!;
    expect(secret).toMatch(/^fsec_/);
    // Never shown again: not on a later PUT, not on a GET.
    const again = await stack.client.putGroup('push-signed', [{ topic: 'push-signed' }], undefined, {
      url: target.url,
    });
    expect(again.signingSecret).toBeUndefined();
    expect(JSON.stringify(await stack.client.getGroup('push-signed'))).not.toContain(secret);

    const { messageId } = await stack.client.publish('push-signed', { body: 'signed' });
    const [call] = await target.until(1, (pushed) => pushed.messageId === messageId);
    const { t, v1 } = Object.fromEntries(
      call!.signature!.split(',').map((part) => part.split('=') as [string, string]),
    );
    const expected = createHmac('sha256', secret).update(`${t}.${call!.raw}`).digest('hex');
    expect(v1).toBe(expected);
    const forged = createHmac('sha256', 'fsec_other').update(`${t}.${call!.raw}`).digest('hex');
    expect(v1).not.toBe(forged);
  });

  it('switching a group pull -> push -> pull with PUT loses no message', async () => {
    const target = await endpoint(() => ({ status: 200 }));
    await stack.client.putTopic('push-switch', 'NORMAL');
    const subscriptions = [{ topic: 'push-switch' }];
    await stack.client.putGroup('push-switch', subscriptions);
    const whilePull = await stack.client.publishBatch(
      'push-switch',
      Array.from({ length: 5 }, (_, index) => ({ body: `pull-${index}` })),
    );
    await stack.dispatched();
    await stack.client.putGroup('push-switch', subscriptions, undefined, { url: target.url });
    const pushed = await target.until(5);
    await stack.client.putGroup('push-switch', subscriptions);
    const afterSwitch = await stack.client.publishBatch(
      'push-switch',
      Array.from({ length: 5 }, (_, index) => ({ body: `back-${index}` })),
    );
    const pulled = await drain(stack, 'push-switch', 5);
    const ids = (results: typeof whilePull) =>
      results.results.map((result) => (result as { messageId: string }).messageId);
    expect(pushed.map((call) => call.messageId).sort()).toEqual(ids(whilePull).sort());
    expect(pulled.map((message) => message.messageId).sort()).toEqual(ids(afterSwitch).sort());
    // Nothing pushed after the switch back to pull.
    expect(target.calls).toHaveLength(5);
  });

  it('a push URL that breaks the rules is a 400 naming the rule, and nothing is created', async () => {
    for (const url of [
      'ftp://example.com/push',
      'http://example.com/push',
      'not a url',
      'https://user:pw@example.com/',
    ]) {
      const answer = await request(stack, 'PUT', '/v1/groups/push-bad', {
        subscriptions: [{ topic: 'push-ok' }],
        push: { url },
      });
      expect(answer.status).toBe(400);
      expect((answer.json as { error: { code: string } }).error.code).toBe('INVALID_PUSH_URL');
    }
    const unknownField = await request(stack, 'PUT', '/v1/groups/push-bad', {
      subscriptions: [{ topic: 'push-ok' }],
      push: { url: 'https://example.com', retries: 3 },
    });
    expect(unknownField.status).toBe(400);
    expect((await request(stack, 'GET', '/v1/groups/push-bad')).status).toBe(404);
  });
});

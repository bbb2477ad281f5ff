// Scheduled (DELAY) messages on the local stack with small timer settings, so the long path runs in seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FerryApiError } from '../../client/index.ts';
import { drain, startTestStack, type TestStack } from './harness.ts';

// Direct delays up to 3 s; later ones wait for the tick (every 1 s) and are handed on 2 s ahead.
const TIMERS = {
  FERRY_DIRECT_DELAY_LIMIT_SECONDS: '3',
  FERRY_TIMER_LEAD_SECONDS: '2',
  FERRY_TIMER_BUCKET_SECONDS: '2',
};

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: TIMERS });
  await stack.client.putTopic('timeouts', 'DELAY');
  await stack.client.putGroup('closer', [{ topic: 'timeouts' }]);
});
afterAll(async () => {
  await stack?.stop();
});

/** Receives until `count` messages arrived, noting when each did. */
async function receiveTimed(group: string, count: number, timeoutMs = 20_000) {
  const arrivals: Array<{ messageId: string; body: string; at: number }> = [];
  const deadline = Date.now() + timeoutMs;
  while (arrivals.length < count && Date.now() < deadline) {
    const batch = await stack.client.receive(group, { maxMessages: 32, waitSeconds: 1 });
    const at = Date.now();
    if (batch.length > 0)
      await stack.client.ack(
        group,
        batch.map((message) => message.receiptHandle),
      );
    arrivals.push(...batch.map((message) => ({ messageId: message.messageId, body: message.body, at })));
  }
  return arrivals;
}

describe('scheduled messages', () => {
  it('a delay within the direct limit is handed on at once and arrives on time, never early', async () => {
    const at = Date.now() + 2000;
    const { messageId, state } = await stack.client.publish('timeouts', { body: 'short', deliverAt: at });
    expect(state).toBe('READY');
    const [arrival] = await receiveTimed('closer', 1);
    expect(arrival?.messageId).toBe(messageId);
    expect(arrival!.at).toBeGreaterThanOrEqual(at);
    expect(arrival!.at - at).toBeLessThan(2500);
  });

  it('a longer delay waits in the table, is handed on by the tick, and arrives on time, never early', async () => {
    const at = Date.now() + 6000;
    const { messageId, state } = await stack.client.publish('timeouts', {
      body: 'long',
      deliverAt: new Date(at).toISOString(),
    });
    expect(state).toBe('SCHEDULED');
    const [arrival] = await receiveTimed('closer', 1);
    expect(arrival?.messageId).toBe(messageId);
    expect(arrival!.at).toBeGreaterThanOrEqual(at);
    expect(arrival!.at - at).toBeLessThan(2500);
    const types = (await stack.client.getMessage(messageId)).events.map((event) => event.type);
    expect(types.slice(0, 4)).toEqual(['PUBLISHED', 'SCHEDULED', 'DUE', 'DISPATCHED']);
  });

  it('a time in the past, or now, is delivered at once', async () => {
    const { state } = await stack.client.publish('timeouts', { body: 'past', deliverAt: Date.now() - 60_000 });
    expect(state).toBe('READY');
    const started = Date.now();
    expect(await receiveTimed('closer', 1)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a delay beyond FERRY_MAX_DELAY_DAYS is refused with a 400 that names the limit', async () => {
    const error = await stack.client
      .publish('timeouts', { body: 'far', delaySeconds: 366 * 86_400 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(FerryApiError);
    expect((error as FerryApiError).status).toBe(400);
    expect((error as FerryApiError).message).toMatch(/365 days.*FERRY_MAX_DELAY_DAYS/);
  });

  it('a cancelled message is never delivered; cancelling after hand-off is a 409 that says why', async () => {
    const cancelled = await stack.client.publish('timeouts', { body: 'cancel me', delaySeconds: 5 });
    const kept = await stack.client.publish('timeouts', { body: 'keep me', delaySeconds: 5 });
    expect(await stack.client.call('POST', `/v1/messages/${cancelled.messageId}/cancel`)).toEqual({
      messageId: cancelled.messageId,
      state: 'CANCELLED',
    });
    // Cancelling twice is the same decision again.
    expect(await stack.client.call('POST', `/v1/messages/${cancelled.messageId}/cancel`)).toEqual({
      messageId: cancelled.messageId,
      state: 'CANCELLED',
    });
    const arrivals = await receiveTimed('closer', 2, 9000);
    expect(arrivals.map((arrival) => arrival.body)).toEqual(['keep me']);
    const late = await stack.client
      .call('POST', `/v1/messages/${kept.messageId}/cancel`)
      .catch((caught: unknown) => caught);
    expect(late).toMatchObject({ status: 409, code: 'NO_LONGER_CANCELLABLE' });
    expect((late as Error).message).toMatch(/handed to its queues at/);
    expect((await stack.client.getMessage(cancelled.messageId)).events.map((event) => event.type)).toEqual([
      'PUBLISHED',
      'SCHEDULED',
      'CANCELLED',
    ]);
  });

  it('a message on its direct path cannot be cancelled, and the 409 says it was handed on at publish', async () => {
    const direct = await stack.client.publish('timeouts', { body: 'direct', delaySeconds: 2 });
    const error = await stack.client
      .call('POST', `/v1/messages/${direct.messageId}/cancel`)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 409, code: 'NO_LONGER_CANCELLABLE' });
    expect((error as Error).message).toMatch(/when it was published/);
    await receiveTimed('closer', 1);
  });

  it('the timeout center: only the unpaid order is closed, on time', async () => {
    await stack.client.putTopic('order-timeouts', 'DELAY');
    await stack.client.putGroup('order-closer', [{ topic: 'order-timeouts' }]);
    const closeAt = Date.now() + 5000;
    const unpaid = await stack.client.publish('order-timeouts', {
      body: 'close order-1 if unpaid',
      keys: ['order-1'],
      deliverAt: closeAt,
    });
    const paid = await stack.client.publish('order-timeouts', {
      body: 'close order-2 if unpaid',
      keys: ['order-2'],
      deliverAt: closeAt,
    });
    // order-2 is paid: its timeout is cancelled.
    await stack.client.call('POST', `/v1/messages/${paid.messageId}/cancel`);
    const arrivals = await receiveTimed('order-closer', 2, 9000);
    expect(arrivals.map((arrival) => arrival.messageId)).toEqual([unpaid.messageId]);
    expect(arrivals[0]!.at).toBeGreaterThanOrEqual(closeAt);
    expect(arrivals[0]!.at - closeAt).toBeLessThan(2500);
  });
});

describe('the tick', () => {
  it('run twice at once hands each message on once; missed ticks are caught up by the next', async () => {
    // An hour between ticks: only the ticks this test runs by hand move anything.
    const quiet = await startTestStack({ env: { ...TIMERS, FERRY_TICK_SECONDS: '3600' } });
    try {
      await quiet.client.putTopic('later', 'DELAY');
      await quiet.client.putGroup('later-reader', [{ topic: 'later' }]);
      const published = await Promise.all(
        Array.from({ length: 20 }, (_, i) => quiet.client.publish('later', { body: `m${i}`, delaySeconds: 4 })),
      );
      await new Promise((resolve) => setTimeout(resolve, 6000));
      const [first, second] = await Promise.all([quiet.services.tick.run(), quiet.services.tick.run()]);
      expect(first.handedOn + second.handedOn).toBe(20);
      expect((await quiet.services.tick.run()).handedOn).toBe(0);
      const received = await drain(quiet, 'later-reader', 20);
      expect(received.map((message) => message.messageId).sort()).toEqual(
        published.map((result) => result.messageId).sort(),
      );
      await quiet.dispatched();
      expect(await quiet.client.receive('later-reader', { waitSeconds: 1 })).toHaveLength(0);
    } finally {
      await quiet.stop();
    }
  });
});

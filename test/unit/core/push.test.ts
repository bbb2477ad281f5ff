// The pusher's core on the in-memory adapters: what is acknowledged, what comes back when, and in which order.
import { describe, expect, it } from 'vitest';
import type { ConsumerGroup } from '../../../lambda/core/model.ts';
import type { PushAnswer, PushRequest } from '../../../lambda/core/ports.ts';
import { PushPacer } from '../../../lambda/core/push-pacer.ts';
import { Pusher, pushBatchSize, retryDelaySeconds } from '../../../lambda/core/push.ts';
import { createMemoryPorts } from '../../../lambda/memory/services.ts';

async function pushGroup(fifo: boolean, answer: (body: string) => PushAnswer) {
  const ports = createMemoryPorts();
  const urls = await ports.queues.ensureGroupQueues('hooks', { fifo, maxDeliveryAttempts: 3 });
  const group: ConsumerGroup = {
    name: 'hooks',
    subscriptions: [{ topic: 'orders' }],
    maxDeliveryAttempts: 3,
    fifo,
    ...urls,
    createdAt: '',
    updatedAt: '',
    push: { url: 'https://hooks.example.com/', maxConcurrency: 2, timeoutSeconds: 5 },
    pushSecret: 'fsec_test',
  };
  const posted: string[] = [];
  const transport = {
    post: async (request: PushRequest) => {
      const body = (JSON.parse(request.body) as { body: string }).body;
      posted.push(body);
      return answer(body);
    },
  };
  const pusher = new Pusher(transport, ports.queues, ports.store, ports.clock, ports.faults);
  return { ports, group, pusher, posted };
}

const message = (body: string, messageGroup?: string) =>
  JSON.stringify({
    messageId: `id-${body}`,
    topic: 'orders',
    body,
    keys: [],
    properties: {},
    bornAt: '',
    messageGroup,
  });

describe('the pusher', () => {
  it('in a FIFO group, a failed message holds back the rest of its message group in the batch, not other groups', async () => {
    const { group, pusher, posted } = await pushGroup(true, (body) =>
      body === 'a1' ? { kind: 'answered', status: 500 } : { kind: 'answered', status: 200 },
    );
    // SQS may hand out several messages of one message group in a batch (fauxqs and the memory queues do not).
    const incoming = [
      { body: message('a1', 'a'), queueHandle: 'h1', receiveCount: 1 },
      { body: message('a2', 'a'), queueHandle: 'h2', receiveCount: 1 },
      { body: message('b1', 'b'), queueHandle: 'h3', receiveCount: 1 },
    ];
    const result = await pusher.pushBatch(group, incoming);
    expect(posted).toEqual(['a1', 'b1']);
    expect(result.failed).toEqual(['h1', 'h2']);
    expect(result.acknowledged).toEqual(['h3']);
    expect(result.figures).toMatchObject({ pushed: 1, failed: 1 });
  });

  it('a failure sets the message to come back after the backoff, a success is left for the caller to delete', async () => {
    const { ports, group, pusher } = await pushGroup(false, (body) =>
      body === 'bad' ? { kind: 'failed', error: 'ECONNREFUSED' } : { kind: 'answered', status: 204 },
    );
    await ports.queues.send(group.queueUrl, [
      { id: '1', body: message('bad') },
      { id: '2', body: message('good') },
    ]);
    const incoming = await ports.queues.receive(group.queueUrl, { maxMessages: 10, waitSeconds: 0 });
    const result = await pusher.pushBatch(group, incoming);
    expect(result.acknowledged).toHaveLength(1);
    expect(result.failed).toHaveLength(1);
    // RocketMQ's first backoff is 10 s: not back after 9 s, back after 10 s.
    ports.clock.advance(9_000);
    expect(await ports.queues.receive(group.queueUrl, { maxMessages: 10, waitSeconds: 0 })).toEqual([]);
    ports.clock.advance(1_000);
    const again = await ports.queues.receive(group.queueUrl, { maxMessages: 10, waitSeconds: 0 });
    expect(again.map((m) => [JSON.parse(m.body).body, m.receiveCount])).toEqual([['bad', 2]]);
  });
});

describe('the retry delay', () => {
  const at = Date.parse('2026-11-27T12:00:00Z');
  it('is Retry-After on a 429 or 503, in seconds or as an HTTP date, at least 1 s', () => {
    expect(retryDelaySeconds({ kind: 'answered', status: 429, retryAfter: '7' }, 1, at)).toBe(7);
    expect(
      retryDelaySeconds({ kind: 'answered', status: 503, retryAfter: 'Fri, 27 Nov 2026 12:01:00 GMT' }, 1, at),
    ).toBe(60);
    expect(retryDelaySeconds({ kind: 'answered', status: 503, retryAfter: '0' }, 1, at)).toBe(1);
  });
  it('is the backoff for any other failure, or a Retry-After that does not parse', () => {
    expect(retryDelaySeconds({ kind: 'answered', status: 500, retryAfter: '7' }, 2, at)).toBe(30);
    expect(retryDelaySeconds({ kind: 'answered', status: 429, retryAfter: 'soon' }, 1, at)).toBe(10);
    expect(retryDelaySeconds({ kind: 'failed', error: 'timeout' }, 3, at)).toBe(60);
  });
});

describe('pacing', () => {
  it('hands out slots 1/rate apart in call order, so callers together keep the rate', async () => {
    let now = 1_000;
    const waits: number[] = [];
    const pacer = new PushPacer(
      10,
      () => now,
      async (ms) => void waits.push(ms),
    );
    await Promise.all([pacer.take(), pacer.take(), pacer.take()]);
    expect(waits).toEqual([100, 200]);
    now += 1_000;
    await pacer.take();
    // An idle second earns no burst beyond the next slot.
    expect(waits).toEqual([100, 200]);
  });

  it('spreads the first slot after an idle spell over one interval, and only then', async () => {
    let now = 10_000;
    const waits: number[] = [];
    const pacer = new PushPacer(
      2,
      () => now,
      async (ms) => void waits.push(ms),
    );
    pacer.spreadIfIdle(() => 0.25);
    await pacer.take();
    expect(waits).toEqual([125]);
    now += 125;
    // Busy: the next slot stands.
    pacer.spreadIfIdle(() => 0.9);
    await pacer.take();
    expect(waits).toEqual([125, 500]);
    now += 10_000;
    pacer.spreadIfIdle(() => 0.5);
    await pacer.take();
    expect(waits).toEqual([125, 500, 250]);
  });

  it('keeps the rate across batches under steady load, however long each request takes', async () => {
    // One pusher instance at 1/s: batches of 5, each request answered after 200 ms, one invocation after another (as
    // an event source mapping hands them on while the queue has a backlog).
    let now = 0;
    const sentAt: number[] = [];
    const pacer = new PushPacer(
      1,
      () => now,
      async (ms) => void (now += ms),
    );
    for (let batch = 0; batch < 10; batch++) {
      now += 50; // between two invocations
      pacer.spreadIfIdle(() => 0.1);
      for (let request = 0; request < 5; request++) {
        await pacer.take();
        sentAt.push(now);
        now += 200;
      }
    }
    const gaps = sentAt.slice(1).map((at, index) => at - sentAt[index]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
  });

  it('lets instances that pace their shares apart send the rate from the first second, not one each at once', async () => {
    // A group at 5/s with 10 instances: each paces 0.5/s. Messages come after a quiet spell, and every instance sends.
    const firstSends = (spread: boolean) =>
      Promise.all(
        Array.from({ length: 10 }, async (_, instance) => {
          let at = 0;
          const pacer = new PushPacer(
            0.5,
            () => 0,
            async (ms) => void (at = ms),
          );
          if (spread) pacer.spreadIfIdle(() => instance / 10);
          await pacer.take();
          return at;
        }),
      );
    const inFirstSecond = (sends: number[]) => sends.filter((at) => at < 1000).length;
    expect(inFirstSecond(await firstSends(false))).toBe(10);
    expect(inFirstSecond(await firstSends(true))).toBe(5);
  });

  it('sizes a batch so that every message can be pushed within the window', () => {
    expect(pushBatchSize({ url: '', maxConcurrency: 1, timeoutSeconds: 20 }, undefined)).toBe(1);
    expect(pushBatchSize({ url: '', maxConcurrency: 1, timeoutSeconds: 2 }, undefined)).toBe(10);
    expect(pushBatchSize({ url: '', maxConcurrency: 1, timeoutSeconds: 2 }, 0.5)).toBe(6);
  });
});

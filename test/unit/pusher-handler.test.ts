// The pusher Lambda's handler, on a fake clock: after a quiet spell, an instance's first request waits a random part of
// its interval (here a fixed one), so that the mapping's instances woken by one burst do not all send at once.
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsumerGroup } from '../../lambda/core/model.ts';
import type { Pacing } from '../../lambda/core/push-pacer.ts';
import type { Pusher } from '../../lambda/core/push.ts';
import { createPusherHandler } from '../../lambda/handlers/pusher.ts';

const group = {
  name: 'hooks',
  // 2/s over the mapping's 2 instances: each paces itself at 1/s, a slot every 1000 ms.
  push: { url: 'https://hooks.example.com/', maxConcurrency: 2, timeoutSeconds: 5, ratePerSecond: 2 },
} as ConsumerGroup;

const event = (id: string): SQSEvent =>
  ({
    Records: [
      {
        messageId: id,
        receiptHandle: `handle-${id}`,
        body: '{}',
        attributes: { ApproximateReceiveCount: '1' },
        eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:ferry-q-hooks',
      },
    ],
  }) as unknown as SQSEvent;

describe('the pusher handler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('spreads its first request after a quiet spell over its interval, then keeps the pace', async () => {
    const sentAt: number[] = [];
    const pusher = {
      async pushBatch(_group: ConsumerGroup, _messages: unknown[], pacer?: Pacing) {
        await pacer?.take();
        sentAt.push(Date.now());
        return { acknowledged: [], failed: [] };
      },
    };
    const handler = createPusherHandler({
      pusher: pusher as unknown as Pusher,
      group: async () => group,
      queuePrefix: 'ferry-',
      random: () => 0.25,
    });
    const start = Date.now();
    const first = handler(event('1'));
    await vi.advanceTimersByTimeAsync(1000);
    await first;
    const second = handler(event('2'));
    await vi.advanceTimersByTimeAsync(2000);
    await second;
    expect(sentAt.map((at) => at - start)).toEqual([250, 1250]);
  });
});

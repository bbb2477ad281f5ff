// The local stack's push loops against the group's ratePerSecond, on a fake clock. A fake clock because the fault is a
// matter of timing that the engines cannot replay: ten loops long-polling an empty queue, then a burst of messages.
// The queue is a stand-in that long-polls as SQS does; the pusher stand-in takes a slot before each request, as the
// core's Pusher does (lambda/core/push.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsumerGroup } from '../../lambda/core/model.ts';
import type { IncomingMessage, QueueService } from '../../lambda/core/ports.ts';
import type { Pacing } from '../../lambda/core/push-pacer.ts';
import type { Pusher } from '../../lambda/core/push.ts';
import { PushRunner } from '../../lambda/local/push-runner.ts';

/** A queue whose receive waits up to waitSeconds for a message, as an SQS long poll does. */
class LongPollingQueue {
  private readonly waiting: IncomingMessage[] = [];
  private readonly receivers: Array<() => void> = [];
  private handles = 0;

  publish(count: number): void {
    for (let i = 0; i < count; i++)
      this.waiting.push({ body: `m${this.handles}`, queueHandle: `h${this.handles++}`, receiveCount: 1 });
    for (const wake of this.receivers.splice(0)) wake();
  }

  async receive(_url: string, options: { maxMessages: number; waitSeconds: number }): Promise<IncomingMessage[]> {
    if (this.waiting.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.waitSeconds * 1000);
        this.receivers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.waiting.splice(0, options.maxMessages);
  }

  async delete(): Promise<{ failed: string[] }> {
    return { failed: [] };
  }
}

/** The most requests sent in any one second. */
function mostInOneSecond(sentAt: number[]): number {
  return Math.max(...sentAt.map((start) => sentAt.filter((at) => at >= start && at < start + 1000).length));
}

describe('the local push loops and ratePerSecond', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('send no burst when messages come after a quiet spell, however many loops were polling', async () => {
    const queue = new LongPollingQueue();
    const sentAt: number[] = [];
    const pusher = {
      async pushBatch(_group: ConsumerGroup, messages: IncomingMessage[], pacer?: Pacing) {
        for (const _message of messages) {
          await pacer?.take();
          sentAt.push(Date.now());
        }
        return { acknowledged: messages.map((message) => message.queueHandle), failed: [] };
      },
    };
    const runner = new PushRunner((_group, error) => {
      throw error;
    });
    runner.attach(pusher as unknown as Pusher, queue as unknown as QueueService);
    const group = {
      name: 'hooks',
      queueUrl: 'q',
      push: { url: 'https://hooks.example.com/', maxConcurrency: 10, timeoutSeconds: 5, ratePerSecond: 5 },
    } as ConsumerGroup;
    await runner.sync(group);
    // Every loop settles into its long polls.
    await vi.advanceTimersByTimeAsync(10_000);
    const publishedAt = Date.now();
    queue.publish(40);
    await vi.advanceTimersByTimeAsync(12_000);
    // A loop stops after its long poll ends.
    const stopped = runner.stop();
    await vi.advanceTimersByTimeAsync(2_000);
    await stopped;

    expect(sentAt).toHaveLength(40);
    // Before the fix: 9 in one second here (11 on the local stack), every loop spending the slot it had taken before
    // its long poll.
    expect(mostInOneSecond(sentAt)).toBe(5);
    const first = sentAt[0]!;
    // Idle loops hold no slots, so the first message waits for none.
    expect(first - publishedAt).toBe(0);
    expect(sentAt.at(-1)! - first).toBeGreaterThanOrEqual(39 * 200);
  });
});

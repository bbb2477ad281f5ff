// The dispatcher retried after a failure in the middle of a batch loses nothing and re-sends nothing it had sent.
// SQS cannot be made to fail part of a batch on demand, so these tests wrap the real queue adapter with a fault (a mock, on purpose).
import { afterEach, describe, expect, it } from 'vitest';
import type { OutgoingMessage, QueueService } from '../../lambda/core/ports.ts';
import { drain, startTestStack, type TestStack } from './harness.ts';

let stack: TestStack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

/** Fails the first send of at least `minimum` messages: the entries from `from` on are refused, or the whole call throws. */
function failingOnce(
  queues: QueueService,
  mode: 'partial' | 'throw',
  from = 3,
  minimum = 5,
): QueueService & { failures: number } {
  const faulty = Object.create(queues) as QueueService & { failures: number };
  faulty.failures = 0;
  faulty.send = async (queueUrl: string, messages: OutgoingMessage[]) => {
    if (faulty.failures === 0 && messages.length >= minimum) {
      faulty.failures++;
      if (mode === 'throw') throw new Error('injected: SQS unreachable');
      const sent = await queues.send(queueUrl, messages.slice(0, from));
      return {
        failed: [
          ...sent.failed,
          ...messages
            .slice(from)
            .map((message) => ({ id: message.id, kind: 'transient' as const, reason: 'injected' })),
        ],
      };
    }
    return queues.send(queueUrl, messages);
  };
  return faulty;
}

describe('dispatcher failures', () => {
  for (const mode of ['partial', 'throw'] as const) {
    it(`after a ${mode === 'partial' ? 'partly failed batch send' : 'send that throws'}, every message arrives exactly once`, async () => {
      let faulty: ReturnType<typeof failingOnce> | undefined;
      stack = await startTestStack({
        adjustPorts: (ports) => {
          faulty = failingOnce(ports.queues, mode);
          return { ...ports, queues: faulty };
        },
      });
      const { client } = stack;
      await client.putTopic('payments', 'NORMAL');
      await client.putGroup('ledger', [{ topic: 'payments' }]);
      const batch = await client.publishBatch(
        'payments',
        Array.from({ length: 40 }, (_, i) => ({ body: `payment ${i}` })),
      );
      const ids = batch.results.map((result) => ('messageId' in result ? result.messageId : ''));

      const received = await drain(stack, 'ledger', 40);
      expect(faulty?.failures).toBe(1);
      expect(received.map((message) => message.messageId).sort()).toEqual([...ids].sort());
      // Give a duplicate every chance to show up.
      await stack.dispatched();
      expect(await client.receive('ledger', { maxMessages: 10, waitSeconds: 1 })).toHaveLength(0);
    });
  }

  it('a group deleted while the dispatcher still routes to it costs the other groups nothing', async () => {
    const streamErrors: unknown[] = [];
    // The dispatcher keeps routes for a minute here, so it still sends to the deleted group's queue.
    stack = await startTestStack({
      env: { FERRY_CATALOG_CACHE_SECONDS: '60' },
      onStreamError: (error) => streamErrors.push(error),
    });
    const { client } = stack;
    await client.putTopic('payments', 'NORMAL');
    await client.putGroup('ledger', [{ topic: 'payments' }]);
    await client.putGroup('audit', [{ topic: 'payments' }]);
    await client.publish('payments', { body: 'before' });
    expect((await drain(stack, 'ledger', 1)).map((message) => message.body)).toEqual(['before']);
    await client.call('DELETE', '/v1/groups/audit');
    await client.publish('payments', { body: 'after' });
    const started = Date.now();
    expect((await drain(stack, 'ledger', 1, 10_000)).map((message) => message.body)).toEqual(['after']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(streamErrors.map(String)).toEqual([]);
    await stack.dispatched();
    expect(await client.receive('ledger', { waitSeconds: 1 })).toHaveLength(0);
  });
});

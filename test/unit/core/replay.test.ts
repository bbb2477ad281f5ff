// Replay on the memory adapters: checkpointed page by page, so a run that fails half way is resumed, not restarted.
import { describe, expect, it } from 'vitest';
import type { QueueService } from '../../../lambda/core/ports.ts';
import { createServices } from '../../../lambda/core/services.ts';
import { createMemoryPorts } from '../../../lambda/memory/services.ts';
import { drainBodies } from './memory-ferry.ts';

/** Queues whose sends throw once `sendsBeforeFailing` sends went out: a crash in the middle of a replay, to the job. */
function ferryWithFailingSends() {
  const ports = createMemoryPorts();
  const control: { sendsBeforeFailing?: number } = {};
  let sends = 0;
  const queues = Object.assign(Object.create(ports.queues) as QueueService, {
    send: async (queueUrl: string, messages: Parameters<QueueService['send']>[1]) => {
      if (control.sendsBeforeFailing !== undefined && sends >= control.sendsBeforeFailing)
        throw new Error('connection reset');
      sends++;
      return ports.queues.send(queueUrl, messages);
    },
  });
  return { ferry: createServices({ ...ports, queues }), ports, control };
}

describe('replay', () => {
  it('resumes after a failed run from its last checkpoint: every message reaches the group once', async () => {
    const { ferry, ports, control } = ferryWithFailingSends();
    await ferry.admin.putTopic('orders', { messageType: 'NORMAL' });
    await ferry.admin.putGroup('billing', { subscriptions: [{ topic: 'orders' }] });
    const from = ports.clock.now();
    for (let batch = 0; batch < 3; batch++)
      await ferry.publisher.publishBatch(
        'orders',
        Array.from({ length: 90 }, (_, i) => ({ body: `order ${batch * 90 + i}` })),
      );
    const replay = await ferry.replays.start('billing', { topic: 'orders', from, to: ports.clock.now() });

    // The first page goes out and is checkpointed; then every send fails.
    control.sendsBeforeFailing = 1;
    // The failure is a fault, not the tick's: it says which replay, and the job waits for the next run.
    expect(await ferry.replays.run(60_000)).toBe(100);
    expect(ports.faults.reports).toMatchObject([
      {
        kind: 'REPLAY_FAILED',
        details: { replayId: replay.replayId, error: expect.stringContaining('connection reset') },
      },
    ]);
    expect(await ferry.replays.get('billing', replay.replayId)).toMatchObject({ state: 'RUNNING', sent: 100 });

    delete control.sendsBeforeFailing;
    await ferry.replays.run(60_000);
    expect(await ferry.replays.get('billing', replay.replayId)).toMatchObject({ state: 'DONE', sent: 270, skipped: 0 });
    const bodies = await drainBodies(ferry, 'billing');
    expect(bodies).toHaveLength(270);
    expect(new Set(bodies).size).toBe(270);
  });

  it('skips what the group filter refuses and what was never delivered', async () => {
    const { ferry, ports } = ferryWithFailingSends();
    await ferry.admin.putTopic('payments', { messageType: 'TRANSACTION' });
    await ferry.producers.put('checkout', {});
    await ferry.admin.putGroup('ledger', {
      subscriptions: [{ topic: 'payments', filter: { type: 'SQL92', expression: "lane = 'gray'" } }],
    });
    const from = ports.clock.now();
    const gray = await ferry.publisher.publish('payments', {
      body: 'gray',
      producerGroup: 'checkout',
      properties: { lane: 'gray' },
    });
    await ferry.publisher.publish('payments', {
      body: 'blue',
      producerGroup: 'checkout',
      properties: { lane: 'blue' },
    });
    await ferry.publisher.publish('payments', {
      body: 'undecided',
      producerGroup: 'checkout',
      properties: { lane: 'gray' },
    });
    await ferry.decisions.commit(gray.messageId);
    const replay = await ferry.replays.start('ledger', { topic: 'payments', from, to: ports.clock.now() });
    await ferry.replays.run(60_000);
    expect(await ferry.replays.get('ledger', replay.replayId)).toMatchObject({ state: 'DONE', sent: 1, skipped: 2 });
    expect(await drainBodies(ferry, 'ledger')).toEqual(['gray']);
  });
});

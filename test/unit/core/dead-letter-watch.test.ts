// The tick's count of each group's dead letters, on the memory adapters and a manual clock: what it records, how
// often, and what it does when a queue cannot be counted.
import { describe, expect, it } from 'vitest';
import { DeadLetterWatch } from '../../../lambda/core/dead-letter-watch.ts';
import type { LevelMetric, MetricScope } from '../../../lambda/core/metrics.ts';
import { noMetrics } from '../../../lambda/core/metrics.ts';
import { CountedFaults } from '../../../lambda/memory/counted-faults.ts';
import { ManualClock } from '../../../lambda/memory/manual-clock.ts';
import { createMemoryPorts } from '../../../lambda/memory/services.ts';

async function twoGroups() {
  const clock = new ManualClock();
  const ports = createMemoryPorts({ clock });
  const levels: Array<[LevelMetric, MetricScope, number]> = [];
  const metrics = {
    ...noMetrics,
    level: (metric: LevelMetric, scope: MetricScope, value: number) => levels.push([metric, scope, value]),
  };
  const faults = new CountedFaults();
  const groups = await Promise.all(
    ['billing', 'shipping'].map(async (name) => ({
      name,
      ...(await ports.queues.ensureGroupQueues(name, { fifo: false, maxDeliveryAttempts: 1 })),
    })),
  );
  // One dead letter in billing's dead-letter queue, however it got there.
  await ports.queues.send(groups[0]!.deadLetterQueueUrl, [{ id: '1', body: 'aside' }]);
  const watch = new DeadLetterWatch(async () => groups, ports.queues, metrics, faults, clock, 60);
  return { clock, ports, levels, faults, groups, watch };
}

describe('the dead-letter count', () => {
  it("records each group's dead letters as the level deadLetterBacklog, zero included", async () => {
    const { watch, levels } = await twoGroups();
    expect(await watch.run()).toBe(2);
    expect(levels).toEqual([
      ['deadLetterBacklog', { group: 'billing' }, 1],
      ['deadLetterBacklog', { group: 'shipping' }, 0],
    ]);
  });

  it('counts at most once an interval, with a tenth of it to spare for a tick that comes early', async () => {
    const { watch, clock } = await twoGroups();
    expect(await watch.run()).toBe(2);
    clock.advance(1_000);
    expect(await watch.run()).toBe(0);
    clock.advance(53_000);
    expect(await watch.run()).toBe(2);
  });

  it('logs a queue it cannot count and counts the others; a catalog it cannot read is logged too, never thrown', async () => {
    const { watch, ports, groups, faults, levels } = await twoGroups();
    await ports.queues.deleteGroupQueues(groups[1]!.queueUrl, groups[1]!.deadLetterQueueUrl);
    expect(await watch.run()).toBe(1);
    expect(levels).toEqual([['deadLetterBacklog', { group: 'billing' }, 1]]);
    expect(faults.reports).toMatchObject([{ kind: 'DEAD_LETTERS_NOT_COUNTED', details: { group: 'shipping' } }]);

    const clock = new ManualClock();
    const failing = new DeadLetterWatch(
      () => Promise.reject(new Error('throttled')),
      ports.queues,
      noMetrics,
      faults,
      clock,
      60,
    );
    expect(await failing.run()).toBe(0);
    expect(faults.count('DEAD_LETTERS_NOT_COUNTED')).toBe(2);
  });
});

// Figures counted in the local stack's background process reach the API's counters, batched, none lost or doubled.
import { describe, expect, it, vi } from 'vitest';
import { CountingMetrics } from '../../../lambda/memory/counting-metrics.ts';
import { ForwardingMetrics, replayMetrics, type MetricRecord } from '../../../lambda/local/forwarded-metrics.ts';
import { createMemoryPorts } from '../../../lambda/memory/services.ts';

describe('forwarded metrics', () => {
  it('sends what was counted in one batch after a short wait, and the receiving counters hold the same figures', () => {
    vi.useFakeTimers();
    try {
      const batches: MetricRecord[][] = [];
      const forwarding = new ForwardingMetrics((records) => batches.push(records));
      forwarding.count('dispatched', { topic: 'orders', group: 'billing' }, 3);
      forwarding.count('filteredOut', { topic: 'orders', group: 'audit' });
      forwarding.duration('scheduledLateness', { topic: 'orders' }, 40);
      expect(batches).toEqual([]);
      vi.advanceTimersByTime(250);
      expect(batches).toHaveLength(1);

      const counters = new CountingMetrics(createMemoryPorts().clock);
      // JSON, as the IPC channel carries them.
      replayMetrics(JSON.parse(JSON.stringify(batches[0])) as MetricRecord[], counters);
      const { topics, groups } = counters.snapshot();
      expect(topics.orders!.totals).toMatchObject({ dispatched: 3, filteredOut: 1 });
      expect(groups.billing!.totals.dispatched).toBe(3);
      expect(groups.audit!.totals.filteredOut).toBe(1);
      expect(topics.orders!.durations.scheduledLateness).toEqual({ count: 1, avgMs: 40, maxMs: 40 });

      forwarding.count('checkedBack', { topic: 'orders' });
      forwarding.flush();
      expect(batches).toHaveLength(2);
      forwarding.flush();
      expect(batches).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});

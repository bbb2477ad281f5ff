import { describe, expect, it } from 'vitest';
import { newMessageId } from '../../lambda/core/ids.ts';
import { FIRST_TICK_LOOKBACK_MS, TICK_SAFETY_MARGIN_MS, TimerWheel } from '../../lambda/core/timers.ts';

describe('timer wheel', () => {
  const wheel = new TimerWheel(60, 8);

  it('spreads one busy minute evenly over the shards', () => {
    const at = Date.UTC(2026, 10, 25, 12, 0, 0);
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const slot = wheel.slotOf(newMessageId(at + i), at + 30_000);
      expect(slot.bucket).toBe(wheel.bucketOf(at));
      counts[slot.shard]!++;
    }
    for (const count of counts) expect(Math.abs(count - 1250)).toBeLessThan(1250 * 0.15);
  });

  it('reads from the cursor to now, and looks back an hour on the very first tick', () => {
    const now = Date.UTC(2026, 10, 25, 12, 0, 30);
    expect(wheel.bucketsToRead(wheel.bucketOf(now) - 2, now)).toEqual([
      wheel.bucketOf(now) - 2,
      wheel.bucketOf(now) - 1,
      wheel.bucketOf(now),
    ]);
    expect(wheel.bucketsToRead(undefined, now)[0]).toBe(wheel.bucketOf(now - FIRST_TICK_LOOKBACK_MS));
  });

  it('looks back at most 60 buckets on the very first tick, however narrow they are', () => {
    const narrow = new TimerWheel(2, 2);
    const now = Date.UTC(2026, 10, 25, 12, 0, 30);
    expect(narrow.bucketsToRead(undefined, now)).toHaveLength(61);
  });

  it('leaves a bucket behind only once its end is a safety margin in the past', () => {
    const bucket = wheel.bucketOf(Date.UTC(2026, 10, 25, 12, 0, 0));
    expect(wheel.canLeaveBehind(bucket, wheel.bucketEnd(bucket) + TICK_SAFETY_MARGIN_MS)).toBe(true);
    expect(wheel.canLeaveBehind(bucket, wheel.bucketEnd(bucket) + TICK_SAFETY_MARGIN_MS - 1)).toBe(false);
  });
});

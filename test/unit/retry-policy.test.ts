import { describe, expect, it } from 'vitest';
import { backoffSeconds, ROCKETMQ_BACKOFF_SECONDS } from '../../lambda/core/retry-policy.ts';

describe('retry policy', () => {
  it("follows RocketMQ's backoff levels, 10 s after the first failure up to 2 h", () => {
    expect(backoffSeconds(1)).toBe(10);
    expect(backoffSeconds(2)).toBe(30);
    expect(backoffSeconds(3)).toBe(60);
    expect(backoffSeconds(16)).toBe(7200);
    expect(ROCKETMQ_BACKOFF_SECONDS).toHaveLength(16);
  });

  it('stays at the last level past the sixteenth attempt and treats nonsense attempts as the first', () => {
    expect(backoffSeconds(40)).toBe(7200);
    expect(backoffSeconds(0)).toBe(10);
  });
});

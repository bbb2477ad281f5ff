// The catalog's memo: what it keeps, for how long, and what it never keeps.
import { describe, expect, it } from 'vitest';
import { TtlCache } from '../../../lambda/core/ttl-cache.ts';

function counting<V>(values: V[]) {
  let calls = 0;
  return {
    load: async () => values[Math.min(calls++, values.length - 1)] as V,
    calls: () => calls,
  };
}

describe('TtlCache', () => {
  it('answers what it loaded until the time is up, then loads again', async () => {
    let now = 0;
    const cache = new TtlCache<string>(5000, { now: () => now });
    const source = counting(['v1', 'v2']);
    expect(await cache.get('k', source.load)).toBe('v1');
    now = 4999;
    expect(await cache.get('k', source.load)).toBe('v1');
    now = 5000;
    expect(await cache.get('k', source.load)).toBe('v2');
    expect(source.calls()).toBe(2);
  });

  it('keeps no miss: a topic or group created after a request missed it is found by the next', async () => {
    const cache = new TtlCache<string | undefined>(60_000, { now: () => 0 });
    const source = counting<string | undefined>([undefined, 'created']);
    expect(await cache.get('k', source.load)).toBeUndefined();
    expect(await cache.get('k', source.load)).toBe('created');
    expect(await cache.get('k', source.load)).toBe('created');
    expect(source.calls()).toBe(2);
  });

  it('keeps no failure, and clear() drops everything', async () => {
    const cache = new TtlCache<string>(60_000, { now: () => 0 });
    await expect(cache.get('k', () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    expect(await cache.get('k', async () => 'v1')).toBe('v1');
    cache.clear();
    expect(await cache.get('k', async () => 'v2')).toBe('v2');
  });
});

import { describe, expect, it } from 'vitest';
import { bodyKey, KEEP_DAYS, keepDaysFor } from '../../lambda/aws/body-layout.ts';
import { bodyKeptUntil, QUEUED_AT_MOST_MS } from '../../lambda/core/large-body.ts';
import { readConfig } from '../../lambda/core/config.ts';

const DAY_MS = 86_400_000;
const born = Date.UTC(2026, 0, 1);

describe('where large bodies are kept, and for how long', () => {
  it('puts a body under the shortest lifetime that keeps it at least as long as needed, at most 1.5 times longer', () => {
    for (const days of [1, 28, 29, 30, 44, 45, 100, 400, 744, 3000]) {
      const kept = keepDaysFor(born, born + days * DAY_MS);
      expect(kept).toBeGreaterThanOrEqual(days);
      expect(kept).toBeLessThanOrEqual(Math.max(29, Math.ceil(days * 1.5)));
    }
    expect(keepDaysFor(born, born + 1)).toBe(KEEP_DAYS[0]);
  });

  it('names the lifetime and the message in the key, under the prefix the lifecycle rule expires', () => {
    expect(bodyKey('01JDQ', keepDaysFor(born, born + 40 * DAY_MS))).toBe('bodies/keep-44d/01JDQ');
  });

  it('keeps a body as long as the message, and never less than its reference may wait in a queue and its dead letters', () => {
    const config = readConfig({});
    const normal = { state: 'READY' as const, bornAt: born, expiresAt: born / 1000 + 72 * 3600 };
    expect(bodyKeptUntil(normal, config)).toBe(born + QUEUED_AT_MOST_MS);
    const longRetention = { ...normal, expiresAt: born / 1000 + 365 * 86_400 };
    expect(bodyKeptUntil(longRetention, config)).toBe(born + 365 * DAY_MS);
    const scheduled = { state: 'SCHEDULED' as const, bornAt: born, deliverAt: born + 300 * DAY_MS, expiresAt: 0 };
    expect(bodyKeptUntil(scheduled, config)).toBe(born + 300 * DAY_MS + QUEUED_AT_MOST_MS);
  });
});

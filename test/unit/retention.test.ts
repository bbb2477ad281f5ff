// Retention counts from the last moment a message is needed (DynamoDB Local runs no TTL, so the rule is tested itself).
import { describe, expect, it } from 'vitest';
import { expiresAt, lastNeededAt } from '../../lambda/core/retention.ts';

const config = { txnCheckFirstSeconds: 6, txnCheckIntervalSeconds: 60, txnCheckMax: 15, tickSeconds: 60 };
const bornAt = Date.UTC(2026, 10, 27);
const hour = 3600;

describe('retention', () => {
  it('a message scheduled 365 days ahead expires its retention after its delivery time, not after it was sent', () => {
    const deliverAt = bornAt + 365 * 86_400_000;
    expect(expiresAt({ state: 'SCHEDULED', bornAt, deliverAt }, { retentionHours: 72 }, config)).toBe(
      deliverAt / 1000 + 72 * hour,
    );
  });

  it('a prepared transaction lives through every check-back and the rollback after the last, then its retention', () => {
    const end = lastNeededAt({ state: 'PREPARED', bornAt }, config);
    // First check at 6 s, 15 checks a minute apart, the rollback one interval later, ticks late by up to a minute each.
    expect(end - bornAt).toBeGreaterThanOrEqual((6 + 15 * 60 + 60) * 1000);
    expect(expiresAt({ state: 'PREPARED', bornAt }, { retentionHours: 1 }, config)).toBe(Math.ceil(end / 1000 + hour));
  });

  it('a prepared transaction with long check intervals is kept for all of them', () => {
    const long = { ...config, txnCheckIntervalSeconds: 86_400, txnCheckMax: 30 };
    expect(lastNeededAt({ state: 'PREPARED', bornAt }, long) - bornAt).toBeGreaterThan(30 * 86_400_000);
  });

  it('a ready message expires its retention after it was sent', () => {
    expect(expiresAt({ state: 'READY', bornAt }, { retentionHours: 72 }, config)).toBe(bornAt / 1000 + 72 * hour);
  });
});

import { describe, expect, it } from 'vitest';
import { isMessageId, newMessageId } from '../../lambda/core/ids.ts';
import { deadLetterQueueName, groupQueueName, NAME_PATTERN } from '../../lambda/core/names.ts';

describe('message ids', () => {
  it('are unique and sort in creation order, also within one millisecond', () => {
    const now = Date.now();
    const ids = Array.from({ length: 1000 }, () => newMessageId(now));
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
    expect(ids.every(isMessageId)).toBe(true);
    expect(isMessageId('not-an-id')).toBe(false);
  });
});

describe('names', () => {
  it('accept 1 to 64 of A-Z a-z 0-9 _ - and nothing else', () => {
    expect(NAME_PATTERN.test('order_events-2')).toBe(true);
    expect(NAME_PATTERN.test('x'.repeat(64))).toBe(true);
    for (const bad of ['', 'x'.repeat(65), 'a.b', 'a b', 'ä']) expect(NAME_PATTERN.test(bad)).toBe(false);
  });

  it('give queue names within SQS’s 80 characters for the longest group name and the longest prefix', () => {
    const longest = 'g'.repeat(64);
    expect(deadLetterQueueName('ferryxyz-', longest, true).length).toBeLessThanOrEqual(80);
    expect(groupQueueName('ferry-', 'billing', false)).toBe('ferry-q-billing');
    expect(groupQueueName('ferry-', 'billing', true)).toBe('ferry-q-billing.fifo');
    expect(deadLetterQueueName('ferry-', 'billing', true)).toBe('ferry-d-billing.fifo');
  });
});

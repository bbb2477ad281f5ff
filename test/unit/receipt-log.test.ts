import { describe, expect, it } from 'vitest';
import { foldReceipts, receiptEvents } from '../../lambda/aws/receipt-log.ts';
import { receiptPartition } from '../../lambda/aws/table-layout.ts';
import { newMessageId } from '../../lambda/core/ids.ts';
import type { TraceEntry } from '../../lambda/core/ports.ts';

describe('receipt log', () => {
  const born = Date.UTC(2026, 10, 25, 10, 0, 30);
  const ids = Array.from({ length: 10 }, () => newMessageId(born));
  const received = (at: number): TraceEntry[] =>
    ids.map((messageId, i) => ({
      message: { messageId, topic: 'orders' },
      event: { type: 'RECEIVED', at: at + i, groups: ['billing'], detail: { deliveryAttempt: 1 } },
    }));

  it('folds the events of one receive call into one item, and each message finds its own event in it', () => {
    const { receiptItems, perMessage } = foldReceipts(received(born + 1000), () => 0);
    expect(receiptItems).toHaveLength(1);
    expect(perMessage).toHaveLength(0);
    expect(receiptItems[0]!.pk).toBe(receiptPartition('billing', ids[3]!));
    expect(receiptEvents(receiptItems, ids[3]!)).toEqual([
      { type: 'RECEIVED', at: born + 1000, groups: ['billing'], detail: { deliveryAttempt: 1 } },
    ]);
    expect(receiptEvents(receiptItems, newMessageId(born))).toEqual([]);
  });

  it('keeps messages born in different minutes in different partitions, and other events per message', () => {
    const later = newMessageId(born + 90_000);
    const entries: TraceEntry[] = [
      ...received(born + 1000),
      {
        message: { messageId: later, topic: 'orders' },
        event: { type: 'RECEIVED', at: born + 100_000, groups: ['billing'] },
      },
      {
        message: { messageId: later, topic: 'orders' },
        event: { type: 'DISPATCHED', at: born + 95_000, groups: ['billing', 'shipping'] },
      },
    ];
    const { receiptItems, perMessage } = foldReceipts(entries, () => 0);
    expect(receiptItems.map((item) => item.pk).sort()).toEqual(
      [receiptPartition('billing', ids[0]!), receiptPartition('billing', later)].sort(),
    );
    expect(perMessage.map((entry) => entry.event.type)).toEqual(['DISPATCHED']);
  });
});

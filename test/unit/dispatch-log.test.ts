import { describe, expect, it } from 'vitest';
import { dispatchEvents, foldDispatches } from '../../lambda/aws/dispatch-log.ts';
import { dispatchPartition } from '../../lambda/aws/table-layout.ts';
import { newMessageId } from '../../lambda/core/ids.ts';
import type { MessageId } from '../../lambda/core/model.ts';
import type { TraceEntry } from '../../lambda/core/ports.ts';

describe('dispatch log', () => {
  const born = Date.UTC(2026, 10, 25, 10, 0, 30);
  const at = born + 40;
  const ids = Array.from({ length: 100 }, () => newMessageId(born));
  const dispatched = (messageIds: string[], groups: (i: number) => string[]): TraceEntry[] =>
    messageIds.map((messageId, i) => ({
      message: { messageId: messageId as MessageId, topic: 'orders' },
      event: { type: 'DISPATCHED', at, groups: groups(i) },
      expiresAt: 1_000 + i,
    }));

  it('folds the DISPATCHED events of a batch into one item, and each message finds its own groups in it', () => {
    const { dispatchItems, perMessage } = foldDispatches(
      dispatched(ids, (i) => (i % 2 === 0 ? ['billing', 'shipping'] : ['billing'])),
      () => 0,
    );
    expect(dispatchItems).toHaveLength(1);
    expect(perMessage).toHaveLength(0);
    expect(dispatchItems[0]!.pk).toBe(dispatchPartition(ids[0]!));
    expect(dispatchEvents(dispatchItems, ids[2]!)).toEqual([
      { type: 'DISPATCHED', at, groups: ['billing', 'shipping'] },
    ]);
    expect(dispatchEvents(dispatchItems, ids[3]!)).toEqual([{ type: 'DISPATCHED', at, groups: ['billing'] }]);
    expect(dispatchEvents(dispatchItems, newMessageId(born))).toEqual([]);
  });

  it('keeps the folded item as long as the longest-kept message in it', () => {
    const { dispatchItems } = foldDispatches(
      dispatched(ids, () => ['billing']),
      () => 0,
    );
    expect(dispatchItems[0]!.expiresAt).toBe(1_099);
  });

  it('writes one item per birth minute, and keeps events other than DISPATCHED per message', () => {
    const bornAnHourLater = newMessageId(born + 3_600_000);
    const entries: TraceEntry[] = [
      ...dispatched([...ids.slice(0, 5), bornAnHourLater], () => ['billing']),
      {
        message: { messageId: ids[0]!, topic: 'orders' },
        event: { type: 'UNDELIVERABLE', at, groups: ['audit'], detail: { reason: 'refused' } },
      },
    ];
    const { dispatchItems, perMessage } = foldDispatches(entries, () => 0);
    expect(dispatchItems.map((item) => item.pk).sort()).toEqual(
      [dispatchPartition(ids[0]!), dispatchPartition(bornAnHourLater)].sort(),
    );
    expect(dispatchEvents(dispatchItems, bornAnHourLater)).toEqual([{ type: 'DISPATCHED', at, groups: ['billing'] }]);
    expect(perMessage.map((entry) => entry.event.type)).toEqual(['UNDELIVERABLE']);
  });
});

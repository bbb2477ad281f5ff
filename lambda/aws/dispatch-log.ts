// Dispatcher-side trace (dispatched to which groups) folded into one item per dispatched batch, yet findable by message id.
import type { MessageId, TraceEvent } from '../core/model.ts';
import type { TraceEntry } from '../core/ports.ts';
import { dispatchPartition, dispatchRecordPartition } from './table-layout.ts';

/**
 * The dispatcher hands on up to a stream batch of messages at once; an item per message would make the trace cost as
 * much as the message itself (a write is billed per item). One item per batch holds every message's groups, in the
 * partition of the minute the messages were born (readable from the ULID), so a query by id knows the one partition.
 * A batch whose messages were born in different minutes (scheduled or transaction messages) writes one item per minute.
 */
export interface FoldedDispatches {
  dispatchItems: Record<string, unknown>[];
  /** Entries that keep one item per message (every event but DISPATCHED). */
  perMessage: TraceEntry[];
}

let sequence = 0;

export function foldDispatches(entries: TraceEntry[], expiresAt: (at: number) => number): FoldedDispatches {
  const perMessage: TraceEntry[] = [];
  const folds = new Map<string, { at: number; expiresAt: number; entries: Record<string, string[]> }>();
  for (const entry of entries) {
    if (entry.event.type !== 'DISPATCHED' || entry.event.detail !== undefined) {
      perMessage.push(entry);
      continue;
    }
    const pk = dispatchPartition(entry.message.messageId);
    const fold = folds.get(pk) ?? { at: entry.event.at, expiresAt: 0, entries: {} };
    fold.at = Math.min(fold.at, entry.event.at);
    // The item lives as long as the message that is kept longest.
    fold.expiresAt = Math.max(fold.expiresAt, entry.expiresAt ?? expiresAt(entry.event.at));
    fold.entries[entry.message.messageId] = entry.event.groups ?? [];
    folds.set(pk, fold);
  }
  const dispatchItems = [...folds].map(([pk, fold]) => {
    sequence = (sequence + 1) % 1_000_000;
    return {
      pk,
      sk: `${String(fold.at).padStart(13, '0')}#${String(sequence).padStart(6, '0')}${Math.random().toString(36).slice(2, 6)}`,
      kind: 'DISP',
      at: fold.at,
      entries: fold.entries,
      expiresAt: fold.expiresAt,
    };
  });
  return { dispatchItems, perMessage };
}

/** The DISPATCHED events of one message in dispatch items read from its partition. */
export function dispatchEvents(items: Record<string, unknown>[], messageId: MessageId): TraceEvent[] {
  return items.flatMap((item) => {
    const groups = (item.entries as Record<string, string[]> | undefined)?.[messageId];
    return groups === undefined ? [] : [{ type: 'DISPATCHED' as const, at: Number(item.at), groups: [...groups] }];
  });
}

/** Ids per dispatch record item: about 30 KB, well within an item's 400 KB. */
const IDS_PER_RECORD = 1000;

/**
 * The record that messages were handed on (to their groups, or to none), in a partition of the minute they were born:
 * the sweep's walk reads it to pass by what was dispatched. One item per minute and batch, so a batch of 100 costs
 * about three write units, where deleting 100 outbox entries cost 100.
 */
export function dispatchRecordItems(ids: MessageId[], at: number, expiresAt: number): Record<string, unknown>[] {
  const byPartition = Map.groupBy(ids, dispatchRecordPartition);
  return [...byPartition].flatMap(([pk, partitionIds]) => {
    const items: Record<string, unknown>[] = [];
    for (let start = 0; start < partitionIds.length; start += IDS_PER_RECORD) {
      sequence = (sequence + 1) % 1_000_000;
      items.push({
        pk,
        sk: `${String(at).padStart(13, '0')}#R${String(sequence).padStart(6, '0')}${Math.random().toString(36).slice(2, 6)}`,
        kind: 'DISPREC',
        ids: partitionIds.slice(start, start + IDS_PER_RECORD),
        expiresAt,
      });
    }
    return items;
  });
}

/**
 * The ids that dispatch items name: dispatch records, and trace items (which a dispatch to any group writes too, and
 * which are all that versions before the dispatch record wrote).
 */
export function recordedIds(items: Record<string, unknown>[]): Set<string> {
  const ids = new Set<string>();
  for (const item of items) {
    for (const id of (item.ids as string[] | undefined) ?? []) ids.add(id);
    for (const id of Object.keys((item.entries as Record<string, unknown> | undefined) ?? {})) ids.add(id);
  }
  return ids;
}

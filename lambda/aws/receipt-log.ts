// Consumer-side trace (received, acked, nacked) folded into one item per API call, yet findable by message id.
import type { MessageId, TraceEvent } from '../core/model.ts';
import type { TraceEntry } from '../core/ports.ts';
import { receiptPartition } from './table-layout.ts';

/**
 * A receive or ack call touches many messages; writing an event per message would multiply what a message costs.
 * Instead one item per call holds them all, in a partition named by the group and the minute the messages were
 * born (readable from the ULID), so a query by message id knows the one partition to search.
 */
const FOLDED: ReadonlySet<TraceEvent['type']> = new Set(['RECEIVED', 'ACKED', 'NACKED', 'PUSHED', 'PUSH_FAILED']);

export interface FoldedTrace {
  receiptItems: Record<string, unknown>[];
  /** Entries that keep one item per message. */
  perMessage: TraceEntry[];
}

let sequence = 0;

export function foldReceipts(entries: TraceEntry[], expiresAt: (at: number) => number): FoldedTrace {
  const perMessage: TraceEntry[] = [];
  const folds = new Map<
    string,
    {
      pk: string;
      type: TraceEvent['type'];
      group: string;
      at: number;
      entries: Record<string, Record<string, string | number>>;
    }
  >();
  for (const entry of entries) {
    const group = entry.event.groups?.[0];
    if (!FOLDED.has(entry.event.type) || group === undefined || entry.event.groups?.length !== 1) {
      perMessage.push(entry);
      continue;
    }
    const pk = receiptPartition(group, entry.message.messageId);
    const key = `${pk}|${entry.event.type}`;
    const fold = folds.get(key) ?? { pk, type: entry.event.type, group, at: entry.event.at, entries: {} };
    fold.at = Math.min(fold.at, entry.event.at);
    fold.entries[entry.message.messageId] = entry.event.detail ?? {};
    folds.set(key, fold);
  }
  const receiptItems = [...folds.values()].map((fold) => {
    sequence = (sequence + 1) % 1_000_000;
    return {
      pk: fold.pk,
      sk: `${String(fold.at).padStart(13, '0')}#${String(sequence).padStart(6, '0')}${Math.random().toString(36).slice(2, 6)}`,
      kind: 'RCPT',
      type: fold.type,
      group: fold.group,
      at: fold.at,
      entries: fold.entries,
      expiresAt: expiresAt(fold.at),
    };
  });
  return { receiptItems, perMessage };
}

/** The events of one message in receipt items read from its partitions. */
export function receiptEvents(items: Record<string, unknown>[], messageId: MessageId): TraceEvent[] {
  return items.flatMap((item) => {
    const detail = (item.entries as Record<string, Record<string, string | number>> | undefined)?.[messageId];
    if (detail === undefined) return [];
    const event: TraceEvent = {
      type: item.type as TraceEvent['type'],
      at: Number(item.at),
      groups: [String(item.group)],
    };
    if (Object.keys(detail).length > 0) event.detail = detail;
    return [event];
  });
}

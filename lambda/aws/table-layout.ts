// The one DynamoDB table's layout in one place: its keys and indexes (shared by the CDK construct and the local stack)
// and every item key Ferry builds, by kind of item.
import { decodeTime } from 'ulid';
import type { MessageId } from '../core/model.ts';
import type { FifoGroup, MessageRef } from '../core/ports.ts';
import type { TimerSlot, TimerWheel } from '../core/timers.ts';

/** Partition key (string) of every item: messages, their trace events, catalog items, timer buckets. */
export const PARTITION_KEY = 'pk';
/** Sort key (string) of every item. */
export const SORT_KEY = 'sk';
/** Epoch seconds after which DynamoDB's TTL deletes the item (the topic's retention). */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * Global secondary indexes. Each is sparse: only items that carry its key attributes appear in it.
 * - `byMessageId`: message items whose partition key is not derivable from the id (FIFO groups share one).
 * - `byDueTime`: messages waiting for the tick (SCHEDULED until their lead, PREPARED until their next check),
 *   by time bucket and shard, so that a busy minute is no hot partition.
 */
export const INDEXES = [
  { name: 'byMessageId', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  { name: 'byDueTime', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
] as const;

export type IndexName = (typeof INDEXES)[number]['name'];

// Messages and their trace ------------------------------------------------------------------------------------------

/**
 * Normal messages each get their own partition (no hot topic); the messages of one FIFO message group share one,
 * because DynamoDB streams keep order per partition and that order is the group's order.
 */
export function messagePartition(ref: MessageRef): string {
  return ref.messageGroup === undefined ? `M#${ref.messageId}` : `G#${ref.topic}#${ref.messageGroup}`;
}

/** The message item's sort key; its trace events sort after it (`M#<id>#E#...`). */
export const messageSortKey = (messageId: MessageId) => `M#${messageId}`;

export const messageKey = (ref: MessageRef) => ({ pk: messagePartition(ref), sk: messageSortKey(ref.messageId) });

export const traceSortKey = (messageId: MessageId, at: number, unique: string) =>
  `${messageSortKey(messageId)}#E#${String(at).padStart(13, '0')}#${unique}`;

/** The id index entry of a message whose partition cannot be derived from its id. */
export const messageIdIndexKeys = (messageId: MessageId) => ({ gsi1pk: `MID#${messageId}`, gsi1sk: 'M' });

/**
 * Consumer-side trace (received, acked, nacked) folded into one item per call, in a partition named by the group and
 * the minute the messages were born (readable from the ULID), so a query by message id knows the one partition.
 */
export const receiptPartition = (group: string, messageId: MessageId) =>
  `RCPT#${group}#${Math.floor(decodeTime(messageId) / 60_000)}`;

/**
 * Dispatcher-side trace (dispatched to which groups) folded into one item per dispatched batch, in a partition named by
 * the minute the messages were born, so a query by message id knows the one partition.
 */
export const dispatchPartition = (messageId: MessageId) => `DISP#${Math.floor(decodeTime(messageId) / 60_000)}`;

// The due-time index ------------------------------------------------------------------------------------------------

export const dueSlotKey = (slot: TimerSlot) => `DUE#${slot.bucket}#${slot.shard}`;

/** The due-time index keys of a waiting message: bucket and shard, then wake time and id. */
export function dueIndexKeys(
  wheel: TimerWheel,
  messageId: MessageId,
  wakeAt: number,
): { gsi4pk: string; gsi4sk: string } {
  return {
    gsi4pk: dueSlotKey(wheel.slotOf(messageId, wakeAt)),
    gsi4sk: `${String(wakeAt).padStart(13, '0')}#${messageId}`,
  };
}

/** The tick's cursor and last run. */
export const TICK_STATE_KEY = { pk: 'TICK', sk: 'STATE' } as const;

// The outbox, FIFO holds, duplicate detection, pull checks ----------------------------------------------------------

/** The outbox partitions: entries spread over shards by id; a FIFO group's entries share one, so a sweep reads them in order. */
export const OUTBOX_SHARDS = 16;

export const outboxPartition = (shard: number) => `OUTBOX#${shard}`;

/** Sorted by message id, which sorts by publish time: a FIFO group's entries come in the group's order. */
export function outboxKey(ref: MessageRef): { pk: string; sk: string } {
  return {
    pk: outboxPartition(
      hashShard(ref.messageGroup === undefined ? ref.messageId : `${ref.topic}#${ref.messageGroup}`, OUTBOX_SHARDS),
    ),
    sk: ref.messageId,
  };
}

export const holdKey = (group: FifoGroup) => ({ pk: `HOLD#${group.topic}#${group.messageGroup}`, sk: 'HOLD' });

/** A producer's dedupKey on one topic: the message it first published with it. */
export const dedupKey = (topic: string, key: string) => ({ pk: `DEDUP#${topic}`, sk: key });

/** The prepared messages a producer group without a check endpoint has been asked to decide. */
export const pullChecksPartition = (producerGroup: string) => `CHECKS#${producerGroup}`;

/** The key receipt handles are signed with: one item, written once by the first instance that needs it. */
export const RECEIPT_KEY_ITEM = { pk: 'KEY', sk: 'RECEIPT_HANDLE' } as const;

// The catalog -------------------------------------------------------------------------------------------------------

/** Topics, groups and producer groups share one partition: the catalog is small and read whole. */
export const CATALOG_PARTITION = 'CATALOG';
export const TOPIC_PREFIX = 'TOPIC#';
export const GROUP_PREFIX = 'GROUP#';
export const PRODUCER_PREFIX = 'PRODUCER#';

export const topicKey = (name: string) => ({ pk: CATALOG_PARTITION, sk: `${TOPIC_PREFIX}${name}` });
export const groupKey = (name: string) => ({ pk: CATALOG_PARTITION, sk: `${GROUP_PREFIX}${name}` });
export const producerKey = (name: string) => ({ pk: CATALOG_PARTITION, sk: `${PRODUCER_PREFIX}${name}` });

/** The routes of one topic: what the dispatcher reads for every message of it, one item per subscribed group. */
export const routesPartition = (topic: string) => `ROUTES#${topic}`;
export const routeKey = (topic: string, group: string) => ({
  pk: routesPartition(topic),
  sk: `${GROUP_PREFIX}${group}`,
});

function hashShard(text: string, shards: number): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) >>> 0;
  return hash % shards;
}

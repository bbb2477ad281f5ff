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
 * Global secondary indexes. Each is sparse: only items that carry its key attributes appear in it. The three query
 * indexes project keys only: an entry is written when a message is stored (and, for `byWaiting`, when it leaves its
 * waiting state), never by the state changes in between, and a query reads the messages themselves by key after it.
 * - `byMessageId`: message items whose partition key is not derivable from the id (FIFO groups share one).
 * - `byKey`: messages by topic and key, newest first; the message item carries its first key, a small item beside it
 *   each further key. Messages without keys are not in it.
 * - `byTopicTime`: every message by topic and publish time (its id), spread over `QUERY_SHARDS` partitions per topic.
 * - `byDueTime`: messages waiting for the tick (SCHEDULED until their lead, PREPARED until their next check),
 *   by time bucket and shard, so that a busy minute is no hot partition.
 * - `byWaiting`: SCHEDULED messages by topic and delivery time, PREPARED ones by producer group and publish time,
 *   until they leave that state; sharded as `byTopicTime`.
 */
export const INDEXES = [
  { name: 'byMessageId', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
  { name: 'byKey', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'KEYS_ONLY' },
  { name: 'byTopicTime', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: 'KEYS_ONLY' },
  { name: 'byDueTime', partitionKey: 'gsi4pk', sortKey: 'gsi4sk', projection: 'ALL' },
  { name: 'byWaiting', partitionKey: 'gsi5pk', sortKey: 'gsi5sk', projection: 'KEYS_ONLY' },
] as const;

/** Index attributes that message items carry and that are no part of the message itself. */
export const INDEX_ATTRIBUTES: readonly string[] = INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]);

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

/**
 * The dispatch record (which messages were handed on, to their groups or to none), read by the sweep's walk: by the
 * minute the messages were born, beside the trace's partition rather than in it, so that neither halves the other's
 * write rate.
 */
export const dispatchRecordPartition = (messageId: MessageId) => `DREC#${Math.floor(decodeTime(messageId) / 60_000)}`;

// The query indexes ---------------------------------------------------------------------------------------------

/**
 * Partitions per topic (or producer group) in `byTopicTime` and `byWaiting`: a partition takes about 1,000 writes a
 * second, so a topic takes about 8,000 messages a second before its index would throttle the table. A query reads
 * every shard and merges them by sort key.
 */
export const QUERY_SHARDS = 8;

export const queryShardOf = (messageId: MessageId) => hashShard(messageId, QUERY_SHARDS);

/** The key index entry of one key of a message: newest first by id. */
export const keyIndexKeys = (topic: string, key: string, messageId: MessageId) => ({
  gsi2pk: keyIndexPartition(topic, key),
  gsi2sk: messageId,
});
export const keyIndexPartition = (topic: string, key: string) => `K#${topic}#${key}`;

/** A further key's item, beside the message item in its partition (the trace reader skips it by kind). */
export const extraKeySortKey = (messageId: MessageId, index: number) => `${messageSortKey(messageId)}#K#${index}`;

export const timeIndexPartition = (topic: string, shard: number) => `T#${topic}#${shard}`;
/** The time index entry: the id sorts by publish time. */
export const timeIndexKeys = (topic: string, messageId: MessageId) => ({
  gsi3pk: timeIndexPartition(topic, queryShardOf(messageId)),
  gsi3sk: messageId,
});

export const scheduledPartition = (topic: string, shard: number) => `SCHED#${topic}#${shard}`;
export const undecidedPartition = (producerGroup: string, shard: number) => `TXN#${producerGroup}#${shard}`;

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

/**
 * How far the sweep's walk has passed each topic's messages in `byTopicTime` (an id bound): one small partition, read
 * whole on every sweep.
 */
export const SWEEP_MARKS_PARTITION = 'SWEEPMARK';
export const sweepMarkKey = (topic: string) => ({ pk: SWEEP_MARKS_PARTITION, sk: topic });

export const holdKey = (group: FifoGroup) => ({ pk: `HOLD#${group.topic}#${group.messageGroup}`, sk: 'HOLD' });

/** A producer's dedupKey on one topic: the message it first published with it. */
export const dedupKey = (topic: string, key: string) => ({ pk: `DEDUP#${topic}`, sk: key });

/** The prepared messages a producer group without a check endpoint has been asked to decide. */
export const pullChecksPartition = (producerGroup: string) => `CHECKS#${producerGroup}`;

/** The key receipt handles are signed with: one item, written once by the first instance that needs it. */
export const RECEIPT_KEY_ITEM = { pk: 'KEY', sk: 'RECEIPT_HANDLE' } as const;

/** Replay jobs share one small partition: there are few, and the tick reads the running ones on every run. */
export const REPLAY_PARTITION = 'REPLAY';
export const replayKey = (replayId: string) => ({ pk: REPLAY_PARTITION, sk: replayId });

// The catalog -------------------------------------------------------------------------------------------------------

/** Topics, groups and producer groups share one partition: the catalog is small and read whole. */
export const CATALOG_PARTITION = 'CATALOG';
export const TOPIC_PREFIX = 'TOPIC#';
export const GROUP_PREFIX = 'GROUP#';
export const PRODUCER_PREFIX = 'PRODUCER#';

export const topicKey = (name: string) => ({ pk: CATALOG_PARTITION, sk: `${TOPIC_PREFIX}${name}` });
export const groupKey = (name: string) => ({ pk: CATALOG_PARTITION, sk: `${GROUP_PREFIX}${name}` });
export const producerKey = (name: string) => ({ pk: CATALOG_PARTITION, sk: `${PRODUCER_PREFIX}${name}` });

/**
 * The routes' revision, a counter that every change of a group moves on: a dispatcher keeps the routes it read while
 * the counter stands (in the catalog partition, but under none of its prefixes, so no listing returns it).
 */
export const ROUTES_REVISION_KEY = { pk: CATALOG_PARTITION, sk: 'ROUTES_REVISION' } as const;

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

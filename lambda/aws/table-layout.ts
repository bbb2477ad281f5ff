// The one DynamoDB table's keys and indexes, shared by the CDK construct and the local stack so both create the same table.

/** Partition key (string) of every item: messages, their trace events, catalog items, timer buckets. */
export const PARTITION_KEY = 'pk';
/** Sort key (string) of every item. */
export const SORT_KEY = 'sk';
/** Epoch seconds after which DynamoDB's TTL deletes the item (the topic's retention). */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * Global secondary indexes. Each is sparse: only items that carry its key attributes appear in it.
 * - `byMessageId`: message items whose partition key is not derivable from the id (FIFO groups share one).
 * - `byKey`: one lookup item per message key, for `GET /v1/topics/{topic}/messages?key=K`.
 * - `byTopicTime`: message items by topic shard and born time, for `?from=&to=`.
 * - `byDueTime`: messages waiting for the tick (SCHEDULED until their lead, PREPARED until their next check),
 *   by time bucket and shard, so that a busy minute is no hot partition.
 */
export const INDEXES = [
  { name: 'byMessageId', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  { name: 'byKey', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  { name: 'byTopicTime', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  { name: 'byDueTime', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
] as const;

export type IndexName = (typeof INDEXES)[number]['name'];

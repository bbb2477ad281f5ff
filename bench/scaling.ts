// Scale on paper, checked by simulation: the key and shard arithmetic of Ferry's own code for 10,000 messages/s
// sustained and 1,000,000 scheduled messages falling due in one hour, against the AWS limits that apply.
import { itemBytes } from '../lambda/aws/item-size.ts';
import { dispatchRecordItems } from '../lambda/aws/dispatch-log.ts';
import { toOutboxItem, toStoredMessageItem } from '../lambda/aws/message-items.ts';
import {
  dispatchPartition,
  outboxKey,
  OUTBOX_SHARDS,
  QUERY_SHARDS,
  receiptPartition,
  timeIndexKeys,
} from '../lambda/aws/table-layout.ts';
import { newMessageId } from '../lambda/core/ids.ts';
import type { Message } from '../lambda/core/model.ts';
import { TimerWheel } from '../lambda/core/timers.ts';
import { round } from './stats.ts';
import { randomTextBody } from './bodies.ts';

/** AWS limits (documented quotas; the defaults of an account that has asked for no increase). */
const LIMITS = {
  partitionWruPerSecond: 1000,
  /** On-demand table, per table, account default (adjustable). */
  tableWruPerSecond: 40_000,
  /** A new on-demand table serves this at once; more after DynamoDB has scaled (or with warm throughput). */
  newTableWruPerSecond: 4000,
  httpApiRequestsPerSecond: 10_000,
  /** Lambda processes one batch per stream shard at a time (parallelizationFactor 1, kept for FIFO order). */
  streamBatchesPerShard: 1,
};

const wru = (bytes: number) => Math.ceil(bytes / 1024);

function oneKbMessage(bornAt: number, overrides: Partial<Message> = {}): Message {
  return {
    messageId: newMessageId(bornAt),
    topic: 'orders',
    topicType: 'NORMAL',
    state: 'READY',
    // Random text: deflate leaves the item over 1 KB (2 write units), the worst case for a 1 KB body.
    body: randomTextBody(0),
    keys: ['order-42'],
    properties: { region: 'eu' },
    bornAt,
    expiresAt: Math.ceil(bornAt / 1000) + 72 * 3600,
    ...overrides,
  };
}

/** The largest share of `count` keys that any one value of `keyOf` gets: 1/shards when the spread is even. */
function hottestShare<T>(items: T[], keyOf: (item: T) => string): number {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(keyOf(item), (counts.get(keyOf(item)) ?? 0) + 1);
  return Math.max(...counts.values()) / items.length;
}

export function runScalingSimulation(): string[] {
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);
  const now = Date.UTC(2026, 10, 27, 12, 0, 0);
  const wheel = new TimerWheel(60, 8);
  const sample = Array.from({ length: 100_000 }, (_, i) => oneKbMessage(now + Math.floor(i / 10)));
  const messageBytes = itemBytes(toStoredMessageItem(sample[0]!, wheel));
  const messageWru = wru(messageBytes);
  const outboxWru = wru(itemBytes(toOutboxItem(sample[0]!, now, sample[0]!.expiresAt)));

  print('### 10,000 messages/s sustained, 1 KB, NORMAL, one group, publish and receive in batches of 10');
  const rate = 10_000;
  print(
    `message item ${messageBytes} bytes = ${messageWru} WRU; no outbox entry (published READY: the sweep walks byTopicTime)`,
  );
  // One DISPATCHED trace item and one dispatch record item per stream batch of 100, one receipt item per receive and
  // per ack call of 10 (about 60 B a message).
  const dispatchItemWru = wru(100 * 45);
  const recordItemWru = wru(
    itemBytes(
      dispatchRecordItems(
        sample.slice(0, 100).map((message) => message.messageId),
        now,
        0,
      )[0]!,
    ),
  );
  const receiptItemWru = wru(10 * 60);
  const perMessage = messageWru + (dispatchItemWru + recordItemWru) / 100 + (2 * receiptItemWru) / 10;
  print(
    `table writes per message ≈ ${round(perMessage, 2)} WRU → ${Math.round(rate * perMessage)} WRU/s (per-table default quota ${LIMITS.tableWruPerSecond}, a new table ${LIMITS.newTableWruPerSecond})`,
  );
  print(`  the table quota binds at ${Math.round(LIMITS.tableWruPerSecond / perMessage)} messages/s`);

  // The query index by topic and time (issue 12): a keys-only entry (1 WRU) for every message, in QUERY_SHARDS
  // partitions per topic; an index partition takes 1,000 WRU/s like a table's, and a throttled index throttles the table.
  const timeIndexHot = hottestShare(sample, (message) => timeIndexKeys(message.topic, message.messageId).gsi3pk);
  print(
    `byTopicTime index: 1 WRU per message in ${QUERY_SHARDS} partitions per topic, the busiest takes ${round(timeIndexHot * 100, 2)}% → ${Math.round(rate * timeIndexHot)} WRU/s on it (limit ${LIMITS.partitionWruPerSecond})`,
  );
  print(`  binds at ${Math.round(LIMITS.partitionWruPerSecond / timeIndexHot)} messages/s per topic`);

  const dispatchPerSecond = (rate / 100) * dispatchItemWru;
  const dispatchPartitions = new Set(sample.slice(0, rate).map((message) => dispatchPartition(message.messageId))).size;
  print(
    `dispatch trace: one item per batch of 100 (${dispatchItemWru} WRU) → ${dispatchPerSecond} WRU/s, all in the partition of the current minute (${dispatchPartitions} partition for a second's messages)`,
  );
  print(`  binds at ${Math.round((LIMITS.partitionWruPerSecond / dispatchItemWru) * 100)} messages/s`);
  print(
    `dispatch record: one item per batch of 100 (${recordItemWru} WRU) in its own partition of the minute → binds at ${Math.round((LIMITS.partitionWruPerSecond / recordItemWru) * 100)} messages/s`,
  );
  // The sweep's walk reads every message's keys-only index entry once (about 100 bytes) and the minute's dispatch
  // records (about 30 bytes an id); the minute's trace only when a record does not name an id.
  const walkBytesPerMinute = rate * 60 * (100 + 30);
  print(
    `sweep walk: reads ≈ ${round(walkBytesPerMinute / 1e6, 1)} MB a minute (index entries and dispatch records), ${Math.round(walkBytesPerMinute / 4096 / 2)} read units (eventually consistent)`,
  );

  const receiptPerSecond = (2 * rate * receiptItemWru) / 10;
  const receiptPartitions = new Set(
    sample.slice(0, rate).map((message) => receiptPartition('billing', message.messageId)),
  ).size;
  print(
    `receipt trace of one group: one item per receive call and per ack call of 10 → ${receiptPerSecond} WRU/s in ${receiptPartitions} partition (the group's current minute)`,
  );
  print(
    `  binds at ${Math.round((LIMITS.partitionWruPerSecond * 10) / (2 * receiptItemWru))} messages/s per group with calls of 10 (${Math.round((LIMITS.partitionWruPerSecond * 32) / (2 * wru(32 * 60)))} with receives of 32)`,
  );

  const streamRecordsPerMessage = 1 + 2 / 100 + 2 / 10;
  const shards = Math.ceil((rate * perMessage) / LIMITS.partitionWruPerSecond);
  print(
    `stream: ≈ ${round(streamRecordsPerMessage, 2)} records per message (message, trace, dispatch record); at least ${shards} table partitions, so at least ${shards} stream shards`,
  );
  print(
    `  each shard: ${Math.round(rate / shards)} messages/s in batches of up to 100, one batch in flight: a dispatcher call must take under ${Math.round((100 / (rate / shards)) * 1000)} ms per 100 messages`,
  );
  print(
    `API Gateway: ${(rate * 3) / 10} requests/s (publish, receive, ack calls of 10); unbatched it would be ${rate * 3}, over the ${LIMITS.httpApiRequestsPerSecond} requests/s account default`,
  );
  print(
    `SQS: ${rate / 10} SendMessageBatch/s to the group's queue (standard queues have no documented API rate limit)`,
  );
  const fifoGroupRate = LIMITS.partitionWruPerSecond / messageWru;
  print(
    `FIFO: one message group shares one DynamoDB partition → at most ${fifoGroupRate} messages/s per message group (1 KB); SQS FIFO high throughput (perMessageGroupId) allows more`,
  );

  print('');
  print('### 1,000,000 scheduled messages falling due in one hour (tick every minute, 60 s buckets, 8 shards)');
  const scheduled = Array.from({ length: 100_000 }, (_, i) => {
    const message = oneKbMessage(now, { state: 'SCHEDULED', topicType: 'DELAY', deliverAt: now + 3_600_000 });
    return { message, wakeAt: now + Math.floor((i / 100_000) * 3_600_000) };
  });
  const slotHot = hottestShare(scheduled, ({ message, wakeAt }) => {
    const slot = wheel.slotOf(message.messageId, wakeAt);
    return `${slot.bucket}#${slot.shard}`;
  });
  const perMinute = 1_000_000 / 60;
  const busiestSlot = Math.round(1_000_000 * slotHot);
  print(
    `${Math.round(perMinute)} due per minute, spread over ${wheel.shards} shards: the busiest slot holds ${busiestSlot} (simulated over ${scheduled.length})`,
  );
  // Hand-on: the conditional update of the message (its size), the due-index entry removed (projection ALL: its size),
  // the outbox entry put, and deleted after dispatch.
  const handOnWru = messageWru + messageWru + 2 * outboxWru;
  print(
    `each hand-on writes ≈ ${handOnWru} WRU (update ${messageWru}, index entry removed ${messageWru}, outbox ${2 * outboxWru}) → ${Math.round((perMinute / 60) * handOnWru)} WRU/s on average`,
  );
  print(
    `  the tick-shard function of the busiest slot: ${busiestSlot} updates a minute, ${round((busiestSlot * 0.5) / 1000, 1)} s of CPU at the measured 0.5 ms each`,
  );
  const allInOneMinute = (1_000_000 * handOnWru) / 60;
  print(
    `if all 1,000,000 fell due in the same minute: ${Math.round(allInOneMinute)} WRU/s for a minute (over the ${LIMITS.tableWruPerSecond} quota), ${1_000_000 / wheel.shards} per shard = ${round(((1_000_000 / wheel.shards) * 0.5) / 1000)} s of CPU per tick-shard call`,
  );
  const scheduledOutboxHot = hottestShare(scheduled, ({ message }) => outboxKey(message).pk);
  print(
    `  and ${Math.round((1_000_000 * scheduledOutboxHot * 2 * outboxWru) / 60)} WRU/s on the busiest of the ${OUTBOX_SHARDS} outbox partitions (a message made READY by the tick keeps its outbox entry)`,
  );
  print(
    'Scheduler: one schedule, 60 invocations an hour; the fan-out is Lambda Invoke, 8 a minute: no Scheduler quota is near',
  );
  return lines;
}

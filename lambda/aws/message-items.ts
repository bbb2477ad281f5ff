// How messages and trace events are laid out as DynamoDB items; shared by the store and the stream dispatcher.
import type { Message, MessageId, TraceEvent } from '../core/model.ts';
import type { FifoGroup, MessageRef, OutboxEntry } from '../core/ports.ts';
import type { TimerWheel } from '../core/timers.ts';

/**
 * Normal messages each get their own partition (no hot topic); the messages of one FIFO message group share
 * one, because DynamoDB streams keep order per partition and that order is the group's order.
 */
export function messagePartition(ref: MessageRef): string {
  return ref.messageGroup === undefined ? `M#${ref.messageId}` : `G#${ref.topic}#${ref.messageGroup}`;
}

export const messageSortKey = (messageId: MessageId) => `M#${messageId}`;

export type MessageItem = Omit<Message, 'keys' | 'properties'> & {
  keys?: string[];
  properties?: Record<string, string>;
  pk: string;
  sk: string;
  kind: 'MSG';
  gsi1pk?: string;
  gsi1sk?: string;
  gsi4pk?: string;
  gsi4sk?: string;
};

/** The due-time index keys of a waiting message: bucket and shard, then wake time and id. */
export function dueIndexKeys(wheel: TimerWheel, messageId: MessageId, wakeAt: number): { gsi4pk: string; gsi4sk: string } {
  const { bucket, shard } = wheel.slotOf(messageId, wakeAt);
  return { gsi4pk: dueSlotKey({ bucket, shard }), gsi4sk: `${String(wakeAt).padStart(13, '0')}#${messageId}` };
}

export const dueSlotKey = (slot: { bucket: number; shard: number }) => `DUE#${slot.bucket}#${slot.shard}`;

export function toMessageItem(message: Message, wheel: TimerWheel): MessageItem {
  const { keys, properties, ...rest } = message;
  const item: MessageItem = { ...rest, pk: messagePartition(message), sk: messageSortKey(message.messageId), kind: 'MSG' };
  // Empty lists and maps are left out: the Streams SDK reads an empty map back as a value-less attribute.
  if (keys.length > 0) item.keys = keys;
  if (Object.keys(properties).length > 0) item.properties = properties;
  if (message.wakeAt !== undefined) Object.assign(item, dueIndexKeys(wheel, message.messageId, message.wakeAt));
  // Only messages whose partition cannot be derived from the id need the id index.
  if (message.messageGroup !== undefined) {
    item.gsi1pk = `MID#${message.messageId}`;
    item.gsi1sk = 'M';
  }
  return item;
}

export function fromMessageItem(item: Record<string, unknown>): Message {
  const { pk: _pk, sk: _sk, kind: _kind, gsi1pk: _gsi1pk, gsi1sk: _gsi1sk, gsi4pk: _gsi4pk, gsi4sk: _gsi4sk, keys, properties, ...message } = item;
  return { ...(message as unknown as Omit<Message, 'keys' | 'properties'>), keys: (keys as string[] | undefined) ?? [], properties: (properties as Record<string, string> | undefined) ?? {} };
}

let sequence = 0;

export function toTraceItem(ref: MessageRef, event: TraceEvent, expiresAt: number): Record<string, unknown> {
  // The time prefix sorts events; the sequence keeps two events of one millisecond apart.
  sequence = (sequence + 1) % 1_000_000;
  const unique = `${String(sequence).padStart(6, '0')}${Math.random().toString(36).slice(2, 6)}`;
  return {
    pk: messagePartition(ref),
    sk: `${messageSortKey(ref.messageId)}#E#${String(event.at).padStart(13, '0')}#${unique}`,
    kind: 'EVT',
    ...event,
    expiresAt,
  };
}

export function fromTraceItem(item: Record<string, unknown>): TraceEvent {
  const event: TraceEvent = { type: item.type as TraceEvent['type'], at: Number(item.at) };
  if (item.groups !== undefined) event.groups = item.groups as string[];
  if (item.detail !== undefined) event.detail = item.detail as Record<string, string | number>;
  return event;
}

/** The outbox partitions: entries spread over shards by id; a FIFO group's entries share one, so a sweep reads them in order. */
export const OUTBOX_SHARDS = 16;

function shardOf(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) >>> 0;
  return hash % OUTBOX_SHARDS;
}

export const outboxPartition = (shard: number) => `OUTBOX#${shard}`;

/** Sorted by message id, which sorts by publish time: a FIFO group's entries come in the group's order. */
export function outboxKey(ref: MessageRef): { pk: string; sk: string } {
  const shard = shardOf(ref.messageGroup === undefined ? ref.messageId : `${ref.topic}#${ref.messageGroup}`);
  return { pk: outboxPartition(shard), sk: ref.messageId };
}

/** A small item beside the message (its key, the reference and when it became READY): cheap to write and to delete. */
export function toOutboxItem(ref: MessageRef, at: number, expiresAt: number): Record<string, unknown> {
  const item: Record<string, unknown> = { ...outboxKey(ref), kind: 'OUTBOX', messageId: ref.messageId, topic: ref.topic, at, expiresAt };
  if (ref.messageGroup !== undefined) item.messageGroup = ref.messageGroup;
  return item;
}

export function fromOutboxItem(item: Record<string, unknown>): OutboxEntry {
  const entry: OutboxEntry = { messageId: item.messageId as MessageId, topic: String(item.topic), at: Number(item.at) };
  if (typeof item.messageGroup === 'string') entry.messageGroup = item.messageGroup;
  return entry;
}

export const holdKey = (group: FifoGroup) => ({ pk: `HOLD#${group.topic}#${group.messageGroup}`, sk: 'HOLD' });

/** A producer's dedupKey on one topic: the message it first published with it. */
export const dedupKey = (topic: string, key: string) => ({ pk: `DEDUP#${topic}`, sk: key });

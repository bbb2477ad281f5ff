// Messages, trace events and outbox entries as DynamoDB items (keys from table-layout.ts); shared by the store and the
// stream dispatcher.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Message, MessageId, TraceEvent } from '../core/model.ts';
import type { MessageRef, OutboxEntry } from '../core/ports.ts';
import { scheduledPosition } from '../core/pages.ts';
import {
  dueIndexKeys,
  extraKeySortKey,
  INDEX_ATTRIBUTES,
  keyIndexKeys,
  messageIdIndexKeys,
  messagePartition,
  messageSortKey,
  outboxKey,
  queryShardOf,
  scheduledPartition,
  timeIndexKeys,
  traceSortKey,
  undecidedPartition,
} from './table-layout.ts';
import type { TimerWheel } from '../core/timers.ts';

export type MessageItem = Omit<Message, 'keys' | 'properties' | 'body'> & {
  /** Absent when the body is stored deflated. */
  body?: string;
  /** The body's UTF-8 bytes, deflated (raw DEFLATE), when that is smaller. */
  bodyDeflated?: Uint8Array;
  keys?: string[];
  properties?: Record<string, string>;
  pk: string;
  sk: string;
  kind: 'MSG';
  gsi1pk?: string;
  gsi1sk?: string;
  gsi2pk?: string;
  gsi2sk?: string;
  gsi3pk?: string;
  gsi3sk?: string;
  gsi4pk?: string;
  gsi4sk?: string;
  gsi5pk?: string;
  gsi5sk?: string;
};

export function toMessageItem(message: Message, wheel: TimerWheel): MessageItem {
  const { keys, properties, ...rest } = message;
  const item: MessageItem = {
    ...rest,
    pk: messagePartition(message),
    sk: messageSortKey(message.messageId),
    kind: 'MSG',
  };
  // Empty lists and maps are left out: the Streams SDK reads an empty map back as a value-less attribute.
  if (keys.length > 0) item.keys = keys;
  if (Object.keys(properties).length > 0) item.properties = properties;
  if (message.wakeAt !== undefined) Object.assign(item, dueIndexKeys(wheel, message.messageId, message.wakeAt));
  // Only messages whose partition cannot be derived from the id need the id index.
  if (message.messageGroup !== undefined) Object.assign(item, messageIdIndexKeys(message.messageId));
  Object.assign(item, timeIndexKeys(message.topic, message.messageId), waitingIndexKeys(message));
  const [firstKey] = uniqueKeys(message);
  if (firstKey !== undefined) Object.assign(item, keyIndexKeys(message.topic, firstKey, message.messageId));
  return item;
}

/** The waiting index entry of a SCHEDULED or PREPARED message (none otherwise). */
export function waitingIndexKeys(
  message: Pick<Message, 'messageId' | 'topic' | 'state' | 'deliverAt' | 'producerGroup'>,
): { gsi5pk?: string; gsi5sk?: string } {
  const shard = queryShardOf(message.messageId);
  if (message.state === 'SCHEDULED' && message.deliverAt !== undefined)
    return {
      gsi5pk: scheduledPartition(message.topic, shard),
      gsi5sk: scheduledPosition(message.deliverAt, message.messageId),
    };
  if (message.state === 'PREPARED' && message.producerGroup !== undefined)
    return { gsi5pk: undecidedPartition(message.producerGroup, shard), gsi5sk: message.messageId };
  return {};
}

const uniqueKeys = (message: Message) => [...new Set(message.keys)];

/**
 * A message's second and later keys, each a small item beside the message item (an item has one entry per index):
 * they carry only what the key index needs, and expire with the message.
 */
export function extraKeyItems(message: Message): Record<string, unknown>[] {
  return uniqueKeys(message)
    .slice(1)
    .map((key, index) => ({
      pk: messagePartition(message),
      sk: extraKeySortKey(message.messageId, index + 1),
      kind: 'KEY',
      ...keyIndexKeys(message.topic, key, message.messageId),
      expiresAt: message.expiresAt,
    }));
}

/**
 * Bodies of this many UTF-8 bytes or more are stored deflated when that makes them smaller. DynamoDB bills a write per
 * 1 KB of item and a read per 4 KB, and AWS's advice for large attribute values is to compress them: a 1 KB JSON
 * order deflates to about half, so its item takes one write unit instead of two. Below this size the item is small
 * enough already, and the CPU (about 40 µs per KB) is not spent.
 */
export const DEFLATE_FROM_BYTES = 512;

/** The message item as written: toMessageItem's, with the body deflated when it pays. */
export function toStoredMessageItem(message: Message, wheel: TimerWheel): MessageItem {
  const item = toMessageItem(message, wheel);
  // Counted first: most bodies are small, and counting allocates nothing.
  if (Buffer.byteLength(message.body, 'utf8') < DEFLATE_FROM_BYTES) return item;
  const text = Buffer.from(message.body, 'utf8');
  const deflated = deflateRawSync(text);
  if (deflated.byteLength >= text.byteLength) return item;
  const { body: _body, ...rest } = item;
  return { ...rest, bodyDeflated: new Uint8Array(deflated.buffer, deflated.byteOffset, deflated.byteLength) };
}

export function fromMessageItem(item: Record<string, unknown>): Message {
  const { pk: _pk, sk: _sk, kind: _kind, keys, properties, bodyDeflated, ...rest } = item;
  const message = Object.fromEntries(Object.entries(rest).filter(([name]) => !INDEX_ATTRIBUTES.includes(name)));
  // Bytes as the SDK reads an item; base64 text in a stream image as Lambda hands it on (JSON has no bytes).
  const deflated = typeof bodyDeflated === 'string' ? Buffer.from(bodyDeflated, 'base64') : bodyDeflated;
  if (deflated instanceof Uint8Array) message.body = inflateRawSync(deflated).toString('utf8');
  return {
    ...(message as unknown as Omit<Message, 'keys' | 'properties'>),
    keys: (keys as string[] | undefined) ?? [],
    properties: (properties as Record<string, string> | undefined) ?? {},
  };
}

let sequence = 0;

export function toTraceItem(ref: MessageRef, event: TraceEvent, expiresAt: number): Record<string, unknown> {
  // The time prefix sorts events; the sequence keeps two events of one millisecond apart.
  sequence = (sequence + 1) % 1_000_000;
  const unique = `${String(sequence).padStart(6, '0')}${Math.random().toString(36).slice(2, 6)}`;
  return {
    pk: messagePartition(ref),
    sk: traceSortKey(ref.messageId, event.at, unique),
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

/**
 * A message made READY by a step after publish (a commit, a due time) has this small item beside it until dispatched:
 * its reference and when it became READY.
 */
export function toOutboxItem(ref: MessageRef, at: number, expiresAt: number): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...outboxKey(ref),
    kind: 'OUTBOX',
    messageId: ref.messageId,
    topic: ref.topic,
    at,
    expiresAt,
  };
  if (ref.messageGroup !== undefined) item.messageGroup = ref.messageGroup;
  return item;
}

export function fromOutboxItem(item: Record<string, unknown>): OutboxEntry {
  const entry: OutboxEntry = {
    messageId: item.messageId as MessageId,
    topic: String(item.topic),
    outboxed: true,
    at: Number(item.at),
  };
  if (typeof item.messageGroup === 'string') entry.messageGroup = item.messageGroup;
  return entry;
}

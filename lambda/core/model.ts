// Ferry's domain vocabulary (RocketMQ 5): topics, messages and their states, consumer groups, trace events.

export const TOPIC_TYPES = ['NORMAL', 'FIFO', 'DELAY', 'TRANSACTION'] as const;
export type TopicType = (typeof TOPIC_TYPES)[number];

/**
 * A message's life: PREPARED (half transaction) and SCHEDULED (long delay) wait in the table;
 * READY is the one state the dispatcher hands to queues; ROLLED_BACK and CANCELLED are final; UNDELIVERABLE is
 * final too: a queue refused the message for good (the reason is in its trace), so it never holds back others.
 */
export type MessageState = 'PREPARED' | 'SCHEDULED' | 'READY' | 'ROLLED_BACK' | 'CANCELLED' | 'UNDELIVERABLE';

/** The states a message can be published in. */
export type InitialState = Extract<MessageState, 'PREPARED' | 'SCHEDULED' | 'READY'>;

export type MessageId = string & { readonly __brand: 'MessageId' };

export interface Topic {
  name: string;
  messageType: TopicType;
  /** How long messages and their trace are kept (DynamoDB TTL). */
  retentionHours: number;
  createdAt: string;
}

export interface FilterExpression {
  type: 'TAG' | 'SQL92';
  expression: string;
}

export interface Subscription {
  topic: string;
  /** Absent: every message of the topic. */
  filter?: FilterExpression;
}

/** Where and how fast a push group's messages are POSTed (issue 13); absent: consumers pull. */
export interface PushSettings {
  url: string;
  /** Requests in flight to the endpoint at most. */
  maxConcurrency: number;
  /** Requests per second at most; absent: only maxConcurrency limits. */
  ratePerSecond?: number;
  /** How long the endpoint may take to answer; longer is a failed attempt. */
  timeoutSeconds: number;
}

export interface ConsumerGroup {
  name: string;
  subscriptions: Subscription[];
  maxDeliveryAttempts: number;
  /** FIFO when it subscribes to FIFO topics: then its queues are SQS FIFO queues. */
  fifo: boolean;
  queueUrl: string;
  deadLetterQueueUrl: string;
  createdAt: string;
  updatedAt: string;
  /** Set: a pusher POSTs the group's messages to an endpoint instead of consumers pulling them. */
  push?: PushSettings;
  /** The HMAC key of the group's push signatures; made when push is first set, shown once, kept across switches. */
  pushSecret?: string;
}

/**
 * Where a body too large for the message's item is kept (claim check): the item and the queue message carry this
 * instead of the body. `bytes` is the body's UTF-8 length.
 */
export interface BodyRef {
  bucket: string;
  key: string;
  bytes: number;
}

export interface Message {
  messageId: MessageId;
  topic: string;
  topicType: TopicType;
  state: MessageState;
  /** Empty when `bodyRef` is set: the body is kept in the body store. */
  body: string;
  /** True when body is base64 of binary content. */
  bodyBase64?: boolean;
  /** Set when the body is too large for the item: where the body store keeps it. */
  bodyRef?: BodyRef;
  tag?: string;
  keys: string[];
  properties: Record<string, string>;
  messageGroup?: string;
  /** Epoch ms when the message should be delivered (DELAY topics). */
  deliverAt?: number;
  producerGroup?: string;
  /** The producer's key for duplicate detection: a publish with a key already stored within retention stores nothing. */
  dedupKey?: string;
  bornAt: number;
  /** Epoch seconds when the message and its trace expire. */
  expiresAt: number;
  /** Epoch ms when the tick should next look at it (SCHEDULED: its lead; PREPARED: its next check); absent otherwise. */
  wakeAt?: number;
  /** Check-backs made so far (TRANSACTION). */
  checkCount?: number;
  /** The trace of its own state changes, written by the same conditional update that made each (no extra write). */
  transitions?: TraceEvent[];
}

export interface ProducerGroup {
  name: string;
  /** Where Ferry asks about undecided transactions; absent: the producer pulls its checks. */
  checkUrl?: string;
  createdAt: string;
  /** What check-backs are signed with, the current secret first; stored, never answered by a read. */
  signingSecrets?: SigningSecret[];
  /** Counts the writes of the group, so that two concurrent writes (a PUT, a rotation) cannot lose a secret. */
  revision?: number;
}

export interface SigningSecret {
  secret: string;
  /** Epoch ms until which a rotated-out secret still signs; absent on the current secret. */
  validUntil?: number;
}

/** What a consumer receives, over HTTP or straight from the group's SQS queue. */
export type DeliveredMessage = Pick<
  Message,
  'messageId' | 'topic' | 'body' | 'bodyBase64' | 'tag' | 'keys' | 'properties' | 'messageGroup'
> & {
  /** ISO 8601. */
  bornAt: string;
};

/**
 * A message as its group's SQS queue holds it: the delivered message, or, when the body is kept in the body store, the
 * same without `body` and with `bodyRef` (a consumer reading the queue directly fetches the body from there).
 */
export type QueuedMessage = Omit<DeliveredMessage, 'body'> & { body?: string; bodyRef?: BodyRef };

export type TraceEventType =
  | 'PUBLISHED'
  | 'PREPARED'
  | 'COMMITTED'
  | 'ROLLED_BACK'
  | 'CHECKED'
  | 'SCHEDULED'
  | 'DUE'
  | 'CANCELLED'
  | 'DISPATCHED'
  | 'RECEIVED'
  | 'ACKED'
  | 'NACKED'
  | 'DEAD_LETTERED'
  | 'UNDELIVERABLE'
  | 'RESCHEDULED'
  | 'REPLAYED'
  | 'PUSHED'
  | 'PUSH_FAILED';

/** What a check-back answered; anything but COMMIT or ROLLBACK counts as UNKNOWN. */
export type CheckAnswer = 'COMMIT' | 'ROLLBACK' | 'UNKNOWN';

export interface TraceEvent {
  type: TraceEventType;
  /** Epoch ms. */
  at: number;
  /** The consumer groups concerned (DISPATCHED lists every group of one dispatch). */
  groups?: string[];
  /** Free-form facts: delivery attempt, reason, check answer. */
  detail?: Record<string, string | number>;
}

export function toDelivered(message: Message): DeliveredMessage {
  const delivered: DeliveredMessage = {
    messageId: message.messageId,
    topic: message.topic,
    body: message.body,
    keys: message.keys,
    properties: message.properties,
    bornAt: new Date(message.bornAt).toISOString(),
  };
  if (message.bodyBase64) delivered.bodyBase64 = true;
  if (message.tag !== undefined) delivered.tag = message.tag;
  if (message.messageGroup !== undefined) delivered.messageGroup = message.messageGroup;
  return delivered;
}

/** The queue's copy: the body itself, or only its reference when the body store keeps it. */
export function toQueued(message: Message): QueuedMessage {
  if (message.bodyRef === undefined) return toDelivered(message);
  const { body: _empty, ...rest } = toDelivered(message);
  return { ...rest, bodyRef: message.bodyRef };
}

// What the core needs from storage and queues; the AWS adapters implement these with DynamoDB and SQS.
import type { ConsumerGroup, FilterExpression, Message, MessageId, Topic, TraceEvent } from './model.ts';

/** Enough to find a message's items again: FIFO messages share a partition per message group. */
export interface MessageRef {
  messageId: MessageId;
  topic: string;
  messageGroup?: string;
}

export interface TraceEntry {
  message: MessageRef;
  event: TraceEvent;
  /** Epoch seconds; the message's own expiry where the writer knows it. */
  expiresAt?: number;
}

/** A subscription as the dispatcher needs it: where to send and what passes. */
export interface Route {
  group: string;
  queueUrl: string;
  fifo: boolean;
  filter?: FilterExpression;
}

export interface CatalogStore {
  getTopic(name: string): Promise<Topic | undefined>;
  /** Creates the topic unless one of that name exists; returns the stored one either way. */
  createTopic(topic: Topic): Promise<Topic>;
  listTopics(): Promise<Topic[]>;
  deleteTopic(name: string): Promise<boolean>;
  getGroup(name: string): Promise<ConsumerGroup | undefined>;
  /** Writes the group and its routes, removing routes of topics it no longer subscribes to, atomically. */
  putGroup(group: ConsumerGroup, previous: ConsumerGroup | undefined): Promise<void>;
  listGroups(): Promise<ConsumerGroup[]>;
  deleteGroup(group: ConsumerGroup): Promise<void>;
  routesOf(topic: string): Promise<Route[]>;
}

export interface MessageStore {
  /** Writes new messages (each once: an id is never overwritten). */
  insert(messages: Message[]): Promise<void>;
  get(messageId: MessageId): Promise<{ message: Message; events: TraceEvent[] } | undefined>;
  appendTrace(entries: TraceEntry[]): Promise<void>;
}

export interface OutgoingMessage {
  /** Unique within one send call. */
  id: string;
  body: string;
  delaySeconds?: number;
  messageGroupId?: string;
  deduplicationId?: string;
}

export interface IncomingMessage {
  body: string;
  queueHandle: string;
  receiveCount: number;
}

export interface QueueBacklog {
  visible: number;
  inFlight: number;
  delayed: number;
  deadLetters: number;
}

export interface QueueService {
  /** Creates (or updates) the group's queue and dead-letter queue; idempotent. */
  ensureGroupQueues(group: string, options: { fifo: boolean; maxDeliveryAttempts: number }): Promise<{ queueUrl: string; deadLetterQueueUrl: string }>;
  deleteGroupQueues(queueUrl: string, deadLetterQueueUrl: string): Promise<void>;
  /** Sends in order; answers the ids that failed. */
  send(queueUrl: string, messages: OutgoingMessage[]): Promise<{ failedIds: string[] }>;
  receive(queueUrl: string, options: { maxMessages: number; waitSeconds: number; invisibleSeconds?: number }): Promise<IncomingMessage[]>;
  /** Deletes; answers the handles that failed, each with the reason. */
  delete(queueUrl: string, queueHandles: string[]): Promise<{ failed: Array<{ queueHandle: string; reason: string }> }>;
  changeVisibility(queueUrl: string, queueHandle: string, seconds: number): Promise<void>;
  backlog(queueUrl: string, deadLetterQueueUrl: string): Promise<QueueBacklog>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

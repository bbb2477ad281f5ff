// What the core needs from storage, queues and the outside world; lambda/aws implements it with DynamoDB and SQS, lambda/memory in memory.
import type { FerryConfig } from './config.ts';
import type { TimerWheel } from './timers.ts';
import type {
  ConsumerGroup,
  FilterExpression,
  Message,
  MessageId,
  MessageState,
  ProducerGroup,
  Topic,
  TraceEvent,
} from './model.ts';

/** Enough to find a message's items again: FIFO messages share a partition per message group. */
export interface MessageRef {
  messageId: MessageId;
  topic: string;
  messageGroup?: string;
}

/** A FIFO topic's message group: its messages reach every queue in publish order. */
export interface FifoGroup {
  topic: string;
  messageGroup: string;
}

/**
 * A FIFO message group whose message `holder` could not be dispatched (the stream gave up on it, or is still retrying
 * it): later messages of the group wait in `held`, in stream order, until the holder is handed on.
 */
export interface FifoHold extends FifoGroup {
  holder: MessageId;
  held: MessageId[];
}

/** A message about to become READY or READY but not yet confirmed handed to its queues. */
export interface OutboxEntry extends MessageRef {
  /** Epoch ms when it was recorded. */
  at: number;
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
  getProducerGroup(name: string): Promise<ProducerGroup | undefined>;
  putProducerGroup(group: ProducerGroup): Promise<void>;
}

/** One step of the message state machine: applied only if the message is still in `from` (a conditional write). */
export interface Transition {
  from: MessageState;
  to: MessageState;
  /** Recorded in the message's own trace by the same write. */
  event: TraceEvent;
  /** Keeps the message in the due-time index until then; absent: it leaves the index. */
  wakeAt?: number;
  checkCount?: number;
}

export type TransitionResult = { applied: true } | { applied: false; current: Message | undefined };

export interface TickState {
  /** The oldest time bucket that may still hold waiting messages. */
  cursor?: number;
  lastTickAt?: number;
}

export interface StoredSize {
  /** Bytes the message's item takes once it has made the given number of further state changes. */
  bytes: number;
  /** The most one item may take. */
  limit: number;
}

export interface MessageStore {
  /** Writes new messages (each once: an id is never overwritten). */
  insert(messages: Message[]): Promise<void>;
  /**
   * Writes a new message unless another message of its topic was stored with the same `dedupKey` within the topic's
   * retention; then nothing is written and that message's id and first state are answered. One atomic write.
   */
  insertOnce(
    message: Message & { dedupKey: string },
  ): Promise<{ messageId: MessageId; state: MessageState } | undefined>;
  /** How large the message is as stored, with room for `transitions` more state changes written into its item. */
  storedSize(message: Message, transitions: number): StoredSize;
  get(messageId: MessageId): Promise<{ message: Message; events: TraceEvent[] } | undefined>;
  appendTrace(entries: TraceEntry[]): Promise<void>;
  /**
   * Applies one step of the state machine as a conditional write. A bare id names a transaction or delay message (its
   * partition follows from the id); a FIFO message needs its full reference. A step into READY first records the
   * message in the outbox, so that it is found again if the stream never hands it on.
   */
  transition(message: MessageId | MessageRef, transition: Transition): Promise<TransitionResult>;
  /** The messages behind these references, those that still exist. */
  getMany(refs: MessageRef[]): Promise<Message[]>;
  /** The dispatcher handed these messages to every queue: their outbox entries go. */
  markDispatched(refs: MessageRef[]): Promise<void>;
  /** Outbox entries older than `before` (epoch ms), oldest first: READY messages not confirmed handed on. */
  undispatched(before: number, limit: number): Promise<OutboxEntry[]>;
  /** The holds on these FIFO message groups, those that exist (read strongly consistent). */
  holdsOf(groups: FifoGroup[]): Promise<FifoHold[]>;
  /** Holds a FIFO message group at its first message that could not be dispatched, unless it is held already. */
  hold(group: FifoGroup, holder: MessageId): Promise<void>;
  /** Adds a later message to the group's hold; false when the group is no longer held. */
  addToHold(group: FifoGroup, messageId: MessageId): Promise<boolean>;
  /**
   * Replaces the hold `seen` by what is left of it: removed when nothing is, else held at a new first message. False
   * (and nothing written) when the hold changed since it was read.
   */
  settleHold(seen: FifoHold, left: { holder: MessageId; held: MessageId[] } | undefined): Promise<boolean>;
  /** Messages in one slot of the due-time index whose wake time is at or before `until`, page by page. */
  waking(slot: { bucket: number; shard: number }, until: number): AsyncIterable<Message[]>;
  /** Whether any message is left in a slot. */
  slotHasMessages(slot: { bucket: number; shard: number }): Promise<boolean>;
  tickState(): Promise<TickState>;
  saveTickState(state: TickState): Promise<void>;
  /** Prepared messages a producer group has been asked to decide (pull mode). */
  addPullCheck(producerGroup: string, messageId: MessageId): Promise<void>;
  pullChecks(producerGroup: string): Promise<Message[]>;
  removePullChecks(producerGroup: string, messageIds: MessageId[]): Promise<void>;
}

/** What one tick asks of one shard of the timer wheel: its due messages in these buckets, as of `now`. */
export interface ShardWork {
  shard: number;
  buckets: number[];
  now: number;
}

export interface WakeCounts {
  /** Scheduled messages made READY. */
  handedOn: number;
  /** Undecided transactions checked back. */
  checked: number;
  /** Of those, decided by the check. */
  decidedByCheck: number;
  /** Messages whose hand-on or check failed; they stay due and are tried again by the next tick. */
  failed?: number;
}

/** Wakes one shard's due messages: the tick itself in process, or a function of its own per shard (fan-out in AWS). */
export interface ShardWaker {
  wakeShard(work: ShardWork): Promise<WakeCounts>;
}

/** Asks a producer's check endpoint about a transaction. */
export interface CheckClient {
  check(url: string, payload: Record<string, unknown>, timeoutMs: number): Promise<'COMMIT' | 'ROLLBACK' | 'UNKNOWN'>;
}

/** One push: a POST of a message to a push group's endpoint. */
export interface PushRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/**
 * What the endpoint did: `answered` with any status (a redirect included: it is not followed, so it fails), with its
 * Retry-After header as sent; `failed` when there was no answer (refused, timed out, an address the rules refuse).
 */
export type PushAnswer = { kind: 'answered'; status: number; retryAfter?: string } | { kind: 'failed'; error: string };

/** POSTs to push endpoints. */
export interface PushTransport {
  post(request: PushRequest): Promise<PushAnswer>;
}

/** What delivers a push group's messages: an SQS event source mapping on the pusher Lambda in AWS, a loop locally. */
export interface PushMappings {
  /** Makes the group's pusher match its settings: started or changed, or stopped when the group has no push. */
  sync(group: ConsumerGroup): Promise<void>;
  /** Stops the pusher of a group that is deleted. */
  remove(group: ConsumerGroup): Promise<void>;
}

export interface OutgoingMessage {
  /** Unique within one send call. */
  id: string;
  body: string;
  delaySeconds?: number;
  messageGroupId?: string;
  deduplicationId?: string;
}

/**
 * Why a send failed: `transient` (throttling, an outage: try again), `permanent` (the queue refuses this message for
 * good: it must not hold back the ones behind it) or `queue-missing` (the queue does not exist: its group may be gone).
 */
export type SendFailureKind = 'transient' | 'permanent' | 'queue-missing';

export interface SendFailure {
  id: string;
  kind: SendFailureKind;
  reason: string;
}

export interface SendResult {
  failed: SendFailure[];
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
  ensureGroupQueues(
    group: string,
    options: { fifo: boolean; maxDeliveryAttempts: number },
  ): Promise<{ queueUrl: string; deadLetterQueueUrl: string }>;
  deleteGroupQueues(queueUrl: string, deadLetterQueueUrl: string): Promise<void>;
  /**
   * Sends in order; answers the messages that failed. On a FIFO queue no message of a message group is sent after one
   * of that group failed, and no later message of a group can be enqueued before an earlier one.
   */
  send(queueUrl: string, messages: OutgoingMessage[]): Promise<SendResult>;
  receive(
    queueUrl: string,
    options: { maxMessages: number; waitSeconds: number; invisibleSeconds?: number },
  ): Promise<IncomingMessage[]>;
  /** Deletes; answers the handles that failed, each with the reason. */
  delete(queueUrl: string, queueHandles: string[]): Promise<{ failed: Array<{ queueHandle: string; reason: string }> }>;
  changeVisibility(queueUrl: string, queueHandle: string, seconds: number): Promise<void>;
  backlog(queueUrl: string, deadLetterQueueUrl: string): Promise<QueueBacklog>;
}

/**
 * Faults that Ferry survives but an operator must see: each is logged with its kind (CloudWatch metric filters and
 * alarms count them in AWS) and counted in process.
 */
export type FaultKind =
  | 'TICK_MESSAGE_FAILED'
  | 'TRACE_NOT_WRITTEN'
  | 'UNDELIVERABLE'
  | 'DISPATCH_MARK_NOT_WRITTEN'
  | 'SWEPT'
  | 'NOT_GIVEN_BACK'
  | 'PUSH_RETRY_NOT_SET';

export interface FaultLog {
  report(kind: FaultKind, details: Record<string, unknown>): void;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Everything the core's services are built on: one implementation of each port (AWS, or in memory for tests). */
export interface Ports {
  catalog: CatalogStore;
  store: MessageStore;
  queues: QueueService;
  checkClient: CheckClient;
  wheel: TimerWheel;
  clock: Clock;
  config: FerryConfig;
  /** Named readiness checks for `GET /v1/health`: each resolves when its part works. */
  checks: Record<string, () => Promise<void>>;
  /** Where the tick sends each shard's work; without it, the tick wakes every shard itself. */
  shardWaker?: ShardWaker;
  /** Where faults that Ferry survives are reported. */
  faults: FaultLog;
  /** Where push groups' requests go out. */
  pushTransport: PushTransport;
  /** Starts, changes and stops push groups' pushers. */
  pushMappings: PushMappings;
}

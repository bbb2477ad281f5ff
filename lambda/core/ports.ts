// What the core needs from storage, queues and the outside world; lambda/aws implements it with DynamoDB and SQS, lambda/memory in memory.
import type { FerryConfig } from './config.ts';
import type { Resolve } from './endpoint-rules.ts';
import type { Metrics } from './metrics.ts';
import type { MessagePage, PageRequest } from './pages.ts';
import type { TimerWheel } from './timers.ts';
import type {
  BodyRef,
  CheckAnswer,
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

/** A message handed on (or passed by), and whether an outbox entry stands for it that must go too. */
export interface DispatchedRef extends MessageRef {
  /** True for a message made READY after it was published (a commit, a due time): the only kind with an outbox entry. */
  outboxed: boolean;
}

/** A READY message that no dispatch has recorded: from the outbox, or found by the store's own walk of its messages. */
export interface OutboxEntry extends DispatchedRef {
  /** Epoch ms when it became READY (when it was published, for a message found by the walk). */
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
  /**
   * Writes the group and its routes, removing routes of topics it no longer subscribes to, atomically; then moves the
   * routes' revision on (as deleteGroup does), before it returns.
   */
  putGroup(group: ConsumerGroup, previous: ConsumerGroup | undefined): Promise<void>;
  listGroups(): Promise<ConsumerGroup[]>;
  deleteGroup(group: ConsumerGroup): Promise<void>;
  routesOf(topic: string): Promise<Route[]>;
  /**
   * A number that changes whenever any topic's routes have changed, read consistently: routes cached while it stood
   * are the routes as they are now.
   */
  routesRevision(): Promise<number>;
  getProducerGroup(name: string): Promise<ProducerGroup | undefined>;
  /**
   * Writes the producer group if it is still as `previous` was read (same revision; absent: it did not exist). False,
   * and nothing written, when another write came first.
   */
  putProducerGroup(group: ProducerGroup, previous: ProducerGroup | undefined): Promise<boolean>;
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
  /** A new delivery time (a reschedule: SCHEDULED to SCHEDULED), with the expiry that follows from it. */
  reschedule?: { deliverAt: number; expiresAt: number };
}

export type TransitionResult = { applied: true } | { applied: false; current: Message | undefined };

export interface TickState {
  /** The oldest time bucket that may still hold waiting messages. */
  cursor?: number;
  lastTickAt?: number;
  /** The timer wheel the cursor and the waiting messages' index keys were made with (absent before 2026-12). */
  bucketSeconds?: number;
  timerShards?: number;
}

/** A replay: one topic's messages of a time range sent again to one group, page by page, by the tick. */
export interface ReplayJob {
  replayId: string;
  group: string;
  topic: string;
  /** Epoch ms, both included. */
  from: number;
  to: number;
  state: 'RUNNING' | 'DONE' | 'FAILED';
  /** The time index position of the last message handled: a resumed job starts after it. */
  after?: string;
  /** Messages sent to the group, and those left out (by its filter, or not delivered: prepared, cancelled, …). */
  sent: number;
  skipped: number;
  createdAt: number;
  updatedAt: number;
  finishedAt?: number;
  reason?: string;
  /** Bumped by every checkpoint: a checkpoint of a job another run has moved on is refused. */
  version: number;
  /** Epoch seconds. */
  expiresAt: number;
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
  /**
   * How large the message is as stored, with room for `transitions` more state changes written into its item: an upper
   * bound where the store compresses bodies (whether a body fits its item must not depend on how well it compresses).
   */
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
  /**
   * The dispatcher handed these messages to every queue (or to none, when no group matched), or the sweep found them no
   * longer READY: recorded, so that `undispatched` passes them by; an outbox entry that stands for one goes.
   */
  markDispatched(refs: DispatchedRef[]): Promise<void>;
  /**
   * Messages of these topics that became READY before `before` (epoch ms) and that no `markDispatched` has recorded, in
   * publish order (a FIFO group's in the group's order). An entry may name a message that has left READY since: the
   * caller reads it, and marks it.
   */
  undispatched(before: number, limit: number, topics: string[]): Promise<OutboxEntry[]>;
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
  /** Up to PULL_CHECKS_MAX of them, by message id. */
  pullChecks(producerGroup: string): Promise<Message[]>;
  removePullChecks(producerGroup: string, messageIds: MessageId[]): Promise<void>;
  /** A topic's messages with this key, newest first (indexes may lag a write by a moment). */
  messagesByKey(topic: string, key: string, page: PageRequest): Promise<MessagePage>;
  /** A topic's messages published from `from` to `to` (epoch ms, included), oldest first; `after` is a message id. */
  messagesByTime(topic: string, range: { from: number; to: number }, page: PageRequest): Promise<MessagePage>;
  /** A DELAY topic's SCHEDULED messages by delivery time; `after` is a `scheduledPosition`. */
  scheduledMessages(topic: string, page: PageRequest): Promise<MessagePage>;
  /** A producer group's PREPARED messages, oldest first; `after` is a message id. */
  undecidedTransactions(producerGroup: string, page: PageRequest): Promise<MessagePage>;
  createReplay(job: ReplayJob): Promise<void>;
  getReplay(replayId: string): Promise<ReplayJob | undefined>;
  runningReplays(): Promise<ReplayJob[]>;
  /** Saves a job's progress unless another run saved it since `version` was read; answers whether it was saved. */
  saveReplay(job: ReplayJob, seenVersion: number): Promise<boolean>;
}

/**
 * Keeps message bodies too large for a message's item (claim check): S3 in AWS and in the local stack, a map in unit
 * tests. Bodies are written once and never changed; the store removes each after the time it was given (S3 lifecycle).
 */
export interface BodyStore {
  /** Where the body of this message will be kept, at least until `keepUntil` (epoch ms); decided without I/O. */
  refFor(message: { messageId: MessageId; bornAt: number; keepUntil: number; bytes: number }): BodyRef;
  put(ref: BodyRef, body: string): Promise<void>;
  /** The body; undefined when the store no longer holds it (it outlived its time). */
  get(ref: BodyRef): Promise<string | undefined>;
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

/**
 * What a check-back came to: the producer's answer, or UNKNOWN with `reason` when it gave no valid one (a status code,
 * an answer that is not one, a failed or refused connection, none in time). The reason never quotes the answer's body:
 * a producer's endpoint may answer anything. A producer that answers UNKNOWN itself gives no reason.
 */
export interface CheckOutcome {
  answer: CheckAnswer;
  reason?: string;
}

/** Asks a producer's check endpoint about a transaction, signing the request with every secret given. */
export interface CheckClient {
  check(
    url: string,
    payload: Record<string, unknown>,
    options: { timeoutMs: number; secrets: readonly string[] },
  ): Promise<CheckOutcome>;
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

export interface GroupQueueUrls {
  queueUrl: string;
  deadLetterQueueUrl: string;
}

export interface QueueService {
  /**
   * Creates (or updates) the group's queue and dead-letter queue; idempotent. `current`: the queues the group has
   * already (from the catalog), which it keeps. A queue of the group's name that is not Ferry's own is a ConflictError.
   */
  ensureGroupQueues(
    group: string,
    options: { fifo: boolean; maxDeliveryAttempts: number; current?: GroupQueueUrls },
  ): Promise<GroupQueueUrls>;
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
  /** The messages waiting in a dead-letter queue (approximately, as SQS counts): one call, for the tick's count. */
  deadLetterCount(deadLetterQueueUrl: string): Promise<number>;
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
  | 'BODY_MISSING'
  | 'BODY_NOT_FETCHED'
  | 'PUSH_RETRY_NOT_SET'
  | 'DEAD_LETTERS_NOT_COUNTED'
  | 'REPLAY_FAILED';

export interface FaultLog {
  report(kind: FaultKind, details: Record<string, unknown>): void;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The most prepared messages one `pullChecks` answers: one DynamoDB BatchGetItem's worth. */
export const PULL_CHECKS_MAX = 100;

/** Everything the core's services are built on: one implementation of each port (AWS, or in memory for tests). */
/** The deployment's receipt-handle key: created when the first handle is signed; a check never creates it. */
export interface ReceiptKeys {
  signingKey(): Promise<Uint8Array>;
  /** Undefined while no handle was ever signed. */
  verifyingKey(): Promise<Uint8Array | undefined>;
}

export interface Ports {
  catalog: CatalogStore;
  store: MessageStore;
  queues: QueueService;
  checkClient: CheckClient;
  /** Resolves a check URL's host name when it is registered, so that a name aimed inward is refused at once. */
  resolve: Resolve;
  /** The key receipt handles are signed with: the same for every instance of one deployment. */
  receiptKeys: ReceiptKeys;
  wheel: TimerWheel;
  clock: Clock;
  config: FerryConfig;
  /** Named readiness checks for `GET /v1/health`: each resolves when its part works. */
  checks: Record<string, () => Promise<void>>;
  /** Where bodies too large for an item are kept; without it (functions that never read or write one), such a publish is a 413. */
  bodies?: BodyStore;
  /** Where the tick sends each shard's work; without it, the tick wakes every shard itself. */
  shardWaker?: ShardWaker;
  /** Where faults that Ferry survives are reported. */
  faults: FaultLog;
  /** Where the core counts what happens per topic and group; absent: nothing is counted. */
  metrics?: Metrics;
  /** Where push groups' requests go out. */
  pushTransport: PushTransport;
  /** Starts, changes and stops push groups' pushers. */
  pushMappings: PushMappings;
}

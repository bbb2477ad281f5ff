// Publishing: checks a message against its topic's type, gives it an id and its first state, and writes it once (a body
// too large for the item goes to the body store first).
import { FerryError, NotFoundError, PayloadTooLargeError, ValidationError } from './errors.ts';
import type { FerryConfig } from './config.ts';
import { requestedDeliveryTime } from './delivery-time.ts';
import { newMessageId } from './ids.ts';
import { isoTimeMs } from './pages.ts';
import { MESSAGE_GROUP_PATTERN, MESSAGE_GROUP_RULE } from './names.ts';
import { toDelivered, toQueued, type InitialState, type Message, type MessageId, type Topic } from './model.ts';
import { encodeForQueue, QUEUE_BODY_MAX_BYTES } from './queue-body.ts';
import { RECEIVE_ANSWER_MAX_BYTES } from './consume.ts';
import { answerBytes, bodyKeptUntil } from './large-body.ts';
import type { BodyStore, Clock, MessageStore } from './ports.ts';
import { noMetrics, type Metrics } from './metrics.ts';
import { expiresAt, type RetentionConfig } from './retention.ts';

export interface PublishInput {
  body: string;
  bodyBase64?: boolean;
  tag?: string;
  keys?: string[];
  properties?: Record<string, string>;
  messageGroup?: string;
  /** ISO 8601 or epoch milliseconds. */
  deliverAt?: string | number;
  delaySeconds?: number;
  producerGroup?: string;
  /** A producer retrying after a timeout sends the same key: within the topic's retention it gets the first message back. */
  dedupKey?: string;
}

export interface PublishResult {
  messageId: MessageId;
  state: InitialState;
  /** True when the dedupKey was seen before: this is the first message's id and state, and nothing new was stored. */
  duplicate?: true;
}

export interface PublishFailure {
  error: { code: string; message: string };
}

/** Room in a receive answer for what a message carries besides itself: its receipt handle and delivery attempt. */
const RECEIPT_ROOM_BYTES = 4096;

export class Publisher {
  /** Bodies of built messages that go to the body store, written just before their messages. */
  private readonly offloaded = new WeakMap<Message, string>();

  constructor(
    private readonly topics: (name: string) => Promise<Topic | undefined>,
    private readonly store: MessageStore,
    private readonly config: Pick<
      FerryConfig,
      'maxBodyBytes' | 'directDelayLimitSeconds' | 'maxDelayDays' | 'timerLeadSeconds'
    > &
      RetentionConfig,
    private readonly clock: Clock,
    private readonly metrics: Metrics = noMetrics,
    private readonly bodies?: BodyStore,
    /** Whether a producer group exists; none given: any name is taken (the core's unit tests). */
    private readonly producerGroupExists?: (name: string) => Promise<boolean>,
  ) {}

  async publish(topicName: string, input: PublishInput): Promise<PublishResult> {
    const topic = await this.requireTopic(topicName);
    const message = this.build(topic, input);
    const unknown = await this.unknownProducerGroups([message]);
    if (message.producerGroup !== undefined && unknown.has(message.producerGroup))
      throw new NotFoundError('PRODUCER_GROUP', message.producerGroup);
    const [result] = await this.write([message]);
    this.countPublished(topic.name, [result!]);
    return result!;
  }

  /**
   * The producer groups named that do not exist. A half message must name one: its check-backs go to that group's
   * checkUrl, or wait for it to pull them, and a misspelt name would have rolled it back once the checks ran out,
   * however its local transaction ended.
   */
  private async unknownProducerGroups(messages: Message[]): Promise<Set<string>> {
    const exists = this.producerGroupExists;
    if (exists === undefined) return new Set();
    const names = [...new Set(messages.flatMap((message) => message.producerGroup ?? []))];
    const known = await Promise.all(names.map((name) => exists(name)));
    return new Set(names.filter((_, index) => !known[index]));
  }

  /** Valid messages are written together; each invalid one gets its error, in request order. */
  async publishBatch(topicName: string, inputs: PublishInput[]): Promise<Array<PublishResult | PublishFailure>> {
    const topic = await this.requireTopic(topicName);
    const built = inputs.map((input) => {
      try {
        return this.build(topic, input);
      } catch (error) {
        if (error instanceof FerryError) return { error: { code: error.code, message: error.message } };
        throw error;
      }
    });
    const unknown = await this.unknownProducerGroups(built.filter((entry): entry is Message => !('error' in entry)));
    const checked = built.map((entry) => {
      if ('error' in entry || entry.producerGroup === undefined || !unknown.has(entry.producerGroup)) return entry;
      const error = new NotFoundError('PRODUCER_GROUP', entry.producerGroup);
      return { error: { code: error.code, message: error.message } };
    });
    const results = await this.write(checked.filter((entry): entry is Message => !('error' in entry)));
    this.countPublished(topic.name, results);
    let next = 0;
    return checked.map((entry) => ('error' in entry ? entry : results[next++]!));
  }

  /**
   * Messages without a dedupKey are written together; each one with a key is written on its own, atomically with its
   * key. A FIFO group's messages are written one after another in their order, whichever way each goes.
   */
  private async write(messages: Message[]): Promise<PublishResult[]> {
    await this.storeBodies(messages);
    const results = new Array<PublishResult>(messages.length);
    const keyed = messages.some((message) => message.dedupKey !== undefined);
    const entries = messages.map((message, index) => ({ message, index }));
    // Runs written one after another: a FIFO group's messages, or the messages of one key (the first one wins).
    const runs = keyed
      ? Map.groupBy(entries, ({ message }) => message.messageGroup ?? message.dedupKey ?? message.messageId)
      : new Map([['all', entries]]);
    await Promise.all(
      [...runs.values()].map(async (run) => {
        for (let start = 0; start < run.length;) {
          const { message, index } = run[start]!;
          if (message.dedupKey !== undefined) {
            const first = await this.store.insertOnce(message as Message & { dedupKey: string });
            results[index] =
              first === undefined
                ? resultOf(message)
                : { messageId: first.messageId, state: first.state as InitialState, duplicate: true };
            start++;
            continue;
          }
          let end = start;
          while (end < run.length && run[end]!.message.dedupKey === undefined) end++;
          await this.store.insert(run.slice(start, end).map((entry) => entry.message));
          for (const entry of run.slice(start, end)) results[entry.index] = resultOf(entry.message);
          start = end;
        }
      }),
    );
    return results;
  }

  /** A duplicate (its dedupKey seen before) stored nothing: it is not counted again. */
  private countPublished(topic: string, results: PublishResult[]): void {
    const stored = results.filter((result) => result.duplicate !== true).length;
    if (stored > 0) this.metrics.count('published', { topic }, stored);
  }

  /**
   * The body store is written before the message's item: an object without its item is harmless (nothing refers to it,
   * and it expires), while an item without its body would be a message lost. A duplicate publish (dedupKey) leaves
   * such an orphan too.
   */
  private async storeBodies(messages: Message[]): Promise<void> {
    await Promise.all(
      messages.map(async (message) => {
        const body = this.offloaded.get(message);
        if (body !== undefined) await this.bodies!.put(message.bodyRef!, body);
      }),
    );
  }

  private async requireTopic(name: string): Promise<Topic> {
    const topic = await this.topics(name);
    if (topic === undefined) throw new NotFoundError('TOPIC', name);
    return topic;
  }

  private build(topic: Topic, input: PublishInput): Message {
    const now = this.clock.now();
    this.checkBody(input);
    checkTypeRules(topic, input);
    const deliverAt = this.deliveryTime(input, now);
    const message: Message = {
      messageId: newMessageId(now),
      topic: topic.name,
      topicType: topic.messageType,
      state: initialState(topic, deliverAt, now, this.config.directDelayLimitSeconds),
      body: input.body,
      keys: input.keys ?? [],
      properties: input.properties ?? {},
      bornAt: now,
      expiresAt: 0,
    };
    if (input.bodyBase64) message.bodyBase64 = true;
    if (input.tag !== undefined) message.tag = input.tag;
    if (input.messageGroup !== undefined) message.messageGroup = input.messageGroup;
    if (input.producerGroup !== undefined) message.producerGroup = input.producerGroup;
    if (input.dedupKey !== undefined) message.dedupKey = input.dedupKey;
    if (deliverAt !== undefined) message.deliverAt = deliverAt;
    message.expiresAt = expiresAt(message, topic, this.config);
    this.setWakeTime(message, now);
    // The checks once more with the reference in place of the body: the properties and keys must fit on their own.
    if (!this.fitsInline(message)) {
      this.offload(message);
      checkQueueSize(message);
      this.checkStoredSize(message);
    }
    return message;
  }

  /** Waiting messages enter the due-time index: a scheduled one until its lead, a prepared one until its first check. */
  private setWakeTime(message: Message, now: number): void {
    if (message.state === 'SCHEDULED') message.wakeAt = message.deliverAt! - this.config.timerLeadSeconds * 1000;
    if (message.state === 'PREPARED') {
      message.wakeAt = now + this.config.txnCheckFirstSeconds * 1000;
      message.checkCount = 0;
    }
  }

  /** State changes a message may still make, each adding a trace event to its item. */
  private transitionsAhead(message: Message): number {
    return message.state === 'PREPARED' ? this.config.txnCheckMax + 2 : message.state === 'SCHEDULED' ? 2 : 1;
  }

  /** Whether the body can stay in the message's item and queue message (the small, common case: no extra call). */
  private fitsInline(message: Message): boolean {
    const { bytes, limit } = this.store.storedSize(message, this.transitionsAhead(message));
    return bytes <= limit && queueBytes(message) <= QUEUE_BODY_MAX_BYTES;
  }

  /**
   * The body goes to the body store and the message keeps a reference. It must still fit a receive answer whole, with
   * JSON's escapes (a control character takes 6 bytes), or no receive could ever hand it out.
   */
  private offload(message: Message): void {
    const bytes = Buffer.byteLength(message.body, 'utf8');
    if (this.bodies === undefined) {
      throw new PayloadTooLargeError(
        `the body is ${bytes} bytes, more than the message's item takes, and this function has no body store`,
      );
    }
    const answer = answerBytes(toDelivered(message)) + RECEIPT_ROOM_BYTES;
    if (answer > RECEIVE_ANSWER_MAX_BYTES) {
      throw new PayloadTooLargeError(
        `the message is ${answer} bytes as JSON (escapes included); a receive answers at most ${RECEIVE_ANSWER_MAX_BYTES} bytes: send fewer characters that JSON escapes, or base64`,
      );
    }
    const keepUntil = bodyKeptUntil(message, this.config);
    this.offloaded.set(message, message.body);
    message.bodyRef = this.bodies.refFor({ messageId: message.messageId, bornAt: message.bornAt, keepUntil, bytes });
    message.body = '';
  }

  /**
   * A message must fit the store's item limit not only when written but after every state change it may still make
   * (each adds a trace event to its item): otherwise its commit, cancel or check-backs would fail for good.
   */
  private checkStoredSize(message: Message): void {
    const transitions = this.transitionsAhead(message);
    const { bytes, limit } = this.store.storedSize(message, transitions);
    if (bytes > limit) {
      throw new PayloadTooLargeError(
        `the message takes ${bytes} bytes as stored (body, properties, keys and room for its ${transitions} state changes); the limit is ${limit} bytes: make the body or the properties smaller`,
      );
    }
  }

  private checkBody(input: PublishInput): void {
    const bytes = Buffer.byteLength(input.body, 'utf8');
    if (bytes > this.config.maxBodyBytes) {
      throw new PayloadTooLargeError(
        `body is ${bytes} bytes; the limit is ${this.config.maxBodyBytes} bytes (FERRY_MAX_BODY_BYTES)`,
      );
    }
    if (input.bodyBase64 && !/^[A-Za-z0-9+/]*={0,2}$/.test(input.body)) {
      throw new ValidationError('bodyBase64 is true but body is not base64', 'INVALID_BODY');
    }
  }

  private deliveryTime(input: PublishInput, now: number): number | undefined {
    if (input.deliverAt === undefined && input.delaySeconds === undefined) return undefined;
    return Math.max(requestedDeliveryTime(input, now, this.config.maxDelayDays, parseTime), now);
  }
}

/** RocketMQ 5 ties each message kind to its topic type. */
function checkTypeRules(topic: Topic, input: PublishInput): void {
  const type = topic.messageType;
  if (type === 'FIFO' && input.messageGroup === undefined) {
    throw new ValidationError(`topic '${topic.name}' is FIFO: messageGroup is required`, 'MESSAGE_GROUP_REQUIRED');
  }
  if (input.messageGroup !== undefined && !MESSAGE_GROUP_PATTERN.test(input.messageGroup)) {
    throw new ValidationError(
      `messageGroup '${input.messageGroup.slice(0, 40)}' is refused: ${MESSAGE_GROUP_RULE}`,
      'INVALID_MESSAGE_GROUP',
    );
  }
  if (type !== 'FIFO' && input.messageGroup !== undefined) {
    throw new ValidationError(
      `messageGroup is only for FIFO topics; topic '${topic.name}' is ${type}`,
      'MESSAGE_TYPE_MISMATCH',
    );
  }
  const delayed = input.deliverAt !== undefined || input.delaySeconds !== undefined;
  if (delayed && type !== 'DELAY') {
    throw new ValidationError(
      `deliverAt and delaySeconds are only for DELAY topics; topic '${topic.name}' is ${type}`,
      'MESSAGE_TYPE_MISMATCH',
    );
  }
  if (input.deliverAt !== undefined && input.delaySeconds !== undefined) {
    throw new ValidationError('give deliverAt or delaySeconds, not both', 'INVALID_DELIVERY_TIME');
  }
  if (type === 'DELAY' && !delayed) {
    throw new ValidationError(
      `topic '${topic.name}' is DELAY: deliverAt or delaySeconds is required`,
      'DELIVERY_TIME_REQUIRED',
    );
  }
  if (type === 'TRANSACTION' && input.producerGroup === undefined) {
    throw new ValidationError(
      `topic '${topic.name}' is TRANSACTION: producerGroup is required`,
      'PRODUCER_GROUP_REQUIRED',
    );
  }
  if (type !== 'TRANSACTION' && input.producerGroup !== undefined) {
    throw new ValidationError(
      `producerGroup is only for TRANSACTION topics; topic '${topic.name}' is ${type}`,
      'MESSAGE_TYPE_MISMATCH',
    );
  }
}

/** A message that no queue would take could never be delivered: refuse it before it is stored. */
function checkQueueSize(message: Message): void {
  const bytes = queueBytes(message);
  if (bytes > QUEUE_BODY_MAX_BYTES) {
    throw new PayloadTooLargeError(
      `the message is ${bytes} bytes as JSON with its properties and escapes; a queue takes at most ${QUEUE_BODY_MAX_BYTES}`,
    );
  }
}

const queueBytes = (message: Message) => Buffer.byteLength(encodeForQueue(toQueued(message)), 'utf8');

function resultOf(message: Message): PublishResult {
  return { messageId: message.messageId, state: message.state as InitialState };
}

function initialState(
  topic: Topic,
  deliverAt: number | undefined,
  now: number,
  directDelayLimitSeconds: number,
): InitialState {
  if (topic.messageType === 'TRANSACTION') return 'PREPARED';
  if (deliverAt !== undefined && deliverAt - now > directDelayLimitSeconds * 1000) return 'SCHEDULED';
  return 'READY';
}

function parseTime(value: string | number): number {
  const at = typeof value === 'number' ? value : /^\d+$/.test(value) ? Number(value) : isoTimeMs(value);
  if (!Number.isFinite(at)) {
    throw new ValidationError(
      `deliverAt '${value}' is neither an ISO 8601 time (2026-11-25T10:00:00Z) nor epoch milliseconds`,
      'INVALID_DELIVERY_TIME',
    );
  }
  return at;
}

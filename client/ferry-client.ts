// The TypeScript client of Ferry's HTTP API: one method per route, and consume() for a consumer loop.
import type * as schemas from '../lambda/api/schemas.ts';
import { FerryConsumer, type ConsumeOptions, type MessageHandler } from './consumer.ts';
import type {
  AckResult,
  ByKeyResult,
  Check,
  DecisionResult,
  ErrorBody,
  Group,
  GroupInput,
  Health,
  In,
  MessageList,
  MessageQuery,
  MessageView,
  NackResult,
  PageQuery,
  Out,
  ProducerGroupCreated,
  ProducerGroupInput,
  RotateSecretInput,
  RotatedSecret,
  PublishBatchResult,
  PublishRequest,
  PublishResult,
  QueuedMessage,
  ReceivedMessage,
  ReceiveOptions,
  Replay,
  ReplayRequest,
  RescheduleResult,
  Subscription,
  Topic,
  TopicInput,
  TopicType,
} from './contract.ts';

export interface FerryClientOptions {
  /** The API's base URL: the local stack's `http://127.0.0.1:4000`, or the deployed API's URL. */
  baseUrl: string;
  /** Signs a request before it is sent (IAM authorisation in AWS); omitted for the local stack. */
  sign?: (request: Request) => Promise<Request>;
}

/** A non-2xx answer, with the contract's error code and message. */
export class FerryApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${status} ${code}: ${message}`);
  }
}

const path = (...parts: string[]) => `/v1/${parts.map(encodeURIComponent).join('/')}`;

/** A new delivery time: ISO 8601 or epoch ms, or so many seconds from now by Ferry's clock. */
export type DeliveryTime = string | number | { delaySeconds: number };

const deliveryTimeBody = (when: DeliveryTime) => (typeof when === 'object' ? when : { deliverAt: when });

/** A query string of the given values, those that are set. */
function query(values: Record<string, string | number | undefined>): string {
  const set = Object.entries(values).filter((entry): entry is [string, string | number] => entry[1] !== undefined);
  return set.length === 0
    ? ''
    : `?${new URLSearchParams(set.map(([name, value]): [string, string] => [name, String(value)]))}`;
}

export class FerryClient {
  constructor(private readonly options: FerryClientOptions) {}

  putTopic(topic: string, messageType: TopicType, retentionHours?: number): Promise<Topic> {
    const input: TopicInput = { messageType, ...(retentionHours === undefined ? {} : { retentionHours }) };
    return this.call('PUT', path('topics', topic), input);
  }

  getTopic(topic: string): Promise<Topic> {
    return this.call('GET', path('topics', topic));
  }

  async listTopics(): Promise<Topic[]> {
    return (await this.call<Out<typeof schemas.TopicList>>('GET', path('topics'))).topics;
  }

  deleteTopic(topic: string): Promise<void> {
    return this.call('DELETE', path('topics', topic));
  }

  /** With `push`, Ferry POSTs the group's messages to an endpoint; without, consumers pull (a PUT switches either way). */
  putGroup(
    group: string,
    subscriptions: Subscription[],
    maxDeliveryAttempts?: number,
    push?: GroupInput['push'],
  ): Promise<Group> {
    const input: GroupInput = {
      subscriptions,
      ...(maxDeliveryAttempts === undefined ? {} : { maxDeliveryAttempts }),
      ...(push === undefined ? {} : { push }),
    };
    return this.call('PUT', path('groups', group), input);
  }

  getGroup(group: string): Promise<Group> {
    return this.call('GET', path('groups', group));
  }

  async listGroups(): Promise<Group[]> {
    return (await this.call<Out<typeof schemas.GroupList>>('GET', path('groups'))).groups;
  }

  deleteGroup(group: string): Promise<void> {
    return this.call('DELETE', path('groups', group));
  }

  publish(topic: string, message: PublishRequest): Promise<PublishResult> {
    return this.call('POST', path('topics', topic, 'messages'), message);
  }

  publishBatch(topic: string, messages: PublishRequest[]): Promise<PublishBatchResult> {
    return this.call('POST', path('topics', topic, 'messages', 'batch'), { messages });
  }

  async receive(group: string, options: ReceiveOptions = {}): Promise<ReceivedMessage[]> {
    type Answer = Out<typeof schemas.ReceiveResult>;
    const answer = await this.call<Answer>('POST', path('groups', group, 'receive'), options);
    return answer.messages;
  }

  ack(group: string, receiptHandles: string[]): Promise<AckResult> {
    return this.call('POST', path('groups', group, 'ack'), { receiptHandles });
  }

  /** Deliver again later: after `retryAfterSeconds`, or after the group's backoff for this attempt when omitted. */
  nack(group: string, receiptHandle: string, retryAfterSeconds?: number): Promise<NackResult> {
    const input: In<typeof schemas.NackInput> = {
      receiptHandle,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
    return this.call('POST', path('groups', group, 'nack'), input);
  }

  changeVisibility(group: string, receiptHandle: string, invisibleSeconds: number): Promise<void> {
    return this.call('POST', path('groups', group, 'visibility'), { receiptHandle, invisibleSeconds });
  }

  /** Dead letters as the queue holds them: a large body only as its `bodyRef` (`getMessage(id)` answers the whole body). */
  async deadLetters(group: string): Promise<QueuedMessage[]> {
    const answer = await this.call<Out<typeof schemas.DeadLetterList>>('GET', path('groups', group, 'dead-letters'));
    return answer.messages;
  }

  redriveDeadLetters(group: string): Promise<Out<typeof schemas.RedriveResult>> {
    return this.call('POST', path('groups', group, 'dead-letters', 'redrive'));
  }

  getMessage(messageId: string): Promise<MessageView> {
    return this.call('GET', path('messages', messageId));
  }

  /** Commit a transaction message of `topic` (the topic's path, so that an IAM grant on the topic covers it). */
  commit(topic: string, messageId: string): Promise<DecisionResult> {
    return this.call('POST', path('topics', topic, 'messages', messageId, 'commit'));
  }

  rollback(topic: string, messageId: string): Promise<DecisionResult> {
    return this.call('POST', path('topics', topic, 'messages', messageId, 'rollback'));
  }

  /** Cancel a scheduled message of `topic` that has not been handed to its queues yet. */
  cancel(topic: string, messageId: string): Promise<DecisionResult> {
    return this.call('POST', path('topics', topic, 'messages', messageId, 'cancel'));
  }

  /**
   * Move a scheduled message of `topic` to another delivery time (earlier or later); 409 once it was handed on.
   * `when`: the time (ISO 8601 or epoch ms), or `{ delaySeconds }` from now by Ferry's clock.
   */
  reschedule(topic: string, messageId: string, when: DeliveryTime): Promise<RescheduleResult> {
    return this.call('POST', path('topics', topic, 'messages', messageId, 'reschedule'), deliveryTimeBody(when));
  }

  /** Cancel every scheduled message of `topic` with this key; each message's outcome, in place. */
  cancelByKey(topic: string, key: string): Promise<ByKeyResult> {
    return this.call('POST', path('topics', topic, 'messages', 'cancel') + query({ key }));
  }

  rescheduleByKey(topic: string, key: string, when: DeliveryTime): Promise<ByKeyResult> {
    return this.call('POST', path('topics', topic, 'messages', 'reschedule') + query({ key }), deliveryTimeBody(when));
  }

  /** A topic's messages with `key` (newest first), or published from `from` to `to` (oldest first), a page at a time. */
  queryMessages(topic: string, options: MessageQuery): Promise<MessageList> {
    return this.call('GET', path('topics', topic, 'messages') + query({ ...options }));
  }

  /** A DELAY topic's messages not yet handed to the queues, soonest delivery first. */
  scheduledMessages(topic: string, page: PageQuery = {}): Promise<MessageList> {
    return this.call('GET', path('topics', topic, 'scheduled') + query({ ...page }));
  }

  /** A producer group's prepared messages without a decision, oldest first. */
  undecidedTransactions(producerGroup: string, page: PageQuery = {}): Promise<MessageList> {
    return this.call('GET', path('producer-groups', producerGroup, 'transactions') + query({ ...page }));
  }

  /** Send a subscribed topic's messages of a time range to `group` again, as a background job. */
  replay(group: string, request: ReplayRequest): Promise<Replay> {
    return this.call('POST', path('groups', group, 'replay'), request);
  }

  getReplay(group: string, replayId: string): Promise<Replay> {
    return this.call('GET', path('groups', group, 'replays', replayId));
  }

  /** Creates or changes a producer group; the PUT that creates it answers its `signingSecret`, once: keep it. */
  putProducerGroup(name: string, input: ProducerGroupInput = {}): Promise<ProducerGroupCreated> {
    return this.call('PUT', path('producer-groups', name), input);
  }

  /** A new signing secret; the previous one still signs check-backs for `graceSeconds` (default a day). */
  rotateProducerSecret(name: string, input: RotateSecretInput = {}): Promise<RotatedSecret> {
    return this.call('POST', path('producer-groups', name, 'secret'), input);
  }

  async pendingChecks(name: string): Promise<Check[]> {
    return (await this.call<Out<typeof schemas.CheckList>>('GET', path('producer-groups', name, 'checks'))).checks;
  }

  /**
   * Runs `handler` for every message of `group` until `stop()`: ack on success, nack on a throw (the group's backoff
   * unless `retryAfterSeconds`), invisible time extended while a handler runs.
   */
  consume(group: string, handler: MessageHandler, options: ConsumeOptions = {}): FerryConsumer {
    return new FerryConsumer(this, group, handler, options);
  }

  /** The health document, also when Ferry answers 503 (some part is not ready). */
  async health(): Promise<{ status: number; health: Health }> {
    const response = await this.send('GET', path('health'));
    return { status: response.status, health: (await response.json()) as Health };
  }

  /** Any route: the answer's JSON, or a {@link FerryApiError} for a non-2xx answer. */
  async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const response = await this.send(method, route, body);
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) {
      const error = (parsed as Partial<ErrorBody> | undefined)?.error;
      throw new FerryApiError(response.status, error?.code ?? 'UNKNOWN', error?.message ?? text);
    }
    return parsed as T;
  }

  private async send(method: string, route: string, body?: unknown): Promise<Response> {
    // Appended, not resolved: a base URL with a path (an API Gateway stage, `…/prod`) keeps it.
    let request = new Request(this.options.baseUrl.replace(/\/+$/, '') + route, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    if (this.options.sign !== undefined) request = await this.options.sign(request);
    return fetch(request);
  }
}

// Steering scheduled messages: reschedule one (by id or by key), cancel by key, as a timeout center knows its orders.
import { ConflictError, FerryError, NotFoundError, ValidationError } from './errors.ts';
import type { FerryConfig } from './config.ts';
import type { Decisions } from './decisions.ts';
import { handedOnAlready, requestedDeliveryTime, type DeliveryTimeInput } from './delivery-time.ts';
import { isMessageId } from './ids.ts';
import type { Message, MessageId, MessageState, Topic } from './model.ts';
import { parseInstant } from './pages.ts';
import type { Clock, MessageStore } from './ports.ts';
import { reschedule } from './state-machine.ts';

export interface RescheduleResult {
  messageId: MessageId;
  state: MessageState;
  /** ISO 8601. */
  deliverAt: string;
}

/** What a request by key did to each message of the topic with that key. */
export interface ByKeyResult {
  results: Array<{
    messageId: MessageId;
    state: MessageState;
    /** The new delivery time, for each message rescheduled. */
    deliverAt?: string;
    error?: { code: string; message: string };
  }>;
}

/** At most this many messages of one key are acted on by one call. */
const BY_KEY_MAX = 1000;

export class Scheduling {
  constructor(
    private readonly store: MessageStore,
    private readonly topics: (name: string) => Promise<Topic | undefined>,
    private readonly decisions: Decisions,
    private readonly config: Pick<FerryConfig, 'maxDelayDays' | 'timerLeadSeconds'>,
    private readonly clock: Clock,
  ) {}

  /**
   * Moves a scheduled message's delivery time, earlier or later, with one conditional write (it must still be
   * SCHEDULED). A time in the past means now. Under a topic's path, a message of another topic is a 404.
   */
  async reschedule(messageId: string, when: DeliveryTimeInput, topic?: string): Promise<RescheduleResult> {
    const deliverAt = this.deliveryTimeOf(when);
    if (!isMessageId(messageId))
      throw new ValidationError(
        `'${messageId}' is not a Ferry message id (26 characters, Crockford base32)`,
        'INVALID_MESSAGE_ID',
      );
    const found = await this.store.get(messageId);
    if (found === undefined || (topic !== undefined && found.message.topic !== topic))
      throw new NotFoundError('MESSAGE', topic === undefined ? messageId : `${topic}/${messageId}`);
    return this.rescheduleMessage(found.message, deliverAt);
  }

  async rescheduleByKey(topic: string, key: string, when: DeliveryTimeInput): Promise<ByKeyResult> {
    const deliverAt = this.deliveryTimeOf(when);
    return this.byKey(topic, key, (message) => this.rescheduleMessage(message, deliverAt));
  }

  async cancelByKey(topic: string, key: string): Promise<ByKeyResult> {
    return this.byKey(topic, key, async (message) => ({
      state: (await this.decisions.cancel(message.messageId)).state,
    }));
  }

  /** The time asked for, checked once before any message is touched (epoch ms; may be in the past). */
  private deliveryTimeOf(when: DeliveryTimeInput): number {
    if (when.deliverAt !== undefined && when.delaySeconds !== undefined)
      throw new ValidationError('give deliverAt or delaySeconds, not both', 'INVALID_DELIVERY_TIME');
    if (when.deliverAt === undefined && when.delaySeconds === undefined)
      throw new ValidationError('deliverAt or delaySeconds is required', 'DELIVERY_TIME_REQUIRED');
    return requestedDeliveryTime(when, this.clock.now(), this.config.maxDelayDays, (deliverAt) =>
      parseInstant(deliverAt, 'deliverAt'),
    );
  }

  private async rescheduleMessage(message: Message, at: number): Promise<RescheduleResult> {
    const now = this.clock.now();
    const deliverAt = Math.max(now, at);
    if (message.topicType !== 'DELAY')
      throw new ConflictError(
        `message ${message.messageId} is not a scheduled message (topic type ${message.topicType})`,
        'NOT_SCHEDULED',
      );
    const step = reschedule(now, message.deliverAt!, {
      deliverAt,
      // Never behind the tick's cursor: a wake time in the past is read by the next tick.
      wakeAt: Math.max(now, deliverAt - this.config.timerLeadSeconds * 1000),
      expiresAt: await this.expiryFor(message, deliverAt),
    });
    const result =
      message.state === 'SCHEDULED'
        ? await this.store.transition({ messageId: message.messageId, topic: message.topic }, step)
        : { applied: false as const, current: message };
    if (result.applied) return { messageId: message.messageId, state: 'SCHEDULED', deliverAt: iso(deliverAt) };
    throw notReschedulable(result.current ?? message);
  }

  /** Retention counts from the delivery time: the topic's, or the one the message was stored with. */
  private async expiryFor(message: Message, deliverAt: number): Promise<number> {
    const topic = await this.topics(message.topic);
    const retentionSeconds = topic?.retentionHours
      ? topic.retentionHours * 3600
      : message.expiresAt - message.deliverAt! / 1000;
    return Math.ceil(deliverAt / 1000 + retentionSeconds);
  }

  private async byKey(
    topicName: string,
    key: string,
    act: (message: Message) => Promise<{ state: MessageState; deliverAt?: string }>,
  ): Promise<ByKeyResult> {
    const topic = await this.topics(topicName);
    if (topic === undefined) throw new NotFoundError('TOPIC', topicName);
    if (topic.messageType !== 'DELAY')
      throw new ValidationError(
        `topic '${topicName}' is ${topic.messageType}: only DELAY topics have scheduled messages`,
        'MESSAGE_TYPE_MISMATCH',
      );
    const messages = await this.allWithKey(topicName, key);
    if (messages.length === 0) throw new NotFoundError('MESSAGE', `${topicName} key ${key}`);
    const results: ByKeyResult['results'] = [];
    for (const message of messages) {
      try {
        results.push({ messageId: message.messageId, ...(await act(message)) });
      } catch (error) {
        if (!(error instanceof FerryError) || error.status !== 409) throw error;
        results.push({
          messageId: message.messageId,
          state: (await this.store.get(message.messageId))?.message.state ?? message.state,
          error: { code: error.code, message: error.message },
        });
      }
    }
    return { results };
  }

  private async allWithKey(topic: string, key: string): Promise<Message[]> {
    const messages: Message[] = [];
    let after: string | undefined;
    do {
      const page = await this.store.messagesByKey(topic, key, { limit: 100, ...(after ? { after } : {}) });
      messages.push(...page.messages);
      after = page.next;
    } while (after !== undefined && messages.length < BY_KEY_MAX);
    return messages;
  }
}

function notReschedulable(current: Message): ConflictError {
  if (current.state === 'CANCELLED')
    return new ConflictError(`message ${current.messageId} was cancelled`, 'NO_LONGER_RESCHEDULABLE');
  return new ConflictError(handedOnAlready(current), 'NO_LONGER_RESCHEDULABLE');
}

const iso = (at: number) => new Date(at).toISOString();

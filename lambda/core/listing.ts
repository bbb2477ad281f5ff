// Listing messages: by key, by publish time, a DELAY topic's scheduled ones, a producer group's undecided ones.
import { NotFoundError, ValidationError } from './errors.ts';
import { toQueued, type QueuedMessage, type Message, type MessageState, type Topic } from './model.ts';
import {
  decodeCursor,
  DEFAULT_PAGE,
  encodeCursor,
  MAX_PAGE,
  parseInstant,
  type MessagePage,
  type PageRequest,
} from './pages.ts';
import type { MessageStore } from './ports.ts';

/** A listed message: what a consumer would receive, its state, and what it waits for. */
export type ListedMessage = QueuedMessage & {
  state: MessageState;
  /** ISO 8601: when a DELAY message is (or was) to be delivered. */
  deliverAt?: string;
  producerGroup?: string;
  /** Check-backs made so far, for a transaction. */
  checkCount?: number;
};

export interface MessageList {
  messages: ListedMessage[];
  /** Pass it back as `cursor` for the next page; absent on the last one. */
  next?: string;
}

export interface PageInput {
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface MessageQueryInput extends PageInput {
  key?: string | undefined;
  from?: string | number | undefined;
  to?: string | number | undefined;
}

export function toListed(message: Message): ListedMessage {
  // A large body is listed by its reference (GET /v1/messages/{id} answers it whole), never as an empty body.
  const listed: ListedMessage = { ...toQueued(message), state: message.state };
  if (message.deliverAt !== undefined) listed.deliverAt = new Date(message.deliverAt).toISOString();
  if (message.producerGroup !== undefined) listed.producerGroup = message.producerGroup;
  if (message.checkCount !== undefined) listed.checkCount = message.checkCount;
  return listed;
}

export function pageRequest(input: PageInput): PageRequest {
  const limit = input.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw new ValidationError(`limit is 1 to ${MAX_PAGE}`, 'INVALID_REQUEST');
  const after = decodeCursor(input.cursor);
  return after === undefined ? { limit } : { limit, after };
}

function listOf(page: MessagePage): MessageList {
  const next = encodeCursor(page.next);
  return { messages: page.messages.map(toListed), ...(next === undefined ? {} : { next }) };
}

export class Listing {
  constructor(
    private readonly store: MessageStore,
    private readonly topics: (name: string) => Promise<Topic | undefined>,
  ) {}

  /** `key`: newest first; `from` and `to`: by publish time, oldest first. Either, not both. */
  async messages(topicName: string, input: MessageQueryInput): Promise<MessageList> {
    await this.requireTopic(topicName);
    const page = pageRequest(input);
    const ranged = input.from !== undefined || input.to !== undefined;
    if (input.key !== undefined && ranged)
      throw new ValidationError('give key, or from and to, not both', 'INVALID_QUERY');
    if (input.key !== undefined) return listOf(await this.store.messagesByKey(topicName, input.key, page));
    if (input.from === undefined || input.to === undefined)
      throw new ValidationError('give key=K, or from=T1 and to=T2 (ISO 8601 or epoch ms)', 'INVALID_QUERY');
    const range = timeRange(input.from, input.to);
    return listOf(await this.store.messagesByTime(topicName, range, page));
  }

  /** A DELAY topic's messages still waiting in the table (not yet handed to the queues), soonest first. */
  async scheduled(topicName: string, input: PageInput): Promise<MessageList> {
    const topic = await this.requireTopic(topicName);
    if (topic.messageType !== 'DELAY')
      throw new ValidationError(
        `topic '${topicName}' is ${topic.messageType}: only DELAY topics have scheduled messages`,
        'MESSAGE_TYPE_MISMATCH',
      );
    return listOf(await this.store.scheduledMessages(topicName, pageRequest(input)));
  }

  /** A producer group's prepared messages without a decision, oldest first. */
  async undecided(producerGroup: string, input: PageInput): Promise<MessageList> {
    return listOf(await this.store.undecidedTransactions(producerGroup, pageRequest(input)));
  }

  async requireTopic(name: string): Promise<Topic> {
    const topic = await this.topics(name);
    if (topic === undefined) throw new NotFoundError('TOPIC', name);
    return topic;
  }
}

export function timeRange(from: string | number, to: string | number): { from: number; to: number } {
  const range = { from: parseInstant(from, 'from'), to: parseInstant(to, 'to') };
  if (range.from > range.to) throw new ValidationError('from is after to', 'INVALID_QUERY');
  return range;
}

// Messages, their trace, the due-time index, the tick's state and pull checks in memory, with the DynamoDB store's semantics.
import type { Message, MessageId, MessageState, TraceEvent } from '../core/model.ts';
import { refOf } from '../core/message-ref.ts';
import {
  PULL_CHECKS_MAX,
  type DispatchedRef,
  type FifoGroup,
  type FifoHold,
  type MessageRef,
  type MessageStore,
  type OutboxEntry,
  type ReplayJob,
  type StoredSize,
  type TickState,
  type TraceEntry,
  type Transition,
  type TransitionResult,
} from '../core/ports.ts';
import type { TimerSlot, TimerWheel } from '../core/timers.ts';
import { idRange, scheduledPosition, type MessagePage, type PageRequest } from '../core/pages.ts';

/** A DynamoDB query page holds up to 1 MB; a small page here makes callers meet more than one. */
const DEFAULT_PAGE_SIZE = 25;

const slotKey = (slot: TimerSlot) => `${slot.bucket}#${slot.shard}`;
const holdKey = (group: FifoGroup) => `${group.topic}\u0000${group.messageGroup}`;

export class MemoryMessageStore implements MessageStore {
  private readonly messages = new Map<MessageId, Message>();
  private readonly events = new Map<MessageId, TraceEvent[]>();
  /** The due-time index: slot → ids of the messages waiting in it. */
  private readonly due = new Map<string, Set<MessageId>>();
  private readonly checks = new Map<string, Set<MessageId>>();
  private state: TickState = {};
  /** READY messages not yet recorded as handed on, with when they became READY (`outboxed`: made READY by a step). */
  private readonly outbox = new Map<MessageId, OutboxEntry>();
  private readonly holds = new Map<string, FifoHold>();
  private readonly dedupKeys = new Map<string, { messageId: MessageId; state: MessageState; expiresAt: number }>();
  private readonly replays = new Map<string, ReplayJob>();

  constructor(
    private readonly wheel: TimerWheel,
    private readonly pageSize = DEFAULT_PAGE_SIZE,
  ) {}

  async insert(messages: Message[]): Promise<void> {
    const duplicate = messages.find((message) => this.messages.has(message.messageId));
    if (duplicate !== undefined) throw new Error(`message ${duplicate.messageId} exists: an id is never overwritten`);
    for (const message of messages) {
      this.messages.set(message.messageId, structuredClone(message));
      if (message.wakeAt !== undefined) this.index(message.messageId, message.wakeAt);
      if (message.state === 'READY')
        this.outbox.set(message.messageId, { ...refOf(message), outboxed: false, at: message.bornAt });
    }
  }

  async insertOnce(
    message: Message & { dedupKey: string },
  ): Promise<{ messageId: MessageId; state: MessageState } | undefined> {
    const key = `${message.topic}\u0000${message.dedupKey}`;
    const first = this.dedupKeys.get(key);
    if (first !== undefined && first.expiresAt >= Math.floor(message.bornAt / 1000))
      return { messageId: first.messageId, state: first.state };
    this.dedupKeys.set(key, { messageId: message.messageId, state: message.state, expiresAt: message.expiresAt });
    await this.insert([message]);
    return undefined;
  }

  /** The JSON size stands in for DynamoDB's accounting (close to it for text), with the same room per state change. */
  storedSize(message: Message, transitions: number): StoredSize {
    return { bytes: Buffer.byteLength(JSON.stringify(message), 'utf8') + transitions * 256, limit: 400 * 1024 };
  }

  async getMany(refs: MessageRef[]): Promise<Message[]> {
    return refs.flatMap((ref) => {
      const message = this.messages.get(ref.messageId);
      return message === undefined ? [] : [structuredClone(message)];
    });
  }

  async markDispatched(refs: DispatchedRef[]): Promise<void> {
    for (const ref of refs) this.outbox.delete(ref.messageId);
  }

  async undispatched(before: number, limit: number, topics: string[]): Promise<OutboxEntry[]> {
    const walked = new Set(topics);
    return [...this.outbox.values()]
      .filter((entry) => entry.at < before && (entry.outboxed || walked.has(entry.topic)))
      .sort((a, b) => (a.messageId < b.messageId ? -1 : 1))
      .slice(0, limit)
      .map((entry) => ({ ...entry }));
  }

  async holdsOf(groups: FifoGroup[]): Promise<FifoHold[]> {
    return [...new Set(groups.map(holdKey))].flatMap((key) => {
      const hold = this.holds.get(key);
      return hold === undefined ? [] : [structuredClone(hold)];
    });
  }

  async hold(group: FifoGroup, holder: MessageId): Promise<void> {
    if (!this.holds.has(holdKey(group)))
      this.holds.set(holdKey(group), { topic: group.topic, messageGroup: group.messageGroup, holder, held: [] });
  }

  async addToHold(group: FifoGroup, messageId: MessageId): Promise<boolean> {
    const hold = this.holds.get(holdKey(group));
    if (hold === undefined) return false;
    hold.held.push(messageId);
    return true;
  }

  async settleHold(seen: FifoHold, left: { holder: MessageId; held: MessageId[] } | undefined): Promise<boolean> {
    const hold = this.holds.get(holdKey(seen));
    if (hold === undefined || hold.holder !== seen.holder || hold.held.length !== seen.held.length) return false;
    if (left === undefined) this.holds.delete(holdKey(seen));
    else this.holds.set(holdKey(seen), { ...hold, holder: left.holder, held: [...left.held] });
    return true;
  }

  async get(messageId: MessageId): Promise<{ message: Message; events: TraceEvent[] } | undefined> {
    const message = this.messages.get(messageId);
    if (message === undefined) return undefined;
    return structuredClone({ message, events: this.events.get(messageId) ?? [] });
  }

  async appendTrace(entries: TraceEntry[]): Promise<void> {
    for (const { message, event } of entries) {
      const events = this.events.get(message.messageId) ?? [];
      events.push(structuredClone(event));
      this.events.set(message.messageId, events);
    }
  }

  /**
   * As in DynamoDB, a message is found here by its id alone only when its partition follows from the id: a FIFO
   * message (its partition is its message group's) is not found, which the port rules out for its callers.
   */
  async transition(target: MessageId | MessageRef, transition: Transition): Promise<TransitionResult> {
    const ref = typeof target === 'string' ? undefined : target;
    const messageId = typeof target === 'string' ? target : target.messageId;
    const message = this.messages.get(messageId);
    if (message === undefined || (message.messageGroup !== undefined && ref?.messageGroup !== message.messageGroup))
      return { applied: false, current: undefined };
    if (message.state !== transition.from) return { applied: false, current: structuredClone(message) };
    if (message.wakeAt !== undefined) this.unindex(messageId, message.wakeAt);
    message.state = transition.to;
    message.transitions = [...(message.transitions ?? []), structuredClone(transition.event)];
    if (transition.wakeAt === undefined) {
      delete message.wakeAt;
    } else {
      message.wakeAt = transition.wakeAt;
      this.index(messageId, transition.wakeAt);
    }
    if (transition.checkCount !== undefined) message.checkCount = transition.checkCount;
    if (transition.reschedule !== undefined) {
      message.deliverAt = transition.reschedule.deliverAt;
      message.expiresAt = transition.reschedule.expiresAt;
    }
    if (transition.to === 'READY' && transition.from !== 'READY')
      this.outbox.set(messageId, { ...refOf(message), outboxed: true, at: transition.event.at });
    return { applied: true };
  }

  async *waking(slot: TimerSlot, until: number): AsyncIterable<Message[]> {
    const waiting = [...(this.due.get(slotKey(slot)) ?? [])]
      .map((id) => this.messages.get(id)!)
      .filter((message) => message.wakeAt! <= until)
      .sort((a, b) => a.wakeAt! - b.wakeAt! || (a.messageId < b.messageId ? -1 : 1))
      .map((message) => structuredClone(message));
    for (let start = 0; start < waiting.length; start += this.pageSize)
      yield waiting.slice(start, start + this.pageSize);
  }

  async slotHasMessages(slot: TimerSlot): Promise<boolean> {
    return (this.due.get(slotKey(slot))?.size ?? 0) > 0;
  }

  async tickState(): Promise<TickState> {
    return { ...this.state };
  }

  async saveTickState(state: TickState): Promise<void> {
    this.state = { ...state };
  }

  async addPullCheck(producerGroup: string, messageId: MessageId): Promise<void> {
    const ids = this.checks.get(producerGroup) ?? new Set<MessageId>();
    ids.add(messageId);
    this.checks.set(producerGroup, ids);
  }

  async pullChecks(producerGroup: string): Promise<Message[]> {
    const ids = [...(this.checks.get(producerGroup) ?? [])].sort().slice(0, PULL_CHECKS_MAX);
    return ids.flatMap((id) => {
      const message = this.messages.get(id);
      return message === undefined ? [] : [structuredClone(message)];
    });
  }

  async removePullChecks(producerGroup: string, messageIds: MessageId[]): Promise<void> {
    for (const id of messageIds) this.checks.get(producerGroup)?.delete(id);
  }

  async messagesByKey(topic: string, key: string, page: PageRequest): Promise<MessagePage> {
    const found = this.ofTopic(topic)
      .filter((message) => message.keys.includes(key))
      .filter((message) => page.after === undefined || message.messageId < page.after)
      .sort((a, b) => (a.messageId < b.messageId ? 1 : -1));
    return pageOf(found, page.limit, (message) => message.messageId);
  }

  async messagesByTime(topic: string, range: { from: number; to: number }, page: PageRequest): Promise<MessagePage> {
    const { low, high } = idRange(range.from, range.to);
    const found = this.ofTopic(topic)
      .filter((message) => message.messageId >= low && message.messageId <= high)
      .filter((message) => page.after === undefined || message.messageId > page.after)
      .sort((a, b) => (a.messageId < b.messageId ? -1 : 1));
    return pageOf(found, page.limit, (message) => message.messageId);
  }

  async scheduledMessages(topic: string, page: PageRequest): Promise<MessagePage> {
    const position = (message: Message) => scheduledPosition(message.deliverAt!, message.messageId);
    const found = this.ofTopic(topic)
      .filter((message) => message.state === 'SCHEDULED')
      .filter((message) => page.after === undefined || position(message) > page.after)
      .sort((a, b) => (position(a) < position(b) ? -1 : 1));
    return pageOf(found, page.limit, position);
  }

  async undecidedTransactions(producerGroup: string, page: PageRequest): Promise<MessagePage> {
    const found = [...this.messages.values()]
      .filter((message) => message.state === 'PREPARED' && message.producerGroup === producerGroup)
      .filter((message) => page.after === undefined || message.messageId > page.after)
      .sort((a, b) => (a.messageId < b.messageId ? -1 : 1));
    return pageOf(found, page.limit, (message) => message.messageId);
  }

  async createReplay(job: ReplayJob): Promise<void> {
    if (this.replays.has(job.replayId)) throw new Error(`replay ${job.replayId} exists`);
    this.replays.set(job.replayId, structuredClone(job));
  }

  async getReplay(replayId: string): Promise<ReplayJob | undefined> {
    const job = this.replays.get(replayId);
    return job === undefined ? undefined : structuredClone(job);
  }

  async runningReplays(): Promise<ReplayJob[]> {
    return [...this.replays.values()].filter((job) => job.state === 'RUNNING').map((job) => structuredClone(job));
  }

  async saveReplay(job: ReplayJob, seenVersion: number): Promise<boolean> {
    if (this.replays.get(job.replayId)?.version !== seenVersion) return false;
    this.replays.set(job.replayId, structuredClone(job));
    return true;
  }

  private ofTopic(topic: string): Message[] {
    return [...this.messages.values()].filter((message) => message.topic === topic);
  }

  private index(messageId: MessageId, wakeAt: number): void {
    const key = slotKey(this.wheel.slotOf(messageId, wakeAt));
    const ids = this.due.get(key) ?? new Set<MessageId>();
    ids.add(messageId);
    this.due.set(key, ids);
  }

  private unindex(messageId: MessageId, wakeAt: number): void {
    const key = slotKey(this.wheel.slotOf(messageId, wakeAt));
    this.due.get(key)?.delete(messageId);
    if (this.due.get(key)?.size === 0) this.due.delete(key);
  }
}

function pageOf(sorted: Message[], limit: number, positionOf: (message: Message) => string): MessagePage {
  const messages = sorted.slice(0, limit).map((message) => structuredClone(message));
  return messages.length === limit && messages.length > 0
    ? { messages, next: positionOf(messages.at(-1)!) }
    : { messages };
}

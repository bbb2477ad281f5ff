// Messages, their trace, the due-time index, the tick's state and pull checks in memory, with the DynamoDB store's semantics.
import type { Message, MessageId, TraceEvent } from '../core/model.ts';
import type { MessageStore, TickState, TraceEntry, Transition, TransitionResult } from '../core/ports.ts';
import type { TimerSlot, TimerWheel } from '../core/timers.ts';

/** A DynamoDB query page holds up to 1 MB; a small page here makes callers meet more than one. */
const DEFAULT_PAGE_SIZE = 25;
/** The DynamoDB store reads at most this many pull checks per call. */
const PULL_CHECKS_MAX = 100;

const slotKey = (slot: TimerSlot) => `${slot.bucket}#${slot.shard}`;

export class MemoryMessageStore implements MessageStore {
  private readonly messages = new Map<MessageId, Message>();
  private readonly events = new Map<MessageId, TraceEvent[]>();
  /** The due-time index: slot → ids of the messages waiting in it. */
  private readonly due = new Map<string, Set<MessageId>>();
  private readonly checks = new Map<string, Set<MessageId>>();
  private state: TickState = {};

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
    }
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
  async transition(messageId: MessageId, transition: Transition): Promise<TransitionResult> {
    const message = this.messages.get(messageId);
    if (message === undefined || message.messageGroup !== undefined) return { applied: false, current: undefined };
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
    return { applied: true };
  }

  async *waking(slot: TimerSlot, until: number): AsyncIterable<Message[]> {
    const waiting = [...(this.due.get(slotKey(slot)) ?? [])]
      .map((id) => this.messages.get(id)!)
      .filter((message) => message.wakeAt! <= until)
      .sort((a, b) => a.wakeAt! - b.wakeAt! || (a.messageId < b.messageId ? -1 : 1))
      .map((message) => structuredClone(message));
    for (let start = 0; start < waiting.length; start += this.pageSize) yield waiting.slice(start, start + this.pageSize);
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

// The chaos run's books: what producers were told, what consumers got, and the figures that say whether a promise broke.
import type { ReceivedMessage } from '../client/index.ts';
import { GROUPS, type Intent, type PlannedMessage } from './plan.ts';

/** What became of a decision or cancel the producer asked for, as the API answered it. */
export type Outcome = 'COMMITTED' | 'ROLLED_BACK' | 'CANCELLED' | 'NOT_CANCELLABLE';

export interface FinalState {
  state: string;
  eventTypes: string[];
}

export interface ChaosFigures {
  acknowledged: number;
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  forbiddenDelivered: number;
  twoOutcomes: number;
  undecided: number;
  inversions: number;
  misrouted: number;
  duplicates: number;
  retriedPublishes: number;
}

interface Delivery {
  group: string;
  messageId: string;
  key: string;
  messageGroup?: string;
}

export class Ledger {
  /** Logical key to the message id its acknowledged publish answered. */
  private readonly acked = new Map<string, { messageId: string; message: PlannedMessage }>();
  private readonly outcomes = new Map<string, Outcome>();
  private readonly deliveries: Delivery[] = [];
  /** Per group, the ids received at least once (for the wait: delivered ones are never lost later). */
  private readonly seen = new Map<string, Set<string>>(GROUPS.map((group) => [group.name, new Set<string>()]));
  retriedPublishes = 0;
  /** Redeliveries the consumers asked for: not duplicates. */
  private nacks = 0;

  published(message: PlannedMessage, messageId: string): void {
    this.acked.set(message.key, { messageId, message });
  }

  decided(key: string, outcome: Outcome): void {
    this.outcomes.set(key, outcome);
  }

  received(group: string, message: ReceivedMessage): void {
    const delivery: Delivery = { group, messageId: message.messageId, key: message.body };
    if (message.messageGroup !== undefined) delivery.messageGroup = message.messageGroup;
    this.deliveries.push(delivery);
    this.seen.get(group)!.add(message.messageId);
  }

  nacked(): void {
    this.nacks++;
  }

  get acknowledged(): number {
    return this.acked.size;
  }

  /** Acknowledged messages that must reach consumers, each with the groups whose filter matches. */
  expected(): Array<{ messageId: string; message: PlannedMessage; groups: string[] }> {
    return [...this.acked.values()]
      .filter(({ message }) => this.mustDeliver(message))
      .map(({ messageId, message }) => ({
        messageId,
        message,
        groups: GROUPS.filter((group) => group.matches(message)).map((group) => group.name),
      }));
  }

  /** Expected (message, group) deliveries that no consumer has received yet. */
  missing(): Array<{ messageId: string; key: string; group: string }> {
    return this.expected().flatMap(({ messageId, message, groups }) =>
      groups
        .filter((group) => !this.seen.get(group)!.has(messageId))
        .map((group) => ({ messageId, key: message.key, group })),
    );
  }

  /** Transaction and cancelled messages whose state the end of the run checks. */
  decisionsToCheck(): Array<{ messageId: string; message: PlannedMessage }> {
    return [...this.acked.values()].filter(({ message }) => message.kind === 'txn' || message.intent === 'cancel');
  }

  figures(finalStates: Map<string, FinalState>): ChaosFigures {
    const expected = this.expected();
    const pairs = expected.reduce((sum, entry) => sum + entry.groups.length, 0);
    const lost = this.missing().length;
    const idOfKey = new Map([...this.acked].map(([key, entry]) => [key, entry.messageId]));
    const messageOfKey = new Map([...this.acked].map(([key, entry]) => [key, entry.message]));
    const firstSeen = new Set<string>();
    let duplicates = 0;
    let forbiddenDelivered = 0;
    let misrouted = 0;
    for (const delivery of this.deliveries) {
      const message = messageOfKey.get(delivery.key);
      const own = idOfKey.get(delivery.key) === delivery.messageId;
      const pair = `${delivery.group}\u0000${delivery.messageId}`;
      // Another copy: a redelivery (less those asked for by a nack), or a retried publish's first attempt that was stored.
      if (firstSeen.has(pair) || !own) duplicates++;
      firstSeen.add(pair);
      if (message === undefined) continue;
      if (!GROUPS.find((group) => group.name === delivery.group)!.matches(message)) misrouted++;
      if (this.forbidden(message, own)) forbiddenDelivered++;
    }
    let twoOutcomes = 0;
    let undecided = 0;
    for (const { messageId, message } of this.decisionsToCheck()) {
      const final = finalStates.get(messageId);
      if (final === undefined) continue;
      if (message.kind === 'txn') {
        const committed = final.eventTypes.includes('COMMITTED');
        const rolledBack = final.eventTypes.includes('ROLLED_BACK');
        const told = this.outcomes.get(message.key);
        if ((committed && rolledBack) || (told === 'COMMITTED' && rolledBack) || (told === 'ROLLED_BACK' && committed))
          twoOutcomes++;
        if (final.state === 'PREPARED') undecided++;
      }
    }
    return {
      acknowledged: this.acked.size,
      expectedDeliveries: pairs,
      delivered: pairs - lost,
      lost,
      forbiddenDelivered,
      twoOutcomes,
      undecided,
      inversions: this.inversions(idOfKey, messageOfKey),
      misrouted,
      duplicates: Math.max(0, duplicates - this.nacks),
      retriedPublishes: this.retriedPublishes,
    };
  }

  private mustDeliver(message: PlannedMessage): boolean {
    const intent: Intent = message.intent;
    if (intent === 'cancel') return this.outcomes.get(message.key) === 'NOT_CANCELLABLE';
    // A commit refused with 409 (the check-backs ran out first) is a rollback the producer was told of.
    if (intent === 'commit') return this.outcomes.get(message.key) !== 'ROLLED_BACK';
    return intent === 'deliver' || intent === 'check-commit' || intent === 'check-late-commit';
  }

  /**
   * A rolled-back transaction must never be delivered, whichever copy (a retried publish's first attempt is checked back
   * and rolled back by the same rule); a cancelled message must not be, in the copy that was cancelled.
   */
  private forbidden(message: PlannedMessage, own: boolean): boolean {
    if (message.intent === 'rollback' || message.intent === 'check-rollback') return true;
    return message.intent === 'cancel' && own && this.outcomes.get(message.key) === 'CANCELLED';
  }

  /** Per consumer group and message group: first deliveries of acknowledged messages must come in publish order. */
  private inversions(idOfKey: Map<string, string>, messageOfKey: Map<string, PlannedMessage>): number {
    const highest = new Map<string, number>();
    const first = new Set<string>();
    let inversions = 0;
    for (const delivery of this.deliveries) {
      if (delivery.messageGroup === undefined || idOfKey.get(delivery.key) !== delivery.messageId) continue;
      const pair = `${delivery.group}\u0000${delivery.messageId}`;
      if (first.has(pair)) continue;
      first.add(pair);
      const seq = messageOfKey.get(delivery.key)!.seq!;
      const lane = `${delivery.group}\u0000${delivery.messageGroup}`;
      if (seq < (highest.get(lane) ?? -1)) inversions++;
      highest.set(lane, Math.max(seq, highest.get(lane) ?? -1));
    }
    return inversions;
  }
}

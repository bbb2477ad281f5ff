// The tick (every minute in AWS): hands scheduled messages on at their lead, checks back undecided transactions.
import type { FerryConfig } from './config.ts';
import { mapConcurrently } from './concurrency.ts';
import type { Message, ProducerGroup } from './model.ts';
import type { CheckClient, Clock, MessageStore } from './ports.ts';
import { checkedAgainLater, commit, due, rollback } from './state-machine.ts';
import type { TimerWheel } from './timers.ts';

/** Conditional updates in flight at once: enough for a bucket of 100,000 messages within the minute. */
const UPDATE_CONCURRENCY = 64;

export interface TickReport {
  handedOn: number;
  checked: number;
  decidedByCheck: number;
  bucketsRead: number;
  cursor: number;
  durationMs: number;
}

type TickConfig = Pick<FerryConfig, 'txnCheckIntervalSeconds' | 'txnCheckMax' | 'txnCheckTimeoutSeconds'>;

export class Tick {
  constructor(
    private readonly store: MessageStore,
    private readonly wheel: TimerWheel,
    private readonly producerGroups: (name: string) => Promise<ProducerGroup | undefined>,
    private readonly checks: CheckClient,
    private readonly config: TickConfig,
    private readonly clock: Clock,
  ) {}

  /** Safe to run twice or late: every hand-on is a conditional write, and missed buckets are read next time. */
  async run(): Promise<TickReport> {
    const now = this.clock.now();
    const state = await this.store.tickState();
    const buckets = this.wheel.bucketsToRead(state.cursor, now);
    const report = { handedOn: 0, checked: 0, decidedByCheck: 0 };
    let cursor = buckets[0] ?? this.wheel.bucketOf(now);
    let leaving = true;
    for (const bucket of buckets) {
      await mapConcurrently(Array.from({ length: this.wheel.shards }, (_, shard) => shard), this.wheel.shards, async (shard) => {
        for await (const page of this.store.waking({ bucket, shard }, now)) {
          await mapConcurrently(page, UPDATE_CONCURRENCY, (message) => this.wake(message, now, report));
        }
      });
      // The cursor moves past a bucket only when it is empty and safely in the past.
      if (leaving && this.wheel.canLeaveBehind(bucket, now) && !(await this.anyLeft(bucket))) cursor = bucket + 1;
      else leaving = false;
    }
    await this.store.saveTickState({ cursor, lastTickAt: now });
    return { ...report, bucketsRead: buckets.length, cursor, durationMs: this.clock.now() - now };
  }

  private async anyLeft(bucket: number): Promise<boolean> {
    const left = await Promise.all(Array.from({ length: this.wheel.shards }, (_, shard) => this.store.slotHasMessages({ bucket, shard })));
    return left.some(Boolean);
  }

  private async wake(message: Message, now: number, report: { handedOn: number; checked: number; decidedByCheck: number }): Promise<void> {
    if (message.state === 'SCHEDULED') {
      if ((await this.store.transition(message.messageId, due(now))).applied) report.handedOn++;
    } else if (message.state === 'PREPARED') {
      report.checked++;
      if (await this.checkBack(message, now)) report.decidedByCheck++;
    }
  }

  /** Answers whether the check decided the transaction. */
  private async checkBack(message: Message, now: number): Promise<boolean> {
    const checkCount = (message.checkCount ?? 0) + 1;
    if (checkCount > this.config.txnCheckMax) {
      const reason = `no decision after ${this.config.txnCheckMax} check-backs (FERRY_TXN_CHECK_MAX)`;
      return (await this.store.transition(message.messageId, rollback(now, 'CHECK', reason))).applied;
    }
    const group = message.producerGroup === undefined ? undefined : await this.producerGroups(message.producerGroup);
    const nextCheckAt = now + this.config.txnCheckIntervalSeconds * 1000;
    if (group?.checkUrl === undefined) {
      await this.store.addPullCheck(message.producerGroup ?? '', message.messageId);
      await this.store.transition(message.messageId, checkedAgainLater(now, 'PULL', checkCount, nextCheckAt));
      return false;
    }
    const answer = await this.checks.check(group.checkUrl, checkPayload(message, checkCount), this.config.txnCheckTimeoutSeconds * 1000);
    if (answer === 'COMMIT') return (await this.store.transition(message.messageId, commit(now, 'CHECK'))).applied;
    if (answer === 'ROLLBACK') return (await this.store.transition(message.messageId, rollback(now, 'CHECK', 'the check-back answered ROLLBACK'))).applied;
    await this.store.transition(message.messageId, checkedAgainLater(now, answer, checkCount, nextCheckAt));
    return false;
  }
}

/** What the producer's check endpoint receives (API contract). */
export function checkPayload(message: Message, checkCount: number): Record<string, unknown> {
  return {
    messageId: message.messageId,
    topic: message.topic,
    producerGroup: message.producerGroup,
    tag: message.tag,
    keys: message.keys,
    properties: message.properties,
    checkCount,
  };
}

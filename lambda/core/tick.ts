// The tick (every minute in AWS): hands scheduled messages on at their lead, checks back undecided transactions.
import { checkPayload } from './check-payload.ts';
import { signingSecretsOf } from './producers.ts';
import type { FerryConfig } from './config.ts';
import { refOf } from './message-ref.ts';
import { mapConcurrently } from './concurrency.ts';
import type { Message, ProducerGroup } from './model.ts';
import type { CheckClient, Clock, MessageStore, ShardWaker, ShardWork, TickState, WakeCounts } from './ports.ts';
import { checkedAgainLater, commit, due, rollback } from './state-machine.ts';
import type { Replays } from './replay.ts';
import type { Sweep } from './sweep.ts';
import type { DeadLetterWatch } from './dead-letter-watch.ts';
import type { TimerWheel } from './timers.ts';
import { noMetrics, type Metrics } from './metrics.ts';

/** Conditional updates in flight at once per shard. */
const UPDATE_CONCURRENCY = 64;
/** How long one tick moves replays on (after its shards and the sweep, within the AWS tick's 55 s). */
const REPLAY_BUDGET_MS = 8_000;

export interface TickReport extends WakeCounts {
  bucketsRead: number;
  /** READY messages the stream had not handed on in time, dispatched by the sweep. */
  swept: number;
  /** Messages sent again to a group by its replays. */
  replayed: number;
  cursor: number;
  durationMs: number;
}

type TickConfig = Pick<FerryConfig, 'txnCheckIntervalSeconds' | 'txnCheckMax' | 'txnCheckTimeoutSeconds'>;

/**
 * The tick coordinates, and each shard of the timer wheel is woken on its own: in this process, or (in AWS) by a
 * Lambda of its own per shard, so that a bucket of 100,000 messages is handed on by several CPUs at once.
 */
export class Tick implements ShardWaker {
  private readonly shardWaker: ShardWaker;

  constructor(
    private readonly store: MessageStore,
    private readonly wheel: TimerWheel,
    private readonly producerGroups: (name: string) => Promise<ProducerGroup | undefined>,
    private readonly checks: CheckClient,
    private readonly config: TickConfig,
    private readonly clock: Clock,
    fanOut?: ShardWaker,
    private readonly onMessageError: (message: Message, error: unknown) => void = () => {},
    private readonly sweep?: Sweep,
    private readonly metrics: Metrics = noMetrics,
    private readonly replays?: Replays,
    private readonly deadLetterWatch?: DeadLetterWatch,
  ) {
    this.shardWaker = fanOut ?? this;
  }

  /** Safe to run twice or late: every hand-on is a conditional write, and missed buckets are read next time. */
  async run(): Promise<TickReport> {
    const now = this.clock.now();
    const state = await this.store.tickState();
    this.assertSameWheel(state);
    const buckets = this.wheel.bucketsToRead(state.cursor, now);
    const shards = Array.from({ length: this.wheel.shards }, (_, shard) => shard);
    const outcomes = await Promise.allSettled(
      shards.map((shard) => this.shardWaker.wakeShard({ shard, buckets, now })),
    );
    const report = outcomes.reduce(
      (sum, outcome) => (outcome.status === 'fulfilled' ? addCounts(sum, outcome.value) : sum),
      { handedOn: 0, checked: 0, decidedByCheck: 0 },
    );
    const failures = outcomes.flatMap((outcome, shard) =>
      outcome.status === 'rejected' ? [`shard ${shard}: ${String(outcome.reason)}`] : [],
    );
    // The cursor moves past a bucket only when it is empty and safely in the past.
    let cursor = buckets[0] ?? this.wheel.bucketOf(now);
    for (const bucket of buckets) {
      if (!this.wheel.canLeaveBehind(bucket, now) || (await this.anyLeft(bucket))) break;
      cursor = bucket + 1;
    }
    const swept = await this.runSweep(failures);
    const replayed = await this.runReplays(failures);
    // Never throws: a count that fails is logged, and does not make the tick late (which health reports).
    await this.deadLetterWatch?.run();
    // A failed shard keeps its messages, so the cursor stays on their bucket; health sees the tick as late until one succeeds.
    await this.store.saveTickState({
      cursor,
      lastTickAt: failures.length === 0 ? now : state.lastTickAt,
      bucketSeconds: this.wheel.bucketSeconds,
      timerShards: this.wheel.shards,
    });
    if (failures.length > 0)
      throw new Error(
        `the tick failed in ${failures.length} of ${shards.length} shards or the sweep (the next tick retries them): ${failures.join('; ')}`,
      );
    return { ...report, bucketsRead: buckets.length, swept, replayed, cursor, durationMs: this.clock.now() - now };
  }

  /**
   * Waiting messages are indexed by bucket and shard of the wheel they were written with: read with another width or
   * fewer shards, some would never be found again (and the cursor, a bucket number, would mean another time). So a
   * changed wheel stops the tick with a message that says how to go on, rather than leave messages behind.
   */
  private assertSameWheel(state: TickState): void {
    const was = { bucketSeconds: state.bucketSeconds, timerShards: state.timerShards };
    const is = { bucketSeconds: this.wheel.bucketSeconds, timerShards: this.wheel.shards };
    if (
      (was.bucketSeconds !== undefined && was.bucketSeconds !== is.bucketSeconds) ||
      (was.timerShards !== undefined && was.timerShards !== is.timerShards)
    )
      throw new TimerWheelChangedError(was, is);
    // A state saved before the wheel was recorded: a cursor a million buckets back can only be another width's.
    if (state.cursor !== undefined && this.wheel.bucketOf(this.clock.now()) - state.cursor > MAX_BUCKETS_BEHIND)
      throw new TimerWheelChangedError(was, is);
  }

  private async runSweep(failures: string[]): Promise<number> {
    if (this.sweep === undefined) return 0;
    try {
      return (await this.sweep.run()).swept;
    } catch (error) {
      failures.push(`sweep: ${String(error)}`);
      return 0;
    }
  }

  private async runReplays(failures: string[]): Promise<number> {
    if (this.replays === undefined) return 0;
    try {
      return await this.replays.run(REPLAY_BUDGET_MS);
    } catch (error) {
      failures.push(`replay: ${String(error)}`);
      return 0;
    }
  }

  /** One shard's due messages, bucket after bucket, page by page, with bounded conditional updates in flight. */
  async wakeShard({ shard, buckets, now }: ShardWork): Promise<WakeCounts> {
    const counts = { handedOn: 0, checked: 0, decidedByCheck: 0, failed: 0 };
    for (const bucket of buckets) {
      for await (const page of this.store.waking({ bucket, shard }, now)) {
        await mapConcurrently(page, UPDATE_CONCURRENCY, (message) => this.wakeOne(message, now, counts));
      }
    }
    return counts;
  }

  /**
   * One message's failure never stops its shard: it stays in the index (so the cursor waits for it and the next tick
   * tries it again), and every other message of the shard is still handed on.
   */
  private async wakeOne(message: Message, now: number, counts: WakeCounts): Promise<void> {
    try {
      await this.wake(message, now, counts);
    } catch (error) {
      counts.failed = (counts.failed ?? 0) + 1;
      this.onMessageError(message, error);
    }
  }

  private async anyLeft(bucket: number): Promise<boolean> {
    const left = await Promise.all(
      Array.from({ length: this.wheel.shards }, (_, shard) => this.store.slotHasMessages({ bucket, shard })),
    );
    return left.some(Boolean);
  }

  private async wake(message: Message, now: number, report: WakeCounts): Promise<void> {
    if (message.state === 'SCHEDULED') {
      if ((await this.store.transition(refOf(message), due(now))).applied) report.handedOn++;
    } else if (message.state === 'PREPARED') {
      report.checked++;
      if (await this.checkBack(message, now)) report.decidedByCheck++;
    }
  }

  /** Answers whether the check decided the transaction. */
  private async checkBack(message: Message, now: number): Promise<boolean> {
    const decided = await this.askProducer(message, now);
    if (decided !== undefined) this.metrics.count(decided, { topic: message.topic });
    return decided !== undefined;
  }

  /** Answers the decision the check-back made, if it made one. */
  private async askProducer(message: Message, now: number): Promise<'committed' | 'rolledBack' | undefined> {
    const checkCount = (message.checkCount ?? 0) + 1;
    const rolledBack = async (reason: string, decidingCheck?: number) =>
      (await this.store.transition(refOf(message), rollback(now, 'CHECK', reason, decidingCheck))).applied
        ? 'rolledBack'
        : undefined;
    if (checkCount > this.config.txnCheckMax)
      return rolledBack(`no decision after ${this.config.txnCheckMax} check-backs (FERRY_TXN_CHECK_MAX)`);
    this.metrics.count('checkedBack', { topic: message.topic });
    const group = message.producerGroup === undefined ? undefined : await this.producerGroups(message.producerGroup);
    const nextCheckAt = now + this.config.txnCheckIntervalSeconds * 1000;
    if (group?.checkUrl === undefined) {
      await this.store.addPullCheck(message.producerGroup ?? '', message.messageId);
      await this.store.transition(refOf(message), checkedAgainLater(now, 'PULL', checkCount, nextCheckAt));
      return undefined;
    }
    const { answer, reason } = await this.checks.check(group.checkUrl, checkPayload(message, checkCount), {
      timeoutMs: this.config.txnCheckTimeoutSeconds * 1000,
      secrets: signingSecretsOf(group, now),
    });
    if (answer === 'COMMIT')
      return (await this.store.transition(refOf(message), commit(now, 'CHECK', checkCount))).applied
        ? 'committed'
        : undefined;
    if (answer === 'ROLLBACK') return rolledBack('the check-back answered ROLLBACK', checkCount);
    const checked = checkedAgainLater(now, answer, checkCount, nextCheckAt);
    // Why no valid answer came (as a failed push records its status or error): otherwise a producer whose endpoint
    // fails looks, in the trace, like one that keeps answering UNKNOWN until its transaction is rolled back.
    if (reason !== undefined) checked.event.detail = { ...checked.event.detail, reason };
    await this.store.transition(refOf(message), checked);
    return undefined;
  }
}

function addCounts(sum: WakeCounts, counts: WakeCounts): WakeCounts {
  return {
    handedOn: sum.handedOn + counts.handedOn,
    checked: sum.checked + counts.checked,
    decidedByCheck: sum.decidedByCheck + counts.decidedByCheck,
    failed: (sum.failed ?? 0) + (counts.failed ?? 0),
  };
}

/** More buckets than any real pause of the tick leaves behind (two years of one-minute buckets). */
const MAX_BUCKETS_BEHIND = 1_000_000;

/** The timer wheel's settings differ from those the waiting messages were indexed with. */
export class TimerWheelChangedError extends Error {
  constructor(
    was: { bucketSeconds?: number | undefined; timerShards?: number | undefined },
    is: { bucketSeconds: number; timerShards: number },
  ) {
    const before =
      was.bucketSeconds === undefined
        ? 'were other values (the tick cursor lies further back than any pause of the tick)'
        : `were ${was.bucketSeconds} and ${was.timerShards ?? is.timerShards}`;
    super(
      `FERRY_TIMER_BUCKET_SECONDS and FERRY_TIMER_SHARDS ${before} when scheduled messages were indexed, and are now ${is.bucketSeconds} and ${is.timerShards}: with other values some waiting messages would never be found. Set them back (the tick does nothing until then), or start from an empty table.`,
    );
  }
}

// The Metrics port in process: totals, last-minute rates and durations per topic and group, kept by the local stack for its dashboard.
import {
  COUNT_METRICS,
  DURATION_METRICS,
  type CountMetric,
  type DurationMetric,
  type LevelMetric,
  type Metrics,
  type MetricScope,
} from '../core/metrics.ts';
import type { Clock } from '../core/ports.ts';

/** Rates are counted over this window. */
const RATE_WINDOW_MS = 60_000;
/** Dispatch times kept per group for the oldest message's age; beyond this the age is that of a newer message. */
const PENDING_MAX = 10_000;

export interface DurationFigures {
  count: number;
  avgMs: number;
  maxMs: number;
}

export interface ScopeFigures {
  totals: Record<CountMetric, number>;
  /** Counted in the last minute. */
  lastMinute: Record<CountMetric, number>;
  durations: Record<DurationMetric, DurationFigures>;
}

export interface GroupFigures extends ScopeFigures {
  /**
   * Age of the oldest message dispatched to the group and not yet acknowledged (or dead-lettered), approximately as
   * SQS's ApproximateAgeOfOldestMessage: acknowledgements are assumed to come in dispatch order.
   */
  oldestAgeSeconds?: number;
  /** The group's dead letters waiting, as the tick last counted them (about once a minute). */
  deadLetterBacklog?: number;
}

export interface MetricsSnapshot {
  /** When counting began (ISO 8601): the local stack keeps its figures in memory, from its start. */
  since: string;
  topics: Record<string, ScopeFigures>;
  groups: Record<string, GroupFigures>;
}

class ScopeCounter {
  readonly totals = zeros(COUNT_METRICS, 0);
  /**
   * Recent counts summed per second (epoch second → metric → value), so that counting stays constant time however
   * many events a minute brings.
   */
  private readonly recent = new Map<number, Partial<Record<CountMetric, number>>>();
  private readonly durations = zeros(DURATION_METRICS, { count: 0, sumMs: 0, maxMs: 0 });

  count(metric: CountMetric, value: number, now: number): void {
    this.totals[metric] += value;
    const second = Math.floor(now / 1000);
    let counts = this.recent.get(second);
    if (counts === undefined) {
      this.trim(now);
      counts = {};
      this.recent.set(second, counts);
    }
    counts[metric] = (counts[metric] ?? 0) + value;
  }

  duration(metric: DurationMetric, ms: number): void {
    const figures = this.durations[metric];
    this.durations[metric] = {
      count: figures.count + 1,
      sumMs: figures.sumMs + ms,
      maxMs: Math.max(figures.maxMs, ms),
    };
  }

  figures(now: number): ScopeFigures {
    this.trim(now);
    const lastMinute = zeros(COUNT_METRICS, 0);
    for (const counts of this.recent.values())
      for (const metric of COUNT_METRICS) lastMinute[metric] += counts[metric] ?? 0;
    const durations = Object.fromEntries(
      DURATION_METRICS.map((metric) => {
        const { count, sumMs, maxMs } = this.durations[metric];
        return [metric, { count, avgMs: count === 0 ? 0 : Math.round(sumMs / count), maxMs }];
      }),
    ) as Record<DurationMetric, DurationFigures>;
    return { totals: { ...this.totals }, lastMinute, durations };
  }

  /** Forgets the seconds that have left the window (the window's first second counts whole). */
  private trim(now: number): void {
    const oldestKept = Math.floor((now - RATE_WINDOW_MS) / 1000) + 1;
    for (const second of this.recent.keys()) if (second < oldestKept) this.recent.delete(second);
  }
}

export class CountingMetrics implements Metrics {
  private readonly since: number;
  private readonly topics = new Map<string, ScopeCounter>();
  private readonly groups = new Map<string, ScopeCounter>();
  /** Per group, when each message not yet acknowledged (or pushed, or dead-lettered) was dispatched, oldest first. */
  private readonly pending = new Map<string, number[]>();
  /**
   * Per group, acknowledgements counted before the dispatch they answer: the local stack's dispatcher runs in another
   * process and its counts arrive a moment later, so a fast consumer's ack can come first.
   */
  private readonly ackedAhead = new Map<string, number>();
  /** Per group, the levels last measured. */
  private readonly levels = new Map<string, Partial<Record<LevelMetric, number>>>();

  constructor(private readonly clock: Clock) {
    this.since = clock.now();
  }

  count(metric: CountMetric, scope: MetricScope, value = 1): void {
    const now = this.clock.now();
    if (scope.topic !== undefined) counterOf(this.topics, scope.topic).count(metric, value, now);
    if (scope.group === undefined) return;
    counterOf(this.groups, scope.group).count(metric, value, now);
    this.trackPending(metric, scope.group, value, now);
  }

  duration(metric: DurationMetric, scope: MetricScope, ms: number): void {
    if (scope.topic !== undefined) counterOf(this.topics, scope.topic).duration(metric, ms);
    if (scope.group !== undefined) counterOf(this.groups, scope.group).duration(metric, ms);
  }

  level(metric: LevelMetric, scope: MetricScope, value: number): void {
    if (scope.group === undefined) return;
    // A group that has only been measured shows too: its dead letters are what an operator must see.
    counterOf(this.groups, scope.group);
    this.levels.set(scope.group, { ...this.levels.get(scope.group), [metric]: value });
  }

  snapshot(): MetricsSnapshot {
    const now = this.clock.now();
    const figuresOf = (counters: Map<string, ScopeCounter>) =>
      [...counters].map(([name, counter]) => [name, counter.figures(now)] as const);
    return {
      since: new Date(this.since).toISOString(),
      topics: Object.fromEntries(figuresOf(this.topics)),
      groups: Object.fromEntries(
        figuresOf(this.groups).map(([name, figures]) => {
          const oldest = this.pending.get(name)?.[0];
          const group: GroupFigures = { ...figures, ...this.levels.get(name) };
          if (oldest !== undefined) group.oldestAgeSeconds = Math.floor((now - oldest) / 1000);
          return [name, group];
        }),
      ),
    };
  }

  private trackPending(metric: CountMetric, group: string, value: number, now: number): void {
    const pending = this.pending.get(group) ?? [];
    this.pending.set(group, pending);
    const ahead = this.ackedAhead.get(group) ?? 0;
    if (metric === 'dispatched') {
      const answered = Math.min(ahead, value);
      this.ackedAhead.set(group, ahead - answered);
      for (let i = answered; i < value; i++) pending.push(now);
      if (pending.length > PENDING_MAX) pending.splice(0, pending.length - PENDING_MAX);
    } else if (metric === 'acked' || metric === 'pushed' || metric === 'deadLettered') {
      const matched = pending.splice(0, value).length;
      // An ack of a message dispatched before this run began is taken for a later dispatch: the age errs low, and
      // never grows without end.
      this.ackedAhead.set(group, Math.min(ahead + value - matched, PENDING_MAX));
    }
  }
}

function counterOf(counters: Map<string, ScopeCounter>, name: string): ScopeCounter {
  let counter = counters.get(name);
  if (counter === undefined) {
    counter = new ScopeCounter();
    counters.set(name, counter);
  }
  return counter;
}

function zeros<K extends string, V>(keys: readonly K[], value: V): Record<K, V> {
  return Object.fromEntries(keys.map((key) => [key, value])) as Record<K, V>;
}

// Metrics counted in one process of the local stack and kept in another: the background process counts (dispatched,
// filtered out, check-backs…) and the API's process keeps the figures that GET /v1/metrics and the dashboard show.
import type { CountMetric, DurationMetric, LevelMetric, Metrics, MetricScope } from '../core/metrics.ts';

export type MetricRecord =
  | { kind: 'count'; metric: CountMetric; scope: MetricScope; value: number }
  | { kind: 'duration'; metric: DurationMetric; scope: MetricScope; ms: number }
  | { kind: 'level'; metric: LevelMetric; scope: MetricScope; value: number };

/** How long records gather before they are sent on together: one IPC message per batch, not per figure. */
const SEND_EVERY_MS = 200;

/** Collects what is counted and sends it on in batches. */
export class ForwardingMetrics implements Metrics {
  private batch: MetricRecord[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly send: (records: MetricRecord[]) => void) {}

  count(metric: CountMetric, scope: MetricScope, value = 1): void {
    this.add({ kind: 'count', metric, scope, value });
  }

  duration(metric: DurationMetric, scope: MetricScope, ms: number): void {
    this.add({ kind: 'duration', metric, scope, ms });
  }

  level(metric: LevelMetric, scope: MetricScope, value: number): void {
    this.add({ kind: 'level', metric, scope, value });
  }

  /** Sends what has gathered now (before the process stops). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const records = this.batch;
    this.batch = [];
    this.send(records);
  }

  private add(record: MetricRecord): void {
    this.batch.push(record);
    this.timer ??= setTimeout(() => this.flush(), SEND_EVERY_MS).unref();
  }
}

/** Replays forwarded records into the metrics that keep them. */
export function replayMetrics(records: MetricRecord[], into: Metrics): void {
  for (const record of records) {
    if (record.kind === 'count') into.count(record.metric, record.scope, record.value);
    else if (record.kind === 'duration') into.duration(record.metric, record.scope, record.ms);
    else into.level(record.metric, record.scope, record.value);
  }
}

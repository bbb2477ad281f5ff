// The Metrics port: what the core counts per topic and per group; Powertools (CloudWatch EMF) in Lambda, counters locally.

/** Counters, each per topic and, where a group is concerned, per group. */
export const COUNT_METRICS = [
  'published',
  'dispatched',
  'filteredOut',
  'received',
  'acked',
  'nacked',
  'deadLettered',
  'undeliverable',
  'committed',
  'rolledBack',
  'checkedBack',
  'pushed',
  'pushFailed',
] as const;
export type CountMetric = (typeof COUNT_METRICS)[number];

/** Durations in milliseconds. */
export const DURATION_METRICS = ['publishToReceive', 'scheduledLateness', 'pushLatency'] as const;
export type DurationMetric = (typeof DURATION_METRICS)[number];

/**
 * Levels measured at a moment, per group: the last one measured stands. `deadLetterBacklog` is a group's dead letters
 * waiting, counted by the tick about once a minute, however they got there (a nack on the last attempt, or SQS moving
 * a message whose last delivery was never answered).
 */
export const LEVEL_METRICS = ['deadLetterBacklog'] as const;
export type LevelMetric = (typeof LEVEL_METRICS)[number];

/** What a figure is about: a topic, a group, or (dispatched, received…) a group's share of a topic. */
export interface MetricScope {
  topic?: string;
  group?: string;
}

/** Never throws and never waits: a figure that cannot be recorded must not fail the message it describes. */
export interface Metrics {
  count(metric: CountMetric, scope: MetricScope, value?: number): void;
  duration(metric: DurationMetric, scope: MetricScope, ms: number): void;
  level(metric: LevelMetric, scope: MetricScope, value: number): void;
}

/** For ports built without metrics (unit tests of other parts). */
export const noMetrics: Metrics = { count: () => {}, duration: () => {}, level: () => {} };

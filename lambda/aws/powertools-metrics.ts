// The Metrics port for Lambda: Powertools Metrics, written to the logs in CloudWatch's embedded metric format (EMF).
import { Metrics as PowertoolsEmf, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CountMetric, DurationMetric, LevelMetric, Metrics, MetricScope } from '../core/metrics.ts';

/** The CloudWatch namespace of every Ferry metric; the construct's dashboard and alarms read it. */
export const METRICS_NAMESPACE = 'Ferry';

interface Figures {
  scope: MetricScope;
  counts: Map<CountMetric, number>;
  durations: Map<DurationMetric, number[]>;
  levels: Map<LevelMetric, number>;
}

/**
 * Figures are summed per scope during an invocation and written when it ends ({@link flush}): one EMF line per topic
 * or group touched, not one per message. A figure about a group's share of a topic is written with two dimension
 * sets, [Topic] and [Group], so that both add up in CloudWatch.
 */
export class PowertoolsMetrics implements Metrics {
  private readonly figures = new Map<string, Figures>();

  constructor(private readonly emit: (emf: PowertoolsEmf) => void = (emf) => emf.publishStoredMetrics()) {}

  count(metric: CountMetric, scope: MetricScope, value = 1): void {
    const figures = this.figuresOf(scope);
    figures.counts.set(metric, (figures.counts.get(metric) ?? 0) + value);
  }

  duration(metric: DurationMetric, scope: MetricScope, ms: number): void {
    const figures = this.figuresOf(scope);
    figures.durations.set(metric, [...(figures.durations.get(metric) ?? []), ms]);
  }

  level(metric: LevelMetric, scope: MetricScope, value: number): void {
    this.figuresOf(scope).levels.set(metric, value);
  }

  /** Writes what was recorded since the last flush; never throws (a lost figure must not fail an invocation). */
  flush(): void {
    const all = [...this.figures.values()];
    this.figures.clear();
    for (const figures of all) {
      try {
        this.emit(toEmf(figures));
      } catch (error) {
        console.error(`ferry: metrics not written: ${String(error)}`);
      }
    }
  }

  private figuresOf(scope: MetricScope): Figures {
    const key = `${scope.topic ?? ''}\u0000${scope.group ?? ''}`;
    let figures = this.figures.get(key);
    if (figures === undefined) {
      figures = { scope, counts: new Map(), durations: new Map(), levels: new Map() };
      this.figures.set(key, figures);
    }
    return figures;
  }
}

function toEmf({ scope, counts, durations, levels }: Figures): PowertoolsEmf {
  // The construct names each Ferry's service (lib/parts/monitoring.ts): its alarms and dashboard count it alone.
  const emf = new PowertoolsEmf({
    namespace: METRICS_NAMESPACE,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'ferry',
  });
  if (scope.topic !== undefined) emf.addDimensions({ Topic: scope.topic });
  if (scope.group !== undefined) emf.addDimensions({ Group: scope.group });
  for (const [metric, value] of counts) emf.addMetric(metric, MetricUnit.Count, value);
  for (const [metric, values] of durations)
    for (const value of values) emf.addMetric(metric, MetricUnit.Milliseconds, value);
  for (const [metric, value] of levels) emf.addMetric(metric, MetricUnit.Count, value);
  return emf;
}

/** The one instance of a Lambda process: the core records into it, and {@link flushingMetrics} writes it out. */
export const lambdaMetrics = new PowertoolsMetrics();

/** Wraps a Lambda handler so that the figures of each invocation are written when it ends, also when it throws. */
export function flushingMetrics<A extends unknown[], R>(
  handler: (...args: A) => Promise<R>,
  metrics: PowertoolsMetrics = lambdaMetrics,
): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await handler(...args);
    } finally {
      metrics.flush();
    }
  };
}

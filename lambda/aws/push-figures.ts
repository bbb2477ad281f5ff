// A push group's figures (pushed, failed, endpoint latency) as CloudWatch embedded-metric log lines: no API call, and
// CloudWatch turns them into metrics in the Ferry namespace by group.
import type { PushFigures } from '../core/push.ts';

export function logPushFigures(group: string, figures: PushFigures, write: (line: string) => void = console.log): void {
  if (figures.pushed + figures.failed === 0) return;
  write(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: 'Ferry',
            Dimensions: [['Group']],
            Metrics: [
              { Name: 'Pushed', Unit: 'Count' },
              { Name: 'PushFailed', Unit: 'Count' },
              { Name: 'PushLatency', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      Group: group,
      Pushed: figures.pushed,
      PushFailed: figures.failed,
      // An array: CloudWatch keeps every value, so percentiles of the endpoint's latency are real ones.
      PushLatency: figures.latenciesMs.slice(0, 100),
    }),
  );
}

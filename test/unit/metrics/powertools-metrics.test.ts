// In Lambda the figures are written as CloudWatch EMF through Powertools: one line per topic or group, at the end of an invocation.
import type { Metrics as PowertoolsEmf } from '@aws-lambda-powertools/metrics';
import { describe, expect, it, vi } from 'vitest';
import { flushingMetrics, METRICS_NAMESPACE, PowertoolsMetrics } from '../../../lambda/aws/powertools-metrics.ts';

function recording() {
  const lines: Array<Record<string, unknown>> = [];
  const metrics = new PowertoolsMetrics((emf: PowertoolsEmf) => lines.push(emf.serializeMetrics()));
  return { metrics, lines };
}

describe('Powertools metrics adapter', () => {
  it('sums counters per scope and writes a group figure under both the Topic and the Group dimension sets', () => {
    const { metrics, lines } = recording();
    metrics.count('dispatched', { topic: 'orders', group: 'billing' });
    metrics.count('dispatched', { topic: 'orders', group: 'billing' });
    metrics.duration('publishToReceive', { topic: 'orders', group: 'billing' }, 12);
    metrics.duration('publishToReceive', { topic: 'orders', group: 'billing' }, 30);
    metrics.count('published', { topic: 'orders' }, 5);
    expect(lines).toHaveLength(0);
    metrics.flush();
    expect(lines).toHaveLength(2);
    const [group, topic] = lines as Array<Record<string, unknown> & { _aws: { CloudWatchMetrics: unknown[] } }>;
    expect(group!._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      Dimensions: [
        ['service', 'Topic'],
        ['service', 'Group'],
      ],
    });
    expect(group).toMatchObject({ Topic: 'orders', Group: 'billing', dispatched: 2, publishToReceive: [12, 30] });
    expect(topic).toMatchObject({ Topic: 'orders', published: 5 });
    expect(topic).not.toHaveProperty('Group');
  });

  it('writes its figures under the service the construct names in POWERTOOLS_SERVICE_NAME, which its alarms query', () => {
    const { metrics, lines } = recording();
    metrics.count('acked', { group: 'billing' });
    metrics.flush();
    expect(lines[0]).toMatchObject({ service: 'ferry', acked: 1 });
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'ferry-dev1-');
    metrics.count('acked', { group: 'billing' });
    metrics.flush();
    expect(lines[1]).toMatchObject({ service: 'ferry-dev1-', acked: 1 });
  });

  it('a flushing handler writes its figures when it ends, also when it throws, and each once', async () => {
    const { metrics, lines } = recording();
    const handler = flushingMetrics(async (fail: boolean) => {
      metrics.count('acked', { group: 'billing' });
      if (fail) throw new Error('handler failed');
      return 'done';
    }, metrics);
    await expect(handler(false)).resolves.toBe('done');
    await expect(handler(true)).rejects.toThrow('handler failed');
    expect(lines.map((line) => line.acked)).toEqual([1, 1]);
  });
});

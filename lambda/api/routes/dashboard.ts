// Routes the dashboard adds: the counters the local stack keeps, and the filter playground over a topic's messages.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { FerryError, ValidationError } from '../../core/errors.ts';
import { previewFilter, type PreviewedMessage } from '../../core/filter-preview.ts';
import type { ApiServices } from '../../core/services.ts';
import type { MetricsSnapshot as Snapshot } from '../../memory/counting-metrics.ts';
import { FilterPreview, FilterPreviewInput, MetricsSnapshot } from '../dashboard-schemas.ts';
import { TopicParams } from '../schemas.ts';
import { errors, json, ok } from './responses.ts';

/** What only some runtimes have: the local stack counts in process and remembers recent messages; Lambda does neither. */
export interface DashboardSources {
  metrics?: () => Snapshot;
  recentMessages?: (topic: string, limit: number) => Promise<PreviewedMessage[]>;
}

const DEFAULT_PREVIEW_LIMIT = 50;

/** Lambda keeps no counters across invocations: they are in CloudWatch. */
class MetricsNotKeptError extends FerryError {
  readonly status = 404;
  readonly code = 'METRICS_NOT_KEPT';
  constructor() {
    super(
      "this API keeps no counters: in AWS, Ferry's metrics are in CloudWatch (namespace Ferry, the stack's dashboard)",
    );
  }
}

const metricsRoute = createRoute({
  method: 'get',
  path: '/v1/metrics',
  tags: ['dashboard'],
  responses: {
    ...ok('Counters, last-minute rates and durations per topic and group since the stack started', MetricsSnapshot),
    ...errors(404),
  },
});

const filterPreviewRoute = createRoute({
  method: 'post',
  path: '/v1/topics/{topic}/filter-preview',
  tags: ['dashboard'],
  request: { params: TopicParams, body: json(FilterPreviewInput) },
  responses: { ...ok('Which messages the filter lets through', FilterPreview), ...errors(400, 404) },
});

export function registerDashboardRoutes(app: OpenAPIHono, { admin }: ApiServices, sources: DashboardSources): void {
  app.openapi(metricsRoute, async (c) => {
    if (sources.metrics === undefined) throw new MetricsNotKeptError();
    return c.json(sources.metrics(), 200);
  });
  app.openapi(filterPreviewRoute, async (c) => {
    const { topic } = c.req.valid('param');
    const input = c.req.valid('json');
    await admin.getTopic(topic);
    let messages = input.messages;
    if (messages === undefined) {
      if (sources.recentMessages === undefined)
        throw new ValidationError(
          'this API keeps no recent messages: send the messages to try in `messages` (the dashboard reads them from the topic query)',
          'RECENT_MESSAGES_NOT_KEPT',
        );
      messages = await sources.recentMessages(topic, input.limit ?? DEFAULT_PREVIEW_LIMIT);
    }
    return c.json(previewFilter(input.filter, messages), 200);
  });
}

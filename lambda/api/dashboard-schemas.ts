// Request and answer schemas of the routes the dashboard adds: the local stack's metrics and the filter playground.
import * as z from './zod.ts';
import { COUNT_METRICS, DURATION_METRICS } from '../core/metrics.ts';
import { Filter } from './schemas.ts';

const counts = z.object(Object.fromEntries(COUNT_METRICS.map((metric) => [metric, z.number()])));
const durations = z.object(
  Object.fromEntries(
    DURATION_METRICS.map((metric) => [metric, z.object({ count: z.number(), avgMs: z.number(), maxMs: z.number() })]),
  ),
);
const ScopeFigures = z.object({ totals: counts, lastMinute: counts, durations });

export const MetricsSnapshot = z
  .object({
    since: z.string(),
    topics: z.record(z.string(), ScopeFigures),
    groups: z.record(
      z.string(),
      ScopeFigures.extend({
        oldestAgeSeconds: z.number().optional(),
        deadLetterBacklog: z
          .number()
          .optional()
          .openapi({ description: "The group's dead letters waiting, as the tick last counted them" }),
      }),
    ),
  })
  .openapi('MetricsSnapshot');

const PreviewedMessage = z
  .object({
    messageId: z.string().max(64),
    tag: z.string().max(128).optional(),
    properties: z.record(z.string(), z.string()),
  })
  .strict();

export const FilterPreviewInput = z
  .object({
    filter: Filter,
    messages: z.array(PreviewedMessage).max(500).optional().openapi({
      description: "Messages to try the filter on; absent: the topic's recent messages, where the API keeps them",
    }),
    limit: z.number().int().min(1).max(500).optional().openapi({ description: 'How many recent messages; default 50' }),
  })
  .strict()
  .openapi('FilterPreviewInput');

export const FilterPreview = z
  .object({
    matched: z.number(),
    total: z.number(),
    results: z.array(PreviewedMessage.extend({ matches: z.boolean() })),
  })
  .openapi('FilterPreview');

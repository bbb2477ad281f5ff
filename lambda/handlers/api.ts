// Lambda entry for the HTTP API: API Gateway events into the Hono app.
import { handle } from 'hono/aws-lambda';
import { createApp } from '../api/app.ts';
import { createAwsServices } from '../aws/services.ts';
import { flushingMetrics } from '../aws/powertools-metrics.ts';

export const handler = flushingMetrics(handle(createApp(createAwsServices())));

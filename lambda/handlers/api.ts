// Lambda entry for the HTTP API: API Gateway events into the Hono app.
import { handle } from 'hono/aws-lambda';
import { createApp } from '../api/app.ts';
import { createClients } from '../aws/clients.ts';
import { s3BodyStoreFromEnv } from '../aws/s3-body-store.ts';
import { createAwsServices } from '../aws/services.ts';
import { flushingMetrics } from '../aws/powertools-metrics.ts';

// The API alone reads and writes large bodies (publish, receive, query): the other functions carry only references.
export const handler = flushingMetrics(
  handle(
    createApp(createAwsServices(process.env, createClients(process.env), { bodies: s3BodyStoreFromEnv(process.env) })),
  ),
);

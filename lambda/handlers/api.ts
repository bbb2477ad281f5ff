// Lambda entry for the HTTP API: API Gateway events into the Hono app.
import { handle } from 'hono/aws-lambda';
import { createApp } from '../api/app.ts';
import { unpackOpenApiDocument } from '../api/openapi-document.ts';
import { createClients } from '../aws/clients.ts';
import { s3BodyStoreFromEnv } from '../aws/s3-body-store.ts';
import { createAwsApiServices } from '../aws/services.ts';
import { flushingMetrics } from '../aws/powertools-metrics.ts';
import { pushMappingsFromEnv } from '../aws/lambda-push-mappings.ts';

/** The OpenAPI document, packed and written in by the construct's bundling (lib/parts/bundling.ts) from the routes. */
declare const FERRY_OPENAPI_DOCUMENT: string;

// The API alone reads and writes large bodies (publish, receive, query): the other functions carry only references.
// It alone makes, changes and removes the pusher's event source mappings, as groups switch between pull and push.
const services = createAwsApiServices(process.env, createClients(process.env), {
  bodies: s3BodyStoreFromEnv(process.env),
  pushMappings: pushMappingsFromEnv(process.env),
});

export const handler = flushingMetrics(
  handle(createApp(services, { openApiDocument: () => unpackOpenApiDocument(FERRY_OPENAPI_DOCUMENT) })),
);

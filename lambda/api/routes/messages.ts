// Routes for publishing (one and batch) and for querying a message with its trace.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { findMessage } from '../../core/query.ts';
import type { ApiServices } from '../../core/services.ts';
import type { PublishFailure, PublishInput as PublishInputType } from '../../core/publish.ts';
import { describeZodError } from '../errors.ts';
import {
  MessageParams,
  MessageView,
  PublishBatchInput,
  PublishBatchResult,
  PublishInput,
  PublishResult,
  TopicParams,
} from '../schemas.ts';
import { errors, json, ok } from './responses.ts';

const publishRoute = createRoute({
  method: 'post',
  path: '/v1/topics/{topic}/messages',
  tags: ['messages'],
  request: { params: TopicParams, body: json(PublishInput) },
  responses: { ...ok('Stored: the id and first state', PublishResult), ...errors(400, 404, 413) },
});

const publishBatchRoute = createRoute({
  method: 'post',
  path: '/v1/topics/{topic}/messages/batch',
  tags: ['messages'],
  request: { params: TopicParams, body: json(PublishBatchInput) },
  responses: { ...ok('One result per message, in request order', PublishBatchResult), ...errors(400, 404, 413) },
});

const getMessageRoute = createRoute({
  method: 'get',
  path: '/v1/messages/{messageId}',
  tags: ['query'],
  request: { params: MessageParams },
  responses: { ...ok('The message, its state and trace events in time order', MessageView), ...errors(404) },
});

/** Each message of a batch is checked on its own: an invalid one gets its error in place, the others are published. */
function checkBatch(messages: unknown[]): Array<PublishInputType | PublishFailure> {
  return messages.map((raw, index) => {
    const parsed = PublishInput.safeParse(raw);
    if (parsed.success) return parsed.data;
    const message = describeZodError(parsed.error, `messages.${index}`);
    return { error: { code: 'INVALID_REQUEST', message } } satisfies PublishFailure;
  });
}

export function registerMessageRoutes(app: OpenAPIHono, { publisher, store, bodies }: ApiServices): void {
  app.openapi(publishRoute, async (c) =>
    c.json(await publisher.publish(c.req.valid('param').topic, c.req.valid('json')), 200),
  );
  app.openapi(publishBatchRoute, async (c) => {
    const entries = checkBatch(c.req.valid('json').messages);
    const valid = entries.filter((entry): entry is PublishInputType => !('error' in entry));
    const published = await publisher.publishBatch(c.req.valid('param').topic, valid);
    let next = 0;
    const results = entries.map((entry) => ('error' in entry ? entry : published[next++]!));
    return c.json({ results }, 200);
  });
  app.openapi(getMessageRoute, async (c) =>
    c.json(await findMessage(store, c.req.valid('param').messageId, bodies), 200),
  );
}

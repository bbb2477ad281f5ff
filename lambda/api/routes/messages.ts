// Routes for publishing (one and batch) and for querying a message with its trace.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { findMessage } from '../../core/query.ts';
import type { FerryServices } from '../../core/services.ts';
import type { PublishFailure, PublishInput as PublishInputType } from '../../core/publish.ts';
import { describeZodError } from '../errors.ts';
import { ErrorBody, MessageParams, MessageView, PublishBatchInput, PublishInput, PublishResult, TopicParams } from '../schemas.ts';
import { errors, json } from './responses.ts';

export function registerMessageRoutes(app: OpenAPIHono, { publisher, store }: FerryServices): void {
  app.openapi(
    createRoute({ method: 'post', path: '/v1/topics/{topic}/messages', tags: ['messages'], request: { params: TopicParams, body: json(PublishInput) }, responses: { 200: { description: 'Stored: the id and first state', content: { 'application/json': { schema: PublishResult } } }, ...errors(400, 404, 413) } }),
    async (c) => c.json(await publisher.publish(c.req.valid('param').topic, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/topics/{topic}/messages/batch',
      tags: ['messages'],
      request: { params: TopicParams, body: json(PublishBatchInput) },
      responses: { 200: { description: 'One result per message, in request order', content: { 'application/json': { schema: z.object({ results: z.array(z.union([PublishResult, ErrorBody])) }) } } }, ...errors(400, 404, 413) },
    }),
    async (c) => {
      const entries = c.req.valid('json').messages.map((raw, index) => {
        const parsed = PublishInput.safeParse(raw);
        return parsed.success ? parsed.data : ({ error: { code: 'INVALID_REQUEST', message: describeZodError(parsed.error, `messages.${index}`) } } satisfies PublishFailure);
      });
      const valid = entries.filter((entry): entry is PublishInputType => !('error' in entry));
      const published = await publisher.publishBatch(c.req.valid('param').topic, valid);
      let next = 0;
      const results = entries.map((entry) => ('error' in entry ? entry : published[next++]!));
      return c.json({ results }, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'get', path: '/v1/messages/{messageId}', tags: ['query'], request: { params: MessageParams }, responses: { 200: { description: 'The message, its state and trace events in time order', content: { 'application/json': { schema: MessageView } } }, ...errors(404) } }),
    async (c) => c.json(await findMessage(store, c.req.valid('param').messageId), 200),
  );
}

// Routes for topics: create (idempotent per type), read, list, delete.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { FerryServices } from '../../core/services.ts';
import { Topic, TopicInput, TopicParams } from '../schemas.ts';
import { errors, json } from './responses.ts';

export function registerTopicRoutes(app: OpenAPIHono, { admin }: FerryServices): void {
  app.openapi(
    createRoute({ method: 'put', path: '/v1/topics/{topic}', tags: ['topics'], request: { params: TopicParams, body: json(TopicInput) }, responses: { 200: { description: 'The topic', content: { 'application/json': { schema: Topic } } }, ...errors(400, 409) } }),
    async (c) => c.json(await admin.putTopic(c.req.valid('param').topic, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/v1/topics', tags: ['topics'], responses: { 200: { description: 'Every topic', content: { 'application/json': { schema: z.object({ topics: z.array(Topic) }) } } } } }),
    async (c) => c.json({ topics: await admin.listTopics() }, 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/v1/topics/{topic}', tags: ['topics'], request: { params: TopicParams }, responses: { 200: { description: 'The topic', content: { 'application/json': { schema: Topic } } }, ...errors(400, 404) } }),
    async (c) => c.json(await admin.getTopic(c.req.valid('param').topic), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/v1/topics/{topic}', tags: ['topics'], request: { params: TopicParams }, responses: { 204: { description: 'Deleted' }, ...errors(400, 404) } }),
    async (c) => {
      await admin.deleteTopic(c.req.valid('param').topic);
      return c.body(null, 204);
    },
  );
}

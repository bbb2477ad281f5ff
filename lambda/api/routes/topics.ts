// Routes for topics: create (idempotent per type), read, list, delete.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiServices } from '../../core/services.ts';
import { Topic, TopicInput, TopicList, TopicParams } from '../schemas.ts';
import { errors, json, ok } from './responses.ts';

const putTopicRoute = createRoute({
  method: 'put',
  path: '/v1/topics/{topic}',
  tags: ['topics'],
  request: { params: TopicParams, body: json(TopicInput) },
  responses: { ...ok('The topic', Topic), ...errors(400, 409) },
});

const listTopicsRoute = createRoute({
  method: 'get',
  path: '/v1/topics',
  tags: ['topics'],
  responses: ok('Every topic', TopicList),
});

const getTopicRoute = createRoute({
  method: 'get',
  path: '/v1/topics/{topic}',
  tags: ['topics'],
  request: { params: TopicParams },
  responses: { ...ok('The topic', Topic), ...errors(400, 404) },
});

const deleteTopicRoute = createRoute({
  method: 'delete',
  path: '/v1/topics/{topic}',
  tags: ['topics'],
  request: { params: TopicParams },
  responses: { 204: { description: 'Deleted' }, ...errors(400, 404) },
});

export function registerTopicRoutes(app: OpenAPIHono, { admin }: ApiServices): void {
  app.openapi(putTopicRoute, async (c) =>
    c.json(await admin.putTopic(c.req.valid('param').topic, c.req.valid('json')), 200),
  );
  app.openapi(listTopicsRoute, async (c) => c.json({ topics: await admin.listTopics() }, 200));
  app.openapi(getTopicRoute, async (c) => c.json(await admin.getTopic(c.req.valid('param').topic), 200));
  app.openapi(deleteTopicRoute, async (c) => {
    await admin.deleteTopic(c.req.valid('param').topic);
    return c.body(null, 204);
  });
}

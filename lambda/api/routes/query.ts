// Routes that list messages: by key or publish time, a DELAY topic's scheduled ones, a producer group's undecided ones.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiServices } from '../../core/services.ts';
import { MessageList, MessageQuery, PageQuery, ProducerGroupParams, TopicParams } from '../schemas.ts';
import { errors, ok } from './responses.ts';

const queryMessagesRoute = createRoute({
  method: 'get',
  path: '/v1/topics/{topic}/messages',
  tags: ['query'],
  request: { params: TopicParams, query: MessageQuery },
  responses: {
    ...ok('The messages with the key (newest first), or published in the range (oldest first)', MessageList),
    ...errors(400, 404),
  },
});

const scheduledRoute = createRoute({
  method: 'get',
  path: '/v1/topics/{topic}/scheduled',
  tags: ['scheduled'],
  request: { params: TopicParams, query: PageQuery },
  responses: {
    ...ok('The topic messages not yet handed to the queues, soonest delivery first', MessageList),
    ...errors(400, 404),
  },
});

const undecidedRoute = createRoute({
  method: 'get',
  path: '/v1/producer-groups/{name}/transactions',
  tags: ['transactions'],
  request: { params: ProducerGroupParams, query: PageQuery },
  responses: { ...ok('Prepared messages without a decision, oldest first', MessageList), ...errors(400) },
});

export function registerQueryRoutes(app: OpenAPIHono, { listing }: ApiServices): void {
  app.openapi(queryMessagesRoute, async (c) =>
    c.json(await listing.messages(c.req.valid('param').topic, c.req.valid('query')), 200),
  );
  app.openapi(scheduledRoute, async (c) =>
    c.json(await listing.scheduled(c.req.valid('param').topic, c.req.valid('query')), 200),
  );
  app.openapi(undecidedRoute, async (c) =>
    c.json(await listing.undecided(c.req.valid('param').name, c.req.valid('query')), 200),
  );
}

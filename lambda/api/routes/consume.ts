// Routes for consumers: receive, ack, nack, extending a message's invisible time, and the dead letters.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiServices } from '../../core/services.ts';
import {
  AckInput,
  AckResult,
  DeadLetterList,
  GroupParams,
  NackInput,
  NackResult,
  ReceiveInput,
  ReceiveResult,
  RedriveResult,
  VisibilityInput,
} from '../schemas.ts';
import { errors, json, ok } from './responses.ts';

const deadLettersRoute = createRoute({
  method: 'get',
  path: '/v1/groups/{group}/dead-letters',
  tags: ['consume'],
  request: { params: GroupParams },
  responses: { ...ok('Up to 10 dead letters, left in place', DeadLetterList), ...errors(400, 404) },
});

const redriveRoute = createRoute({
  method: 'post',
  path: '/v1/groups/{group}/dead-letters/redrive',
  tags: ['consume'],
  request: { params: GroupParams },
  responses: {
    ...ok('How many went back to the group queue (at most 1000 per call)', RedriveResult),
    ...errors(400, 404),
  },
});

const receiveRoute = createRoute({
  method: 'post',
  path: '/v1/groups/{group}/receive',
  tags: ['consume'],
  request: { params: GroupParams, body: json(ReceiveInput) },
  responses: { ...ok('Received messages (possibly none)', ReceiveResult), ...errors(400, 404) },
});

const ackRoute = createRoute({
  method: 'post',
  path: '/v1/groups/{group}/ack',
  tags: ['consume'],
  request: { params: GroupParams, body: json(AckInput) },
  responses: { ...ok('How many were acknowledged, and which failed', AckResult), ...errors(400, 404) },
});

const nackRoute = createRoute({
  method: 'post',
  path: '/v1/groups/{group}/nack',
  tags: ['consume'],
  request: { params: GroupParams, body: json(NackInput) },
  responses: { ...ok('When it comes back', NackResult), ...errors(400, 404) },
});

const visibilityRoute = createRoute({
  method: 'post',
  path: '/v1/groups/{group}/visibility',
  tags: ['consume'],
  request: { params: GroupParams, body: json(VisibilityInput) },
  responses: { 204: { description: 'Changed' }, ...errors(400, 404) },
});

export function registerConsumeRoutes(app: OpenAPIHono, { consumer, deadLetters }: ApiServices): void {
  app.openapi(deadLettersRoute, async (c) =>
    c.json({ messages: await deadLetters.list(c.req.valid('param').group) }, 200),
  );
  app.openapi(redriveRoute, async (c) => c.json(await deadLetters.redrive(c.req.valid('param').group), 200));
  app.openapi(receiveRoute, async (c) =>
    c.json({ messages: await consumer.receive(c.req.valid('param').group, c.req.valid('json')) }, 200),
  );
  app.openapi(ackRoute, async (c) =>
    c.json(await consumer.ack(c.req.valid('param').group, c.req.valid('json').receiptHandles), 200),
  );
  app.openapi(nackRoute, async (c) => {
    const { receiptHandle, retryAfterSeconds } = c.req.valid('json');
    return c.json(await consumer.nack(c.req.valid('param').group, receiptHandle, retryAfterSeconds), 200);
  });
  app.openapi(visibilityRoute, async (c) => {
    const { receiptHandle, invisibleSeconds } = c.req.valid('json');
    await consumer.changeVisibility(c.req.valid('param').group, receiptHandle, invisibleSeconds);
    return c.body(null, 204);
  });
}

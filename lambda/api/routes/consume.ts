// Routes for consumers: receive, ack, nack, and extending a message's invisible time.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { FerryServices } from '../../core/services.ts';
import { AckInput, DeliveredMessage, ErrorBody, GroupParams, NackInput, ReceivedMessage, ReceiveInput, VisibilityInput } from '../schemas.ts';
import { errors, json } from './responses.ts';

export function registerConsumeRoutes(app: OpenAPIHono, { consumer, deadLetters }: FerryServices): void {
  app.openapi(
    createRoute({ method: 'get', path: '/v1/groups/{group}/dead-letters', tags: ['consume'], request: { params: GroupParams }, responses: { 200: { description: 'Up to 10 dead letters, left in place', content: { 'application/json': { schema: z.object({ messages: z.array(DeliveredMessage) }) } } }, ...errors(400, 404) } }),
    async (c) => c.json({ messages: await deadLetters.list(c.req.valid('param').group) }, 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/v1/groups/{group}/dead-letters/redrive', tags: ['consume'], request: { params: GroupParams }, responses: { 200: { description: 'How many went back to the group queue (at most 1000 per call)', content: { 'application/json': { schema: z.object({ redriven: z.number() }) } } }, ...errors(400, 404) } }),
    async (c) => c.json(await deadLetters.redrive(c.req.valid('param').group), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/v1/groups/{group}/receive', tags: ['consume'], request: { params: GroupParams, body: json(ReceiveInput) }, responses: { 200: { description: 'Received messages (possibly none)', content: { 'application/json': { schema: z.object({ messages: z.array(ReceivedMessage) }) } } }, ...errors(400, 404) } }),
    async (c) => c.json({ messages: await consumer.receive(c.req.valid('param').group, c.req.valid('json')) }, 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/groups/{group}/ack',
      tags: ['consume'],
      request: { params: GroupParams, body: json(AckInput) },
      responses: { 200: { description: 'How many were acknowledged, and which failed', content: { 'application/json': { schema: z.object({ acked: z.number(), failed: z.array(z.object({ receiptHandle: z.string(), error: ErrorBody.shape.error })) }) } } }, ...errors(400, 404) },
    }),
    async (c) => c.json(await consumer.ack(c.req.valid('param').group, c.req.valid('json').receiptHandles), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/v1/groups/{group}/nack', tags: ['consume'], request: { params: GroupParams, body: json(NackInput) }, responses: { 200: { description: 'When it comes back', content: { 'application/json': { schema: z.object({ retryAfterSeconds: z.number() }) } } }, ...errors(400, 404) } }),
    async (c) => {
      const { receiptHandle, retryAfterSeconds } = c.req.valid('json');
      return c.json(await consumer.nack(c.req.valid('param').group, receiptHandle, retryAfterSeconds), 200);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: '/v1/groups/{group}/visibility', tags: ['consume'], request: { params: GroupParams, body: json(VisibilityInput) }, responses: { 204: { description: 'Changed' }, ...errors(400, 404) } }),
    async (c) => {
      const { receiptHandle, invisibleSeconds } = c.req.valid('json');
      await consumer.changeVisibility(c.req.valid('param').group, receiptHandle, invisibleSeconds);
      return c.body(null, 204);
    },
  );
}

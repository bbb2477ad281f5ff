// Routes for producers' decisions: commit or roll back a transaction, cancel a scheduled message; producer groups and their checks.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { FerryServices } from '../../core/services.ts';
import { Check, DecisionResult, MessageParams, ProducerGroup, ProducerGroupInput, ProducerGroupParams } from '../schemas.ts';
import { errors, json } from './responses.ts';

const decided = { 200: { description: 'The message and its state (the same decision again is a no-op)', content: { 'application/json': { schema: DecisionResult } } }, ...errors(400, 404, 409) };

export function registerTransactionRoutes(app: OpenAPIHono, { decisions, producers }: FerryServices): void {
  app.openapi(createRoute({ method: 'post', path: '/v1/transactions/{messageId}/commit', tags: ['transactions'], request: { params: MessageParams }, responses: decided }), async (c) =>
    c.json(await decisions.commit(c.req.valid('param').messageId), 200),
  );
  app.openapi(createRoute({ method: 'post', path: '/v1/transactions/{messageId}/rollback', tags: ['transactions'], request: { params: MessageParams }, responses: decided }), async (c) =>
    c.json(await decisions.rollback(c.req.valid('param').messageId), 200),
  );
  app.openapi(createRoute({ method: 'post', path: '/v1/messages/{messageId}/cancel', tags: ['scheduled'], request: { params: MessageParams }, responses: decided }), async (c) =>
    c.json(await decisions.cancel(c.req.valid('param').messageId), 200),
  );
  app.openapi(
    createRoute({ method: 'put', path: '/v1/producer-groups/{name}', tags: ['transactions'], request: { params: ProducerGroupParams, body: json(ProducerGroupInput) }, responses: { 200: { description: 'The producer group', content: { 'application/json': { schema: ProducerGroup } } }, ...errors(400) } }),
    async (c) => c.json(await producers.put(c.req.valid('param').name, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/v1/producer-groups/{name}', tags: ['transactions'], request: { params: ProducerGroupParams }, responses: { 200: { description: 'The producer group', content: { 'application/json': { schema: ProducerGroup } } }, ...errors(400, 404) } }),
    async (c) => c.json(await producers.get(c.req.valid('param').name), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/producer-groups/{name}/checks',
      tags: ['transactions'],
      request: { params: ProducerGroupParams },
      responses: { 200: { description: 'Prepared messages waiting for this producer to decide', content: { 'application/json': { schema: z.object({ checks: z.array(Check) }) } } }, ...errors(400) },
    }),
    async (c) => c.json({ checks: (await producers.pendingChecks(c.req.valid('param').name)) as Array<z.infer<typeof Check>> }, 200),
  );
}

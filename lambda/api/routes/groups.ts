// Routes for consumer groups: create or update (with their queues), read with backlog, list, delete.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { FerryServices } from '../../core/services.ts';
import { Group, GroupInput, GroupParams } from '../schemas.ts';
import { errors, json } from './responses.ts';

export function registerGroupRoutes(app: OpenAPIHono, { admin }: FerryServices): void {
  app.openapi(
    createRoute({ method: 'put', path: '/v1/groups/{group}', tags: ['groups'], request: { params: GroupParams, body: json(GroupInput) }, responses: { 200: { description: 'The group with its queue URLs', content: { 'application/json': { schema: Group } } }, ...errors(400, 404, 409) } }),
    async (c) => c.json(await admin.putGroup(c.req.valid('param').group, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/v1/groups', tags: ['groups'], responses: { 200: { description: 'Every group with backlog figures', content: { 'application/json': { schema: z.object({ groups: z.array(Group) }) } } } } }),
    async (c) => c.json({ groups: await admin.listGroups() }, 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/v1/groups/{group}', tags: ['groups'], request: { params: GroupParams }, responses: { 200: { description: 'The group with backlog figures', content: { 'application/json': { schema: Group } } }, ...errors(400, 404) } }),
    async (c) => c.json(await admin.getGroup(c.req.valid('param').group), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/v1/groups/{group}', tags: ['groups'], request: { params: GroupParams }, responses: { 204: { description: 'Deleted with its queues' }, ...errors(400, 404) } }),
    async (c) => {
      await admin.deleteGroup(c.req.valid('param').group);
      return c.body(null, 204);
    },
  );
}

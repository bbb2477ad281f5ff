// Routes for consumer groups: create or update (with their queues), read with backlog, list, delete.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiServices } from '../../core/services.ts';
import { Group, GroupInput, GroupList, GroupParams } from '../schemas.ts';
import { errors, json, ok } from './responses.ts';

const putGroupRoute = createRoute({
  method: 'put',
  path: '/v1/groups/{group}',
  tags: ['groups'],
  request: { params: GroupParams, body: json(GroupInput) },
  responses: { ...ok('The group with its queue URLs', Group), ...errors(400, 404, 409) },
});

const listGroupsRoute = createRoute({
  method: 'get',
  path: '/v1/groups',
  tags: ['groups'],
  responses: ok('Every group with backlog figures', GroupList),
});

const getGroupRoute = createRoute({
  method: 'get',
  path: '/v1/groups/{group}',
  tags: ['groups'],
  request: { params: GroupParams },
  responses: { ...ok('The group with backlog figures', Group), ...errors(400, 404) },
});

const deleteGroupRoute = createRoute({
  method: 'delete',
  path: '/v1/groups/{group}',
  tags: ['groups'],
  request: { params: GroupParams },
  responses: { 204: { description: 'Deleted with its queues' }, ...errors(400, 404) },
});

export function registerGroupRoutes(app: OpenAPIHono, { admin }: ApiServices): void {
  app.openapi(putGroupRoute, async (c) =>
    c.json(await admin.putGroup(c.req.valid('param').group, c.req.valid('json')), 200),
  );
  app.openapi(listGroupsRoute, async (c) => c.json({ groups: await admin.listGroups() }, 200));
  app.openapi(getGroupRoute, async (c) => c.json(await admin.getGroup(c.req.valid('param').group), 200));
  app.openapi(deleteGroupRoute, async (c) => {
    await admin.deleteGroup(c.req.valid('param').group);
    return c.body(null, 204);
  });
}

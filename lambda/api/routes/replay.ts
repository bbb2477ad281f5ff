// Routes for replay: start one for a group (a topic's messages of a time range, again), and read its progress.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiServices } from '../../core/services.ts';
import { GroupParams, Replay, ReplayInput, ReplayParams } from '../schemas.ts';
import { errors, json } from './responses.ts';

const startReplayRoute = createRoute({
  method: 'post',
  path: '/v1/groups/{group}/replay',
  tags: ['groups'],
  request: { params: GroupParams, body: json(ReplayInput) },
  responses: {
    202: {
      description: 'Started: the tick sends the messages; read progress at its id',
      content: { 'application/json': { schema: Replay } },
    },
    ...errors(400, 404),
  },
});

const getReplayRoute = createRoute({
  method: 'get',
  path: '/v1/groups/{group}/replays/{replayId}',
  tags: ['groups'],
  request: { params: ReplayParams },
  responses: {
    200: { description: 'The replay and its progress', content: { 'application/json': { schema: Replay } } },
    ...errors(400, 404),
  },
});

export function registerReplayRoutes(app: OpenAPIHono, { replays }: ApiServices): void {
  app.openapi(startReplayRoute, async (c) =>
    c.json(await replays.start(c.req.valid('param').group, c.req.valid('json')), 202),
  );
  app.openapi(getReplayRoute, async (c) => {
    const { group, replayId } = c.req.valid('param');
    return c.json(await replays.get(group, replayId), 200);
  });
}

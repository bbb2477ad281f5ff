// Health (200 only when every part answers) and the OpenAPI document generated from the request schemas.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { FerryServices } from '../../core/services.ts';
import { Health } from '../schemas.ts';

const healthRoute = createRoute({
  method: 'get',
  path: '/v1/health',
  tags: ['system'],
  responses: {
    200: { description: 'Every part answers', content: { 'application/json': { schema: Health } } },
    503: { description: 'Some part does not', content: { 'application/json': { schema: Health } } },
  },
});

async function runCheck([name, check]: [string, () => Promise<void>]): Promise<readonly [string, string]> {
  try {
    await check();
    return [name, 'ok'] as const;
  } catch (error) {
    return [name, error instanceof Error ? error.message : String(error)] as const;
  }
}

export function registerSystemRoutes(app: OpenAPIHono, { checks }: FerryServices): void {
  app.openapi(healthRoute, async (c) => {
    const results = await Promise.all(Object.entries(checks).map(runCheck));
    const ok = results.every(([, result]) => result === 'ok');
    const status = ok ? ('ok' as const) : ('unavailable' as const);
    return c.json({ status, checks: Object.fromEntries(results) }, ok ? 200 : 503);
  });
  app.doc31('/v1/openapi.json', { openapi: '3.1.0', info: { title: 'Ferry HTTP API', version: '1' } });
}

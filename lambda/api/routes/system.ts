// Health (200 only when every part answers) and the OpenAPI document generated from the request schemas.
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { FerryServices } from '../../core/services.ts';

const Health = z.object({ status: z.enum(['ok', 'unavailable']), checks: z.record(z.string(), z.string()) }).openapi('Health');

export function registerSystemRoutes(app: OpenAPIHono, { checks }: FerryServices): void {
  app.openapi(
    createRoute({ method: 'get', path: '/v1/health', tags: ['system'], responses: { 200: { description: 'Every part answers', content: { 'application/json': { schema: Health } } }, 503: { description: 'Some part does not', content: { 'application/json': { schema: Health } } } } }),
    async (c) => {
      const results = await Promise.all(
        Object.entries(checks).map(async ([name, check]) => {
          try {
            await check();
            return [name, 'ok'] as const;
          } catch (error) {
            return [name, error instanceof Error ? error.message : String(error)] as const;
          }
        }),
      );
      const ok = results.every(([, result]) => result === 'ok');
      return c.json({ status: ok ? ('ok' as const) : ('unavailable' as const), checks: Object.fromEntries(results) }, ok ? 200 : 503);
    },
  );
  app.doc31('/v1/openapi.json', { openapi: '3.1.0', info: { title: 'Ferry HTTP API', version: '1' } });
}

// Health (200 only when every part answers) and the OpenAPI document of the routes.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { logger } from '../../aws/logger.ts';
import { HealthProblem } from '../../core/health-problem.ts';
import type { ApiServices } from '../../core/services.ts';
import type { OpenApiDocument } from '../openapi-document.ts';
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
    if (error instanceof HealthProblem) return [name, error.message] as const;
    // An SDK or network error names endpoints, ARNs and accounts: the log keeps it, the answer does not.
    logger.warn('health check failed', { check: name, error: error instanceof Error ? error : String(error) });
    return [name, 'did not answer (the log has the error)'] as const;
  }
}

/** `openApiDocument` is asked once, at the first request for it: every route is registered by then. */
export function registerSystemRoutes(
  app: OpenAPIHono,
  { checks }: ApiServices,
  openApiDocument: () => OpenApiDocument,
): void {
  app.openapi(healthRoute, async (c) => {
    const results = await Promise.all(Object.entries(checks).map(runCheck));
    const ok = results.every(([, result]) => result === 'ok');
    const status = ok ? ('ok' as const) : ('unavailable' as const);
    return c.json({ status, checks: Object.fromEntries(results) }, ok ? 200 : 503);
  });
  let document: OpenApiDocument | undefined;
  app.get('/v1/openapi.json', (c) => c.json((document ??= openApiDocument())));
}

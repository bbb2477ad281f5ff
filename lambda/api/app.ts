// The HTTP API as one Hono app: served by API Gateway's Lambda in AWS and by Node's HTTP server in the local stack.
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { ApiServices } from '../core/services.ts';
import { describeZodError, errorResponse, handleError } from './errors.ts';
import { generateOpenApiDocument, type OpenApiDocument } from './openapi-document.ts';
import { refusePrimitiveTraps } from './primitive-trap.ts';
import { registerConsumeRoutes } from './routes/consume.ts';
import { registerDashboardRoutes, type DashboardSources } from './routes/dashboard.ts';
import { registerGroupRoutes } from './routes/groups.ts';
import { registerMessageRoutes } from './routes/messages.ts';
import { registerQueryRoutes } from './routes/query.ts';
import { registerReplayRoutes } from './routes/replay.ts';
import { registerSchedulingRoutes } from './routes/scheduling.ts';
import { registerSystemRoutes } from './routes/system.ts';
import { registerTopicRoutes } from './routes/topics.ts';
import { registerTransactionRoutes } from './routes/transactions.ts';

export type FerryApp = OpenAPIHono;

/** Lambda's request payload limit; a batch of large messages is refused before it is parsed. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;

export interface AppOptions {
  /** What the local stack keeps for the dashboard (its counters, recent messages); Lambda has neither. */
  dashboard?: DashboardSources;
  /** The document `GET /v1/openapi.json` answers: the Lambda's was generated when it was bundled; else this app's. */
  openApiDocument?: () => OpenApiDocument;
}

export function createApp(services: ApiServices, options: AppOptions = {}): FerryApp {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success)
        return errorResponse(
          c,
          400,
          'INVALID_REQUEST',
          describeZodError(result.error, result.target === 'json' ? 'body' : result.target),
        );
      return undefined;
    },
  });
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_REQUEST_BYTES,
      onError: (c) => errorResponse(c, 413, 'PAYLOAD_TOO_LARGE', `the request body is over ${MAX_REQUEST_BYTES} bytes`),
    }),
  );
  app.use('*', refusePrimitiveTraps);
  app.onError(handleError);
  app.notFound((c) =>
    errorResponse(c, 404, 'ROUTE_NOT_FOUND', `no route ${c.req.method} ${c.req.path}; see /v1/openapi.json`),
  );
  registerTopicRoutes(app, services);
  registerGroupRoutes(app, services);
  registerMessageRoutes(app, services);
  registerConsumeRoutes(app, services);
  registerTransactionRoutes(app, services);
  registerQueryRoutes(app, services);
  registerSchedulingRoutes(app, services);
  registerReplayRoutes(app, services);
  registerSystemRoutes(app, services, options.openApiDocument ?? (() => generateOpenApiDocument(app)));
  registerDashboardRoutes(app, services, options.dashboard ?? {});
  return app;
}

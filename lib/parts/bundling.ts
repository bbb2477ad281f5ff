// What goes into each Ferry handler's bundle besides its sources: the modules put in place of others (esbuild's alias)
// and the values written in (esbuild's define). The construct (function.ts) and `npm run bench -- bundles` use these.
import { fileURLToPath } from 'node:url';
import { createApp } from '../../lambda/api/app.ts';
import { generateOpenApiDocument, packOpenApiDocument } from '../../lambda/api/openapi-document.ts';
import type { FerryServices } from '../../lambda/core/services.ts';

/** The files under `lambda/handlers/` that the construct deploys, one function each. */
export const HANDLER_FILES = ['api', 'dispatcher', 'tick', 'tick-shard', 'stream-redrive', 'pusher'] as const;
export type HandlerFile = (typeof HANDLER_FILES)[number];

/** CommonJS dependencies inside an ESM bundle still call require(); ESM has none, so the bundle defines it. */
export const REQUIRE_BANNER =
  "import { createRequire as __ferryCreateRequire } from 'node:module'; const require = __ferryCreateRequire(import.meta.url);";

export interface HandlerBundling {
  /** Package name → the file bundled in its place. */
  readonly alias: Readonly<Record<string, string>>;
  /** Global identifier → the JSON value written in its place. */
  readonly define: Readonly<Record<string, string>>;
}

const sourceFile = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export function handlerBundling(handler: HandlerFile): HandlerBundling {
  // In Lambda the role's credentials are in the environment: the SDK's default chain gives way to that one provider.
  const alias = { '@aws-sdk/credential-provider-node': sourceFile('lambda/aws/lambda-credentials.ts') };
  if (handler !== 'api') return { alias, define: {} };
  // The API serves the document generated here, from the routes as they are now, and so carries no generator.
  return {
    alias: { ...alias, '@asteasolutions/zod-to-openapi': sourceFile('lambda/api/no-openapi-generator.ts') },
    define: { FERRY_OPENAPI_DOCUMENT: JSON.stringify(packedOpenApiDocument()) },
  };
}

let packed: string | undefined;

/** Once per process, however many stacks it synthesizes. The routes' handlers never run here: no services. */
function packedOpenApiDocument(): string {
  packed ??= packOpenApiDocument(generateOpenApiDocument(createApp({} as FerryServices)));
  return packed;
}

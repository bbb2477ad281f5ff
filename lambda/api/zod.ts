// Zod for the API's schemas, with the `.openapi()` metadata method, as a namespace that bundles can shake.
// `import * as z from './zod.ts'` keeps in a bundle only the schema kinds the API uses; `import { z }` (zod's own
// namespace object, as @hono/zod-openapi re-exports it) makes esbuild keep all of zod, its 40 locales included.
// @hono/zod-openapi adds `.openapi()` to every schema when it loads, so it is loaded first.
import '@hono/zod-openapi';

export * from 'zod';

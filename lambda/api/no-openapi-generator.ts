// @asteasolutions/zod-to-openapi without its document generators, for the API Lambda's bundle (lib/parts/bundling.ts
// puts this module in the package's place). The Lambda serves the document generated when the construct bundled it, so
// it needs only what @hono/zod-openapi uses to serve requests: the route registry and the schemas' `.openapi()`.
// `#zod-to-openapi` (package.json "imports") is the package itself under a name that the bundling's alias leaves alone.
export * from '#zod-to-openapi';

class GeneratorLeftOut {
  constructor() {
    throw new Error('no OpenAPI generator in this bundle: it serves the document generated when it was bundled');
  }
}

export { GeneratorLeftOut as OpenApiGeneratorV3, GeneratorLeftOut as OpenApiGeneratorV31 };

// The HTTP API's OpenAPI document, generated from the routes' schemas, and how it travels into the API Lambda's bundle:
// generated when the construct bundles the API, packed (brotli, base64: 4 KB instead of 48 KB) and written in, so that
// the Lambda serves it without carrying the generator. The local stack generates it when first asked.
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib';
import type { OpenAPIHono } from '@hono/zod-openapi';

export type OpenApiDocument = ReturnType<OpenAPIHono['getOpenAPI31Document']>;

/** The document's own fields; its paths and components come from the routes. */
const DOCUMENT_FIELDS = { openapi: '3.1.0', info: { title: 'Ferry HTTP API', version: '1' } };

export function generateOpenApiDocument(app: OpenAPIHono): OpenApiDocument {
  return app.getOpenAPI31Document(DOCUMENT_FIELDS);
}

export function packOpenApiDocument(document: OpenApiDocument): string {
  return brotliCompressSync(JSON.stringify(document)).toString('base64');
}

export function unpackOpenApiDocument(packed: string): OpenApiDocument {
  return JSON.parse(brotliDecompressSync(Buffer.from(packed, 'base64')).toString('utf8')) as OpenApiDocument;
}

// Serves the dashboard's static files (plain HTML, JS and CSS shipped in the package) at /dashboard, from disk.
import { readFile } from 'node:fs/promises';
import type { Env, Hono } from 'hono';

/** Beside this module in the sources and in dist/ (scripts/build.ts copies lambda/ whole). */
const STATIC_DIR = new URL('./static/', import.meta.url);

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** Only plain file names: nothing outside the folder can be asked for. */
const FILE_NAME = /^[a-z0-9-]+\.(html|js|css|svg)$/;

// The page calls the API it is served beside; it loads nothing from elsewhere.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-cache',
};

export function registerDashboardPage<E extends Env>(app: Hono<E>): void {
  app.get('/dashboard', (c) => c.redirect('/dashboard/', 302));
  app.get('/dashboard/', () => staticFile('index.html'));
  app.get('/dashboard/:file', (c) => staticFile(c.req.param('file')));
}

async function staticFile(name: string): Promise<Response> {
  const match = FILE_NAME.exec(name);
  if (match === null) return notFound(name);
  try {
    const body = await readFile(new URL(name, STATIC_DIR));
    return new Response(body, { headers: { 'content-type': CONTENT_TYPES[match[1]!]!, ...SECURITY_HEADERS } });
  } catch {
    return notFound(name);
  }
}

function notFound(name: string): Response {
  return Response.json(
    { error: { code: 'ROUTE_NOT_FOUND', message: `the dashboard has no file '${name}'` } },
    { status: 404 },
  );
}

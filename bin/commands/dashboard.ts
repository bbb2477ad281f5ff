// `ferry dashboard --url <api>`: serves the dashboard on loopback and forwards its API calls, signed with the user's AWS
// credentials (SigV4), to a deployed Ferry, as `kubectl proxy` does: a browser cannot sign requests itself.
import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type ServerType } from '@hono/node-server';
import type { Command } from 'commander';
import { Hono } from 'hono';
import { awsIamSigner } from '../../client/index.ts';
import { registerDashboardPage } from '../../lambda/dashboard/serve-page.ts';
import { apiUrl } from './api-client.ts';

export interface DashboardProxyOptions {
  /** The API's base URL (with its stage for a REST API). */
  url: string;
  /** Sign for this region; absent: forward unsigned (a local stack). */
  region?: string;
  port: number;
}

/** Headers the browser sends that must not reach the API (they describe the hop to this proxy, or would break the signature). */
const DROPPED_HEADERS = new Set([
  'host',
  'connection',
  'origin',
  'referer',
  'cookie',
  'content-length',
  'accept-encoding',
]);

export function createDashboardProxy(options: Omit<DashboardProxyOptions, 'port'>): Hono {
  const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
  const sign = options.region === undefined ? (request: Request) => request : awsIamSigner(options.region);
  const app = new Hono();
  // Another site open in the same browser could call a loopback port, or reach it by a DNS name it controls: only the
  // page this proxy serves, on its own loopback address, is forwarded with the user's credentials.
  app.use('*', async (c, next) => {
    // The node server builds the URL from the Host header.
    const host = new URL(c.req.url).host;
    const origin = c.req.header('origin');
    if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host) || (origin !== undefined && new URL(origin).host !== host))
      return c.json(
        { error: { code: 'FORBIDDEN', message: 'the dashboard proxy answers only its own page on loopback' } },
        403,
      );
    return next();
  });
  registerDashboardPage(app);
  app.all('/v1/*', async (c) => {
    const incoming = new URL(c.req.url);
    const target = new URL(incoming.pathname.slice(1) + incoming.search, base);
    const headers = new Headers();
    for (const [name, value] of c.req.raw.headers) if (!DROPPED_HEADERS.has(name)) headers.set(name, value);
    const hasBody = c.req.method !== 'GET' && c.req.method !== 'HEAD';
    const request = new Request(target, {
      method: c.req.method,
      headers,
      ...(hasBody ? { body: await c.req.text() } : {}),
    });
    const answer = await fetch(await sign(request));
    const body = await answer.arrayBuffer();
    return new Response(body, {
      status: answer.status,
      headers: { 'content-type': answer.headers.get('content-type') ?? 'application/json' },
    });
  });
  return app;
}

export async function startDashboardProxy(
  options: DashboardProxyOptions,
): Promise<{ url: string; server: ServerType }> {
  const server = createAdaptorServer({ fetch: createDashboardProxy(options).fetch });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dashboard`, server };
}

/** An execute-api URL names its region: `https://<id>.execute-api.<region>.amazonaws.com/`. */
export function regionOf(url: string): string | undefined {
  return /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(new URL(url).hostname)?.[1];
}

export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description('serve the web dashboard on 127.0.0.1 for a Ferry API, signing its calls with your AWS credentials')
    .option('--url <api>', "the API's base URL (the ApiUrl output); default FERRY_URL or the local stack")
    .option(
      '--region <region>',
      'sign requests for this region (default FERRY_AWS_REGION, or the one in an execute-api URL)',
    )
    .option('--port <port>', 'port on 127.0.0.1', '4100')
    .action(async (opts: { url?: string; region?: string; port: string }) => {
      const url = apiUrl(opts.url);
      const region = opts.region ?? process.env.FERRY_AWS_REGION ?? regionOf(url);
      const proxy = await startDashboardProxy({
        url,
        port: Number(opts.port),
        ...(region === undefined ? {} : { region }),
      });
      console.log(`Ferry dashboard for ${url}${region === undefined ? '' : ` (signed for ${region})`}`);
      console.log(`  ${proxy.url}`);
      console.log('Ctrl-C stops it.');
    });
}

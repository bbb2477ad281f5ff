// `ferry dashboard`: the page and, under /v1, the API's answers, the calls signed with SigV4 when a region is given.
import { createAdaptorServer } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardProxy, regionOf } from '../../bin/commands/dashboard.ts';

const seen: Array<{ url: string; authorization: string | null; body: string }> = [];
const upstream = createAdaptorServer({
  fetch: async (request: Request) => {
    seen.push({ url: request.url, authorization: request.headers.get('authorization'), body: await request.text() });
    return Response.json({ topics: [] });
  },
});
let apiUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', () => resolve()));
  apiUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/prod/`;
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' });
});
afterAll(() => new Promise<void>((resolve) => upstream.close(() => resolve())));

const local = (path: string, init: RequestInit = {}) => new Request(`http://127.0.0.1:4100${path}`, init);

describe('ferry dashboard', () => {
  it('forwards API calls under the base URL, signed with SigV4 for the region', async () => {
    const proxy = createDashboardProxy({ url: apiUrl, region: 'eu-west-1' });
    const answer = await proxy.fetch(
      local('/v1/topics/orders/filter-preview?x=1', {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(await answer.json()).toEqual({ topics: [] });
    const last = seen.at(-1)!;
    expect(last.url).toMatch(/\/prod\/v1\/topics\/orders\/filter-preview\?x=1$/);
    expect(last.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request/,
    );
    expect(last.body).toBe('{"a":1}');
  });

  it('serves the page itself', async () => {
    const answer = await createDashboardProxy({ url: apiUrl }).fetch(local('/dashboard/'));
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(await answer.text()).toContain('<title>Ferry dashboard</title>');
  });

  it('refuses a request from another origin or for another host name (DNS rebinding)', async () => {
    const proxy = createDashboardProxy({ url: apiUrl, region: 'eu-west-1' });
    const before = seen.length;
    expect((await proxy.fetch(local('/v1/topics', { headers: { origin: 'https://evil.example' } }))).status).toBe(403);
    expect((await proxy.fetch(new Request('http://evil.example:4100/v1/topics'))).status).toBe(403);
    expect(seen.length).toBe(before);
  });

  it('reads the region from an execute-api URL', () => {
    expect(regionOf('https://abc123.execute-api.eu-central-1.amazonaws.com/')).toBe('eu-central-1');
    expect(regionOf('http://127.0.0.1:4000')).toBeUndefined();
  });
});

// The producer check-back call: only a timely 2xx COMMIT or ROLLBACK decides; a down, slow, redirecting or confused
// endpoint is UNKNOWN; every call is signed; and a name is connected to only at the address that was checked.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyFerrySignature } from '../../client/verify-signature.ts';
import type { EndpointRules, Resolve } from '../../lambda/core/endpoint-rules.ts';
import { signatureHeader } from '../../lambda/core/signature.ts';
import { createHttpCheckClient } from '../../lambda/http/http-check-client.ts';
import { createOutboundPost } from '../../lambda/http/outbound-post.ts';

let server: Server;
let base: string;
let port: number;
const received: Array<{ url: string; body: string; headers: IncomingHttpHeaders }> = [];
const local: EndpointRules = { policy: 'local' };
const client = createHttpCheckClient(createOutboundPost(local));
const unsigned = (timeoutMs: number) => ({ timeoutMs, secrets: [] });

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ url: request.url ?? '', body, headers: request.headers });
      const answers: Record<string, () => void> = {
        '/commit': () => response.end(JSON.stringify({ status: 'COMMIT' })),
        '/rollback': () => response.end(JSON.stringify({ status: 'ROLLBACK' })),
        '/lowercase': () => response.end(JSON.stringify({ status: 'commit' })),
        '/null': () => response.end('null'),
        '/slow': () => setTimeout(() => response.end(JSON.stringify({ status: 'COMMIT' })), 1000).unref(),
        '/error': () => response.writeHead(503).end(JSON.stringify({ status: 'COMMIT' })),
        '/redirect': () => response.writeHead(307, { location: `${base}/commit` }).end(),
        '/huge': () => response.end(JSON.stringify({ status: 'COMMIT', padding: 'x'.repeat(100_000) })),
      };
      (answers[request.url ?? ''] ?? (() => response.writeHead(404).end()))();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('the check-back client', () => {
  it('takes COMMIT and ROLLBACK, and posts the payload as JSON', async () => {
    expect(await client.check(`${base}/commit`, { messageId: 'm1', checkCount: 1 }, unsigned(500))).toBe('COMMIT');
    expect(await client.check(`${base}/rollback`, { messageId: 'm2' }, unsigned(500))).toBe('ROLLBACK');
    expect(JSON.parse(received.find((call) => call.url === '/commit')!.body)).toEqual({
      messageId: 'm1',
      checkCount: 1,
    });
  });

  it.each([
    ['a lowercase answer', '/lowercase'],
    ['a JSON null', '/null'],
    ['an error status, whatever its body', '/error'],
    ['a redirect, which it does not follow (even to an endpoint that would commit)', '/redirect'],
    ['an answer larger than 64 KiB', '/huge'],
  ])('counts %s as UNKNOWN', async (_name, path) => {
    received.length = 0;
    expect(await client.check(`${base}${path}`, {}, unsigned(500))).toBe('UNKNOWN');
    expect(received.map((call) => call.url)).toEqual([path]);
  });

  it('counts an endpoint that is down, or answers after the deadline, as UNKNOWN, and gives up at the deadline', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/check`;
    await new Promise((resolve) => closed.close(resolve));
    expect(await client.check(closedUrl, {}, unsigned(500))).toBe('UNKNOWN');
    const started = Date.now();
    expect(await client.check(`${base}/slow`, {}, unsigned(200))).toBe('UNKNOWN');
    expect(Date.now() - started).toBeLessThan(900); // the deadline, not the endpoint, ended the wait
  });

  it('signs the exact body with every secret given; the producer verifies it, and a changed body fails', async () => {
    received.length = 0;
    const at = Date.UTC(2026, 0, 1);
    const signing = createHttpCheckClient(createOutboundPost(local), () => at);
    await signing.check(`${base}/commit`, { messageId: 'm3' }, { timeoutMs: 500, secrets: ['fsec_new', 'fsec_old'] });
    const [call] = received;
    const header = call!.headers['ferry-signature'] as string;
    expect(header).toBe(signatureHeader(call!.body, ['fsec_new', 'fsec_old'], at / 1000));
    expect(verifyFerrySignature(call!.body, header, 'fsec_new', { now: at })).toBe(true);
    expect(verifyFerrySignature(call!.body, header, 'fsec_old', { now: at })).toBe(true);
    expect(verifyFerrySignature(call!.body.replace('m3', 'm4'), header, 'fsec_new', { now: at })).toBe(false);
    expect(verifyFerrySignature(call!.body, header, 'fsec_other', { now: at })).toBe(false);
    expect(verifyFerrySignature(call!.body, header, 'fsec_new', { now: at + 301_000 })).toBe(false);
  });
});

describe('the outbound call in AWS (public policy)', () => {
  it('never connects to a name that resolves inward, and says which rule refused it', async () => {
    received.length = 0;
    const resolve: Resolve = async () => ['127.0.0.1'];
    const post = createOutboundPost({ policy: 'public' }, resolve);
    const result = await post({
      url: `https://producer.example:${port}/commit`,
      body: '{}',
      headers: {},
      timeoutMs: 500,
    });
    expect(result).toMatchObject({
      kind: 'refused',
      refusal: { rule: 'ADDRESS', message: /resolves to 127\.0\.0\.1.*loopback/ },
    });
    expect(received).toEqual([]);
  });

  it('refuses a literal inward address and http before connecting', async () => {
    const post = createOutboundPost({ policy: 'public' }, async () => []);
    expect(await post({ url: `${base}/commit`, body: '{}', headers: {}, timeoutMs: 500 })).toMatchObject({
      kind: 'refused',
      refusal: { rule: 'SCHEME' },
    });
    expect(await post({ url: 'https://10.1.1.1/', body: '{}', headers: {}, timeoutMs: 500 })).toMatchObject({
      kind: 'refused',
      refusal: { rule: 'ADDRESS' },
    });
  });
});

describe('the address connected to', () => {
  it('is the one the resolver gave and the rules checked, not a second lookup', async () => {
    const asked: string[] = [];
    const post = (address: string) =>
      createOutboundPost(
        local,
        async (host) => (asked.push(host), [address]),
      )({
        url: `http://localhost:${port}/commit`,
        body: '{}',
        headers: {},
        timeoutMs: 500,
      });
    expect(await post('127.0.0.1')).toMatchObject({ kind: 'answered', status: 200 });
    // The system resolver would say 127.0.0.1 (where the endpoint listens); the checked answer 127.0.0.2 is where the
    // connection goes, and nothing listens there.
    expect(await post('127.0.0.2')).toMatchObject({ kind: 'failed' });
    expect(asked).toEqual(['localhost', 'localhost']);
  });
});

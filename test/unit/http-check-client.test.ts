// The producer check-back call: only a timely 2xx COMMIT or ROLLBACK decides; a down, slow, redirecting or confused
// endpoint is UNKNOWN, with why (never the answer's body); every call is signed; and a name is connected to only at the
// address that was checked.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../lambda/aws/logger.ts';
import { verifyFerrySignature } from '../../client/verify-signature.ts';
import type { EndpointRules, Resolve } from '../../lambda/core/endpoint-rules.ts';
import { signatureHeader } from '../../lambda/core/signature.ts';
import { createHttpCheckClient, MAX_REASON_BYTES } from '../../lambda/http/http-check-client.ts';
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
        '/unknown': () => response.end(JSON.stringify({ status: 'UNKNOWN' })),
        '/html': () => response.end('<html>secret stack trace</html>'),
        '/no-status': () => response.end(JSON.stringify({ decision: 'COMMIT' })),
        '/long-status': () => response.end(JSON.stringify({ status: 'a secret: hunter2 hunter2' })),
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
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('the check-back client', () => {
  it("takes COMMIT, ROLLBACK and the producer's own UNKNOWN (no reason), and posts the payload as JSON", async () => {
    expect(await client.check(`${base}/commit`, { messageId: 'm1', checkCount: 1 }, unsigned(500))).toEqual({
      answer: 'COMMIT',
    });
    expect(await client.check(`${base}/rollback`, { messageId: 'm2' }, unsigned(500))).toEqual({ answer: 'ROLLBACK' });
    expect(await client.check(`${base}/unknown`, {}, unsigned(500))).toEqual({ answer: 'UNKNOWN' });
    expect(JSON.parse(received.find((call) => call.url === '/commit')!.body)).toEqual({
      messageId: 'm1',
      checkCount: 1,
    });
  });

  it.each([
    ['a lowercase answer', '/lowercase', "status 'commit' is not COMMIT, ROLLBACK or UNKNOWN"],
    ['a long status, not repeated', '/long-status', 'the status is not COMMIT, ROLLBACK or UNKNOWN'],
    ['an answer without a status', '/no-status', 'no status'],
    ['a JSON null', '/null', 'not a JSON object'],
    ['an answer that is not JSON, not repeated', '/html', 'not JSON'],
    ['an error status, whatever its body', '/error', 'HTTP 503'],
    [
      'a redirect, which it does not follow (even to an endpoint that would commit)',
      '/redirect',
      'redirect (307) not followed',
    ],
    ['an answer larger than 64 KiB', '/huge', 'the answer is larger than 65536 bytes'],
  ])('counts %s as UNKNOWN, and says why', async (_name, path, reason) => {
    received.length = 0;
    expect(await client.check(`${base}${path}`, {}, unsigned(500))).toEqual({ answer: 'UNKNOWN', reason });
    expect(received.map((call) => call.url)).toEqual([path]);
  });

  it('counts an endpoint that is down, or answers after the deadline, as UNKNOWN, says which, and gives up at the deadline', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/check`;
    await new Promise((resolve) => closed.close(resolve));
    expect(await client.check(closedUrl, {}, unsigned(500))).toEqual({
      answer: 'UNKNOWN',
      reason: 'connection refused',
    });
    const started = Date.now();
    expect(await client.check(`${base}/slow`, {}, unsigned(200))).toEqual({
      answer: 'UNKNOWN',
      reason: 'no answer within 0.2 s',
    });
    expect(Date.now() - started).toBeLessThan(900); // the deadline, not the endpoint, ended the wait
  });

  it("logs a check-back without a valid answer with its reason, never the answer's body", async () => {
    const info = vi.spyOn(logger, 'info').mockImplementation(() => undefined);
    await client.check(`${base}/html`, { messageId: 'm5', producerGroup: 'checkout' }, unsigned(500));
    await client.check(`${base}/long-status`, { messageId: 'm6', producerGroup: 'checkout' }, unsigned(500));
    await client.check(`${base}/unknown`, { messageId: 'm7', producerGroup: 'checkout' }, unsigned(500));
    expect(info.mock.calls).toEqual([
      [
        'check-back without a valid answer',
        { url: `${base}/html`, producerGroup: 'checkout', messageId: 'm5', reason: 'not JSON' },
      ],
      [
        'check-back without a valid answer',
        {
          url: `${base}/long-status`,
          producerGroup: 'checkout',
          messageId: 'm6',
          reason: 'the status is not COMMIT, ROLLBACK or UNKNOWN',
        },
      ],
    ]);
    expect(JSON.stringify(info.mock.calls)).not.toMatch(/secret|hunter2/);
  });

  it('names an endpoint the rules refused without calling it, and cuts a long error to fit its trace event', async () => {
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const inAws = createHttpCheckClient(createOutboundPost({ policy: 'public' }, async () => []));
    expect(await inAws.check(`${base}/commit`, {}, unsigned(500))).toEqual({
      answer: 'UNKNOWN',
      reason: 'not called: the URL must be https://',
    });
    const wordy = createHttpCheckClient(async () => ({
      kind: 'failed',
      error: `getaddrinfo EAI_AGAIN ${'é'.repeat(500)}`,
    }));
    const { answer, reason } = await wordy.check(`${base}/commit`, {}, unsigned(500));
    expect(answer).toBe('UNKNOWN');
    expect(reason).toMatch(/^getaddrinfo EAI_AGAIN é+\.\.\.$/);
    expect(Buffer.byteLength(reason!)).toBeLessThanOrEqual(MAX_REASON_BYTES);
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

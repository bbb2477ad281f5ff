// The producer check-back call: only a timely COMMIT or ROLLBACK decides; a down, slow or confused endpoint is UNKNOWN.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheckClient } from '../../lambda/http/http-check-client.ts';

let server: Server;
let base: string;
const received: unknown[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push(JSON.parse(body));
      const answers: Record<string, () => void> = {
        '/commit': () => response.end(JSON.stringify({ status: 'COMMIT' })),
        '/rollback': () => response.end(JSON.stringify({ status: 'ROLLBACK' })),
        '/lowercase': () => response.end(JSON.stringify({ status: 'commit' })),
        '/null': () => response.end('null'),
        '/slow': () => setTimeout(() => response.end(JSON.stringify({ status: 'COMMIT' })), 1000).unref(),
        '/error': () => response.writeHead(503).end(JSON.stringify({ status: 'COMMIT' })),
      };
      (answers[request.url ?? ''] ?? (() => response.writeHead(404).end()))();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('httpCheckClient', () => {
  it('takes COMMIT and ROLLBACK, and posts the payload as JSON', async () => {
    expect(await httpCheckClient.check(`${base}/commit`, { messageId: 'm1', checkCount: 1 }, 500)).toBe('COMMIT');
    expect(await httpCheckClient.check(`${base}/rollback`, { messageId: 'm2' }, 500)).toBe('ROLLBACK');
    expect(received[0]).toEqual({ messageId: 'm1', checkCount: 1 });
  });

  it.each([
    ['a lowercase answer', '/lowercase'],
    ['a JSON null', '/null'],
    ['an error status, whatever its body', '/error'],
  ])('counts %s as UNKNOWN', async (_name, path) => {
    expect(await httpCheckClient.check(`${base}${path}`, {}, 500)).toBe('UNKNOWN');
  });

  it('counts an endpoint that is down, or answers after the deadline, as UNKNOWN, and gives up at the deadline', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/check`;
    await new Promise((resolve) => closed.close(resolve));
    expect(await httpCheckClient.check(closedUrl, {}, 500)).toBe('UNKNOWN');
    const started = Date.now();
    expect(await httpCheckClient.check(`${base}/slow`, {}, 200)).toBe('UNKNOWN');
    expect(Date.now() - started).toBeLessThan(900); // the deadline, not the endpoint, ended the wait
  });
});

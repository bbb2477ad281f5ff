// A producer's check-back endpoint on 127.0.0.1, for the tests and the chaos run: answers each check as its caller says,
// and records the calls.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A valid answer, or a way to fail: not JSON, 5 s late, HTTP 500, a lowercase status, a redirect to itself. */
export type CheckBehaviour =
  'COMMIT' | 'ROLLBACK' | 'UNKNOWN' | 'GARBAGE' | 'SLOW' | 'ERROR' | 'LOWERCASE_COMMIT' | 'REDIRECT';

/** The fields of a check-back payload that an answer may depend on. */
export interface Check {
  messageId: string;
  checkCount: number;
  properties?: Record<string, string>;
}

export interface CheckEndpoint {
  url: string;
  calls: Array<{ messageId: string; checkCount: number }>;
  answer: (check: Check) => CheckBehaviour;
  close(): Promise<void>;
}

export async function startCheckEndpoint(answer: (check: Check) => CheckBehaviour): Promise<CheckEndpoint> {
  const endpoint: CheckEndpoint = { url: '', calls: [], answer, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const check = JSON.parse(body) as Check;
      endpoint.calls.push({ messageId: check.messageId, checkCount: check.checkCount });
      const behaviour = endpoint.answer(check);
      if (behaviour === 'SLOW') {
        setTimeout(() => response.end(JSON.stringify({ status: 'COMMIT' })), 5000).unref();
      } else if (behaviour === 'ERROR') {
        response.writeHead(500).end('oops');
      } else if (behaviour === 'GARBAGE') {
        response.end('<html>not json</html>');
      } else if (behaviour === 'LOWERCASE_COMMIT') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'commit' }));
      } else if (behaviour === 'REDIRECT') {
        response.writeHead(302, { location: endpoint.url }).end();
      } else {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: behaviour }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/check`;
  endpoint.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return endpoint;
}

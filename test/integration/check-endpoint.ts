// A producer's check-back endpoint on 127.0.0.1 for tests: answers per message as the test says, and records the calls.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type CheckBehaviour = 'COMMIT' | 'ROLLBACK' | 'UNKNOWN' | 'GARBAGE' | 'SLOW' | 'ERROR';

export interface CheckEndpoint {
  url: string;
  calls: Array<{ messageId: string; checkCount: number }>;
  answer: (messageId: string) => CheckBehaviour;
  close(): Promise<void>;
}

export async function startCheckEndpoint(answer: (messageId: string) => CheckBehaviour): Promise<CheckEndpoint> {
  const endpoint: CheckEndpoint = { url: '', calls: [], answer, close: async () => undefined };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const payload = JSON.parse(body) as { messageId: string; checkCount: number };
      endpoint.calls.push({ messageId: payload.messageId, checkCount: payload.checkCount });
      const behaviour = endpoint.answer(payload.messageId);
      if (behaviour === 'SLOW') {
        setTimeout(() => response.end(JSON.stringify({ status: 'COMMIT' })), 5000).unref();
      } else if (behaviour === 'ERROR') {
        response.writeHead(500).end('oops');
      } else if (behaviour === 'GARBAGE') {
        response.end('<html>not json</html>');
      } else {
        response.end(JSON.stringify({ status: behaviour }));
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

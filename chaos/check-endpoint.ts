// The producers' check-back endpoint on 127.0.0.1: answers by the message's `intent` property, as a producer's own database would.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChaosCheckEndpoint {
  url: string;
  calls: number;
  close(): Promise<void>;
}

/** COMMIT for intents that commit, ROLLBACK for those that roll back; `check-late-commit` answers UNKNOWN once first. */
export async function startChaosCheckEndpoint(): Promise<ChaosCheckEndpoint> {
  const answeredUnknown = new Set<string>();
  const endpoint: ChaosCheckEndpoint = { url: '', calls: 0, close: async () => undefined };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      endpoint.calls++;
      const payload = JSON.parse(body) as { messageId: string; properties?: Record<string, string> };
      const intent = payload.properties?.intent ?? '';
      let status = 'UNKNOWN';
      if (intent === 'rollback' || intent === 'check-rollback') status = 'ROLLBACK';
      else if (intent === 'commit' || intent === 'check-commit') status = 'COMMIT';
      else if (intent === 'check-late-commit') status = answeredUnknown.has(payload.messageId) ? 'COMMIT' : 'UNKNOWN';
      answeredUnknown.add(payload.messageId);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
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

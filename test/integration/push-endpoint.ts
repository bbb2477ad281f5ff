// A push endpoint on 127.0.0.1 for tests: answers each request as the test says, records every request, and counts
// the requests in flight at once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PushCall {
  messageId: string;
  body: string;
  messageGroup?: string;
  deliveryAttempt: number;
  /** The raw request body and signature header, for signature checks. */
  raw: string;
  signature: string | undefined;
}

export interface PushAnswerSpec {
  status: number;
  retryAfter?: string;
  /** Answer after this long (the endpoint's own latency, to make requests overlap). */
  delayMs?: number;
}

export interface PushEndpoint {
  url: string;
  calls: PushCall[];
  inFlight: number;
  maxInFlight: number;
  /** Resolves once `count` calls matching `match` arrived. */
  until(count: number, match?: (call: PushCall) => boolean): Promise<PushCall[]>;
  close(): Promise<void>;
}

export async function startPushEndpoint(answer: (call: PushCall) => PushAnswerSpec): Promise<PushEndpoint> {
  const waiters = new Set<() => void>();
  const endpoint: PushEndpoint = {
    url: '',
    calls: [],
    inFlight: 0,
    maxInFlight: 0,
    until: (count, match = () => true) =>
      new Promise((resolve) => {
        const check = () => {
          const matching = endpoint.calls.filter(match);
          if (matching.length < count) return;
          waiters.delete(check);
          resolve(matching);
        };
        waiters.add(check);
        check();
      }),
    close: async () => undefined,
  };
  const server: Server = createServer((request, response) => {
    endpoint.inFlight++;
    endpoint.maxInFlight = Math.max(endpoint.maxInFlight, endpoint.inFlight);
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const message = JSON.parse(raw) as Omit<PushCall, 'raw' | 'signature'>;
      const call: PushCall = {
        messageId: message.messageId,
        body: message.body,
        deliveryAttempt: message.deliveryAttempt,
        ...(message.messageGroup === undefined ? {} : { messageGroup: message.messageGroup }),
        raw,
        signature: request.headers['ferry-signature'] as string | undefined,
      };
      const spec = answer(call);
      const reply = () => {
        endpoint.inFlight--;
        // Recorded as answered, so that a test waiting for a call sees it settled on the endpoint's side.
        endpoint.calls.push(call);
        response.writeHead(spec.status, spec.retryAfter === undefined ? {} : { 'retry-after': spec.retryAfter });
        response.end();
        for (const waiter of [...waiters]) waiter();
      };
      if (spec.delayMs === undefined) reply();
      else setTimeout(reply, spec.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
  endpoint.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return endpoint;
}

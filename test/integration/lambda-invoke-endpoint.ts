// Lambda's Invoke API on 127.0.0.1, which no engine here provides: runs a handler in this process, as Lambda would run
// the deployed function, so that the SDK call and the payloads are the real ones.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LambdaInvokeEndpoint {
  url: string;
  /** The function name and the event of every invocation, in arrival order. */
  invocations: Array<{ functionName: string; event: unknown }>;
  close(): Promise<void>;
}

/** A handler that throws is answered as Lambda does: 200 with X-Amz-Function-Error and the error as the payload. */
export async function startLambdaInvokeEndpoint(
  handler: (event: unknown) => Promise<unknown>,
): Promise<LambdaInvokeEndpoint> {
  const invocations: LambdaInvokeEndpoint['invocations'] = [];
  const server: Server = createServer((request, response) => {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.url ?? '');
    if (request.method !== 'POST' || match === null) {
      response.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString()) as unknown;
      invocations.push({ functionName: decodeURIComponent(match[1]!), event });
      handler(event).then(
        (result) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result)),
        (error: unknown) =>
          response.writeHead(200, { 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' }).end(
            JSON.stringify({
              errorType: 'Error',
              errorMessage: error instanceof Error ? error.message : String(error),
            }),
          ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    invocations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

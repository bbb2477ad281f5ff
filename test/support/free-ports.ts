// Free ports on 127.0.0.1 for a stack started in a child process, as `ferry local` (the tests and the chaos run).
import { createServer } from 'node:net';

/** Whether a server could listen on this port of 127.0.0.1 now. */
export async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (listening) await new Promise((resolve) => server.close(resolve));
  return listening;
}

/**
 * Three free ports in a row (the API's, then the engines' at + 1 and + 2, as `ferry local` takes them), below Linux's
 * ephemeral range so that no outgoing connection takes one meanwhile (a parallel test's, or one made between two
 * incarnations of a stack).
 */
export async function freePortTriple(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await canListen(port)) && (await canListen(port + 1)) && (await canListen(port + 2))) return port;
  }
}

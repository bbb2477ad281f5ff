// Starts one part of the local stack as a Node child process of its own, as AWS runs each function apart, and talks
// to it over the IPC channel: one message to say it is ready (or why it failed), requests answered by id.
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What a child sends its parent. */
export type ChildMessage =
  | { kind: 'ready'; detail?: unknown }
  | { kind: 'failed'; message: string }
  | { kind: 'reply'; id: number; error?: string }
  | { kind: 'event'; detail: unknown };

/** What a parent sends a child. */
export interface ChildRequest {
  kind: 'request';
  id: number;
  call: string;
}

export interface ChildHandle {
  readonly process: ChildProcess;
  /** What the child said with its `ready` message. */
  readonly detail: unknown;
  /** Asks the child to do `call` and resolves when it says it has. */
  request(call: string): Promise<void>;
  /** Asks the child to stop and waits for it to exit (killed after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Forks `moduleUrl` (a sibling module given as `new URL('./x.ts', import.meta.url)`) with `env`. Run from the
 * TypeScript sources, the child loads them through tsx as the parent does; run from the package, it is plain JavaScript.
 */
export async function startChildModule(
  moduleUrl: URL,
  env: Record<string, string | undefined>,
  onEvent: (detail: unknown) => void = () => {},
  onUnexpectedExit: (description: string) => void = exitWithParent,
): Promise<ChildHandle> {
  // Compiled (the package), the sibling named by its `.ts` source is the `.js` that tsc wrote beside this module.
  const path = fileURLToPath(moduleUrl).replace(/\.ts$/, import.meta.url.endsWith('.js') ? '.js' : '.ts');
  // Node 22 warns that node:sqlite (fauxqs's data folder) is experimental: that is fauxqs's choice, not news for the user.
  const execArgv = [
    ...(path.endsWith('.ts') ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : []),
    '--disable-warning=ExperimentalWarning',
  ];
  const child = fork(path, [], { env, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // However this process ends, the child must not outlive it (it also exits when the IPC channel closes).
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));

  let stopping = false;
  let nextId = 1;
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const detail = await new Promise<unknown>((resolve, reject) => {
    child.on('message', (message: ChildMessage) => {
      if (message.kind === 'ready') resolve(message.detail);
      else if (message.kind === 'failed') reject(new Error(message.message));
      else if (message.kind === 'event') onEvent(message.detail);
      else if (message.kind === 'reply') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error === undefined) waiter?.resolve();
        else waiter?.reject(new Error(message.error));
      }
    });
    child.once('exit', (code, signal) => {
      const error = new Error(`${path} exited (${signal ?? `code ${code}`})`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
  });

  // A part that dies while the stack runs would leave it half working (no dispatch, or no queues): say so, loudly.
  child.once('exit', (code, signal) => {
    if (!stopping) onUnexpectedExit(`${path} exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  return {
    process: child,
    detail,
    request(call) {
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ kind: 'request', id, call } satisfies ChildRequest);
      });
    },
    async stop(graceMs = 10_000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      if (child.connected) child.send({ kind: 'request', id: 0, call: 'stop' } satisfies ChildRequest);
      else child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The default when a part dies: the stack cannot go on without it, so neither does this process. */
function exitWithParent(description: string): void {
  console.error(`ferry: ${description}; stopping`);
  process.exit(1);
}

/**
 * The child's side: answers requests with `handlers` (a `stop` request also ends the process after its handler), and
 * exits when the parent goes away.
 */
export function serveParent(handlers: Record<string, () => Promise<void>>): {
  ready(detail?: unknown): void;
  failed(error: unknown): never;
  event(detail: unknown): void;
} {
  const send = (message: ChildMessage) => {
    if (process.connected) process.send?.(message);
  };
  process.on('message', (request: ChildRequest) => {
    if (request.kind !== 'request') return;
    const handler = handlers[request.call];
    void (async () => {
      try {
        if (handler === undefined) throw new Error(`no such call: ${request.call}`);
        await handler();
        if (request.id !== 0) send({ kind: 'reply', id: request.id });
      } catch (error) {
        send({ kind: 'reply', id: request.id, error: error instanceof Error ? error.message : String(error) });
      }
      if (request.call === 'stop') process.exit(0);
    })();
  });
  // The parent died or closed the channel: nothing would stop this process otherwise.
  process.on('disconnect', () => void (handlers.stop?.() ?? Promise.resolve()).finally(() => process.exit(0)));
  // Ctrl-C (SIGINT) reaches the terminal's whole process group, and a supervisor's SIGTERM may too: the parent stops
  // this process when it stops itself (a part stopping first would look like a crash to it).
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  return {
    ready: (detail) => send({ kind: 'ready', detail }),
    failed(error) {
      send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    },
    event: (detail) => send({ kind: 'event', detail }),
  };
}

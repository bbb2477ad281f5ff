// `ferry local` as a user runs it, in its own process group, so that SIGKILL takes DynamoDB Local (Java) down with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canListen } from '../test/support/free-ports.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface StackProcessOptions {
  dataDir: string;
  /** The API's port; DynamoDB Local and fauxqs take the next two, as `ferry local` does. */
  port: number;
  /** FERRY_* and FERRY_CHAOS_* settings of the stack. */
  env: Record<string, string>;
  /** Told when the stack died without being killed (it is started again). */
  onUnplannedExit?: (incarnation: number, code: number | null, lastLines: string) => void;
}

/** Starts, kills and restarts the stack; every incarnation logs to `stack-<n>.log` in the data folder. */
export class StackProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private killing = false;
  private stopped = false;
  private log: WriteStream | undefined;
  private tail: string[] = [];
  /** Faults injected by each incarnation, by process (the API's and the background one), as its last summary line said. */
  private readonly faults: Array<Map<string, Record<string, number>>> = [];
  /** A restart after an unplanned exit, while it runs; a failed one is reported by the next kill or stop. */
  private restarting: Promise<void> = Promise.resolve();
  incarnations = 0;
  unplannedExits = 0;

  constructor(private readonly options: StackProcessOptions) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  /** Starts an incarnation and resolves once it says it is up; one that dies while starting is started again. */
  async start(): Promise<void> {
    for (let failures = 0; ; failures++) {
      // stop() while starting: the incarnation it killed is not started again.
      if (this.stopped || (await this.startOnce())) return;
      if (failures >= 5)
        throw new Error(`the stack did not start 6 times in a row; last output:\n${this.tail.join('\n')}`);
    }
  }

  /** SIGKILL to the whole process group (tsx, Node and Java), then waits until it is gone. */
  async kill(): Promise<void> {
    await this.restarting;
    const child = this.child;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    this.killing = true;
    process.kill(-child.pid, 'SIGKILL');
    await this.exited;
    await waitForGroupGone(child.pid);
    this.killing = false;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.kill();
    this.log?.end();
  }

  faultsInjected(): Record<string, number> {
    const total: Record<string, number> = {};
    for (const byProcess of this.faults)
      for (const counts of byProcess.values())
        for (const [key, n] of Object.entries(counts)) total[key] = (total[key] ?? 0) + n;
    return total;
  }

  private async startOnce(): Promise<boolean> {
    await waitForPortsFree([this.options.port, this.options.port + 1, this.options.port + 2]);
    const incarnation = this.incarnations++;
    this.log?.end();
    this.log = createWriteStream(join(this.options.dataDir, `stack-${incarnation}.log`));
    const faults = new Map<string, Record<string, number>>();
    this.faults[incarnation] = faults;
    const child = spawn(
      join(ROOT, 'node_modules/.bin/tsx'),
      ['--disable-warning=ExperimentalWarning', 'bin/ferry.ts', 'local'],
      {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          ...this.options.env,
          // The project's Node 22 (the `node` devDependency) first, as npm scripts have it.
          PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}`,
          // Each incarnation draws other faults.
          FERRY_CHAOS_SEED: String(Number(this.options.env.FERRY_CHAOS_SEED ?? 1) * 1000 + incarnation),
          FERRY_PORT: String(this.options.port),
          FERRY_DATA_DIR: this.options.dataDir,
          POWERTOOLS_LOG_LEVEL: 'WARN',
        },
      },
    );
    this.child = child;
    let isUp = false;
    let up!: (ok: boolean) => void;
    const started = new Promise<boolean>((resolve) => (up = resolve));
    const onLine = (line: string) => {
      const summary = /^ferry-chaos-faults (\d+) (.*)$/.exec(line);
      if (summary !== null) {
        faults.set(summary[1]!, JSON.parse(summary[2]!) as Record<string, number>);
        return;
      }
      this.log?.write(`${line}\n`);
      this.tail = [...this.tail.slice(-29), line];
      if (line.startsWith('Press Ctrl-C')) {
        isUp = true;
        up(true);
      }
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (buffered + chunk.toString()).split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      });
    }
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        up(false);
        // Dying while starting is answered by start() itself; dying once up is an outage to recover from.
        if (isUp && !this.killing && !this.stopped) {
          this.unplannedExits++;
          this.options.onUnplannedExit?.(incarnation, code, this.tail.join('\n'));
          // Whatever it left running in its group goes too, then it starts again, as an operator's supervisor would.
          if (child.pid !== undefined) signalGroup(child.pid);
          this.restarting = this.start();
        }
        resolve();
      }),
    );
    return started;
  }
}

function signalGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function waitForGroupGone(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    await sleep(50);
  }
}

async function waitForPortsFree(ports: number[]): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += 100) {
    if ((await Promise.all(ports.map(canListen))).every(Boolean)) return;
    await sleep(100);
  }
  throw new Error(`ports ${ports.join(', ')} are still taken 30 s after the stack was killed`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

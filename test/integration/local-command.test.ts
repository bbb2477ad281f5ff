// `npm start` as a user runs it: `ferry local` in a child process, with a relative data folder, stopped by Ctrl-C.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FerryClient } from '../../client/index.ts';
import { freePortTriple } from '../support/free-ports.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DATA_DIR = `.ferry-test-${process.pid}`;

afterAll(() => rmSync(`${ROOT}/${DATA_DIR}`, { recursive: true, force: true }));

async function answers(url: string): Promise<boolean> {
  return fetch(url).then(
    () => true,
    () => false,
  );
}

/** Processes whose command line names `marker` and whose environment holds `FERRY_PORT=<port>`: the stack's own. */
function processesOfStack(marker: string, port: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return (
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker) &&
          readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`FERRY_PORT=${port}`)
        );
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

describe('ferry local (npm start)', () => {
  it('starts from a fresh data folder, prints its URLs, answers health, delivers through its background process, and Ctrl-C stops everything it started', async () => {
    const port = await freePortTriple();
    const child = spawn(
      `${ROOT}/node_modules/.bin/tsx`,
      ['--disable-warning=ExperimentalWarning', 'bin/ferry.ts', 'local'],
      {
        cwd: ROOT,
        env: { ...process.env, FERRY_PORT: String(port), FERRY_DATA_DIR: DATA_DIR },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    for (
      let waited = 0;
      !output.includes('Press Ctrl-C') && waited < 60_000 && child.exitCode === null;
      waited += 200
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(output).toContain(`HTTP API   http://127.0.0.1:${port}/v1`);
    expect(output).toContain(`DynamoDB   http://127.0.0.1:${port + 1}`);
    const health = await fetch(`http://127.0.0.1:${port}/v1/health`);
    expect(health.status).toBe(200);
    expect(existsSync(`${ROOT}/${DATA_DIR}/dynamodb`)).toBe(true);

    // The dispatcher and the tick run in a process of their own, the SQS emulator in another.
    expect(processesOfStack('background-process', port)).toHaveLength(1);
    expect(processesOfStack('sqs-emulator-process', port)).toHaveLength(1);
    const client = new FerryClient({ baseUrl: `http://127.0.0.1:${port}` });
    await client.putTopic('local-orders', 'NORMAL');
    await client.putGroup('local-billing', [{ topic: 'local-orders' }]);
    const { messageId } = await client.publish('local-orders', { body: 'order 1' });
    const [received] = await client.receive('local-billing', { waitSeconds: 20 });
    expect(received?.messageId).toBe(messageId);
    await client.ack('local-billing', [received!.receiptHandle]);
    // What the background process counted reaches the API's figures (forwarded every 200 ms).
    let dispatched = 0;
    for (let waited = 0; dispatched === 0 && waited < 5_000; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const figures = (await (await fetch(`http://127.0.0.1:${port}/v1/metrics`)).json()) as {
        groups: Record<string, { totals: { dispatched: number; acked: number } }>;
      };
      dispatched = figures.groups['local-billing']?.totals.dispatched ?? 0;
    }
    expect(dispatched).toBe(1);

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await answers(`http://127.0.0.1:${port}/v1/health`)).toBe(false);
    expect(await answers(`http://127.0.0.1:${port + 1}`)).toBe(false); // DynamoDB Local (Java) is gone too
    expect(await answers(`http://127.0.0.1:${port + 2}`)).toBe(false);
    expect(processesOfStack('background-process', port)).toEqual([]);
    expect(processesOfStack('sqs-emulator-process', port)).toEqual([]);
  });

  it('refuses a DynamoDB port something already listens on (a DynamoDB Local left by a killed stack) rather than use it', async () => {
    const port = await freePortTriple();
    const squatter = createServer().listen(port + 1, '127.0.0.1');
    await new Promise((resolve) => squatter.once('listening', resolve));
    try {
      const child = spawn(
        `${ROOT}/node_modules/.bin/tsx`,
        ['--disable-warning=ExperimentalWarning', 'bin/ferry.ts', 'local'],
        { cwd: ROOT, env: { ...process.env, FERRY_PORT: String(port), FERRY_DATA_DIR: DATA_DIR } },
      );
      let output = '';
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain(`ferry: port ${port + 1} is in use`);
      expect(processesOfStack('DynamoDBLocal', port)).toEqual([]);
    } finally {
      squatter.close();
    }
  });
});

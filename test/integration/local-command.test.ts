// `npm start` as a user runs it: `ferry local` in a child process, with a relative data folder, stopped by Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
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

describe('ferry local (npm start)', () => {
  it('starts from a fresh data folder, prints its URLs, answers health, and Ctrl-C stops everything it started', async () => {
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

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(await answers(`http://127.0.0.1:${port}/v1/health`)).toBe(false);
    expect(await answers(`http://127.0.0.1:${port + 1}`)).toBe(false); // DynamoDB Local (Java) is gone too
    expect(await answers(`http://127.0.0.1:${port + 2}`)).toBe(false);
  });
});

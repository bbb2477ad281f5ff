// `ferry smoke` as users run it against a deployment, here against the local stack: the command itself is tested.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

let stack: TestStack;
beforeAll(async () => {
  // Delays over 3 s take the tick's path, so the long path runs in seconds.
  stack = await startTestStack({ env: { FERRY_DIRECT_DELAY_LIMIT_SECONDS: '3', FERRY_TIMER_LEAD_SECONDS: '2' } });
});
afterAll(async () => {
  await stack?.stop();
});

/** `ferry smoke <args>` with FERRY_URL set to `ferryUrl`. */
function ferrySmoke(args: string[], ferryUrl: string): Promise<{ code: number; lines: string[] }> {
  const tsx = `${ROOT}/node_modules/.bin/tsx`;
  const command = ['--disable-warning=ExperimentalWarning', 'bin/ferry.ts', 'smoke', ...args];
  const env = { ...process.env, FERRY_URL: ferryUrl };
  return new Promise((resolve) => {
    execFile(tsx, command, { cwd: ROOT, env }, (error, stdout) => {
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), lines: stdout.trim().split('\n') });
    });
  });
}

/** `ferry smoke --url <the test stack> <args>`, with FERRY_URL at an address nothing listens on: --url wins. */
const smoke = (...args: string[]) => ferrySmoke(['--url', stack.apiUrl, ...args], 'http://127.0.0.1:9');

const checkLines = (lines: string[]) => lines.filter((line) => /^(ok|FAIL) /.test(line));

async function leftovers(): Promise<string[]> {
  const names = [...(await stack.client.listTopics()), ...(await stack.client.listGroups())].map((item) => item.name);
  return names.filter((name) => name.startsWith('smoke-'));
}

describe('ferry smoke', () => {
  it('--quick passes every check against a working Ferry, one line each, and leaves nothing behind', async () => {
    const { code, lines } = await smoke('--quick');
    expect(code, lines.join('\n')).toBe(0);
    expect(checkLines(lines).map((line) => line.slice(0, 4))).toEqual(Array(9).fill('ok  '));
    expect(lines.join('\n')).toMatch(/ok {4}SQL92 filter +\d+ ms/);
    expect(await leftovers()).toEqual([]);
  });

  it('without --url, checks the API that FERRY_URL names, as the other commands do', async () => {
    const { code, lines } = await ferrySmoke(['--quick'], stack.apiUrl);
    expect(code, lines.join('\n')).toBe(0);
    expect(lines[0]).toBe(`ferry smoke: ${stack.apiUrl} (quick)`);
    expect(lines.at(-1)).toBe('all 9 checks passed');
  });

  it('without --quick, the scheduled message waits in the table past the direct limit and still arrives', async () => {
    const { code, lines } = await smoke('--long-delay-seconds', '6', '--timeout-seconds', '30');
    expect(code, lines.join('\n')).toBe(0);
    expect(lines.find((line) => line.includes('past the direct limit'))).toMatch(/^ok .* SCHEDULED, delivered/);
  });

  it('a failed check exits non-zero, says why, and the run still cleans up', async () => {
    // 2 s is within this stack's direct limit, so the message does not take the long path the check asks for.
    const { code, lines } = await smoke('--long-delay-seconds', '2');
    expect(code).toBe(1);
    expect(lines.find((line) => line.includes('past the direct limit'))).toMatch(/^FAIL .*READY, not SCHEDULED/);
    expect(lines.find((line) => line.includes('clean up'))).toMatch(/^ok /);
    expect(lines.at(-1)).toBe('1 of 9 checks failed');
    expect(await leftovers()).toEqual([]);
  });
});

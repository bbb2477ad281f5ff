// `ferry` given a command wrongly says what to give in one line and exits 2: no stack trace, no request sent.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function ferry(...args: string[]) {
  const [url, rest] = args[0]?.startsWith('FERRY_URL=') ? [args[0].slice(10), args.slice(1)] : [undefined, args];
  return spawnSync(
    `${ROOT}/node_modules/.bin/tsx`,
    ['--disable-warning=ExperimentalWarning', 'bin/ferry.ts', ...rest],
    // Nothing listens there: a usage error must be found before any request is sent.
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FERRY_URL: url ?? 'http://127.0.0.1:9' } },
  );
}

describe('ferry usage errors', () => {
  it.each([
    [['send', 'orders', 'x', '--property', 'noequals'], "--property takes key=value, got 'noequals'"],
    [['cancel', 'orders'], 'give a message id, or --key <key>'],
    [['messages', 'orders'], 'give --key <key>, or --from <time>'],
    [
      ['groups', 'create', 'billing', '--subscribe', 'orders:BOGUS:x'],
      '--subscribe takes topic[:TAG|SQL92:expression]',
    ],
    [['replay', 'billing'], 'give a topic and --from <time>'],
    [['send', 'timeouts', 'x', '--delay', 'abc'], "--delay takes a whole number, got 'abc'"],
    [['topics', 'create', 'orders', '--retention-hours', '1.5'], "--retention-hours takes a whole number, got '1.5'"],
    [['FERRY_URL=notaurl', 'topics', 'list'], "FERRY_URL (or --url) 'notaurl' is not an http(s) URL"],
    // Commander's own checks, read the same way.
    [['send'], "missing required argument 'topic' (see --help)"],
    [['send', 'orders', 'x', '--bogus'], "unknown option '--bogus' (see --help)"],
    [['bogus'], "unknown command 'bogus' (see --help)"],
    [['receive', 'billing', '--max'], "option '--max <n>' argument missing (see --help)"],
  ])('ferry %j: one line that says what to give, exit 2', (args, said) => {
    const { status, stderr, stdout } = ferry(...args);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`ferry: ${said}`);
  });
});

describe('ferry local with a bad setting', () => {
  it.each([
    [
      'FERRY_MAX_BODY_BYTES',
      '5000000',
      "FERRY_MAX_BODY_BYTES (5000000) must not exceed 4194304 (4 MiB, RocketMQ's limit)",
    ],
    ['FERRY_ENDPOINT_POLICY', 'open', "FERRY_ENDPOINT_POLICY must be 'public' or 'local', got 'open'"],
    ['FERRY_TICK_SECONDS', '0', 'FERRY_TICK_SECONDS must be greater than 0'],
  ])('%s=%s: one line that names the setting, exit 2, before any engine starts', (name, value, said) => {
    const parent = mkdtempSync(join(tmpdir(), 'ferry-local-'));
    const dataDir = join(parent, 'data');
    try {
      const { status, stderr, stdout } = spawnSync(
        `${ROOT}/node_modules/.bin/tsx`,
        ['--disable-warning=ExperimentalWarning', 'bin/ferry.ts', 'local'],
        {
          cwd: ROOT,
          encoding: 'utf8',
          // Ports of its own, should it start after all; the time limit keeps a stack that did from holding the run.
          env: { ...process.env, [name]: value, FERRY_DATA_DIR: dataDir, FERRY_PORT: '4790' },
          timeout: 30_000,
        },
      );
      expect(status).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toEqual([`ferry: ${said}`]);
      // The engines would have made their data folder.
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});

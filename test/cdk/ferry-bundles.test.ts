// The Lambda bundles as `cdk synth` makes them: the API's bundle answers the OpenAPI document its routes generate,
// without carrying the generator; and every function the stack deploys is one that the bundle benchmark measures.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CfnFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../lambda/api/app.ts';
import type { FerryServices } from '../../lambda/core/services.ts';
import { HANDLER_FILES } from '../../lib/parts/bundling.ts';
import { bundleHandler } from '../../scripts/handler-bundles.ts';
import { synthFerryStack } from './ferry-app.ts';

const { app, stack, template } = synthFerryStack({}, 'FerryBundles');
const apiBundle = join(bundleDirectory(stack.ferry.apiFunction.node.defaultChild as CfnFunction), 'index.mjs');

/** Where `cdk synth` put a function's bundle: the asset directory its S3 key names. */
function bundleDirectory(fn: CfnFunction): string {
  const { s3Key } = stack.resolve(fn.code) as { s3Key: string };
  return join(app.outdir, `asset.${s3Key.replace(/\.zip$/, '')}`);
}

/** A fresh Node process imports the bundle, as Lambda does, and hands its handler an HTTP API request. */
function invokeApiBundle(path: string): { statusCode: number; headers: Record<string, string>; body: string } {
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.com' },
    requestContext: {
      domainName: 'api.example.com',
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'request',
      routeKey: '$default',
      stage: '$default',
    },
    isBase64Encoded: false,
  };
  const script = `const { handler } = await import(${JSON.stringify(apiBundle)});
const result = await handler(${JSON.stringify(event)}, { awsRequestId: 'request', getRemainingTimeInMillis: () => 3000 });
process.stdout.write('\\n' + JSON.stringify(result));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'WARN',
    },
    encoding: 'utf8',
  });
  return JSON.parse(out.slice(out.lastIndexOf('\n') + 1)) as ReturnType<typeof invokeApiBundle>;
}

describe('the API bundle', () => {
  it('answers GET /v1/openapi.json with the document its routes generate, written in at synth', async () => {
    const answer = invokeApiBundle('/v1/openapi.json');
    // Documents need no services: the routes' handlers are never called.
    const generated = await (await createApp({} as FerryServices).request('/v1/openapi.json')).json();
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual(generated);
  });

  it('carries neither the tick, nor push, nor dispatch: it serves requests only (createApiServices)', () => {
    const source = readFileSync(apiBundle, 'utf8');
    // Fault codes that only the pusher, the dispatcher and the tick's sweep report.
    for (const code of ['PUSH_RETRY_NOT_SET', 'DISPATCH_MARK_NOT_WRITTEN', 'SWEPT', 'TICK_MESSAGE_FAILED'])
      expect(source, code).not.toContain(code);
    expect(source).toContain('RECEIPT_HANDLE_OTHER_GROUP');
  });

  it('carries no OpenAPI generator: the one bundled in its place throws', () => {
    const source = readFileSync(apiBundle, 'utf8');
    // Messages of @asteasolutions/zod-to-openapi's generator, and of the module bundled in its place.
    expect(source).not.toContain('Unknown zod object type');
    expect(source).not.toContain('Conflicting location for parameter');
    expect(source).toContain('no OpenAPI generator in this bundle');
  });
});

describe('the functions', () => {
  it('are the handler files that `npm run bench -- bundles` bundles and times, one function each', () => {
    template.resourceCountIs('AWS::Lambda::Function', HANDLER_FILES.length);
  });

  it('are bundled from the sources byte for byte as the package build bundles them (scripts/handler-bundles.ts)', async () => {
    // The installed construct deploys what the build bundled; from the sources it bundles at synth. Two sets of the
    // same esbuild options, kept equal by this test.
    const out = mkdtempSync(join(tmpdir(), 'ferry-build-bundles-'));
    try {
      const byHandler = {
        api: stack.ferry.apiFunction,
        dispatcher: stack.ferry.dispatcherFunction,
        tick: stack.ferry.tickFunction,
        'tick-shard': stack.ferry.tickShardFunction,
        'stream-redrive': stack.ferry.streamRedriveFunction,
        pusher: stack.ferry.pusherFunction,
      } satisfies Record<(typeof HANDLER_FILES)[number], LambdaFunction>;
      for (const handler of HANDLER_FILES) {
        const built = join(out, handler, 'index.mjs');
        await bundleHandler(handler, built);
        const fn = byHandler[handler].node.defaultChild as CfnFunction;
        expect(readFileSync(join(bundleDirectory(fn), 'index.mjs'), 'utf8'), handler).toBe(readFileSync(built, 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('the bundles of the functions that run one service', () => {
  // Issue 14: every bundle ≤ 500 KB minified. The API is over (docs/benchmarks.md, Bundles, says why); these are not,
  // as long as each builds only its service (lambda/aws/core-ports.ts, lambda/aws/services.ts).
  const { dispatcherFunction, tickFunction, tickShardFunction, streamRedriveFunction, pusherFunction } = stack.ferry;
  it.each(
    Object.entries({ dispatcherFunction, tickFunction, tickShardFunction, streamRedriveFunction, pusherFunction }),
  )('%s is at most 500 KB', (_name, fn: LambdaFunction) => {
    const bytes = statSync(join(bundleDirectory(fn.node.defaultChild as CfnFunction), 'index.mjs')).size;
    expect(bytes).toBeLessThanOrEqual(500 * 1024);
  });

  it('of the dispatcher carries neither the Scheduler client nor the outbound calls (ipaddr.js)', () => {
    const source = readFileSync(
      join(bundleDirectory(dispatcherFunction.node.defaultChild as CfnFunction), 'index.mjs'),
      'utf8',
    );
    expect(source).not.toContain('AWSChronosService');
    expect(source).not.toContain('ipaddr');
    expect(source).toContain('DynamoDB_20120810');
  });

  it.each(Object.entries({ apiFunction: stack.ferry.apiFunction, pusherFunction }))(
    'of %s, which read and write large bodies, carry no SDK S3 client (lambda/aws/s3-objects.ts signs its two calls)',
    (_name, fn: LambdaFunction) => {
      const source = readFileSync(join(bundleDirectory(fn.node.defaultChild as CfnFunction), 'index.mjs'), 'utf8');
      expect(source).not.toContain('com.amazonaws.s3');
      expect(source).toContain('x-amz-checksum-sha256');
    },
  );
});

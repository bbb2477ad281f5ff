// The client entry (`ferry-mq/client`) is what a service imports: it must not pull in the CDK or Ferry's runtime.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the client entry point', () => {
  it('bundles without aws-cdk-lib, constructs or any module of lambda/ (types only)', async () => {
    const result = await build({
      entryPoints: ['client/index.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('client/consumer.ts');
    expect(inputs.filter((input) => /aws-cdk-lib|node_modules\/constructs|^lambda\//.test(input))).toEqual([]);
  });
});

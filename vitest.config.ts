// Four test projects: `unit` (no engines, no Java: seconds), `integration` (DynamoDB Local and fauxqs, started once by
// globalSetup), `cdk` (template tests) and `package` (the packed tarball installed and used). `npm test` runs all four;
// `npm run test:unit` the first alone.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // Environment variables a test stubs are restored after it, so that no file sees another's.
    unstubEnvs: true,
    // Test runs print test results, not the stack's INFO lines (every tick, every redrive); warnings and errors still show.
    env: { POWERTOOLS_LOG_LEVEL: 'WARN' },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/contract/memory.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/contract/aws.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
        },
      },
      // Template tests share nothing but aws-cdk-lib, whose import (seconds) one worker then pays once, not per file.
      { extends: true, test: { name: 'cdk', include: ['test/cdk/**/*.test.ts'], isolate: false } },
      // The packed tarball installed into a fresh CDK app (a minute or so: npm pack builds, npm install from cache).
      { extends: true, test: { name: 'package', include: ['test/package/**/*.test.ts'] } },
    ],
  },
});

import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lambda/core/config.ts';

describe('configuration', () => {
  it('has defaults that work without any variable', () => {
    expect(readConfig({})).toMatchObject({
      tableName: 'ferry',
      queuePrefix: 'ferry-',
      maxBodyBytes: 4 * 1024 * 1024,
      bodyBucket: 'ferry-bodies',
      defaultRetentionHours: 72,
      directDelayLimitSeconds: 900,
      maxDelayDays: 365,
    });
  });

  it('reads every FERRY_ variable and caps the direct delay at SQS’s 900 s', () => {
    const config = readConfig({
      FERRY_TABLE_NAME: 't',
      FERRY_QUEUE_PREFIX: 'x-',
      FERRY_MAX_BODY_BYTES: '10',
      FERRY_DIRECT_DELAY_LIMIT_SECONDS: '5000',
      FERRY_CATALOG_CACHE_SECONDS: '0',
    });
    expect(config).toMatchObject({
      tableName: 't',
      queuePrefix: 'x-',
      maxBodyBytes: 10,
      directDelayLimitSeconds: 900,
      catalogCacheSeconds: 0,
    });
  });

  it("refuses a queue prefix that could overlap another's: not letters or digits and one final '-'", () => {
    for (const prefix of ['ferry', 'dev_1-', 'a-b-', '123456789-'])
      expect(() => readConfig({ FERRY_QUEUE_PREFIX: prefix })).toThrow(
        /FERRY_QUEUE_PREFIX must be 1 to 8 letters or digits/,
      );
    expect(readConfig({ FERRY_QUEUE_PREFIX: 'dev1-', FERRY_STACK_NAME: 'Dev' })).toMatchObject({
      queuePrefix: 'dev1-',
      stackName: 'Dev',
    });
  });

  it('refuses a setting that is not a number, naming the variable', () => {
    expect(() => readConfig({ FERRY_MAX_BODY_BYTES: 'lots' })).toThrow(/FERRY_MAX_BODY_BYTES/);
    expect(() => readConfig({ FERRY_MAX_BODY_BYTES: '0' })).toThrow(/FERRY_MAX_BODY_BYTES/);
  });

  it('refuses a body limit above 4 MiB, RocketMQ’s limit and what a Lambda answer can carry', () => {
    expect(() => readConfig({ FERRY_MAX_BODY_BYTES: String(4 * 1024 * 1024 + 1) })).toThrow(
      /FERRY_MAX_BODY_BYTES \(4194305\) must not exceed 4194304/,
    );
  });

  it('refuses, in Lambda, a sweep age that a write still in flight or the index lag could outlast', () => {
    const inLambda = { AWS_LAMBDA_FUNCTION_NAME: 'ferry-tick' };
    expect(() => readConfig({ ...inLambda, FERRY_SWEEP_AFTER_SECONDS: '30' })).toThrow(
      /FERRY_SWEEP_AFTER_SECONDS \(30\) must be at least 60 in Lambda/,
    );
    expect(readConfig({ ...inLambda, FERRY_SWEEP_AFTER_SECONDS: '60' }).sweepAfterSeconds).toBe(60);
    expect(readConfig(inLambda).sweepAfterSeconds).toBe(300);
    // The local stack indexes synchronously and its tests use a second.
    expect(readConfig({ FERRY_SWEEP_AFTER_SECONDS: '1' }).sweepAfterSeconds).toBe(1);
  });
});

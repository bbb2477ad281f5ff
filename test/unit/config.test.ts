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

  it('refuses a setting that is not a number, naming the variable', () => {
    expect(() => readConfig({ FERRY_MAX_BODY_BYTES: 'lots' })).toThrow(/FERRY_MAX_BODY_BYTES/);
    expect(() => readConfig({ FERRY_MAX_BODY_BYTES: '0' })).toThrow(/FERRY_MAX_BODY_BYTES/);
  });

  it('refuses a body limit above 4 MiB, RocketMQ’s limit and what a Lambda answer can carry', () => {
    expect(() => readConfig({ FERRY_MAX_BODY_BYTES: String(4 * 1024 * 1024 + 1) })).toThrow(
      /FERRY_MAX_BODY_BYTES \(4194305\) must not exceed 4194304/,
    );
  });
});

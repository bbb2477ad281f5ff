// Ferry's runtime settings, read once from the environment; the same variables configure AWS, LocalStack and the local stack.

export interface FerryConfig {
  /** FERRY_TABLE_NAME: the DynamoDB table holding messages, trace and catalog. */
  tableName: string;
  /** FERRY_QUEUE_PREFIX: every consumer-group queue is named with it (IAM grants queues by this prefix). */
  queuePrefix: string;
  /** FERRY_MAX_BODY_BYTES: largest message body accepted, UTF-8 bytes (413 beyond). */
  maxBodyBytes: number;
  /** FERRY_DEFAULT_RETENTION_HOURS: retention of a topic created without one (RocketMQ keeps 72 h). */
  defaultRetentionHours: number;
  /** FERRY_CATALOG_CACHE_SECONDS: how long a Lambda instance reuses a topic or a topic's subscriptions it read. */
  catalogCacheSeconds: number;
  /** FERRY_DIRECT_DELAY_LIMIT_SECONDS: delays up to this go straight to SQS with DelaySeconds (SQS allows 900). */
  directDelayLimitSeconds: number;
  /** FERRY_MAX_DELAY_DAYS: the longest delay a DELAY topic accepts (400 beyond). */
  maxDelayDays: number;
}

type Env = Record<string, string | undefined>;

export function readConfig(env: Env = process.env): FerryConfig {
  return {
    tableName: env.FERRY_TABLE_NAME ?? 'ferry',
    queuePrefix: env.FERRY_QUEUE_PREFIX ?? 'ferry-',
    maxBodyBytes: positiveNumber(env, 'FERRY_MAX_BODY_BYTES', 256 * 1024),
    defaultRetentionHours: positiveNumber(env, 'FERRY_DEFAULT_RETENTION_HOURS', 72),
    catalogCacheSeconds: nonNegativeNumber(env, 'FERRY_CATALOG_CACHE_SECONDS', 5),
    directDelayLimitSeconds: Math.min(900, nonNegativeNumber(env, 'FERRY_DIRECT_DELAY_LIMIT_SECONDS', 900)),
    maxDelayDays: positiveNumber(env, 'FERRY_MAX_DELAY_DAYS', 365),
  };
}

function nonNegativeNumber(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number >= 0, got '${raw}'`);
  return value;
}

function positiveNumber(env: Env, name: string, fallback: number): number {
  const value = nonNegativeNumber(env, name, fallback);
  if (value === 0) throw new Error(`${name} must be greater than 0`);
  return value;
}

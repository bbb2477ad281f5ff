// Ferry's runtime settings, read once from the environment; the same variables configure AWS, LocalStack and the local stack.
import type { EndpointPolicy, EndpointRules } from './endpoint-rules.ts';

import { QUEUE_PREFIX_PATTERN, QUEUE_PREFIX_RULE } from './names.ts';

export interface FerryConfig {
  /** FERRY_TABLE_NAME: the DynamoDB table holding messages, trace and catalog. */
  tableName: string;
  /** FERRY_QUEUE_PREFIX: every consumer-group queue is named with it (IAM grants queues by this prefix); see names.ts. */
  queuePrefix: string;
  /** FERRY_STACK_NAME: whose queues they are, in each queue's `ferry:stack` tag (the construct sets its stack's name). */
  stackName: string;
  /** FERRY_MAX_BODY_BYTES: largest message body accepted, UTF-8 bytes (413 beyond); at most 4 MiB, RocketMQ's limit. */
  maxBodyBytes: number;
  /** FERRY_BODY_BUCKET: the S3 bucket keeping bodies too large for a message's item (set by the CDK construct). */
  bodyBucket: string;
  /** FERRY_DEFAULT_RETENTION_HOURS: retention of a topic created without one (RocketMQ keeps 72 h). */
  defaultRetentionHours: number;
  /** FERRY_CATALOG_CACHE_SECONDS: how long a Lambda instance reuses a topic or a topic's subscriptions it read. */
  catalogCacheSeconds: number;
  /** FERRY_DIRECT_DELAY_LIMIT_SECONDS: delays up to this go straight to SQS with DelaySeconds (SQS allows 900). */
  directDelayLimitSeconds: number;
  /** FERRY_MAX_DELAY_DAYS: the longest delay a DELAY topic accepts (400 beyond). */
  maxDelayDays: number;
  /** FERRY_TIMER_LEAD_SECONDS: how long before its time the tick hands a scheduled message to SQS (at most the direct-delay limit). */
  timerLeadSeconds: number;
  /** FERRY_TIMER_BUCKET_SECONDS: width of a timer bucket in the due-time index. */
  timerBucketSeconds: number;
  /** FERRY_TIMER_SHARDS: shards per bucket, so that a busy minute is no hot partition. */
  timerShards: number;
  /** FERRY_SWEEP_AFTER_SECONDS: a READY message not handed on after this long is dispatched by the tick's sweep. */
  sweepAfterSeconds: number;
  /** FERRY_TICK_SECONDS: the tick's interval (the local stack's timer; in AWS the schedule runs every minute). */
  tickSeconds: number;
  /** FERRY_DEAD_LETTER_COUNT_SECONDS: how often the tick counts each group's dead letters (`deadLetterBacklog`). */
  deadLetterCountSeconds: number;
  /** FERRY_TXN_CHECK_FIRST_SECONDS: first check-back of an undecided transaction (RocketMQ transactionTimeOut, 6 s). */
  txnCheckFirstSeconds: number;
  /** FERRY_TXN_CHECK_INTERVAL_SECONDS: between check-backs (RocketMQ transactionCheckInterval, 60 s). */
  txnCheckIntervalSeconds: number;
  /** FERRY_TXN_CHECK_MAX: check-backs before an undecided transaction is rolled back (RocketMQ transactionCheckMax, 15). */
  txnCheckMax: number;
  /** FERRY_TXN_CHECK_TIMEOUT_SECONDS: how long a producer's check endpoint may take to answer. */
  txnCheckTimeoutSeconds: number;
  /**
   * Where check-backs (and pushes) may go: FERRY_ENDPOINT_POLICY `public` (the default, and what the construct sets:
   * https to public addresses only) or `local` (the local stack: http on loopback too); AWS_LAMBDA_RUNTIME_API, which
   * Lambda sets, is never a target.
   */
  endpointRules: EndpointRules;
  /** FERRY_TICK_SCHEDULE_NAME / FERRY_TICK_SCHEDULE_GROUP: the EventBridge Scheduler schedule whose state health reports (AWS). */
  tickScheduleName?: string;
  tickScheduleGroup: string;
  /** FERRY_TICK_SHARD_FUNCTION: the Lambda function that wakes one shard of the timer wheel; set, the tick fans out to it (AWS). */
  tickShardFunction?: string;
}

type Env = Record<string, string | undefined>;

/**
 * The settings a deployment may tune (the construct's `environment`): the others are set by the construct, or belong
 * to the local stack and the tests.
 */
export const TUNABLE_SETTINGS = [
  'FERRY_MAX_BODY_BYTES',
  'FERRY_DEFAULT_RETENTION_HOURS',
  'FERRY_CATALOG_CACHE_SECONDS',
  'FERRY_DIRECT_DELAY_LIMIT_SECONDS',
  'FERRY_MAX_DELAY_DAYS',
  'FERRY_TIMER_LEAD_SECONDS',
  'FERRY_TIMER_BUCKET_SECONDS',
  'FERRY_TIMER_SHARDS',
  'FERRY_TICK_SECONDS',
  'FERRY_SWEEP_AFTER_SECONDS',
  'FERRY_DEAD_LETTER_COUNT_SECONDS',
  'FERRY_TXN_CHECK_FIRST_SECONDS',
  'FERRY_TXN_CHECK_INTERVAL_SECONDS',
  'FERRY_TXN_CHECK_MAX',
  'FERRY_TXN_CHECK_TIMEOUT_SECONDS',
  // Fault injection for chaos runs (lambda/aws/fault-injection.ts).
  'FERRY_CHAOS_FAULT_RATE',
  'FERRY_CHAOS_SEED',
] as const;

/**
 * The largest body Ferry carries, RocketMQ's 4 MiB: as a JSON string it fits Lambda's 6 MB synchronous request and
 * answer (and API Gateway's 10 MB) with room for the rest of the message; wrapped again in base64 it would not.
 */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Twice API Gateway's 29 s timeout, rounded up: the least sweep age the walk is safe with in AWS. */
const MIN_SWEEP_AFTER_SECONDS_IN_LAMBDA = 60;

export function readConfig(env: Env = process.env): FerryConfig {
  const config: FerryConfig = {
    tableName: env.FERRY_TABLE_NAME ?? 'ferry',
    queuePrefix: queuePrefix(env.FERRY_QUEUE_PREFIX ?? 'ferry-'),
    stackName: env.FERRY_STACK_NAME || 'local',
    maxBodyBytes: positiveNumber(env, 'FERRY_MAX_BODY_BYTES', MAX_BODY_BYTES),
    bodyBucket: env.FERRY_BODY_BUCKET || 'ferry-bodies',
    defaultRetentionHours: positiveNumber(env, 'FERRY_DEFAULT_RETENTION_HOURS', 72),
    catalogCacheSeconds: nonNegativeNumber(env, 'FERRY_CATALOG_CACHE_SECONDS', 5),
    directDelayLimitSeconds: Math.min(900, nonNegativeNumber(env, 'FERRY_DIRECT_DELAY_LIMIT_SECONDS', 900)),
    maxDelayDays: positiveNumber(env, 'FERRY_MAX_DELAY_DAYS', 365),
    timerLeadSeconds: positiveNumber(env, 'FERRY_TIMER_LEAD_SECONDS', 180),
    timerBucketSeconds: positiveNumber(env, 'FERRY_TIMER_BUCKET_SECONDS', 60),
    timerShards: Math.floor(positiveNumber(env, 'FERRY_TIMER_SHARDS', 8)),
    tickSeconds: positiveNumber(env, 'FERRY_TICK_SECONDS', 60),
    sweepAfterSeconds: positiveNumber(env, 'FERRY_SWEEP_AFTER_SECONDS', 300),
    deadLetterCountSeconds: positiveNumber(env, 'FERRY_DEAD_LETTER_COUNT_SECONDS', 60),
    txnCheckFirstSeconds: nonNegativeNumber(env, 'FERRY_TXN_CHECK_FIRST_SECONDS', 6),
    txnCheckIntervalSeconds: positiveNumber(env, 'FERRY_TXN_CHECK_INTERVAL_SECONDS', 60),
    txnCheckMax: Math.floor(positiveNumber(env, 'FERRY_TXN_CHECK_MAX', 15)),
    txnCheckTimeoutSeconds: positiveNumber(env, 'FERRY_TXN_CHECK_TIMEOUT_SECONDS', 3),
    endpointRules: {
      policy: endpointPolicy(env.FERRY_ENDPOINT_POLICY),
      ...(env.AWS_LAMBDA_RUNTIME_API ? { runtimeApi: env.AWS_LAMBDA_RUNTIME_API } : {}),
    },
    ...(env.FERRY_TICK_SCHEDULE_NAME ? { tickScheduleName: env.FERRY_TICK_SCHEDULE_NAME } : {}),
    tickScheduleGroup: env.FERRY_TICK_SCHEDULE_GROUP ?? 'default',
    ...(env.FERRY_TICK_SHARD_FUNCTION ? { tickShardFunction: env.FERRY_TICK_SHARD_FUNCTION } : {}),
  };
  if (config.maxBodyBytes > MAX_BODY_BYTES) {
    throw new Error(
      `FERRY_MAX_BODY_BYTES (${config.maxBodyBytes}) must not exceed ${MAX_BODY_BYTES} (4 MiB, RocketMQ's limit)`,
    );
  }
  // The tick must hand a message on before SQS's direct delay could no longer cover the rest of its wait.
  if (config.timerLeadSeconds > config.directDelayLimitSeconds) {
    throw new Error(
      `FERRY_TIMER_LEAD_SECONDS (${config.timerLeadSeconds}) must not exceed FERRY_DIRECT_DELAY_LIMIT_SECONDS (${config.directDelayLimitSeconds})`,
    );
  }
  // The sweep's walk passes over each topic's index up to this age for good, so in Lambda every write that can still
  // land (the API's 29 s timeout) and the index's lag must be older than it.
  if (env.AWS_LAMBDA_FUNCTION_NAME && config.sweepAfterSeconds < MIN_SWEEP_AFTER_SECONDS_IN_LAMBDA) {
    throw new Error(
      `FERRY_SWEEP_AFTER_SECONDS (${config.sweepAfterSeconds}) must be at least ${MIN_SWEEP_AFTER_SECONDS_IN_LAMBDA} in Lambda: the sweep trusts that no write older than it is still to land (the API's timeout is 29 s, and the index lags behind the table)`,
    );
  }
  return config;
}

function queuePrefix(prefix: string): string {
  if (!QUEUE_PREFIX_PATTERN.test(prefix)) {
    throw new Error(`FERRY_QUEUE_PREFIX must be ${QUEUE_PREFIX_RULE}, got '${prefix}'`);
  }
  return prefix;
}

function endpointPolicy(raw: string | undefined): EndpointPolicy {
  if (raw === undefined || raw === '' || raw === 'public') return 'public';
  if (raw === 'local') return 'local';
  throw new Error(`FERRY_ENDPOINT_POLICY must be 'public' or 'local', got '${raw}'`);
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

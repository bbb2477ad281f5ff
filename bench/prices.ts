// AWS list prices (us-east-1, on demand, USD) that `npm run bench -- cost` turns counted work into; dated, with sources.

/**
 * As published on the AWS pricing pages below, read for this table on 2026-11-27 from the figures known to the team
 * (this machine has no internet access: check them against the pages before quoting a price to anyone). Free tiers are
 * left out: the figures are what a message costs once an account is past them.
 */
export const PRICES_AS_OF = '2026-11-27';

export const PRICES = {
  /** https://aws.amazon.com/dynamodb/pricing/on-demand/ — standard table class, after the 2024-11-01 reduction. */
  dynamoDbWriteRequestUnit: 0.625 / 1e6,
  dynamoDbReadRequestUnit: 0.125 / 1e6,
  /**
   * https://aws.amazon.com/dynamodb/pricing/provisioned/ — per capacity unit-hour, standard table class: one unit is one
   * write (or read request unit) per second, so a unit-hour serves 3,600 of them when fully used.
   */
  dynamoDbWriteCapacityUnitHour: 0.00065,
  dynamoDbReadCapacityUnitHour: 0.00013,
  /** Reads of a table's stream by a Lambda trigger are free (same page, "DynamoDB Streams"). */
  dynamoDbStreamReadByLambda: 0,
  /** https://aws.amazon.com/sqs/pricing/ — per request, each 64 KB chunk of a request's payload counted as one. */
  sqsStandardRequest: 0.4 / 1e6,
  sqsFifoRequest: 0.5 / 1e6,
  /** https://aws.amazon.com/lambda/pricing/ — Arm (Graviton2), first tier. */
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  /** https://aws.amazon.com/eventbridge/pricing/ — Scheduler invocations. */
  schedulerInvocation: 1.0 / 1e6,
  /** https://aws.amazon.com/api-gateway/pricing/ — HTTP API, first 300 million a month, per 512 KB request. */
  httpApiRequest: 1.0 / 1e6,
  /** https://aws.amazon.com/sns/pricing/ — standard topic publishes, per 64 KB chunk; deliveries to SQS are free. */
  snsPublishRequest: 0.5 / 1e6,
} as const;

/** Memory of each Ferry function, as the construct declares it (lib/parts/api.ts, dispatch.ts, tick.ts). */
export const FUNCTION_MEMORY_MB = { api: 1024, dispatcher: 512, tick: 256 } as const;

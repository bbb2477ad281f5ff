// When a negatively acknowledged message comes back: RocketMQ's backoff levels, as SQS visibility timeouts.

/** RocketMQ's default retry delays for the 1st..16th redelivery ("10s 30s 1m 2m ... 2h"). */
export const ROCKETMQ_BACKOFF_SECONDS = [
  10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200,
] as const;

/** SQS caps a message's visibility timeout at 12 hours. */
export const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

export const DEFAULT_MAX_DELIVERY_ATTEMPTS = 16;

/** Seconds until the next delivery after delivery attempt `attempt` (1-based) failed. */
export function backoffSeconds(attempt: number): number {
  const index = Math.min(Math.max(attempt, 1), ROCKETMQ_BACKOFF_SECONDS.length) - 1;
  return ROCKETMQ_BACKOFF_SECONDS[index] ?? ROCKETMQ_BACKOFF_SECONDS[ROCKETMQ_BACKOFF_SECONDS.length - 1]!;
}

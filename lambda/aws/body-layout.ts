// Where large bodies live in the S3 bucket: one key prefix per lifetime, each with its own lifecycle rule (lib/parts/bodies.ts).

/** Every body key starts with this; the API's IAM grant is on it alone. */
export const BODY_PREFIX = 'bodies/';

/**
 * The lifetimes, in days, that objects are kept: 29 days (the longest a reference waits in a queue and its dead-letter
 * queue), then steps of 1.5 times up to a century. A body goes under the first step at least as long as it must be
 * kept, so it is kept at most 1.5 times as long as needed, with 19 lifecycle rules (S3 allows 1,000).
 */
export const KEEP_DAYS: readonly number[] = Array.from({ length: 19 }, (_, step) => Math.ceil(29 * 1.5 ** step));

const DAY_MS = 86_400_000;

/** The shortest lifetime that keeps a body written at `from` until `until` (epoch ms); the longest one beyond. */
export function keepDaysFor(from: number, until: number): number {
  const days = Math.ceil((until - from) / DAY_MS);
  return KEEP_DAYS.find((step) => step >= days) ?? KEEP_DAYS.at(-1)!;
}

/** The prefix whose lifecycle rule expires objects after `days`. */
export const keepPrefix = (days: number) => `${BODY_PREFIX}keep-${days}d/`;

export const bodyKey = (messageId: string, days: number) => `${keepPrefix(days)}${messageId}`;

// When a scheduled message is to be delivered, as publish and reschedule both take it: a time, or seconds from now.
import { ValidationError } from './errors.ts';

/** `deliverAt` (ISO 8601 or epoch ms) or `delaySeconds` from now: each caller takes one of the two. */
export interface DeliveryTimeInput {
  deliverAt?: string | number;
  delaySeconds?: number;
}

/**
 * The time asked for, in epoch ms (it may be in the past: the caller takes that as now), refused when it is further
 * ahead than FERRY_MAX_DELAY_DAYS. `parse` reads `deliverAt`; one of the two times is given.
 */
export function requestedDeliveryTime(
  when: DeliveryTimeInput,
  now: number,
  maxDelayDays: number,
  parse: (deliverAt: string | number) => number,
): number {
  const at = when.delaySeconds !== undefined ? now + when.delaySeconds * 1000 : parse(when.deliverAt!);
  if (at - now > maxDelayDays * 86_400_000)
    throw new ValidationError(
      `delivery time is more than ${maxDelayDays} days ahead, the longest delay accepted (FERRY_MAX_DELAY_DAYS)`,
      'DELAY_TOO_LONG',
    );
  return at;
}

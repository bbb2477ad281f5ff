// When a scheduled message is to be delivered, as publish and reschedule both take it: a time, or seconds from now.
import { ValidationError } from './errors.ts';
import type { Message } from './model.ts';

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

/**
 * Why a scheduled message can no longer be cancelled or rescheduled: it was handed to its queues, at publish (its
 * delay was short enough for SQS alone) or by the tick, which hands a message on up to FERRY_TIMER_LEAD_SECONDS before
 * its time, or at once when its time has come.
 */
export function handedOnAlready(message: Pick<Message, 'messageId' | 'transitions'>): string {
  const handedOn = message.transitions?.find((event) => event.type === 'DUE')?.at;
  return handedOn === undefined
    ? `message ${message.messageId} was handed to its queues when it was published: its delay was within FERRY_DIRECT_DELAY_LIMIT_SECONDS`
    : `message ${message.messageId} was handed to its queues at ${new Date(handedOn).toISOString()} (the tick hands a message on when its time is less than FERRY_TIMER_LEAD_SECONDS away, and SQS waits the rest)`;
}

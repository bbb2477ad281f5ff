// The message state machine in one place: every allowed transition, each applied as one conditional write.
//
//   PREPARED ──commit──▶ READY          SCHEDULED ──due (tick)──▶ READY
//   PREPARED ──rollback─▶ ROLLED_BACK   SCHEDULED ──cancel──────▶ CANCELLED
//   PREPARED ──check (UNKNOWN)──▶ PREPARED, next check later
//   READY ──every queue refused it for good──▶ UNDELIVERABLE
import type { CheckAnswer } from './model.ts';
import type { Transition } from './ports.ts';

export type Decider = 'PRODUCER' | 'CHECK';

/**
 * `checkCount`: the check-back whose answer decided, which the trace names as it names every other check; the message
 * counts it too, so that the query's `checkCount` and the trace agree.
 */
export function commit(now: number, by: Decider, checkCount?: number): Transition {
  return {
    from: 'PREPARED',
    to: 'READY',
    event: { type: 'COMMITTED', at: now, detail: checkCount === undefined ? { by } : { by, checkCount } },
    ...(checkCount === undefined ? {} : { checkCount }),
  };
}

export function rollback(now: number, by: Decider, reason?: string, checkCount?: number): Transition {
  return {
    from: 'PREPARED',
    to: 'ROLLED_BACK',
    event: {
      type: 'ROLLED_BACK',
      at: now,
      detail: {
        by,
        ...(reason === undefined ? {} : { reason }),
        ...(checkCount === undefined ? {} : { checkCount }),
      },
    },
    ...(checkCount === undefined ? {} : { checkCount }),
  };
}

export function checkedAgainLater(
  now: number,
  answer: CheckAnswer | 'PULL',
  checkCount: number,
  nextCheckAt: number,
): Transition {
  return {
    from: 'PREPARED',
    to: 'PREPARED',
    event: { type: 'CHECKED', at: now, detail: { answer, checkCount } },
    wakeAt: nextCheckAt,
    checkCount,
  };
}

export function due(now: number): Transition {
  return { from: 'SCHEDULED', to: 'READY', event: { type: 'DUE', at: now } };
}

export function cancel(now: number): Transition {
  return { from: 'SCHEDULED', to: 'CANCELLED', event: { type: 'CANCELLED', at: now } };
}

export function reschedule(
  now: number,
  previous: number,
  next: { deliverAt: number; wakeAt: number; expiresAt: number },
): Transition {
  return {
    from: 'SCHEDULED',
    to: 'SCHEDULED',
    event: {
      type: 'RESCHEDULED',
      at: now,
      detail: { from: new Date(previous).toISOString(), to: new Date(next.deliverAt).toISOString() },
    },
    wakeAt: next.wakeAt,
    reschedule: { deliverAt: next.deliverAt, expiresAt: next.expiresAt },
  };
}

export function undeliverable(now: number, groups: string[], reason: string): Transition {
  return {
    from: 'READY',
    to: 'UNDELIVERABLE',
    event: { type: 'UNDELIVERABLE', at: now, groups, detail: { reason: reason.slice(0, 500) } },
  };
}

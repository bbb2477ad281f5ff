// Large bodies (claim check): how long the body store keeps one, and how a queued reference becomes the whole message again.
import type { BodyRef, DeliveredMessage, Message, QueuedMessage } from './model.ts';
import type { BodyStore } from './ports.ts';
import { lastNeededAt, type RetentionConfig } from './retention.ts';

const DAY_MS = 86_400_000;

/**
 * How long after its hand-on a message may still wait in queues: SQS keeps it 14 days in the group's queue, and a FIFO
 * dead-letter queue restarts that clock (14 more), plus a day for a hand-on retried by the stream or the sweep. A body
 * must outlive every copy of its reference, not only the message's item.
 */
export const QUEUED_AT_MOST_MS = 29 * DAY_MS;

/** Epoch ms until which a body must be kept: the message's own expiry, or the longest its reference can wait in queues. */
export function bodyKeptUntil(
  message: Pick<Message, 'state' | 'bornAt' | 'deliverAt' | 'expiresAt'>,
  config: RetentionConfig,
): number {
  return Math.max(message.expiresAt * 1000, lastNeededAt(message, config) + QUEUED_AT_MOST_MS);
}

/** The bytes one message adds to a JSON answer, with its comma. */
export const answerBytes = (message: object) => Buffer.byteLength(JSON.stringify(message), 'utf8') + 1;

export class BodyMissingError extends Error {
  constructor(readonly ref: BodyRef) {
    super(`the body store no longer holds ${ref.bucket}/${ref.key}`);
  }
}

/** The message with its body, fetched from the body store when the queue carried a reference. */
export async function withBody(queued: QueuedMessage, bodies: BodyStore | undefined): Promise<DeliveredMessage> {
  const { bodyRef, body: _absent, ...rest } = queued;
  if (bodyRef === undefined) return queued as DeliveredMessage;
  if (bodies === undefined) throw new Error('a message carries a body reference but this function has no body store');
  const fetched = await bodies.get(bodyRef);
  if (fetched === undefined) throw new BodyMissingError(bodyRef);
  return { ...rest, body: fetched };
}

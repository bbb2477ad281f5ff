// When a message may expire: retention counts from the last moment the message is needed, not from when it was sent.
import type { FerryConfig } from './config.ts';
import type { Message, Topic } from './model.ts';

export type RetentionConfig = Pick<
  FerryConfig,
  'txnCheckFirstSeconds' | 'txnCheckIntervalSeconds' | 'txnCheckMax' | 'tickSeconds'
>;

/**
 * Epoch ms of the last moment a message is needed: its delivery time when scheduled; for a prepared transaction, the
 * end of its check-backs (the first, then `txnCheckMax` intervals, then the tick that rolls it back, one more
 * interval and tick of slack for late ticks); otherwise when it was sent.
 */
export function lastNeededAt(
  message: Pick<Message, 'state' | 'bornAt' | 'deliverAt'>,
  config: RetentionConfig,
): number {
  if (message.state === 'PREPARED') {
    const checks =
      config.txnCheckFirstSeconds + (config.txnCheckMax + 1) * config.txnCheckIntervalSeconds + 2 * config.tickSeconds;
    return message.bornAt + checks * 1000;
  }
  return Math.max(message.bornAt, message.deliverAt ?? message.bornAt);
}

/** Epoch seconds at which DynamoDB's TTL may delete the message and its trace: the topic's retention after it was last needed. */
export function expiresAt(
  message: Pick<Message, 'state' | 'bornAt' | 'deliverAt'>,
  topic: Pick<Topic, 'retentionHours'>,
  config: RetentionConfig,
): number {
  return Math.ceil(lastNeededAt(message, config) / 1000 + topic.retentionHours * 3600);
}

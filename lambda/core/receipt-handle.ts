// Ferry's receipt handle: the queue's own handle plus what the trace needs to find the message again.
import { ValidationError } from './errors.ts';
import type { MessageId } from './model.ts';

export interface ReceiptHandle {
  /** The SQS receipt handle. */
  queueHandle: string;
  messageId: MessageId;
  topic: string;
  messageGroup?: string;
  deliveryAttempt: number;
}

export function encodeReceiptHandle(handle: ReceiptHandle): string {
  const fields = [
    handle.queueHandle,
    handle.messageId,
    handle.topic,
    handle.deliveryAttempt,
    handle.messageGroup ?? null,
  ];
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

export function decodeReceiptHandle(encoded: string): ReceiptHandle {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(fields) || fields.length !== 5) throw invalid();
  const [queueHandle, messageId, topic, deliveryAttempt, messageGroup] = fields as unknown[];
  if (typeof queueHandle !== 'string' || typeof messageId !== 'string' || typeof topic !== 'string') throw invalid();
  if (typeof deliveryAttempt !== 'number' || (messageGroup !== null && typeof messageGroup !== 'string'))
    throw invalid();
  const handle: ReceiptHandle = { queueHandle, messageId: messageId as MessageId, topic, deliveryAttempt };
  if (typeof messageGroup === 'string') handle.messageGroup = messageGroup;
  return handle;
}

function invalid(): ValidationError {
  return new ValidationError(
    'receiptHandle is not one that Ferry issued: pass the receiptHandle of a received message',
    'INVALID_RECEIPT_HANDLE',
  );
}

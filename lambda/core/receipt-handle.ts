// Ferry's receipt handle: the queue's own handle plus what the trace needs to find the message again, signed with the
// deployment's key, so that a consumer cannot write another message's id (or anything else) into the trace.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from './errors.ts';
import type { MessageId } from './model.ts';

export interface ReceiptHandle {
  /** The SQS receipt handle. */
  queueHandle: string;
  messageId: MessageId;
  topic: string;
  messageGroup?: string;
  deliveryAttempt: number;
  /** The consumer group whose receive issued it (absent in handles issued before 2026-12-03). */
  group?: string;
}

/** `<fields, base64url JSON>.<HMAC-SHA256 of them, base64url>`. */
export function encodeReceiptHandle(handle: ReceiptHandle, key: Uint8Array): string {
  const fields = [
    handle.queueHandle,
    handle.messageId,
    handle.topic,
    handle.deliveryAttempt,
    handle.messageGroup ?? null,
    handle.group ?? null,
  ];
  const payload = Buffer.from(JSON.stringify(fields)).toString('base64url');
  return `${payload}.${mac(payload, key).toString('base64url')}`;
}

/**
 * The handle, if this deployment signed it as it is; else a 400 (malformed, altered, forged, or unsigned and older).
 * `key` is undefined while the deployment has signed no handle.
 */
export function decodeReceiptHandle(encoded: string, key: Uint8Array | undefined): ReceiptHandle {
  const [payload, signature, ...rest] = encoded.split('.');
  if (payload === undefined || signature === undefined || rest.length > 0) throw malformed();
  // No key: this deployment never signed a handle, so this one cannot be its own.
  if (key === undefined) throw notSigned();
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(payload, key);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw notSigned();
  return parseFields(payload);
}

/**
 * As decodeReceiptHandle, and issued by a receive from `group`: SQS refuses another queue's handle, but an emulator may
 * not, and an acknowledgement through the wrong group must not answer that it acknowledged anything.
 */
export function decodeReceiptHandleOf(group: string, encoded: string, key: Uint8Array | undefined): ReceiptHandle {
  const handle = decodeReceiptHandle(encoded, key);
  if (handle.group !== undefined && handle.group !== group)
    throw new ValidationError(
      `receiptHandle was issued by a receive from group '${handle.group}', not '${group}': acknowledge, nack or extend it through that group`,
      'RECEIPT_HANDLE_OTHER_GROUP',
    );
  return handle;
}

function parseFields(payload: string): ReceiptHandle {
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw malformed();
  }
  // Five fields before handles named their group.
  if (!Array.isArray(fields) || (fields.length !== 5 && fields.length !== 6)) throw malformed();
  const [queueHandle, messageId, topic, deliveryAttempt, messageGroup, group = null] = fields as unknown[];
  if (typeof queueHandle !== 'string' || typeof messageId !== 'string' || typeof topic !== 'string') throw malformed();
  if (typeof deliveryAttempt !== 'number' || (messageGroup !== null && typeof messageGroup !== 'string'))
    throw malformed();
  if (group !== null && typeof group !== 'string') throw malformed();
  const handle: ReceiptHandle = { queueHandle, messageId: messageId as MessageId, topic, deliveryAttempt };
  if (typeof messageGroup === 'string') handle.messageGroup = messageGroup;
  if (typeof group === 'string') handle.group = group;
  return handle;
}

const mac = (payload: string, key: Uint8Array) => createHmac('sha256', key).update(payload).digest();

function malformed(): ValidationError {
  return new ValidationError(
    'receiptHandle is not one that Ferry issued: pass the receiptHandle of a received message as it was given',
    'INVALID_RECEIPT_HANDLE',
  );
}

function notSigned(): ValidationError {
  return new ValidationError(
    "receiptHandle does not carry this deployment's signature (changed, made up, or issued by another Ferry): pass " +
      'the receiptHandle of a received message as it was given',
    'RECEIPT_HANDLE_SIGNATURE_MISMATCH',
  );
}

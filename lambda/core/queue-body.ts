// The message as a queue body: JSON that every SQS implementation accepts, whatever characters the message holds.
import type { QueuedMessage } from './model.ts';

/** SQS's largest message, and of one batch send. */
export const QUEUE_BODY_MAX_BYTES = 1024 * 1024;

/**
 * SQS refuses U+FFFE, U+FFFF and (in emulators) characters beyond U+FFFF; JSON.stringify already escapes control
 * characters and lone surrogates. Escaping the rest as \uXXXX keeps the JSON equal for every reader.
 */
const REFUSED_BY_QUEUES = /[\u{10000}-\u{10FFFF}\uFFFE\uFFFF]/gu;

function escapeUtf16(character: string): string {
  let escaped = '';
  for (let i = 0; i < character.length; i++) escaped += `\\u${character.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return escaped;
}

export function encodeForQueue(message: QueuedMessage): string {
  return JSON.stringify(message).replace(REFUSED_BY_QUEUES, escapeUtf16);
}

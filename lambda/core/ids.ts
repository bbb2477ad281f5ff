// Message ids: ULIDs, unique and sortable by creation time (monotonic within one process).
import { monotonicFactory } from 'ulid';
import type { MessageId } from './model.ts';

const nextUlid = monotonicFactory();

export function newMessageId(now: number = Date.now()): MessageId {
  return nextUlid(now) as MessageId;
}

const MESSAGE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function isMessageId(value: string): value is MessageId {
  return MESSAGE_ID.test(value);
}

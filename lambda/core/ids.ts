// Message ids: ULIDs, unique and sortable by creation time (monotonic within one process).
import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { MessageId } from './model.ts';

/**
 * ulid's own generator asks the OS for one random byte per character (16 calls, about 80 µs per id here); this one
 * takes them from a pool refilled 4 KiB at a time from the same source. A byte over 256 picks one of 32 characters
 * uniformly (256 = 8 × 32).
 */
const pool = new Uint8Array(4096);
let used = pool.length;
function pooledRandom(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++]! / 256;
}

const nextUlid = monotonicFactory(pooledRandom);

export function newMessageId(now: number = Date.now()): MessageId {
  return nextUlid(now) as MessageId;
}

const MESSAGE_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export function isMessageId(value: string): value is MessageId {
  return MESSAGE_ID.test(value);
}

// What a contract suite runs against: one implementation of each port, and a way to let time pass for it.
import type { CatalogStore, MessageStore, QueueService } from '../../lambda/core/ports.ts';
import { newMessageId } from '../../lambda/core/ids.ts';
import type { Message } from '../../lambda/core/model.ts';
import type { TimerWheel } from '../../lambda/core/timers.ts';

export interface Adapters {
  store: MessageStore;
  catalog: CatalogStore;
  queues: QueueService;
  /** The wheel the store indexes waiting messages by. */
  wheel: TimerWheel;
  now(): number;
  /** Lets `ms` pass: a manual clock moves at once, the engines need real time (so the suites keep it to 1–2 s). */
  passTime(ms: number): Promise<void>;
  /** Frees what the adapters hold (clients, tables). */
  close(): Promise<void>;
}

/** Builds fresh adapters for one test: nothing another test wrote is visible. */
export type AdaptersFactory = () => Promise<Adapters>;

/** How long an engine may take to show a write in an index or a queue attribute (AWS: eventually consistent). */
export const EVENTUALLY = { timeout: 5_000, interval: 50 };

/** A message as the publisher would build it; `overrides` set what a test is about. */
export function aMessage(now: number, overrides: Partial<Message> = {}): Message {
  return {
    messageId: newMessageId(now),
    topic: 'orders',
    topicType: 'NORMAL',
    state: 'READY',
    body: 'order 42 created',
    keys: [],
    properties: {},
    bornAt: now,
    expiresAt: Math.ceil(now / 1000) + 3600,
    ...overrides,
  };
}

export async function collect<T>(pages: AsyncIterable<T[]>): Promise<T[][]> {
  const all: T[][] = [];
  for await (const page of pages) all.push(page);
  return all;
}

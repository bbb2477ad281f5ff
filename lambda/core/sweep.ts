// The sweep (on every tick): READY messages that the stream did not hand on in time are dispatched from the outbox.
import type { Dispatcher } from './dispatch.ts';
import type { Message } from './model.ts';
import type { Clock, FaultLog, MessageStore } from './ports.ts';

/** Outbox entries read per shard per sweep; the rest wait for the next tick. */
const SWEEP_PAGE = 200;
/** Messages per dispatch call, as one stream batch. */
const DISPATCH_CHUNK = 100;

export interface SweepReport {
  /** READY messages dispatched by the sweep. */
  swept: number;
  /** Outbox entries of messages that are gone, or not (or no longer) READY, cleared. */
  cleared: number;
}

/**
 * The stream delivers every write for 24 hours; a batch the dispatcher gave up on is redriven within that time. What
 * is still in the outbox after `afterMs` was missed by both, and is sent from here, through the same dispatcher (a
 * FIFO group's entries share one outbox shard, in publish order, and its holds apply).
 */
export class Sweep {
  constructor(
    private readonly store: MessageStore,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
    private readonly faults: FaultLog,
    private readonly afterMs: number,
  ) {}

  async run(): Promise<SweepReport> {
    const entries = await this.store.undispatched(this.clock.now() - this.afterMs, SWEEP_PAGE);
    if (entries.length === 0) return { swept: 0, cleared: 0 };
    const found = new Map((await this.store.getMany(entries)).map((message) => [message.messageId, message]));
    const ready: Message[] = [];
    const stale = entries.filter((entry) => {
      const message = found.get(entry.messageId);
      if (message?.state === 'READY') ready.push(message);
      return message?.state !== 'READY';
    });
    if (stale.length > 0) await this.store.markDispatched(stale);
    for (let start = 0; start < ready.length; start += DISPATCH_CHUNK) {
      const chunk = ready.slice(start, start + DISPATCH_CHUNK);
      const { firstFailure } = await this.dispatcher.dispatch(chunk);
      // What failed stays in the outbox for the next sweep; a FIFO group that failed is held, so order holds.
      if (firstFailure !== undefined) break;
    }
    if (ready.length > 0) this.faults.report('SWEPT', { count: ready.length, oldest: ready[0]!.messageId });
    return { swept: ready.length, cleared: stale.length };
  }
}

// The sweep (on every tick): READY messages that the stream did not hand on in time are dispatched from here.
import type { Dispatcher } from './dispatch.ts';
import { dispatchedRefOf } from './message-ref.ts';
import type { Message } from './model.ts';
import type { Clock, FaultLog, MessageStore, OutboxEntry } from './ports.ts';

/** Undispatched messages read per store partition per sweep; the rest wait for the next tick. */
const SWEEP_PAGE = 200;
/** Messages per dispatch call, as one stream batch. */
const DISPATCH_CHUNK = 100;

export interface SweepReport {
  /** READY messages dispatched by the sweep. */
  swept: number;
  /** Entries of messages that are gone, or not (or no longer) READY, cleared. */
  cleared: number;
}

/**
 * The stream delivers every write for 24 hours; a batch the dispatcher gave up on is redriven within that time. What
 * the store has not recorded as dispatched after `afterMs` was missed by both, and is sent from here, through the same
 * dispatcher (entries come in publish order, so a FIFO group's in the group's order, and its holds apply).
 */
export class Sweep {
  constructor(
    private readonly store: MessageStore,
    private readonly dispatcher: Dispatcher,
    private readonly clock: Clock,
    private readonly faults: FaultLog,
    private readonly afterMs: number,
    private readonly topicNames: () => Promise<string[]>,
  ) {}

  async run(): Promise<SweepReport> {
    const entries = await this.store.undispatched(this.clock.now() - this.afterMs, SWEEP_PAGE, await this.topicNames());
    if (entries.length === 0) return { swept: 0, cleared: 0 };
    const found = new Map((await this.store.getMany(entries)).map((message) => [message.messageId, message]));
    const ready: Message[] = [];
    const stale = entries.filter((entry) => {
      const message = found.get(entry.messageId);
      if (message?.state === 'READY') ready.push(message);
      return message?.state !== 'READY';
    });
    if (stale.length > 0) await this.store.markDispatched(stale);
    const byId = new Map(entries.map((entry) => [entry.messageId, entry]));
    for (let start = 0; start < ready.length; start += DISPATCH_CHUNK) {
      const chunk = ready.slice(start, start + DISPATCH_CHUNK);
      const { firstFailure } = await this.dispatcher.dispatch(chunk);
      await this.clearLegacyEntries(chunk.slice(0, firstFailure), byId);
      // What failed is not recorded, so the next sweep finds it again; a FIFO group that failed is held, so order holds.
      if (firstFailure !== undefined) break;
    }
    if (ready.length > 0) this.faults.report('SWEPT', { count: ready.length, oldest: ready[0]!.messageId });
    return { swept: ready.length, cleared: stale.length };
  }

  /**
   * The dispatcher deletes the outbox entries of messages made READY after publish; an entry written for a message
   * published READY (as stores did before the walk) is deleted here, or it would be sent on every sweep.
   */
  private async clearLegacyEntries(sent: Message[], entries: Map<string, OutboxEntry>): Promise<void> {
    const legacy = sent.filter(
      (message) => entries.get(message.messageId)?.outboxed === true && !dispatchedRefOf(message).outboxed,
    );
    if (legacy.length > 0)
      await this.store.markDispatched(legacy.map((message) => ({ ...dispatchedRefOf(message), outboxed: true })));
  }
}

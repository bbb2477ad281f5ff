// Paces a push group's requests to its ratePerSecond: each request takes the next free slot, 1/rate apart.

/** What a pusher waits on before each request. */
export interface Pacing {
  take(): Promise<void>;
}

/**
 * Virtual scheduling (the GCRA form of a token bucket with a burst of one): slots are handed out in call order, so
 * concurrent pushers sharing one pacer together stay at the rate, and an idle spell earns no burst that would hit the
 * endpoint at once after a quiet minute.
 */
export class PushPacer implements Pacing {
  private nextSlot = 0;
  /** The last slot handed out: a pacer is idle when it passed more than an interval ago. */
  private lastSlot = -Infinity;
  /** The time between two slots. */
  readonly intervalMs: number;

  constructor(
    ratePerSecond: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.intervalMs = 1000 / ratePerSecond;
  }

  /** Resolves when the caller may send its request. */
  async take(): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot);
    this.lastSlot = slot;
    this.nextSlot = slot + this.intervalMs;
    if (slot > now) await this.sleep(slot - now);
  }

  /**
   * When work comes after an idle spell (the last slot more than an interval ago, or none yet), the next slot is put at a
   * random point of the coming interval. Pushers that share a rate but no memory (Lambda instances, each pacing its
   * share) would otherwise all send their first request at the same moment: as many at once as there are instances.
   * Spread at random, they send the rate in expectation from the first second on.
   */
  spreadIfIdle(random: () => number): void {
    const now = this.now();
    // Never earlier than the slot already due: a pusher between two batches is not idle, and keeps its pace.
    if (now - this.lastSlot > this.intervalMs)
      this.nextSlot = Math.max(this.nextSlot, now + random() * this.intervalMs);
  }
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

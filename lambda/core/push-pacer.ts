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

  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  /** Resolves when the caller may send its request. */
  async take(): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + 1000 / this.ratePerSecond;
    if (slot > now) await this.sleep(slot - now);
  }
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

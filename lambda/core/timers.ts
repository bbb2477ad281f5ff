// The timer wheel: where a waiting message sits in the due-time index (time bucket and shard) and which slots a tick reads.

export interface TimerSlot {
  bucket: number;
  shard: number;
}

/** How far behind the current time a tick keeps re-reading buckets, for index writes that arrive late. */
export const TICK_SAFETY_MARGIN_MS = 60_000;
/** How far back the very first tick looks, for messages published before any tick ran. */
export const FIRST_TICK_LOOKBACK_MS = 60 * 60_000;
/** ...and at most this many buckets: with the narrow buckets of a test, an hour would be thousands of reads. */
export const FIRST_TICK_LOOKBACK_BUCKETS = 60;

export class TimerWheel {
  private readonly bucketMs: number;

  constructor(
    readonly bucketSeconds: number,
    readonly shards: number,
  ) {
    this.bucketMs = bucketSeconds * 1000;
  }

  bucketOf(at: number): number {
    return Math.floor(at / this.bucketMs);
  }

  bucketEnd(bucket: number): number {
    return (bucket + 1) * this.bucketMs;
  }

  /** Spreads the messages of one bucket evenly over the shards, by a hash of the id. */
  slotOf(messageId: string, wakeAt: number): TimerSlot {
    let hash = 0;
    for (let i = 0; i < messageId.length; i++) hash = (hash * 31 + messageId.charCodeAt(i)) >>> 0;
    return { bucket: this.bucketOf(wakeAt), shard: hash % this.shards };
  }

  /** The buckets a tick at `now` reads: from its cursor (or a look-back on the first tick) up to now. */
  bucketsToRead(cursor: number | undefined, now: number): number[] {
    const first =
      cursor ?? Math.max(this.bucketOf(now - FIRST_TICK_LOOKBACK_MS), this.bucketOf(now) - FIRST_TICK_LOOKBACK_BUCKETS);
    const last = this.bucketOf(now);
    return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
  }

  /** A bucket may be left behind once it is empty and its end is safely in the past. */
  canLeaveBehind(bucket: number, now: number): boolean {
    return this.bucketEnd(bucket) <= now - TICK_SAFETY_MARGIN_MS;
  }
}

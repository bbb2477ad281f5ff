// A small time-bounded memo for catalog reads: a Lambda instance reuses what it read for a few seconds. A miss (a topic
// or group not found) is not kept: one created a moment later is found by the next request.
import type { Clock } from './ports.ts';

export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly maxEntries = 1000,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock.now();
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.expires > now) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = load();
    this.entries.set(key, { value, expires: now + this.ttlMs });
    // Neither a failed load nor a miss is remembered (unless another load has taken the key since).
    const forget = () => this.entries.get(key)?.value === value && this.entries.delete(key);
    value.then((loaded) => loaded === undefined && forget(), forget);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

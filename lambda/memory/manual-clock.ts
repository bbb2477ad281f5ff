// A clock that moves only when told: tests of visibility, delays and ticks run in no real time.
import type { Clock } from '../core/ports.ts';

export class ManualClock implements Clock {
  constructor(private current: number = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(at: number): void {
    this.current = at;
  }
}

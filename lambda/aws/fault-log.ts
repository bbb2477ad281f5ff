// Faults Ferry survives, as structured log lines: CloudWatch metric filters on `fault` count them and alarms watch them.
import type { FaultKind, FaultLog } from '../core/ports.ts';
import { logger } from './logger.ts';

export class LoggedFaults implements FaultLog {
  /** Reports so far by kind, in this process (tests and the local stack read them). */
  readonly counts = new Map<FaultKind, number>();

  report(kind: FaultKind, details: Record<string, unknown>): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    logger.error('ferry fault', { fault: kind, ...details });
  }
}

// Faults counted in memory, with their details, for the core's unit tests to assert on.
import type { FaultKind, FaultLog } from '../core/ports.ts';

export class CountedFaults implements FaultLog {
  readonly reports: Array<{ kind: FaultKind; details: Record<string, unknown> }> = [];

  report(kind: FaultKind, details: Record<string, unknown>): void {
    this.reports.push({ kind, details });
  }

  count(kind: FaultKind): number {
    return this.reports.filter((report) => report.kind === kind).length;
  }
}

// Writes whose failure Ferry survives (the trace, the dispatch marks): a failure is reported to the FaultLog, where an
// operator sees it, and is never the caller's error.
import type { FaultKind, FaultLog, MessageStore, TraceEntry } from './ports.ts';

/** Runs `write` of `count` items, if any; a failure is reported as `kind` with the count, not thrown. */
export async function bestEffort(
  faults: FaultLog,
  kind: FaultKind,
  count: number,
  write: () => Promise<unknown>,
): Promise<void> {
  if (count === 0) return;
  try {
    await write();
  } catch (error) {
    faults.report(kind, { count, error: String(error) });
  }
}

/** Appends trace entries after what they record has happened: a failed write is a TRACE_NOT_WRITTEN fault. */
export function traceBestEffort(
  store: Pick<MessageStore, 'appendTrace'>,
  faults: FaultLog,
  entries: TraceEntry[],
): Promise<void> {
  return bestEffort(faults, 'TRACE_NOT_WRITTEN', entries.length, () => store.appendTrace(entries));
}

// Percentiles and formatting shared by the benchmarks.

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** CPU ms per message of each part over `work` (undefined where the parts share the benchmark's process). */
export async function cpuPerMessage(
  usage: (() => Record<string, number>) | undefined,
  messages: number,
  work: () => Promise<void>,
): Promise<Record<string, number> | undefined> {
  const before = usage?.();
  await work();
  const after = usage?.();
  if (before === undefined || after === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(after).map(([part, ms]) => [part, round((ms - (before[part] ?? 0)) / messages, 2)]),
  );
}

// A command given wrongly (a missing argument, an option's value that is not what it takes): `ferry` says what to give,
// in one line, and exits 2, as commander's own checks do in this program (bin/program.ts).
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An option's whole number, or the usage error that names the option (Number('abc') would send null). */
export function wholeNumber(value: string, option: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${option} takes a whole number, got '${value}'`);
  return Number(value);
}

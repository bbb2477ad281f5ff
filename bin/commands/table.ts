// Readable tables for people (the commands' default output); `--json` prints the API's answer for scripts instead.

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | undefined;
}

/** Left-aligned columns, two spaces apart, a header line first; an empty table says so. */
export function formatTable<T>(rows: T[], columns: Column<T>[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((column) => String(column.value(row) ?? '')));
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => line[index]!.length)),
  );
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index]!))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n');
}

/** Prints the answer as JSON, or as the table that `toTable` makes of it. */
export function print<T>(answer: T, json: boolean | undefined, toTable: (answer: T) => string): void {
  console.log(json ? JSON.stringify(answer, null, 2) : toTable(answer));
}

// How commands print: a borderless table for people, or the API's JSON for scripts (--json).
import Table from 'cli-table3';

export interface OutputOptions {
  json?: boolean;
}

/** A table's columns: header → the cell of a row. */
export type Columns<T> = Record<string, (row: T) => string | number | boolean | undefined>;

/** Prints `rows` as a table with `columns` (header → cell), or `data` as JSON when --json. */
export function printRows<T>(options: OutputOptions, data: unknown, rows: T[], columns: Columns<T>): void {
  if (options.json === true) {
    console.log(JSON.stringify(data, null, 2));
    return;
  }
  if (rows.length === 0) {
    console.log('(none)');
    return;
  }
  const table = new Table({
    head: Object.keys(columns),
    chars: Object.fromEntries(BORDER_PARTS.map((part) => [part, ''])),
    style: { head: [], border: [], compact: true, 'padding-left': 0, 'padding-right': 2 },
  });
  for (const row of rows) table.push(Object.values(columns).map((cell) => String(cell(row) ?? '')));
  console.log(table.toString());
}

/** Prints one object: its fields one per line for people, JSON for scripts. */
export function printObject(options: OutputOptions, data: Record<string, unknown>): void {
  if (options.json === true) {
    console.log(JSON.stringify(data, null, 2));
    return;
  }
  const width = Math.max(...Object.keys(data).map((key) => key.length));
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    console.log(`${key.padEnd(width)}  ${shown}`);
  }
}

const BORDER_PARTS = [
  'top',
  'top-mid',
  'top-left',
  'top-right',
  'bottom',
  'bottom-mid',
  'bottom-left',
  'bottom-right',
  'left',
  'left-mid',
  'mid',
  'mid-mid',
  'right',
  'right-mid',
  'middle',
];

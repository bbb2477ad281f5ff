// Building the page's elements from data: text is always set as text, never parsed as HTML.

/** `h('td', { class: 'mono' }, 'text', child)`; `on*` attributes become listeners. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Replaces a table's content with a header row and one row per item. */
export function fillTable(table, headers, rows) {
  table.replaceChildren(
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((header) => h('th', {}, header)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.length === 0 ? h('tr', {}, h('td', { class: 'muted', colspan: headers.length }, 'none')) : rows,
    ),
  );
}

export const row = (...cells) =>
  h(
    'tr',
    {},
    cells.map((cell) => (cell instanceof Node && cell.tagName === 'TD' ? cell : h('td', {}, cell))),
  );

/** Shows an error, or "not available" for a route this API does not have. */
export function showProblem(target, error, what) {
  if (error?.unavailable)
    target.replaceChildren(
      h('div', { class: 'unavailable' }, `${what}: not available on this Ferry (${error.message})`),
    );
  else
    target.replaceChildren(h('div', { class: 'error', role: 'alert' }, `${error.code ?? 'ERROR'}: ${error.message}`));
}

export const say = (target, text, kind = 'ok') =>
  target.replaceChildren(h('div', { class: kind, role: 'status' }, text));

export function ago(seconds) {
  if (seconds === undefined) return '–';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** A datetime-local input's value as ISO 8601 (it is in the browser's time zone). */
export const isoFromLocal = (value) => (value ? new Date(value).toISOString() : undefined);

/**
 * @module cli/table — human output (aligned tables, key/value records) and JSON output for scripts.
 * Everything shown to a human is stripped of control characters: a name or label from the server
 * must not be able to move the cursor or recolour the terminal.
 */

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
}

const MAX_CELL = 48;
const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/;

/** Replace control characters (C0, DEL, C1) with a visible escape. */
function safe(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * A value as one line of text: null → '-', arrays joined, objects as k=v, UTC times without milliseconds.
 * @example text({ team: 'ops' }) // 'team=ops'
 */
export function text(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (Array.isArray(v)) return v.length ? v.map(text).join(', ') : '-';
  if (v instanceof Date) return text(v.toISOString());
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    return entries.length ? entries.map(([k, x]) => `${k}=${typeof x === 'string' ? x : JSON.stringify(x)}`).join(', ') : '-';
  }
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  const s = String(v);
  const iso = ISO_TIME.exec(s);
  return safe(iso ? `${iso[1]} ${iso[2]}Z` : s);
}

function clip(s: string): string {
  return s.length > MAX_CELL ? s.slice(0, MAX_CELL - 1) + '…' : s;
}

/**
 * Rows as an aligned table with an upper-case header; '(none)' when there are no rows.
 * @example renderTable([{ a: 1 }], [{ header: 'a', value: (r) => r.a }]) // 'A\n1\n'
 */
export function renderTable<T>(rows: T[], columns: Column<T>[]): string {
  if (rows.length === 0) return '(none)\n';
  const cells = rows.map((r) => columns.map((c) => clip(text(c.value(r)))));
  const header = columns.map((c) => c.header.toUpperCase());
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...cells.map(line)].join('\n') + '\n';
}

/**
 * One record as aligned `label: value` lines (values are not clipped).
 * @example renderRecord([['handle', 'ann'], ['role', 'developer']])
 */
export function renderRecord(fields: [string, unknown][]): string {
  const width = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${(k + ':').padEnd(width + 1)}  ${text(v)}`).join('\n') + '\n';
}

/** JSON for scripts: exactly what the API returned, pretty-printed. */
export function renderJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

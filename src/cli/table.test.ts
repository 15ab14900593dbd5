import { describe, expect, it } from 'vitest';
import { renderRecord, renderTable, text } from './table.ts';

describe('tables', () => {
  const rows = [
    { handle: 'ann', tz: 'Asia/Kolkata', vendor: null },
    { handle: 'bartholomew', tz: 'UTC', vendor: 'Acme' },
  ];
  const columns = [
    { header: 'handle', value: (r: (typeof rows)[number]) => r.handle },
    { header: 'vendor', value: (r: (typeof rows)[number]) => r.vendor },
    { header: 'time zone', value: (r: (typeof rows)[number]) => r.tz },
  ];

  it('align columns under an upper-case header and show null as "-"', () => {
    expect(renderTable(rows, columns)).toBe(
      'HANDLE       VENDOR  TIME ZONE\n' +
      'ann          -       Asia/Kolkata\n' +
      'bartholomew  Acme    UTC\n',
    );
  });

  it('say (none) for no rows and clip long cells', () => {
    expect(renderTable([], columns)).toBe('(none)\n');
    const out = renderTable([{ handle: 'x'.repeat(80), tz: '', vendor: null }], columns);
    expect(out.split('\n')[1]!.startsWith('x'.repeat(47) + '…')).toBe(true);
  });

  it('never pass control characters through to the terminal', () => {
    expect(text('red\u001b[31m\u009b')).toBe('red\\x1b[31m\\x9b');
    expect(renderRecord([['name', 'a\nb']])).toBe('name:  a\\x0ab\n');
  });

  it('show times without milliseconds, labels as k=v, and booleans as yes/no', () => {
    expect(text('2026-03-02T10:00:00.000Z')).toBe('2026-03-02 10:00:00Z');
    expect(text({ team: 'ops', tier: '1' })).toBe('team=ops, tier=1');
    expect(text(true)).toBe('yes');
    expect(text([])).toBe('-');
  });
});

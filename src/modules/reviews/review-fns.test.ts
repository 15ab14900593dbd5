import { describe, expect, it } from 'vitest';
import { csvField } from './review-csv.ts';
import { isDormant } from './review-usage.ts';

const DAY = 86_400_000;
const now = new Date('2026-06-01T00:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);

describe('dormancy', () => {
  it('flags a grant that ran the whole window without use', () => {
    expect(isDormant(daysAgo(40), null, now, 30)).toBe(true);
    expect(isDormant(daysAgo(40), daysAgo(31), now, 30)).toBe(true);
  });

  it('does not flag a grant used inside the window, or one younger than the window', () => {
    expect(isDormant(daysAgo(40), daysAgo(29), now, 30)).toBe(false);
    expect(isDormant(daysAgo(10), null, now, 30)).toBe(false);
    expect(isDormant(daysAgo(30), null, now, 30)).toBe(true);
  });
});

describe('CSV fields', () => {
  it('quote commas, quotes and line breaks (RFC 4180) and leave plain text alone', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(true)).toBe('true');
    expect(csvField(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
  });

  it('defuse text that a spreadsheet would run as a formula', () => {
    for (const s of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx']) expect(csvField(s).replace(/^"/, '').startsWith("'")).toBe(true);
    expect(csvField('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
  });
});

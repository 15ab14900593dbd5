import { describe, expect, it } from 'vitest';
import { parseStamp, zonedTimeToUtc } from './sshd-time.ts';

const now = new Date('2026-03-02T12:00:00Z');
const at = (line: string, ctx: Partial<Parameters<typeof parseStamp>[1]> = {}) => {
  const r = parseStamp(line, { timeZone: 'UTC', year: undefined, now, ...ctx });
  return r.ok ? r.time.toISOString() : r.reason;
};

describe('log timestamps', () => {
  it('read classic syslog stamps in the current year, in UTC unless told otherwise', () => {
    expect(at('Mar  2 09:00:01 web-1 sshd[1]: x')).toBe('2026-03-02T09:00:01.000Z');
    expect(at('Mar 02 09:00:01 web-1 sshd[1]: x'), 'journalctl pads the day with a zero').toBe('2026-03-02T09:00:01.000Z');
    expect(at('Mar  2 09:00:01 web-1 sshd[1]: x', { timeZone: 'Europe/Berlin' })).toBe('2026-03-02T08:00:01.000Z');
    expect(at('Mar  2 09:00:01 web-1 sshd[1]: x', { timeZone: 'Asia/Kolkata' })).toBe('2026-03-02T03:30:01.000Z');
  });

  it('roll back a year for dates more than a week ahead, unless the year is given', () => {
    expect(at('Dec 31 23:59:59 h sshd[1]: x')).toBe('2025-12-31T23:59:59.000Z');
    expect(at('Mar  8 00:00:00 h sshd[1]: x'), 'six days ahead: clock skew, same year').toBe('2026-03-08T00:00:00.000Z');
    expect(at('Dec 31 23:59:59 h sshd[1]: x', { year: 2026 })).toBe('2026-12-31T23:59:59.000Z');
  });

  it('refuse dates that do not exist, saying so', () => {
    expect(at('Feb 29 10:00:00 h sshd[1]: x', { year: 2026 })).toMatch(/does not exist in 2026/);
    expect(at('Feb 29 10:00:00 h sshd[1]: x', { year: 2028 })).toBe('2028-02-29T10:00:00.000Z');
    expect(at('Foo  2 10:00:00 h sshd[1]: x')).toMatch(/month name/);
    expect(at('yesterday h sshd[1]: x')).toMatch(/no timestamp/);
  });

  it('read ISO 8601 stamps with their own offset (rsyslog high precision, journalctl short-iso)', () => {
    expect(at('2026-03-02T10:00:01+0100 web-2 sshd[1]: x', { timeZone: 'Asia/Tokyo' })).toBe('2026-03-02T09:00:01.000Z');
    expect(at('2026-03-02T10:00:09.123456+01:00 web-2 sshd[1]: x')).toBe('2026-03-02T09:00:09.123Z');
    expect(at('2026-03-02T09:00:10Z web-2 sshd[1]: x')).toBe('2026-03-02T09:00:10.000Z');
    expect(at('2026-02-30T09:00:10Z web-2 sshd[1]: x')).toMatch(/not a real date/);
  });

  it('resolve wall times around daylight-saving changes: the earlier of a repeated hour, forward across a gap', () => {
    // Europe/Berlin: 2026-03-29 02:00 → 03:00 (gap); 2026-10-25 03:00 → 02:00 (repeat).
    expect(new Date(zonedTimeToUtc(Date.UTC(2026, 2, 29, 2, 30), 'Europe/Berlin')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(new Date(zonedTimeToUtc(Date.UTC(2026, 9, 25, 2, 30), 'Europe/Berlin')).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(new Date(zonedTimeToUtc(Date.UTC(2026, 6, 1, 12, 0), 'America/New_York')).toISOString()).toBe('2026-07-01T16:00:00.000Z');
  });
});

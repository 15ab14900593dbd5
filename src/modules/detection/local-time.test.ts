import { describe, expect, it } from 'vitest';
import { localTime, withinWorkingHours } from './local-time.ts';

const NINE_TO_FIVE = { days: ['mon', 'tue', 'wed', 'thu', 'fri'] as ('mon' | 'tue' | 'wed' | 'thu' | 'fri')[], start: '09:00', end: '17:00' };

describe('local time and working hours', () => {
  it('puts the same UTC moment on either side of 09:00 in New York across the March DST change', () => {
    // Monday 2 March 2026: EST (UTC-5); Monday 9 March 2026: EDT (UTC-4), the day after the change.
    const before = localTime(new Date('2026-03-02T13:30:00Z'), 'America/New_York');
    const after = localTime(new Date('2026-03-09T13:30:00Z'), 'America/New_York');
    expect(before).toMatchObject({ time: '08:30', weekday: 'mon', utcOffsetMinutes: -300 });
    expect(after).toMatchObject({ time: '09:30', weekday: 'mon', utcOffsetMinutes: -240 });
    expect(withinWorkingHours(before, NINE_TO_FIVE)).toBe(false);
    expect(withinWorkingHours(after, NINE_TO_FIVE)).toBe(true);
  });

  it('agrees with Intl on every hour around the Berlin autumn change (the 02:00-03:00 hour happens twice)', () => {
    const start = Date.parse('2026-10-24T20:00:00Z');
    for (let h = 0; h < 12; h++) {
      const at = new Date(start + h * 3_600_000);
      const expected = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
      expect(localTime(at, 'Europe/Berlin').time).toBe(expected);
    }
    expect(localTime(new Date('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toMatchObject({ time: '02:30', utcOffsetMinutes: 120 });
    expect(localTime(new Date('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toMatchObject({ time: '02:30', utcOffsetMinutes: 60 });
  });

  it('calls 02:00 in Tokyo off hours while it is 17:00 UTC (the 2 AM clone)', () => {
    const local = localTime(new Date('2026-03-02T17:00:00Z'), 'Asia/Tokyo');
    expect(local).toMatchObject({ time: '02:00', weekday: 'tue', date: '2026-03-03' });
    expect(withinWorkingHours(local, NINE_TO_FIVE)).toBe(false);
  });

  it('counts the early hours of a night shift to the day it started', () => {
    const night = { days: ['fri'] as 'fri'[], start: '22:00', end: '06:00' };
    expect(withinWorkingHours({ weekday: 'sat', minutes: 3 * 60 }, night)).toBe(true);
    expect(withinWorkingHours({ weekday: 'fri', minutes: 3 * 60 }, night)).toBe(false);
    expect(withinWorkingHours({ weekday: 'fri', minutes: 23 * 60 }, night)).toBe(true);
    expect(withinWorkingHours({ weekday: 'sat', minutes: 6 * 60 }, night)).toBe(false);
  });
});

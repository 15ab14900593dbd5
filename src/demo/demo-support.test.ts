import { describe, expect, it } from 'vitest';
import { localTime, zoneWhereItIs2Am } from './demo-support.ts';

describe('the demo developer\'s time zone', () => {
  it('puts every moment of a day, in winter and summer, between 02:00 and 02:59 local time', () => {
    for (const day of ['2026-01-15', '2026-07-15', '2026-03-29', '2026-11-01']) {
      for (let minutes = 0; minutes < 24 * 60; minutes += 17) {
        const now = new Date(Date.parse(`${day}T00:00:00Z`) + minutes * 60_000);
        const zone = zoneWhereItIs2Am(now);
        expect(localTime(now, zone), `${now.toISOString()} in ${zone}`).toMatch(/ 02:[0-5]\d$/);
      }
    }
  });

  it('prefers a well-known city', () => {
    expect(zoneWhereItIs2Am(new Date('2026-11-21T16:30:00Z'))).toBe('Australia/Brisbane');
  });
});

/**
 * @module detection/local-time — a moment as a person experiences it: the wall-clock time and weekday
 * in their IANA time zone (Intl, so daylight-saving changes come from the runtime's tz database), and
 * whether it falls inside their declared working hours.
 */
import type { Weekday, WorkingHours } from '../people/people-fns.ts';

const WEEKDAY_OF: Record<string, Weekday> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };
const PREVIOUS: Record<Weekday, Weekday> = { mon: 'sun', tue: 'mon', wed: 'tue', thu: 'wed', fri: 'thu', sat: 'fri', sun: 'sat' };

export interface LocalTime {
  /** 'YYYY-MM-DD' in the zone. */
  date: string;
  /** 'HH:MM' (24-hour) in the zone. */
  time: string;
  hour: number;
  /** Minutes since local midnight. */
  minutes: number;
  weekday: Weekday;
  /** Offset from UTC in minutes at that moment (e.g. 120 for CEST). */
  utcOffsetMinutes: number;
}

// Formatters are costly to build and the engine formats every event: one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * The wall-clock time of `at` in `timeZone`.
 * @example localTime(new Date('2026-03-09T13:30:00Z'), 'America/New_York').time // '09:30' (EDT, after the DST change)
 */
export function localTime(at: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(at)) parts[p.type] = p.value;
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const wallAsUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), hour, minute, Number(parts.second));
  const utcOffsetMinutes = Math.round((wallAsUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
    hour,
    minutes: hour * 60 + minute,
    weekday: WEEKDAY_OF[parts.weekday!]!,
    utcOffsetMinutes,
  };
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether a local moment is inside the declared hours. A shift whose end is before its start runs
 * past midnight: its early-morning part belongs to the day the shift started.
 * @example withinWorkingHours(localTime(at, 'Asia/Kolkata'), { days: ['mon'], start: '22:00', end: '06:00' })
 */
export function withinWorkingHours(local: Pick<LocalTime, 'minutes' | 'weekday'>, hours: WorkingHours): boolean {
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  const days = new Set(hours.days);
  if (start < end) return days.has(local.weekday) && local.minutes >= start && local.minutes < end;
  return (days.has(local.weekday) && local.minutes >= start) || (days.has(PREVIOUS[local.weekday]) && local.minutes < end);
}

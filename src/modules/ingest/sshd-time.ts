/**
 * @module ingest/sshd-time — the timestamp at the start of a log line. Classic syslog
 * (`Mar  2 10:00:01`, also `journalctl`'s default `Mar 02 10:00:01`) has no year and no zone: the
 * caller says which zone the host logs in (default UTC) and which year (default: the current year
 * there, or the year before for a date more than 7 days in the future — a December log read in
 * January). ISO 8601 stamps (rsyslog's high-precision format, `journalctl -o short-iso` and
 * `short-iso-precise`) carry both and are taken as written.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const BSD = /^([A-Z][a-z]{2}) ( ?\d|\d{2}) (\d{2}):(\d{2}):(\d{2}) /;
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2}) /;
const FUTURE_TOLERANCE_MS = 7 * 86_400_000;

export interface TimeContext {
  /** IANA zone of classic syslog stamps. */
  timeZone: string;
  /** Year of classic syslog stamps; undefined = current year with roll-back. */
  year: number | undefined;
  now: Date;
}

export type StampResult =
  | { ok: true; time: Date; /** the stamp as written */ text: string; /** the line after the stamp and its space */ rest: string }
  | { ok: false; reason: string };

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone. */
function wallClock(instant: number, timeZone: string): { year: number; ms: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const year = Number(parts.year);
  return { year, ms: Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) };
}

/** The zone's offset from UTC at an instant, in milliseconds (whole seconds). */
function offsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  return wallClock(whole, timeZone).ms - whole;
}

/**
 * The instant at which a zone's clocks showed the given wall time. In the hour repeated when clocks
 * go back, the earlier instant; in the hour skipped when they go forward, the time is read with
 * the offset before the change (02:30 in a gap becomes 03:30 after it), as `date` does.
 * @example zonedTimeToUtc(Date.UTC(2026, 2, 2, 10, 0, 1), 'Europe/Berlin') // 2026-03-02T09:00:01Z as ms
 */
export function zonedTimeToUtc(wallMs: number, timeZone: string): number {
  const before = offsetAt(wallMs - 86_400_000, timeZone);
  const after = offsetAt(wallMs + 86_400_000, timeZone);
  const candidates = [wallMs - before, wallMs - after].filter((t, i) => offsetAt(t, timeZone) === (i === 0 ? before : after));
  return candidates.length > 0 ? Math.min(...candidates) : wallMs - before;
}

/** Date.UTC that refuses dates that do not exist (Feb 30, Feb 29 in a common year). */
function exactUtc(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return null;
  const ms = Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59));
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : null;
}

function parseIso(m: RegExpExecArray, line: string): StampResult {
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const wall = exactUtc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s));
  if (wall === null) return { ok: false, reason: `timestamp ${m[0].trim()} is not a real date` };
  let offset = 0;
  if (zone !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone!)!;
    const minutes = Number(z[2]) * 60 + Number(z[3]);
    if (Number(z[2]) > 23 || Number(z[3]) > 59) return { ok: false, reason: `timestamp ${m[0].trim()} has an impossible UTC offset` };
    offset = (z[1] === '-' ? -1 : 1) * minutes * 60_000;
  }
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  return { ok: true, time: new Date(wall - offset + ms), text: m[0].trim(), rest: line.slice(m[0].length) };
}

function parseBsd(m: RegExpExecArray, line: string, ctx: TimeContext): StampResult {
  const [, mon, day, h, mi, s] = m;
  const month = MONTHS.indexOf(mon!) + 1;
  if (month === 0) return { ok: false, reason: `timestamp does not start with a month name (Jan…Dec): ${JSON.stringify(mon)}` };
  const resolve = (year: number) => {
    const wall = exactUtc(year, month, Number(day!.trim()), Number(h), Number(mi), Number(s));
    return wall === null ? null : zonedTimeToUtc(wall, ctx.timeZone);
  };
  const text = m[0].trim();
  const rest = line.slice(m[0].length);
  if (ctx.year !== undefined) {
    const t = resolve(ctx.year);
    return t === null ? { ok: false, reason: `${text} does not exist in ${ctx.year}` } : { ok: true, time: new Date(t), text, rest };
  }
  const current = wallClock(ctx.now.getTime(), ctx.timeZone).year;
  const t = resolve(current);
  if (t !== null && t <= ctx.now.getTime() + FUTURE_TOLERANCE_MS) return { ok: true, time: new Date(t), text, rest };
  const previous = resolve(current - 1);
  if (previous === null) return { ok: false, reason: `${text} does not exist in ${current} or ${current - 1}; give the year (--year)` };
  return { ok: true, time: new Date(previous), text, rest };
}

/**
 * Read the timestamp at the start of a line.
 * @example parseStamp('Mar  2 10:00:01 web-1 sshd[4242]: …', { timeZone: 'UTC', year: 2026, now })
 *   // { ok: true, time: 2026-03-02T10:00:01Z, text: 'Mar  2 10:00:01', rest: 'web-1 sshd[4242]: …' }
 */
export function parseStamp(line: string, ctx: TimeContext): StampResult {
  const iso = ISO.exec(line);
  if (iso) return parseIso(iso, line);
  const bsd = BSD.exec(line);
  if (bsd) return parseBsd(bsd, line, ctx);
  return { ok: false, reason: 'no timestamp: expected "Mmm dd hh:mm:ss" (syslog) or an ISO 8601 time with a UTC offset' };
}

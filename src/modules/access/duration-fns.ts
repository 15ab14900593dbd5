/**
 * @module access/duration-fns — ISO 8601 durations (`PT8H`, `P7D`, `P1DT12H`, `PT30M`) as the API
 * spells access durations and settings. Weeks, days, hours, minutes and seconds only: years and
 * months have no fixed length, and a grant must end at an exact instant.
 */

const ISO_DURATION = /^P(?:(\d{1,4})W)?(?:(\d{1,5})D)?(?:T(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$/;

/**
 * Seconds in an ISO 8601 duration, or null when it is not one we accept.
 * @example parseIsoDuration('P1DT12H') // 129600
 */
export function parseIsoDuration(s: string): number | null {
  const m = ISO_DURATION.exec(s.trim().toUpperCase());
  if (!m || s.trim().toUpperCase().endsWith('T') || m.slice(1).every((g) => g === undefined)) return null;
  const [w, d, h, min, sec] = m.slice(1).map((g) => Number(g ?? 0)) as [number, number, number, number, number];
  return (((w * 7 + d) * 24 + h) * 60 + min) * 60 + sec;
}

/**
 * The shortest ISO 8601 duration for a number of seconds.
 * @example formatIsoDuration(129600) // 'P1DT12H'
 */
export function formatIsoDuration(seconds: number): string {
  if (seconds === 0) return 'PT0S';
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const time = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
  return `P${d ? `${d}D` : ''}${time ? `T${time}` : ''}`;
}

/**
 * A duration in words for messages: `8 hours`, `7 days`, `1 day 12 hours`, `30 minutes`.
 * @example describeDuration(28800) // '8 hours'
 */
export function describeDuration(seconds: number): string {
  const parts: string[] = [];
  const units: [number, string][] = [[86_400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
  let rest = seconds;
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
  }
  return parts.join(' ') || '0 seconds';
}

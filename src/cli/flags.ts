/**
 * @module cli/flags — flag values the CLI understands itself (working hours, labels, relative times,
 * SSH key files) and turning handles and names into the ids some API filters need.
 */
import { readFileSync } from 'node:fs';
import type { ApiClient } from './client.ts';
import { UsageError } from './client.ts';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface WorkingHours {
  days: string[];
  start: string;
  end: string;
}

/**
 * `mon-fri@09:00-17:00`, `mon,wed,fri@08:00-12:00`, `sun-thu@22:00-06:00` (ranges may wrap the week;
 * an end before the start spans midnight) → the API's working-hours object.
 * @example parseHours('mon-fri@09:00-17:00') // { days: ['mon','tue','wed','thu','fri'], start: '09:00', end: '17:00' }
 */
export function parseHours(spec: string): WorkingHours {
  const m = /^([a-z,-]+)@(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(spec.trim().toLowerCase());
  const bad = () => new UsageError(`--hours '${spec}': expected DAYS@HH:MM-HH:MM, e.g. mon-fri@09:00-17:00`);
  if (!m) throw bad();
  const index = (d: string) => {
    const i = DAYS.indexOf(d as (typeof DAYS)[number]);
    if (i < 0) throw bad();
    return i;
  };
  const days = new Set<number>();
  for (const part of m[1]!.split(',')) {
    const [from, to, extra] = part.split('-');
    if (extra !== undefined || !from) throw bad();
    const a = index(from);
    const b = to === undefined ? a : index(to);
    for (let i = a; ; i = (i + 1) % 7) {
      days.add(i);
      if (i === b) break;
    }
  }
  const time = (t: string) => {
    const [h, min] = t.split(':').map(Number);
    if (h! > 23 || min! > 59) throw bad();
    return t;
  };
  return { days: [...days].sort((x, y) => x - y).map((i) => DAYS[i]!), start: time(m[2]!), end: time(m[3]!) };
}

/**
 * The reverse of parseHours, compressing runs of days: `mon-fri@09:00-17:00`.
 * @example formatHours({ days: ['mon','tue','wed'], start: '09:00', end: '17:00' }) // 'mon-wed@09:00-17:00'
 */
export function formatHours(h: WorkingHours): string {
  const idx = h.days.map((d) => DAYS.indexOf(d as (typeof DAYS)[number])).filter((i) => i >= 0).sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < idx.length; i++) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1] === idx[j]! + 1) j++;
    runs.push(j - i >= 2 ? `${DAYS[idx[i]!]}-${DAYS[idx[j]!]}` : idx.slice(i, j + 1).map((k) => DAYS[k]).join(','));
    i = j;
  }
  return `${runs.join(',')}@${h.start}-${h.end}`;
}

/**
 * Repeated `--label key=value` flags as an object (the server checks keys and values).
 * @example parseLabels(['team=ops', 'tier=1']) // { team: 'ops', tier: '1' }
 */
export function parseLabels(pairs: string[], flag = 'label'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--${flag} '${p}': expected key=value`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

/**
 * An ISO-8601 date or time, or a duration back from `now` (`30m`, `24h`, `7d`), as an ISO time.
 * @example parseTime('24h', 'since', new Date('2026-03-02T10:00:00Z')) // '2026-03-01T10:00:00.000Z'
 */
export function parseTime(value: string, flag: string, now = new Date()): string {
  const rel = /^(\d{1,6})([mhd])$/.exec(value);
  if (rel) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(rel[1]) * unit).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    // A date alone means midnight UTC; a time without a zone is taken as UTC too, for reproducible scripts.
    const withZone = /T|\s/.test(value) && !/(Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value;
    const d = new Date(withZone.replace(' ', 'T'));
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  throw new UsageError(`--${flag} '${value}': expected an ISO date/time (2026-03-01, 2026-03-01T08:00:00Z) or a duration ago (30m, 24h, 7d)`);
}

/**
 * OpenSSH public keys from files (one per non-comment line). A private key is refused here,
 * before anything is sent anywhere.
 * @example readPublicKeys(['/home/ann/.ssh/id_ed25519.pub'])
 */
export function readPublicKeys(files: string[]): string[] {
  return files.flatMap((file) => {
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    if (/PRIVATE KEY/.test(content)) throw new UsageError(`${file} is a private key; give the public key (the .pub file) — nothing was sent`);
    const keys = content.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    if (keys.length === 0) throw new UsageError(`${file} holds no public key`);
    return keys;
  });
}

/** `none`, `null` or an empty string on an update flag means "clear this field". */
export function nullable(value: string | undefined): string | null | undefined {
  return value === undefined ? undefined : ['', 'none', 'null'].includes(value) ? null : value;
}

/**
 * The id of a person given by id or handle.
 * @example await personId(api, 'olivia')
 */
export async function personId(api: ApiClient, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref.toLowerCase();
  return (await api.get<{ id: string }>(`/api/v1/people/${encodeURIComponent(ref)}`)).id;
}

/** The id of a vendor given by id or name. */
export async function vendorId(api: ApiClient, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref.toLowerCase();
  return (await api.get<{ id: string }>(`/api/v1/vendors/${encodeURIComponent(ref)}`)).id;
}

/** A path segment for `ref` (names may contain '/', which must be percent-encoded). */
export function seg(ref: string): string {
  return encodeURIComponent(ref);
}

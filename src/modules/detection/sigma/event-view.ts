/** @module detection/sigma/event-view — field access on one event: dotted names, and each string lower-cased (or parsed as an address) at most once. */
import { parseIp } from './cidr.ts';

/** A field name prepared for lookup: the whole dotted key first, then the nested path. */
export interface FieldRef {
  name: string;
  path: string[] | null;
}

/** @example fieldRef('actor_location.country_code').path // ['actor_location', 'country_code'] */
export function fieldRef(name: string): FieldRef {
  return { name, path: name.includes('.') ? name.split('.') : null };
}

/**
 * An object's own value at `key`. Inherited members of plain objects are functions (`toString`) or
 * `__proto__`, so dropping functions and that one key is enough, and cheaper than Object.hasOwn.
 */
function own(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== 'object' || key === '__proto__') return undefined;
  const v = (obj as Record<string, unknown>)[key];
  return typeof v === 'function' ? undefined : v;
}

/** Strings under a value, depth-first (object values and array items), for keyword search. */
function collectStrings(v: unknown, out: string[], depth: number): void {
  if (typeof v === 'string') out.push(v);
  else if (typeof v === 'number' || typeof v === 'boolean') out.push(String(v));
  else if (v !== null && typeof v === 'object' && depth < 8) {
    for (const item of Array.isArray(v) ? v : Object.values(v)) collectStrings(item, out, depth + 1);
  }
}

/** One event's fields seen by the compiled rules; built per event, so caches live exactly as long as the event. */
export class EventView {
  private lowered: Map<string, string> | null = null;
  private ips: Map<string, number[] | null> | null = null;
  private strings: string[] | null = null;
  private loweredStrings: string[] | null = null;

  constructor(readonly fields: Record<string, unknown>) {}

  /** The value of a field: `a.b` is `fields.a.b` if present, else the flat key `a.b`. */
  value(ref: FieldRef): unknown {
    const path = ref.path;
    if (path === null) return own(this.fields, ref.name);
    let v: unknown = this.fields;
    for (let i = 0; i < path.length && v !== undefined; i++) v = own(v, path[i]!);
    return v !== undefined ? v : own(this.fields, ref.name);
  }

  /** `s` (the field's own string value) lower-cased, computed once per field per event. */
  lower(ref: FieldRef, s: string): string {
    let map = this.lowered;
    if (map === null) map = this.lowered = new Map();
    let l = map.get(ref.name);
    if (l === undefined) {
      l = s.toLowerCase();
      map.set(ref.name, l);
    }
    return l;
  }

  /** `s` (the field's own string value) parsed as an IP address once per event (null when it is none). */
  ip(ref: FieldRef, s: string): number[] | null {
    let map = this.ips;
    if (map === null) map = this.ips = new Map();
    let w = map.get(ref.name);
    if (w === undefined) {
      w = parseIp(s);
      map.set(ref.name, w);
    }
    return w;
  }

  /** Every string (and number) in the event, for keyword rules; `fold` lower-cases them. */
  allStrings(fold: boolean): string[] {
    if (this.strings === null) {
      this.strings = [];
      collectStrings(this.fields, this.strings, 0);
    }
    if (!fold) return this.strings;
    return (this.loweredStrings ??= this.strings.map((s) => s.toLowerCase()));
  }
}

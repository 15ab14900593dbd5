/**
 * @module ingest/json-values — JSON request bodies that hold one event, an array of events, or
 * NDJSON (one event per line), split into values that each keep their line or index; and the
 * bounds every ingested JSON value must keep (size, depth, storable text, finite numbers, no
 * prototype keys).
 */
import { isStorableText } from '../../http/input-guard.ts';
import type { ItemError, Position } from './ingest-items.ts';

export interface JsonValue {
  value: unknown;
  position: Position;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function parse(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, message: `not JSON: ${(err as Error).message.slice(0, 200)}` };
  }
}

/**
 * Split a body into values. A body that parses as one JSON document is one event (an object) or a
 * list (an array, positions are indexes); anything else is read as NDJSON, line by line.
 * @example splitJsonBody(Buffer.from('{"a":1}\n{"a":2}\n')) // values at lines 1 and 2
 */
export function splitJsonBody(body: Buffer): { values: JsonValue[]; errors: ItemError[] } {
  let text: string;
  try {
    text = strictUtf8.decode(body);
  } catch {
    return splitLines(body);
  }
  const whole = parse(text);
  if (whole.ok) {
    if (Array.isArray(whole.value)) return { values: whole.value.map((value, index) => ({ value, position: { index } })), errors: [] };
    return { values: [{ value: whole.value, position: { index: 0 } }], errors: [] };
  }
  return splitLines(body);
}

/** NDJSON: each non-blank line one value; bad UTF-8 or bad JSON is an error for that line only. */
function splitLines(body: Buffer): { values: JsonValue[]; errors: ItemError[] } {
  const values: JsonValue[] = [];
  const errors: ItemError[] = [];
  let start = 0;
  let line = 0;
  while (start <= body.length) {
    let end = body.indexOf(0x0a, start);
    if (end < 0) end = body.length;
    line += 1;
    let text: string | null;
    try {
      text = strictUtf8.decode(body.subarray(start, end));
    } catch {
      text = null;
    }
    if (text === null) errors.push({ line, message: 'not valid UTF-8' });
    else if (text.trim() !== '') {
      const parsed = parse(text);
      if (parsed.ok) values.push({ value: parsed.value, position: { line } });
      else errors.push({ line, message: parsed.message });
    }
    start = end + 1;
  }
  return { values, errors };
}

/**
 * The first reason a JSON value may not be stored: nested deeper than `maxDepth`, a number that is
 * not finite (`1e999` parses to Infinity), text PostgreSQL cannot store, or a `__proto__`,
 * `constructor` or `prototype` key. Returns `{ path, message }` or null. Iterative.
 * @example checkJsonValue({ a: [1e999] }, 8) // { path: 'a.0', message: 'number is not finite' }
 */
export function checkJsonValue(value: unknown, maxDepth: number): { path: string; message: string } | null {
  const pending: [unknown, string, number][] = [[value, '', 0]];
  const at = (path: string, key: string) => (path ? `${path}.${key}` : key);
  while (pending.length > 0) {
    const [v, path, depth] = pending.pop()!;
    if (typeof v === 'number' && !Number.isFinite(v)) return { path, message: 'number is not finite' };
    if (typeof v === 'string' && !isStorableText(v)) return { path, message: 'contains a NUL character or an unpaired UTF-16 surrogate' };
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return { path, message: `nested deeper than ${maxDepth} levels` };
    if (Array.isArray(v)) {
      v.forEach((child, i) => pending.push([child, at(path, String(i)), depth + 1]));
      continue;
    }
    for (const [k, child] of Object.entries(v)) {
      if (FORBIDDEN_KEYS.has(k)) return { path: at(path, k), message: `the key "${k}" is refused` };
      if (!isStorableText(k)) return { path, message: 'has a key with a NUL character or an unpaired UTF-16 surrogate' };
      pending.push([child, at(path, k), depth + 1]);
    }
  }
  return null;
}

/** True for a plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** @module audit/tlog/jcs — RFC 8785 JSON Canonicalization Scheme (JCS) for I-JSON values. */
import { ValidationError } from '../../../core/errors.ts';

/** A JSON value as JCS accepts it (I-JSON, RFC 7493: finite numbers, well-formed strings). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Nesting deeper than this is refused (keeps recursion bounded on hostile input). */
export const MAX_DEPTH = 64;

const ANY_SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True for a string that is well-formed UTF-16 (I-JSON, RFC 7493 §2.1: no lone surrogates). */
export function isWellFormed(s: string): boolean {
  // The look-behind regex is slow; almost no string holds a surrogate at all.
  return !ANY_SURROGATE.test(s) || !LONE_SURROGATE.test(s);
}

function fail(path: string, message: string): never {
  throw new ValidationError(`not canonicalizable JSON at ${path || '/'}: ${message}`);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function serialize(value: unknown, path: string, depth: number): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // RFC 8785 §3.2.2.3: numbers are serialized as ECMAScript Number.prototype.toString does,
      // which is exactly what JSON.stringify produces for finite numbers (and -0 becomes "0").
      if (!Number.isFinite(value)) fail(path, 'non-finite number');
      return JSON.stringify(value);
    case 'string':
      // RFC 8785 §3.2.2.2: JSON.stringify escapes exactly ", \, and U+0000..U+001F (with the
      // short forms \b \t \n \f \r, else \u00xx in lower case) and leaves everything else as is.
      if (!isWellFormed(value)) fail(path, 'lone surrogate in string');
      return JSON.stringify(value);
    case 'object': {
      if (depth >= MAX_DEPTH) fail(path, 'nested too deeply');
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => serialize(v, `${path}/${i}`, depth + 1)).join(',')}]`;
      }
      if (!isPlainObject(value)) fail(path, 'not a plain object');
      // RFC 8785 §3.2.3: properties sorted by their names as arrays of UTF-16 code units, which is
      // what Array.prototype.sort does to strings without a comparator.
      const keys = Object.keys(value).sort();
      const obj = value as Record<string, unknown>;
      const parts = keys.map((k) => {
        if (!isWellFormed(k)) fail(path, 'lone surrogate in property name');
        return `${JSON.stringify(k)}:${serialize(obj[k], `${path}/${k}`, depth + 1)}`;
      });
      return `{${parts.join(',')}}`;
    }
    default:
      return fail(path, `${typeof value} is not JSON`);
  }
}

/**
 * The RFC 8785 canonical JSON text of a value; throws ValidationError for anything that is not
 * I-JSON (undefined, functions, non-finite numbers, lone surrogates, class instances, cycles).
 *
 * @example
 * canonicalizeJson({ b: 1, a: [true, null, 1e21] }) // '{"a":[true,null,1e+21],"b":1}'
 */
export function canonicalizeJson(value: unknown): string {
  return serialize(value, '', 0);
}

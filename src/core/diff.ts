/** @module core/diff — what changed between two versions of a record, for audit-event details. */
import { isDeepStrictEqual } from 'node:util';

/**
 * The fields whose values differ, with both values.
 * @example changedFields({ a: 1, b: 2 }, { a: 1, b: 3 }, ['a', 'b']) // { b: { from: 2, to: 3 } }
 */
export function changedFields<T extends object>(before: T, after: T, fields: readonly (keyof T & string)[]): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of fields) {
    if (!isDeepStrictEqual(before[f], after[f])) out[f] = { from: before[f] ?? null, to: after[f] ?? null };
  }
  return out;
}

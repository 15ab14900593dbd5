/** @module core/pagination — opaque cursors over id-ordered (UUIDv7, so time-ordered) listings. */
import { ValidationError } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** Encode the last key of a page. */
export function encodeCursor(key: string | number): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

/**
 * Decode a cursor from a client; a tampered or foreign cursor is a validation error, never a crash.
 * @example decodeCursor(encodeCursor('0193…')) // '0193…'
 */
export function decodeCursor(cursor: string): string | number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'k' in parsed) {
      const k = (parsed as { k: unknown }).k;
      if ((typeof k === 'string' && k.length <= 100) || (typeof k === 'number' && Number.isSafeInteger(k))) return k;
    }
  } catch {
    // fall through to the validation error
  }
  throw new ValidationError('invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
}

/** Turn `limit + 1` fetched rows into a page (the extra row only says that more exist). */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => string | number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}

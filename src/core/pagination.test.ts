import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors.ts';
import { decodeCursor, encodeCursor, toPage } from './pagination.ts';

describe('cursors', () => {
  it('round-trip string and integer keys', () => {
    expect(decodeCursor(encodeCursor('0193-abc'))).toBe('0193-abc');
    expect(decodeCursor(encodeCursor(42))).toBe(42);
  });

  it('reject garbage with a validation error', () => {
    for (const bad of ['%%%', 'e30', Buffer.from('{"k":{"x":1}}').toString('base64url'), Buffer.from('{"k":"' + 'a'.repeat(200) + '"}').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(ValidationError);
    }
  });

  it('report a next cursor only when more rows exist', () => {
    expect(toPage([1, 2, 3], 3, (n) => n).nextCursor).toBeNull();
    const page = toPage([1, 2, 3, 4], 3, (n) => n);
    expect(page.items).toEqual([1, 2, 3]);
    expect(decodeCursor(page.nextCursor!)).toBe(3);
  });
});

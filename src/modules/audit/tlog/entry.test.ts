/** @module audit/tlog/entry.test — the canonical entry encoding: exact bytes, equality with generic JCS, strict decoding. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntry, encodeEntry, encodeEntryText, type AuditLogEntry } from './entry.ts';
import { canonicalizeJson, type JsonObject } from './jcs.ts';

const base: AuditLogEntry = {
  index: 7,
  id: '0b7e9a5c-3f2d-4c1e-9a8b-1c2d3e4f5a6b',
  occurredAt: '2025-03-01T02:04:05.006Z',
  type: 'git.clone',
  outcome: 'denied',
  actor: { id: null, handle: 'ada', role: 'external', ip: '203.0.113.9', userAgent: 'git/2.45.0' },
  target: { type: 'repository', id: 'r-1' },
  engagementId: null,
  requestId: 'req-1',
  details: { reason: 'no grant', attempts: 3, nested: { z: true, a: [1.5, null] } },
};

/** An arbitrary valid entry, for property tests. */
const arbitraryEntry = (index: number): fc.Arbitrary<AuditLogEntry> =>
  fc.record({
    index: fc.constant(index),
    id: fc.uuid().map((u) => u.toLowerCase()),
    occurredAt: fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    type: fc.stringMatching(/^[a-z]{1,10}\.[a-z_]{1,12}$/),
    outcome: fc.constantFrom('success' as const, 'failure' as const, 'denied' as const),
    actor: fc.record({
      id: fc.option(fc.uuid()),
      handle: fc.option(fc.string({ unit: 'grapheme' })),
      role: fc.option(fc.string()),
      ip: fc.option(fc.ipV4()),
      userAgent: fc.option(fc.string({ unit: 'grapheme' })),
    }),
    target: fc.record({ type: fc.option(fc.string()), id: fc.option(fc.string()) }),
    engagementId: fc.option(fc.uuid()),
    requestId: fc.option(fc.string()),
    details: fc.dictionary(fc.string({ unit: 'grapheme' }), fc.jsonValue()).map(
      (d) => JSON.parse(JSON.stringify(d)) as JsonObject,
    ),
  });

describe('entry encoding', () => {
  it('writes the fields in JCS order with "v":1, on one line', () => {
    expect(encodeEntryText(base)).toBe(
      '{"actor":{"handle":"ada","id":null,"ip":"203.0.113.9","role":"external","userAgent":"git/2.45.0"},' +
        '"details":{"attempts":3,"nested":{"a":[1.5,null],"z":true},"reason":"no grant"},' +
        '"engagementId":null,"id":"0b7e9a5c-3f2d-4c1e-9a8b-1c2d3e4f5a6b","index":7,' +
        '"occurredAt":"2025-03-01T02:04:05.006Z","outcome":"denied","requestId":"req-1",' +
        '"target":{"id":"r-1","type":"repository"},"type":"git.clone","v":1}',
    );
    expect(new TextDecoder().decode(encodeEntry(base))).toBe(encodeEntryText(base));
  });

  it('is byte for byte the generic RFC 8785 canonicalization, and decodes back', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat().chain(arbitraryEntry), (_n, entry) => {
        const text = encodeEntryText(entry);
        expect(text).toBe(canonicalizeJson({ ...entry, v: 1 }));
        expect(text).not.toContain('\n');
        expect(decodeEntry(text)).toEqual(entry);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['index', { ...base, index: -1 }],
    ['index', { ...base, index: 1.5 }],
    ['id', { ...base, id: base.id.toUpperCase() }],
    ['occurredAt', { ...base, occurredAt: '2025-03-01T02:04:05Z' }],
    ['occurredAt', { ...base, occurredAt: '2025-02-30T02:04:05.006Z' }],
    ['occurredAt', { ...base, occurredAt: '2025-03-01T02:04:05.006+00:00' }],
    ['type', { ...base, type: '' }],
    ['outcome', { ...base, outcome: 'ok' }],
    ['actor', { ...base, actor: { ...base.actor, extra: 1 } }],
    ['actor.ip', { ...base, actor: { ...base.actor, ip: 5 } }],
    ['target', { ...base, target: { id: null } }],
    ['details', { ...base, details: [] }],
    ['details', { ...base, details: { n: Number.NaN } }],
    ['requestId', { ...base, requestId: '\ud800' }],
    ['entry', { ...base, extra: true }],
  ])('refuses an entry with a bad %s', (_field, entry) => {
    expect(() => encodeEntry(entry as unknown as AuditLogEntry)).toThrow(/invalid audit log entry|canonicalizable/);
  });

  it('decodes only canonical text', () => {
    const text = encodeEntryText(base);
    expect(decodeEntry(text)).toEqual(base);
    const variants = [
      text.replace('"index":7', '"index":7.0'),
      text.replace('{"actor"', '{ "actor"'),
      text.replace('"v":1}', '"v":1,"v":1}'),
      text.replace('"v":1', '"v":2'),
      text.replace(',"v":1', ''),
      text.replace('"details":{"attempts":3,', '"details":{"attempts":3,"attempts":3,'),
      text.replace('"outcome":"denied","requestId"', '"requestId":"req-1","outcome":"denied","requestId"'),
      text.replace('no grant', 'no gr\\u0061nt'),
      `${text}\n`,
      'null',
      '{',
    ];
    for (const v of variants) expect(() => decodeEntry(v), v).toThrow(/invalid audit log entry/);
  });
});

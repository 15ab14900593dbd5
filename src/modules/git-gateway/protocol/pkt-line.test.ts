/** @module git-gateway/protocol/pkt-line.test — framing, incremental decoding across chunk borders, and malformed input. */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DELIM_PKT,
  FLUSH_PKT,
  MAX_PKT_PAYLOAD,
  PktLineError,
  RESPONSE_END_PKT,
  createPktLineReader,
  encodePktLine,
  encodeSideBand,
  parsePktLines,
  pktText,
  type PktLine,
} from './pkt-line.ts';

describe('encodePktLine', () => {
  it('prefixes the payload with its total length in four lowercase hex digits', () => {
    expect(encodePktLine('want 1234\n').toString()).toBe('000ewant 1234\n');
    expect(encodePktLine('').toString()).toBe('0004');
    expect(encodePktLine(Buffer.alloc(252)).subarray(0, 4).toString()).toBe('0100');
  });

  it('accepts the largest payload git allows and refuses one byte more', () => {
    expect(encodePktLine(Buffer.alloc(MAX_PKT_PAYLOAD)).subarray(0, 4).toString()).toBe('fff0');
    expect(() => encodePktLine(Buffer.alloc(MAX_PKT_PAYLOAD + 1))).toThrow(PktLineError);
  });

  it('encodes the special packets as git does', () => {
    expect(FLUSH_PKT.toString()).toBe('0000');
    expect(DELIM_PKT).toBe('0001');
    expect(RESPONSE_END_PKT).toBe('0002');
  });

  it('matches the framing of git itself (git receive-pack --advertise-refs on an empty repository)', () => {
    const dir = execFileSync('mktemp', ['-d']).toString().trim();
    execFileSync('git', ['init', '--bare', '-q', dir]);
    const out = execFileSync('git', ['receive-pack', '--advertise-refs', dir]);
    const lines = parsePktLines(out);
    expect(lines.at(-1)).toEqual({ type: 'flush' });
    const first = lines[0]!;
    expect(first.type).toBe('data');
    expect(Buffer.concat([encodePktLine((first as { payload: Buffer }).payload), FLUSH_PKT])).toEqual(out);
  });
});

describe('encodeSideBand', () => {
  it('puts the band number as the first payload byte', () => {
    expect(encodeSideBand(2, 'checking\n')).toEqual(Buffer.from('000e\x02checking\n', 'latin1'));
    expect(encodeSideBand(1, Buffer.from([0, 255]))).toEqual(Buffer.from([0x30, 0x30, 0x30, 0x37, 1, 0, 255]));
  });

  it('refuses a band other than 1, 2 or 3', () => {
    expect(() => encodeSideBand(4 as 1, 'x')).toThrow(PktLineError);
  });
});

describe('createPktLineReader', () => {
  it('yields data, flush, delim and response-end packets', () => {
    const reader = createPktLineReader();
    reader.push(Buffer.from('0009done\n000000010002'));
    expect([...reader]).toEqual([
      { type: 'data', payload: Buffer.from('done\n') },
      { type: 'flush' },
      { type: 'delim' },
      { type: 'response-end' },
    ]);
    expect(reader.buffered).toBe(0);
    expect(() => reader.end()).not.toThrow();
  });

  it('waits for the rest of a line split across chunks and resumes after more input', () => {
    const reader = createPktLineReader();
    reader.push(Buffer.from('000ewant'));
    expect([...reader]).toEqual([]);
    reader.push(Buffer.from(' 1234\n00'));
    expect([...reader].map(pktText)).toEqual(['want 1234']);
    reader.push(Buffer.from('00'));
    expect([...reader]).toEqual([{ type: 'flush' }]);
  });

  it('keeps the unread bytes when iteration stops early (the pack after a push command list)', () => {
    const reader = createPktLineReader();
    reader.push(Buffer.concat([encodePktLine('cmd\n'), FLUSH_PKT, Buffer.from('PACK\x00\x00\x00\x02')]));
    for (const pkt of reader) if (pkt.type === 'flush') break;
    expect(reader.remainder().subarray(0, 4).toString()).toBe('PACK');
  });

  it('throws a PktLineError on a non-hex length, the reserved length 0003, and an oversized line', () => {
    for (const bad of ['zzzz', '0003', 'fff1', 'ffff']) {
      const reader = createPktLineReader();
      reader.push(Buffer.from(bad + 'x'));
      expect(() => [...reader], bad).toThrow(PktLineError);
    }
  });

  it('reports input that ends inside a line', () => {
    const reader = createPktLineReader();
    reader.push(Buffer.from('0010abc'));
    expect([...reader]).toEqual([]);
    expect(() => reader.end()).toThrow(/ended inside a pkt-line/);
    expect(() => parsePktLines(Buffer.from('00'))).toThrow(PktLineError);
  });

  it('decodes what encodePktLine wrote, for any payloads and any chunking', () => {
    const payload = fc.uint8Array({ maxLength: 300 });
    const packet: fc.Arbitrary<PktLine> = fc.oneof(
      payload.map((p) => ({ type: 'data' as const, payload: Buffer.from(p) })),
      fc.constant({ type: 'flush' as const }),
      fc.constant({ type: 'delim' as const }),
      fc.constant({ type: 'response-end' as const }),
    );
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }), (packets, cuts) => {
        const wire = Buffer.concat(
          packets.map((p) =>
            p.type === 'data' ? encodePktLine(p.payload) : Buffer.from(p.type === 'flush' ? '0000' : p.type === 'delim' ? DELIM_PKT : RESPONSE_END_PKT),
          ),
        );
        const reader = createPktLineReader();
        const out: PktLine[] = [];
        let at = 0;
        for (let i = 0; at < wire.length; i++) {
          const size = cuts[i % cuts.length]!;
          reader.push(wire.subarray(at, at + size));
          at += size;
          out.push(...reader);
        }
        reader.end();
        expect(out).toEqual(packets);
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { batches, bodyOf, splitLines, stampKey, type BatchLimits } from './ingest-batches.ts';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
async function* chunks(...parts: (string | Buffer)[]) {
  for (const p of parts) yield Buffer.from(p);
}
const small: BatchLimits = { targetLines: 2, targetBytes: 1 << 20, maxLines: 4, maxBytes: 1 << 20 };

describe('ingest batches', () => {
  it('split lines across chunk boundaries, keep bytes that are not UTF-8, and keep a last line without a newline', async () => {
    const lines = await collect(splitLines(chunks('a\nb', 'c\n', Buffer.from([0xff, 0x0a, 0x64]))));
    expect(lines.map((l) => l.toString('latin1'))).toEqual(['a', 'bc', '\xff', 'd']);
  });

  it('read the timestamp of classic and ISO lines', () => {
    expect(stampKey(Buffer.from('Mar  2 10:00:01 web-1 sshd[1]: x'))).toBe('Mar  2 10:00:01');
    expect(stampKey(Buffer.from('2026-03-02T10:00:01.123456+01:00 web-1 sshd[1]: x'))).toBe('2026-03-02T10:00:01.123456+01:00');
  });

  it('cut an sshd log only where the second changes, so identical lines of one second travel together', async () => {
    const log = ['Mar  2 10:00:01 a', 'Mar  2 10:00:01 a', 'Mar  2 10:00:01 a', 'Mar  2 10:00:02 b', 'Mar  2 10:00:03 c'].join('\n');
    const got = await collect(batches(splitLines(chunks(log)), small, stampKey));
    expect(got.map((b) => [b.firstLine, b.lines.length])).toEqual([[1, 3], [4, 2]]);
    expect(bodyOf(got[1]!).toString()).toBe('Mar  2 10:00:02 b\nMar  2 10:00:03 c\n');
  });

  it('cut a run of one second at the maximum anyway, and say where', async () => {
    const log = Array.from({ length: 6 }, () => 'Mar  2 10:00:01 same').join('\n');
    const forced: number[] = [];
    const got = await collect(batches(splitLines(chunks(log)), small, stampKey, (l) => forced.push(l)));
    expect(got.map((b) => b.lines.length)).toEqual([4, 2]);
    expect(forced).toEqual([5]);
  });
});

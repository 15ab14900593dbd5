/** @module git-gateway/push/push-commands.test — reading the command list of a receive-pack request from disk. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors.ts';
import { encodePktLine, FLUSH_PKT } from '../protocol/pkt-line.ts';
import { readPushRequestHead } from './push-commands.ts';

let dir: string;
let n = 0;
const a = 'a'.repeat(40);
const b = 'b'.repeat(40);
const zero = '0'.repeat(40);

async function head(...parts: (string | Buffer)[]) {
  const file = join(dir, `body-${n++}`);
  await writeFile(file, Buffer.concat(parts.map((p) => (typeof p === 'string' ? encodePktLine(p) : p))));
  return readPushRequestHead(file);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'palisade-push-commands-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the command list of a push', () => {
  it('gives commands, the first line\'s capabilities and where the pack starts', async () => {
    const first = `${a} ${b} refs/heads/main\0report-status side-band-64k agent=git/2.39\n`;
    const h = await head(first, `${zero} ${b} refs/heads/new\n`, FLUSH_PKT, Buffer.from('PACK....'));
    expect(h.commands).toEqual([{ oldOid: a, newOid: b, ref: 'refs/heads/main' }, { oldOid: zero, newOid: b, ref: 'refs/heads/new' }]);
    expect(h.capabilities).toEqual(['report-status', 'side-band-64k', 'agent=git/2.39']);
    expect(h.packOffset).toBe(encodePktLine(first).length + encodePktLine(`${zero} ${b} refs/heads/new\n`).length + 4);
  });

  it('reads shallow lines before the commands and push options after them when negotiated', async () => {
    const h = await head(`shallow ${a}\n`, `${a} ${b} refs/heads/main\0report-status push-options\n`, FLUSH_PKT, 'ci.skip\n', 'topic=x\n', FLUSH_PKT, Buffer.from('PACK'));
    expect(h.shallow).toEqual([a]);
    expect(h.pushOptions).toEqual(['ci.skip', 'topic=x']);
    expect(h.commands).toHaveLength(1);
  });

  it('accepts SHA-256 object ids', async () => {
    const h = await head(`${'c'.repeat(64)} ${'d'.repeat(64)} refs/heads/main\0report-status object-format=sha256\n`, FLUSH_PKT);
    expect(h.commands[0]!.newOid).toHaveLength(64);
  });

  it('refuses capabilities after the first line, signed pushes, mixed id lengths and delim packets', async () => {
    await expect(head(`${a} ${b} refs/heads/a\n`, `${a} ${b} refs/heads/b\0report-status\n`, FLUSH_PKT)).rejects.toThrow(/capabilities after/);
    await expect(head(`push-cert\0report-status\n`, FLUSH_PKT)).rejects.toThrow(/signed pushes/);
    await expect(head(`${a} ${'d'.repeat(64)} refs/heads/a\n`, FLUSH_PKT)).rejects.toThrow(ValidationError);
    await expect(head(`${a} ${b} refs/heads/a\n`, Buffer.from('0001'), FLUSH_PKT)).rejects.toThrow(/delim/);
    await expect(head(`${a} ${b} HEAD\n`, FLUSH_PKT)).rejects.toThrow(/refs\//);
  });
});

/** @module audit/tlog/bundle.test — the writer lays out the documented files and refuses inconsistent input. */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_FILES, writeBundle } from './bundle.ts';
import { encodeEntryText } from './entry.ts';
import { buildSampleLog, writeSampleBundle } from './log-fixture.test-support.ts';

const log = buildSampleLog(12, [5, 12]);
const dirs: string[] = [];
const fresh = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'palisade-bundle-w-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('writeBundle', () => {
  it('writes the documented layout', async () => {
    const dir = await writeSampleBundle(log, fresh());
    expect(JSON.parse(readFileSync(join(dir, BUNDLE_FILES.manifest), 'utf8'))).toEqual({
      format: 'palisade-audit-bundle/v1',
      origin: 'audit.example.com/log',
      treeSize: 12,
      checkpoints: ['checkpoints/5.note', 'checkpoints/12.note'],
      createdAt: '2025-06-01T00:00:00.000Z',
    });
    expect(readFileSync(join(dir, BUNDLE_FILES.verifierKey), 'utf8')).toBe(`${log.verifierKey}\n`);
    expect(readFileSync(join(dir, BUNDLE_FILES.events), 'utf8')).toBe(log.entries.map((e) => `${encodeEntryText(e)}\n`).join(''));
    expect(statSync(join(dir, BUNDLE_FILES.leafHashes)).size).toBe(12 * 32);
    expect(readFileSync(join(dir, 'checkpoints/12.note'), 'utf8')).toBe(log.checkpoints.get(12));
  });

  it('refuses gaps, a size other than the latest checkpoint, foreign checkpoints and a used directory', async () => {
    const base = { verifierKey: log.verifierKey, checkpoints: [...log.checkpoints.values()] };
    await expect(writeBundle(fresh(), { ...base, entries: log.entries.filter((e) => e.index !== 3) })).rejects.toThrow(/index/);
    await expect(writeBundle(fresh(), { ...base, entries: log.entries.slice(0, 11) })).rejects.toThrow(/latest checkpoint/);
    const other = buildSampleLog(12, [12]);
    await expect(writeBundle(fresh(), { ...base, checkpoints: [other.checkpoints.get(12) as string], entries: log.entries })).rejects.toThrow();
    await expect(writeBundle(fresh(), { ...base, checkpoints: [], entries: log.entries })).rejects.toThrow(/checkpoint/);
    const used = await writeSampleBundle(log, fresh());
    await expect(writeBundle(used, { ...base, entries: log.entries })).rejects.toThrow();
    expect(existsSync(join(used, BUNDLE_FILES.events))).toBe(true);
  });
});

import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { masterKeyId } from './envelope.ts';
import { loadMasterKey, parseMasterKey } from './master-key.ts';

const dir = () => mkdtemp(path.join(tmpdir(), 'palisade-mk-'));

describe('the master key', () => {
  it('comes from PALISADE_MASTER_KEY when set, and no file is written', async () => {
    const raw = randomBytes(32);
    const d = await dir();
    const mk = await loadMasterKey({ fromEnvironment: raw.toString('base64'), dataDir: d });
    expect(Buffer.from(mk.key).equals(raw)).toBe(true);
    expect(mk).toMatchObject({ source: 'environment', created: false, file: undefined, id: masterKeyId(raw) });
    await expect(stat(path.join(d, 'master.key'))).rejects.toThrow(/ENOENT/);
  });

  it('is created on first start as a 0600 file and read back unchanged later', async () => {
    const d = path.join(await dir(), 'not-yet');
    const first = await loadMasterKey({ fromEnvironment: undefined, dataDir: d });
    expect(first).toMatchObject({ source: 'file', created: true, file: path.join(d, 'master.key') });
    expect((await stat(first.file!)).mode & 0o777).toBe(0o600);
    const again = await loadMasterKey({ fromEnvironment: '', dataDir: d });
    expect(again.created).toBe(false);
    expect(again.id).toBe(first.id);
    expect(Buffer.from(parseMasterKey(await readFile(first.file!, 'utf8'))).equals(Buffer.from(first.key))).toBe(true);
  });

  it('refuses a key file that other users may read', async () => {
    const d = await dir();
    const mk = await loadMasterKey({ fromEnvironment: undefined, dataDir: d });
    await chmod(mk.file!, 0o644);
    await expect(loadMasterKey({ fromEnvironment: undefined, dataDir: d })).rejects.toThrow(/may be read by other users.*chmod 600/);
  });

  it('refuses values that are not base64 of exactly 32 bytes, without echoing them', async () => {
    for (const bad of ['', 'secret-password', randomBytes(16).toString('base64'), randomBytes(32).toString('base64url'), randomBytes(33).toString('base64')]) {
      expect(() => parseMasterKey(bad), bad).toThrow(/base64 encoding of 32 random bytes/);
    }
    try {
      parseMasterKey('hunter2hunter2');
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
    const d = await dir();
    await writeFile(path.join(d, 'master.key'), 'garbage\n', { mode: 0o600 });
    await expect(loadMasterKey({ fromEnvironment: undefined, dataDir: d })).rejects.toThrow(/master\.key must be the base64/);
  });
});

/**
 * @module core/master-key — the key that encrypts Palisade's secrets at rest (core/envelope.ts):
 * `PALISADE_MASTER_KEY` (base64 of 32 bytes) when set, otherwise `<data folder>/master.key`,
 * created with mode 0600 on first start.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { KEY_SIZE, masterKeyId } from './envelope.ts';
import { ValidationError } from './errors.ts';

export const MASTER_KEY_FILE = 'master.key';

export interface MasterKey {
  key: Uint8Array;
  /** Public identifier (core/envelope.ts masterKeyId), safe to print. */
  id: string;
  source: 'environment' | 'file';
  /** The key file, when the key came from one. */
  file: string | undefined;
  /** True when this call created the key file. */
  created: boolean;
}

/**
 * Decode a master key written as standard base64 of exactly 32 bytes (`openssl rand -base64 32`).
 * Throws ValidationError, never echoing the value.
 * @example parseMasterKey('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=')
 */
export function parseMasterKey(text: string, where = 'PALISADE_MASTER_KEY'): Uint8Array {
  const trimmed = text.trim();
  const bytes = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || bytes.toString('base64') !== trimmed || bytes.length !== KEY_SIZE) {
    throw new ValidationError(`${where} must be the base64 encoding of ${KEY_SIZE} random bytes (create one with: openssl rand -base64 32)`);
  }
  return new Uint8Array(bytes);
}

/** Create the key file if it does not exist; false when another process got there first. */
async function createKeyFile(file: string): Promise<boolean> {
  try {
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(`${randomBytes(KEY_SIZE).toString('base64')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/**
 * The master key from the environment value (already validated by config) or from the key file in
 * `dataDir`, creating the file on first start. A key file that others may read is refused.
 * @example const mk = await loadMasterKey({ fromEnvironment: process.env.PALISADE_MASTER_KEY, dataDir: '.palisade' });
 */
export async function loadMasterKey(opts: { fromEnvironment: string | undefined; dataDir: string }): Promise<MasterKey> {
  if (opts.fromEnvironment !== undefined && opts.fromEnvironment !== '') {
    const key = parseMasterKey(opts.fromEnvironment);
    return { key, id: masterKeyId(key), source: 'environment', file: undefined, created: false };
  }
  await mkdir(opts.dataDir, { recursive: true });
  const file = path.join(opts.dataDir, MASTER_KEY_FILE);
  const created = await createKeyFile(file);
  const info = await stat(file);
  if ((info.mode & 0o077) !== 0) {
    throw new Error(`the master key file ${file} may be read by other users (mode ${(info.mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
  }
  const key = parseMasterKey(await readFile(file, 'utf8'), file);
  return { key, id: masterKeyId(key), source: 'file', file, created };
}

/**
 * The audit log's signing key across restarts (server in this process): created at first start under
 * the master key file, reopened later, and a server whose master key cannot open it refuses to start
 * with a message that says what to do. PGlite by default; PostgreSQL when DATABASE_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config.ts';
import { masterKeyId } from '../../src/core/envelope.ts';
import { parseMasterKey } from '../../src/core/master-key.ts';
import { createEmptyPostgresDatabase } from '../../src/db/test-db.ts';
import { startServer, StartupRefusal } from '../../src/server.ts';

let dir: string;
let env: Record<string, string> = {};
let drop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'palisade-key-'));
  if (process.env.DATABASE_URL) {
    const db = await createEmptyPostgresDatabase(process.env.DATABASE_URL);
    env = { DATABASE_URL: db.url };
    drop = db.drop;
  }
});
afterAll(async () => {
  await drop?.();
  await rm(dir, { recursive: true, force: true });
});

async function start(extra: Record<string, string> = {}) {
  let text = '';
  const out = new Writable({ write: (chunk, _enc, cb) => ((text += String(chunk)), cb()) });
  const server = await startServer(loadConfig({ data: dir, port: '0', logLevel: 'silent' }, { ...env, ...extra }), out);
  return { server, text: () => text };
}

describe('the audit log signing key', () => {
  it('is created at first start under a new 0600 master key file, and its verifier key is printed', async () => {
    const { server, text } = await start({ PALISADE_LOG_NAME: 'acme-prod' });
    await server.close();
    expect(text()).toMatch(/Created the master key .*master\.key \(mode 0600\)/);
    expect(text()).toMatch(/^Audit log palisade\.acme-prod\/audit, verifier key palisade\.acme-prod\/audit\+[0-9a-f]{8}\+\S+$/m);
    expect((await stat(path.join(dir, 'master.key'))).mode & 0o777).toBe(0o600);
  });

  it('is reopened with the same verifier key on a later start, whatever the log name says then', async () => {
    const again = await start({ PALISADE_LOG_NAME: 'renamed' });
    await again.server.close();
    expect(again.text()).not.toMatch(/Created the master key/);
    expect(again.text()).toMatch(/^Audit log palisade\.acme-prod\/audit, verifier key/m);
  });

  it('also opens with the master key given as PALISADE_MASTER_KEY (how several servers share it)', async () => {
    const key = (await readFile(path.join(dir, 'master.key'), 'utf8')).trim();
    const { server } = await start({ PALISADE_MASTER_KEY: key });
    await server.close();
  });

  it('makes a server with another master key refuse to start, naming both keys and the remedy', async () => {
    const own = parseMasterKey(await readFile(path.join(dir, 'master.key'), 'utf8'));
    const other = randomBytes(32);
    const attempt = start({ PALISADE_MASTER_KEY: other.toString('base64') });
    await expect(attempt).rejects.toThrow(StartupRefusal);
    await expect(attempt).rejects.toThrow(new RegExp(`master key ${masterKeyId(own)}.*this server's master key is ${masterKeyId(other)}.*PALISADE_MASTER_KEY`));
    // The refusal released everything: a correct start works right after.
    const { server } = await start();
    await server.close();
  });

  it('refuses a malformed PALISADE_MASTER_KEY before touching anything', () => {
    expect(() => loadConfig({ data: dir }, { PALISADE_MASTER_KEY: 'not-a-key' })).toThrow(/PALISADE_MASTER_KEY must be the base64 encoding of 32 random bytes/);
    expect(() => loadConfig({ data: dir }, { PALISADE_LOG_NAME: 'has space' })).toThrow(/invalid configuration/);
  });
});

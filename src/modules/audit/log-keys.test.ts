import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.ts';
import { masterKeyId } from '../../core/envelope.ts';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import { createLogKeys, LogKeyUnavailable, logOrigin } from './log-keys.ts';
import { readSigningKey } from './tlog-store.ts';
import { formatSignerKey, isValidKeyName, parseVerifierKey } from './tlog/index.ts';

const clock = fixedClock(new Date('2026-04-01T08:00:00Z'));
const masterKey = randomBytes(32);
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe('the log signing key', () => {
  it('is created once, even when several servers open it at the same moment', async () => {
    const opened = await Promise.all(
      Array.from({ length: 4 }, () => createLogKeys({ db: t.db, clock, masterKey, origin: 'palisade.first/audit' }).open()),
    );
    expect(opened.filter((k) => k.created)).toHaveLength(1);
    expect(new Set(opened.map((k) => k.verifierKey)).size).toBe(1);
    expect(parseVerifierKey(opened[0]!.verifierKey).name).toBe('palisade.first/audit');
  });

  it('keeps the name it was created with, whatever origin later servers are configured with', async () => {
    const again = await createLogKeys({ db: t.db, clock, masterKey, origin: 'palisade.renamed/audit' }).open();
    expect(again).toMatchObject({ created: false, origin: 'palisade.first/audit' });
  });

  it('is stored sealed: the database holds neither the seed nor the signer key text', async () => {
    const key = await createLogKeys({ db: t.db, clock, masterKey, origin: 'x' }).open();
    const stored = (await readSigningKey(t.db))!;
    const secret = formatSignerKey(key.signer);
    // The base64 part is everything after `PRIVATE+KEY+<name>+<keyid>+`; base64 itself may contain '+',
    // so cutting at the last '+' could leave a one-character fragment that random ciphertext contains.
    const seedB64 = secret.split('+').slice(4).join('+');
    expect(seedB64).toHaveLength(44);
    expect(Buffer.from(stored.sealedSigner).toString('latin1')).not.toContain(seedB64);
    expect(Buffer.from(stored.sealedSigner).includes(Buffer.from(key.signer.seed))).toBe(false);
    expect(stored.masterKeyId).toBe(masterKeyId(masterKey));
  });

  it('refuses, saying which master key is needed, when this server has another one', async () => {
    const other = randomBytes(32);
    const attempt = createLogKeys({ db: t.db, clock, masterKey: other, origin: 'x' }).open();
    await expect(attempt).rejects.toThrow(LogKeyUnavailable);
    await expect(attempt).rejects.toThrow(
      new RegExp(`sealed with the master key ${masterKeyId(masterKey)}, and this server's master key is ${masterKeyId(other)}.*PALISADE_MASTER_KEY`),
    );
  });

  it('refuses a sealed key that was altered in the database', async () => {
    await t.db.query('ALTER TABLE tlog_signing_key DISABLE TRIGGER tlog_signing_key_guard');
    await t.db.query("UPDATE tlog_signing_key SET sealed_signer = overlay(sealed_signer placing '\\x00'::bytea from 40)");
    await t.db.query('ALTER TABLE tlog_signing_key ENABLE TRIGGER tlog_signing_key_guard');
    await expect(createLogKeys({ db: t.db, clock, masterKey, origin: 'x' }).open()).rejects.toThrow(/does not decrypt/);
  });
});

describe('the log origin', () => {
  it('is palisade.<name>/audit, a valid note key name, from the configured name or the host name', () => {
    expect(logOrigin('acme')).toBe('palisade.acme/audit');
    expect(logOrigin('Build Server #7+x')).toBe('palisade.build-server-7-x/audit');
    expect(logOrigin('...')).toBe('palisade.local/audit');
    expect(isValidKeyName(logOrigin())).toBe(true);
  });
});

/**
 * @module audit/log-keys — the log's Ed25519 signing key: created once (first start), stored sealed
 * under the master key (core/envelope.ts), opened by every server at start so that a server that
 * could not sign refuses to start instead of failing later, when it is elected sequencer.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../../core/clock.ts';
import { EnvelopeError, masterKeyId, openEnvelope, sealEnvelope } from '../../core/envelope.ts';
import type { Database } from '../../db/database.ts';
import { formatSignerKey, formatVerifierKey, generateSignerKey, isValidKeyName, parseSignerKey, type SignerKey } from './tlog/index.ts';
import { insertSigningKey, readSigningKey } from './tlog-store.ts';

/** Serialises key creation when several servers start on one empty PostgreSQL database. */
const KEY_LOCK = 7_301_003;
const utf8 = new TextEncoder();

/** The key cannot be opened with the master key this server has. The message says what to do. */
export class LogKeyUnavailable extends Error {}

export interface OpenedLogKey {
  signer: SignerKey;
  /** `name+keyid+base64`, public. */
  verifierKey: string;
  /** The log's origin (= key name). */
  origin: string;
  /** True when this call created the key. */
  created: boolean;
}

export interface LogKeys {
  /**
   * The signing key, created if the database has none yet. Throws LogKeyUnavailable when it exists
   * but the master key cannot open it. The result is cached.
   */
  open(): Promise<OpenedLogKey>;
}

/** The associated data that binds the sealed key to its use and name (core/envelope.ts). */
export const signingKeyPurpose = (name: string) => `palisade:audit-log-signing-key:${name}`;

/**
 * The default origin (and key name) of a new log: `palisade.<name>/audit`, where name is
 * PALISADE_LOG_NAME or this machine's host name, lower-cased, reduced to `[a-z0-9.-]`.
 * @example logOrigin('acme') // 'palisade.acme/audit'
 */
export function logOrigin(name: string | undefined = undefined): string {
  const slug = (name ?? hostname()).toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '').slice(0, 63);
  const origin = `palisade.${slug || 'local'}/audit`;
  if (!isValidKeyName(origin)) throw new Error(`invalid log origin ${origin}`);
  return origin;
}

/**
 * Key access for one database and master key; `origin` names a key created now.
 * @example const keys = createLogKeys({ db, clock, masterKey, origin: logOrigin() }); await keys.open();
 */
export function createLogKeys(deps: { db: Database; clock: Clock; masterKey: Uint8Array; origin: string }): LogKeys {
  const { db, clock, masterKey } = deps;
  let opened: Promise<OpenedLogKey> | undefined;

  const load = async (): Promise<OpenedLogKey> => {
    const { stored, created } = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      const existing = await readSigningKey(tx);
      if (existing) return { stored: existing, created: false };
      const signer = generateSignerKey(deps.origin);
      const fresh = {
        name: signer.name,
        verifierKey: formatVerifierKey(signer),
        sealedSigner: sealEnvelope(masterKey, utf8.encode(formatSignerKey(signer)), signingKeyPurpose(signer.name)),
        masterKeyId: masterKeyId(masterKey),
        createdAt: clock.now(),
      };
      await insertSigningKey(tx, fresh);
      return { stored: fresh, created: true };
    });
    let signer: SignerKey;
    try {
      signer = parseSignerKey(new TextDecoder().decode(openEnvelope(masterKey, stored.sealedSigner, signingKeyPurpose(stored.name))));
    } catch (err) {
      const why = err instanceof EnvelopeError && err.reason === 'wrong-key'
        ? `it was sealed with the master key ${stored.masterKeyId}, and this server's master key is ${masterKeyId(masterKey)}`
        : `it does not decrypt (${(err as Error).message})`;
      throw new LogKeyUnavailable(
        `cannot open the audit log's signing key (${stored.name}) stored in the database: ${why}. ` +
          'Start every server of this database with the master key that created the log: set PALISADE_MASTER_KEY to it ' +
          '(the base64 content of master.key in the first server\'s data folder, if it used a key file).',
      );
    }
    if (formatVerifierKey(signer) !== stored.verifierKey || signer.name !== stored.name) {
      throw new LogKeyUnavailable('the audit log signing key in the database does not match its verifier key: the key row was altered');
    }
    return { signer, verifierKey: stored.verifierKey, origin: stored.name, created };
  };

  return {
    open() {
      // A failed open is not cached: the next call tries again (e.g. the database was unreachable).
      opened ??= load().catch((err: unknown) => {
        opened = undefined;
        throw err;
      });
      return opened;
    },
  };
}

/**
 * A master key that exists only in memory and a test origin: for tests and tools that never restart
 * on the same database. A server always passes its real master key (server.ts).
 * @example createLogKeys({ db, clock, ...throwAwayLogKey() })
 */
export function throwAwayLogKey(): { masterKey: Uint8Array; origin: string } {
  return { masterKey: randomBytes(32), origin: 'palisade.test/audit' };
}

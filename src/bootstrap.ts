/**
 * @module bootstrap — first start: create the first admin and their API token, exactly once
 * even when several servers start together (advisory lock), all in one audited transaction.
 */
import { ValidationError } from './core/errors.ts';
import { isWellFormedToken } from './core/secret-token.ts';
import type { Services } from './composition.ts';
import { systemActor } from './modules/auth/actor.ts';

const BOOTSTRAP_LOCK_KEY = 7_301_002;

export interface BootstrapResult {
  handle: string;
  /** The admin token, to print once; undefined when it came from PALISADE_BOOTSTRAP_TOKEN. */
  token: string | undefined;
}

/**
 * Create the first admin if nobody exists yet. Returns null when Palisade was already set up.
 * @example const first = await bootstrapFirstAdmin(services, process.env.PALISADE_BOOTSTRAP_TOKEN);
 */
export async function bootstrapFirstAdmin(services: Services, presetToken: string | undefined): Promise<BootstrapResult | null> {
  if (presetToken !== undefined && !isWellFormedToken(presetToken)) {
    throw new ValidationError(
      'PALISADE_BOOTSTRAP_TOKEN is not a Palisade token (pal_ + 49 base62 characters with a valid checksum); create one with `palisade token generate`',
    );
  }
  return services.db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [BOOTSTRAP_LOCK_KEY]);
    const [row] = await tx.query<{ n: number }>('SELECT count(*)::int8 AS n FROM people');
    if ((row?.n ?? 0) > 0) return null;
    const admin = await services.people.createOn(tx, systemActor, {
      handle: 'admin',
      name: 'Palisade administrator',
      email: 'admin@palisade.invalid',
      kind: 'member',
      role: 'admin',
      timeZone: 'UTC',
      workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
      sshPublicKeys: [],
    });
    const issued = await services.tokens.issueOn(tx, systemActor, {
      personId: admin.id,
      name: 'bootstrap',
      expiresAt: null,
      scopes: ['api'],
      presetToken,
    });
    await services.audit.record(tx, systemActor, {
      type: 'system.bootstrapped',
      outcome: 'success',
      target: { type: 'person', id: admin.id },
      details: { adminHandle: admin.handle, tokenFromEnvironment: presetToken !== undefined },
    });
    return { handle: admin.handle, token: presetToken === undefined ? issued.token : undefined };
  });
}

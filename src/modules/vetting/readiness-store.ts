/** @module vetting/readiness-store — SQL that gathers the facts readiness is computed from. */
import type { Queryable } from '../../db/database.ts';
import { loadAccessSettings } from '../access/settings-store.ts';
import type { AccessSettings } from '../access/settings-types.ts';
import { computeReadiness, type Readiness, type ReadinessFacts } from './readiness-fns.ts';

type Raw = Record<string, unknown>;

/**
 * The facts about one person on one engagement, or null when either does not exist.
 * `settings` defaults to the ones in force (pass them when computing many at once).
 * @example const facts = await loadReadinessFacts(tx, personId, engagementId);
 */
export async function loadReadinessFacts(q: Queryable, personId: string, engagementId: string, settings?: AccessSettings): Promise<ReadinessFacts | null> {
  const s = (settings ?? (await loadAccessSettings(q))).readiness;
  const [person] = await q.query<Raw>('SELECT id, handle, status FROM people WHERE id = $1', [personId]);
  const [e] = await q.query<Raw>(
    `SELECT e.id, e.name, e.status, e.start_date, e.end_date, e.touches_personal_data,
       e.nda IS NOT NULL AS nda, e.dpa IS NOT NULL AS dpa, e.ip_ownership IS NOT NULL AS ip_ownership,
       EXISTS (SELECT 1 FROM engagement_developers d WHERE d.engagement_id = e.id AND d.person_id = $2) AS on_engagement
     FROM engagements e WHERE e.id = $1`,
    [engagementId, personId],
  );
  if (!person || !e) return null;
  const [bg] = await q.query<Raw>(
    'SELECT status, provider, checked_on FROM vetting_background_checks WHERE person_id = $1 ORDER BY checked_on DESC, id DESC LIMIT 1',
    [personId],
  );
  const [refs] = await q.query<{ n: number }>("SELECT count(*)::int8 AS n FROM vetting_reference_checks WHERE person_id = $1 AND outcome = 'passed'", [personId]);
  const [quiz] = await q.query<Raw>(
    'SELECT score, pass_mark, taken_on FROM vetting_quiz_results WHERE person_id = $1 AND quiz = $2 ORDER BY taken_on DESC, id DESC LIMIT 1',
    [personId, s.securityQuiz],
  );
  const flags = await q.query<Raw>(
    "SELECT id, description, decision FROM vetting_red_flags WHERE person_id = $1 AND (decision IS NULL OR decision = 'upheld') ORDER BY id",
    [personId],
  );
  // Per required module, the completion that lasts longest (no expiry beats any expiry).
  const training = await q.query<Raw>(
    `SELECT DISTINCT ON (module) module, completed_at, expires_at FROM training_completions
     WHERE person_id = $1 AND module = ANY($2::text[])
     ORDER BY module, expires_at DESC NULLS FIRST, completed_at DESC`,
    [personId, s.requiredTraining],
  );
  return {
    person: { id: person.id as string, handle: person.handle as string, status: person.status as ReadinessFacts['person']['status'] },
    engagement: {
      id: e.id as string,
      name: e.name as string,
      status: e.status as ReadinessFacts['engagement']['status'],
      startDate: e.start_date as string,
      endDate: e.end_date as string,
      touchesPersonalData: e.touches_personal_data as boolean,
      ndaSigned: e.nda as boolean,
      dpaSigned: e.dpa as boolean,
      ipOwnershipSigned: e.ip_ownership as boolean,
    },
    onEngagement: e.on_engagement as boolean,
    backgroundCheck: bg ? { status: bg.status as 'clear', provider: bg.provider as string, checkedOn: bg.checked_on as string } : null,
    referencesPassed: refs?.n ?? 0,
    referencesRequired: s.referencesRequired,
    securityQuiz: s.securityQuiz,
    quizResult: quiz ? { score: quiz.score as number, passMark: quiz.pass_mark as number, takenOn: quiz.taken_on as string } : null,
    blockingRedFlags: flags.map((f) => ({ id: f.id as string, description: f.description as string, decision: f.decision as 'upheld' | null })),
    requiredTraining: s.requiredTraining,
    training: training.map((t) => ({ module: t.module as string, completedAt: t.completed_at as Date, expiresAt: t.expires_at as Date | null })),
  };
}

/**
 * Readiness of a person on an engagement at `now`, read on `q` (a transaction sees its own writes).
 * Null when the person or the engagement does not exist.
 * @example const r = await readinessOn(tx, personId, engagementId, clock.now()); if (!r?.ready) …
 */
export async function readinessOn(q: Queryable, personId: string, engagementId: string, now: Date, settings?: AccessSettings): Promise<Readiness | null> {
  const facts = await loadReadinessFacts(q, personId, engagementId, settings);
  return facts && computeReadiness(facts, now);
}

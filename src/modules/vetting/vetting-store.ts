/** @module vetting/vetting-store — SQL for vetting records and training completions (append-only, except red-flag decisions). */
import type { Queryable } from '../../db/database.ts';
import type { BackgroundCheck, QuizResult, RedFlag, ReferenceCheck, TrainingCompletion } from './vetting-types.ts';

type Raw = Record<string, unknown>;

const toBackground = (r: Raw): BackgroundCheck => ({
  id: r.id as string,
  personId: r.person_id as string,
  status: r.status as BackgroundCheck['status'],
  provider: r.provider as string,
  reference: r.reference as string | null,
  checkedOn: r.checked_on as string,
  recordedBy: r.recorded_by as string | null,
  recordedAt: r.recorded_at as Date,
});

const toReference = (r: Raw): ReferenceCheck => ({
  id: r.id as string,
  personId: r.person_id as string,
  refereeName: r.referee_name as string,
  refereeContact: r.referee_contact as string | null,
  outcome: r.outcome as ReferenceCheck['outcome'],
  notes: r.notes as string | null,
  checkedOn: r.checked_on as string,
  recordedBy: r.recorded_by as string | null,
  recordedAt: r.recorded_at as Date,
});

const toQuiz = (r: Raw): QuizResult => ({
  id: r.id as string,
  personId: r.person_id as string,
  quiz: r.quiz as string,
  score: r.score as number,
  passMark: r.pass_mark as number,
  passed: (r.score as number) >= (r.pass_mark as number),
  takenOn: r.taken_on as string,
  recordedBy: r.recorded_by as string | null,
  recordedAt: r.recorded_at as Date,
});

const toFlag = (r: Raw): RedFlag => ({
  id: r.id as string,
  personId: r.person_id as string,
  description: r.description as string,
  raisedBy: r.raised_by as string | null,
  raisedAt: r.raised_at as Date,
  decision: r.decision as RedFlag['decision'],
  decidedBy: r.decided_by as string | null,
  decidedAt: r.decided_at as Date | null,
  decisionComment: r.decision_comment as string | null,
});

const toTraining = (r: Raw): TrainingCompletion => ({
  id: r.id as string,
  personId: r.person_id as string,
  module: r.module as string,
  completedAt: r.completed_at as Date,
  expiresAt: r.expires_at as Date | null,
  score: r.score as number | null,
  recordedBy: r.recorded_by as string | null,
  recordedAt: r.recorded_at as Date,
});

export async function insertBackgroundCheck(q: Queryable, c: BackgroundCheck): Promise<void> {
  await q.query(
    `INSERT INTO vetting_background_checks (id, person_id, status, provider, reference, checked_on, recorded_by, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [c.id, c.personId, c.status, c.provider, c.reference, c.checkedOn, c.recordedBy, c.recordedAt],
  );
}

export async function insertReferenceCheck(q: Queryable, c: ReferenceCheck): Promise<void> {
  await q.query(
    `INSERT INTO vetting_reference_checks (id, person_id, referee_name, referee_contact, outcome, notes, checked_on, recorded_by, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [c.id, c.personId, c.refereeName, c.refereeContact, c.outcome, c.notes, c.checkedOn, c.recordedBy, c.recordedAt],
  );
}

export async function insertQuizResult(q: Queryable, r: QuizResult): Promise<void> {
  await q.query(
    `INSERT INTO vetting_quiz_results (id, person_id, quiz, score, pass_mark, taken_on, recorded_by, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [r.id, r.personId, r.quiz, r.score, r.passMark, r.takenOn, r.recordedBy, r.recordedAt],
  );
}

export async function insertRedFlag(q: Queryable, f: RedFlag): Promise<void> {
  await q.query(
    'INSERT INTO vetting_red_flags (id, person_id, description, raised_by, raised_at) VALUES ($1, $2, $3, $4, $5)',
    [f.id, f.personId, f.description, f.raisedBy, f.raisedAt],
  );
}

export async function updateRedFlagDecision(q: Queryable, f: RedFlag): Promise<void> {
  await q.query(
    'UPDATE vetting_red_flags SET decision = $2, decided_by = $3, decided_at = $4, decision_comment = $5 WHERE id = $1',
    [f.id, f.decision, f.decidedBy, f.decidedAt, f.decisionComment],
  );
}

/** The red flag, row-locked so that two reviewers deciding at once go one after the other. */
export async function findRedFlagForUpdate(q: Queryable, id: string): Promise<RedFlag | null> {
  const [r] = await q.query<Raw>('SELECT * FROM vetting_red_flags WHERE id = $1 FOR UPDATE', [id]);
  return r ? toFlag(r) : null;
}

export async function insertTraining(q: Queryable, t: TrainingCompletion): Promise<void> {
  await q.query(
    `INSERT INTO training_completions (id, person_id, module, completed_at, expires_at, score, recorded_by, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [t.id, t.personId, t.module, t.completedAt, t.expiresAt, t.score, t.recordedBy, t.recordedAt],
  );
}

/** Every vetting record and training completion of a person, newest first. */
export async function findVettingOf(q: Queryable, personId: string) {
  const [bg, refs, quiz, flags, training] = await Promise.all([
    q.query<Raw>('SELECT * FROM vetting_background_checks WHERE person_id = $1 ORDER BY checked_on DESC, id DESC', [personId]),
    q.query<Raw>('SELECT * FROM vetting_reference_checks WHERE person_id = $1 ORDER BY checked_on DESC, id DESC', [personId]),
    q.query<Raw>('SELECT * FROM vetting_quiz_results WHERE person_id = $1 ORDER BY taken_on DESC, id DESC', [personId]),
    q.query<Raw>('SELECT * FROM vetting_red_flags WHERE person_id = $1 ORDER BY id DESC', [personId]),
    q.query<Raw>('SELECT * FROM training_completions WHERE person_id = $1 ORDER BY completed_at DESC, id DESC', [personId]),
  ]);
  return {
    backgroundChecks: bg.map(toBackground),
    referenceChecks: refs.map(toReference),
    quizResults: quiz.map(toQuiz),
    redFlags: flags.map(toFlag),
    training: training.map(toTraining),
  };
}

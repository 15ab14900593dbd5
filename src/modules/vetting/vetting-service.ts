/**
 * @module vetting/vetting-service — vetting records of external developers (background check,
 * references, security quiz, red flags and their decisions) and training completions. Records are
 * appended, never edited; each one and its audit event commit in one transaction. Vetting is about
 * a person, not an engagement, so its events carry no engagementId.
 */
import type { Clock } from '../../core/clock.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { newId, UUID_PATTERN } from '../../core/ids.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { findPersonByHandle, findPersonById } from '../people/people-store.ts';
import type { Person } from '../people/people-types.ts';
import * as store from './vetting-store.ts';
import type {
  BackgroundCheck, DecideRedFlagInput, QuizResult, RaiseRedFlagInput, RecordBackgroundCheckInput, RecordQuizResultInput,
  RecordReferenceCheckInput, RecordTrainingInput, RedFlag, ReferenceCheck, TrainingCompletion, VettingRecord,
} from './vetting-types.ts';

export interface VettingService {
  show(actor: AnyActor, personRef: string): Promise<VettingRecord>;
  recordBackgroundCheck(actor: AnyActor, personRef: string, input: RecordBackgroundCheckInput): Promise<BackgroundCheck>;
  recordReferenceCheck(actor: AnyActor, personRef: string, input: RecordReferenceCheckInput): Promise<ReferenceCheck>;
  recordQuizResult(actor: AnyActor, personRef: string, input: RecordQuizResultInput): Promise<QuizResult>;
  raiseRedFlag(actor: AnyActor, personRef: string, input: RaiseRedFlagInput): Promise<RedFlag>;
  /** Clear or uphold a red flag; a decision may be revised, and each decision is its own event. */
  decideRedFlag(actor: AnyActor, flagId: string, input: DecideRedFlagInput): Promise<RedFlag>;
  recordTraining(actor: AnyActor, personRef: string, input: RecordTrainingInput): Promise<TrainingCompletion>;
}

/** A date alone is midnight UTC. */
const instant = (s: string) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);

/** @example const vetting = createVettingService({ db, clock, audit }); await vetting.show(actor, 'priya'); */
export function createVettingService(deps: { db: Database; clock: Clock; audit: AuditService }): VettingService {
  const { db, clock, audit } = deps;
  const by = (actor: AnyActor) => (actor.kind === 'person' ? actor.personId : null);

  const load = async (q: Queryable, ref: string): Promise<Person> => {
    const p = UUID_PATTERN.test(ref) ? await findPersonById(q, ref) : await findPersonByHandle(q, ref);
    if (!p) throw new NotFoundError(`person ${ref} not found`);
    return p;
  };

  /** Vetting is for external developers who are still with us. */
  const loadSubject = async (q: Queryable, ref: string, opts = { externalOnly: true }): Promise<Person> => {
    const p = await load(q, ref);
    if (opts.externalOnly && p.kind !== 'external') throw new ValidationError(`${p.handle} is a member; vetting records are for external developers`);
    if (p.status === 'offboarded') throw new ConflictError(`${p.handle} is offboarded; their record is closed`);
    return p;
  };

  const future = (date: string, field: string) => {
    // Vetting happened in the past; a date beyond tomorrow (UTC) is a typo, not a plan.
    const tomorrow = new Date(clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);
    if (date > tomorrow) throw new ValidationError('the date is in the future', [{ path: field, message: `must not be after ${tomorrow}` }]);
  };

  /** Write a record and its event in one transaction. */
  const append = <T extends { id: string }>(
    actor: AnyActor, personRef: string, type: string, build: (p: Person) => T, write: (tx: Queryable, row: T) => Promise<void>,
    details: (row: T) => Record<string, unknown>, opts = { externalOnly: true },
  ): Promise<T> =>
    db.transaction(async (tx) => {
      const person = await loadSubject(tx, personRef, opts);
      const row = build(person);
      await write(tx, row);
      await audit.record(tx, actor, { type, outcome: 'success', target: { type: 'person', id: person.id }, details: { handle: person.handle, recordId: row.id, ...details(row) } });
      return row;
    });

  return {
    async show(actor, personRef) {
      assertPermitted(actor, 'vetting.read');
      const person = await load(db, personRef);
      return { personId: person.id, handle: person.handle, ...(await store.findVettingOf(db, person.id)) };
    },

    async recordBackgroundCheck(actor, personRef, input) {
      assertPermitted(actor, 'vetting.write');
      future(input.checkedOn, 'checkedOn');
      return append(actor, personRef, 'vetting.background_check_recorded', (p) => ({
        id: newId(), personId: p.id, status: input.status, provider: input.provider, reference: input.reference ?? null,
        checkedOn: input.checkedOn, recordedBy: by(actor), recordedAt: clock.now(),
      }), store.insertBackgroundCheck, (c) => ({ status: c.status, provider: c.provider, reference: c.reference, checkedOn: c.checkedOn }));
    },

    async recordReferenceCheck(actor, personRef, input) {
      assertPermitted(actor, 'vetting.write');
      future(input.checkedOn, 'checkedOn');
      // The referee's contact details are personal data: the event names the referee, not how to reach them.
      return append(actor, personRef, 'vetting.reference_check_recorded', (p) => ({
        id: newId(), personId: p.id, refereeName: input.refereeName, refereeContact: input.refereeContact ?? null, outcome: input.outcome,
        notes: input.notes ?? null, checkedOn: input.checkedOn, recordedBy: by(actor), recordedAt: clock.now(),
      }), store.insertReferenceCheck, (c) => ({ refereeName: c.refereeName, outcome: c.outcome, checkedOn: c.checkedOn }));
    },

    async recordQuizResult(actor, personRef, input) {
      assertPermitted(actor, 'vetting.write');
      future(input.takenOn, 'takenOn');
      return append(actor, personRef, 'vetting.quiz_result_recorded', (p) => ({
        id: newId(), personId: p.id, quiz: input.quiz, score: input.score, passMark: input.passMark, passed: input.score >= input.passMark,
        takenOn: input.takenOn, recordedBy: by(actor), recordedAt: clock.now(),
      }), store.insertQuizResult, (r) => ({ quiz: r.quiz, score: r.score, passMark: r.passMark, passed: r.passed, takenOn: r.takenOn }));
    },

    async raiseRedFlag(actor, personRef, input) {
      assertPermitted(actor, 'vetting.write');
      return append(actor, personRef, 'vetting.red_flag_raised', (p) => ({
        id: newId(), personId: p.id, description: input.description, raisedBy: by(actor), raisedAt: clock.now(),
        decision: null, decidedBy: null, decidedAt: null, decisionComment: null,
      }), store.insertRedFlag, (f) => ({ description: f.description }));
    },

    async decideRedFlag(actor, flagId, input) {
      assertPermitted(actor, 'vetting.write');
      return db.transaction(async (tx) => {
        const before = await store.findRedFlagForUpdate(tx, flagId);
        if (!before) throw new NotFoundError(`red flag ${flagId} not found`);
        const person = await load(tx, before.personId);
        const after: RedFlag = { ...before, decision: input.decision, decidedBy: by(actor), decidedAt: clock.now(), decisionComment: input.comment };
        await store.updateRedFlagDecision(tx, after);
        await audit.record(tx, actor, {
          type: 'vetting.red_flag_decided',
          outcome: 'success',
          target: { type: 'person', id: person.id },
          details: { handle: person.handle, recordId: before.id, from: before.decision, to: after.decision, comment: input.comment },
        });
        return after;
      });
    },

    async recordTraining(actor, personRef, input) {
      assertPermitted(actor, 'training.write');
      const completedAt = instant(input.completedAt);
      const expiresAt = input.expiresAt ? instant(input.expiresAt) : null;
      if (expiresAt && expiresAt <= completedAt) throw new ValidationError('expiry before completion', [{ path: 'expiresAt', message: 'must be after completedAt' }]);
      if (completedAt.getTime() > clock.now().getTime() + 86_400_000) throw new ValidationError('the completion is in the future', [{ path: 'completedAt', message: 'must not be in the future' }]);
      return append(actor, personRef, 'training.recorded', (p) => ({
        id: newId(), personId: p.id, module: input.module, completedAt, expiresAt, score: input.score ?? null, recordedBy: by(actor), recordedAt: clock.now(),
      }), store.insertTraining, (t) => ({ module: t.module, completedAt: t.completedAt.toISOString(), expiresAt: t.expiresAt?.toISOString() ?? null, score: t.score }),
      { externalOnly: false });
    },
  };
}

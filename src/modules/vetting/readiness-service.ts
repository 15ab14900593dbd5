/**
 * @module vetting/readiness-service — readiness of developers on an engagement, for the API and for
 * the modules that must not grant anything to a developer who is not ready (requests, authorizer).
 */
import type { Clock } from '../../core/clock.ts';
import { NotFoundError } from '../../core/errors.ts';
import { UUID_PATTERN } from '../../core/ids.ts';
import type { Database } from '../../db/database.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { loadAccessSettings } from '../access/settings-store.ts';
import { loadVisible, visibleTo } from '../engagements/engagement-access.ts';
import { findPersonByHandle, findPersonById } from '../people/people-store.ts';
import type { Readiness } from './readiness-fns.ts';
import { readinessOn } from './readiness-store.ts';

export interface ReadinessService {
  /**
   * Readiness of one person on one engagement now, without a permission check: for services
   * (the authorizer, requests) that decide on someone's behalf. NotFoundError if either is unknown.
   */
  readinessOf(personId: string, engagementId: string): Promise<Readiness>;
  /** Every developer on the engagement; a developer sees only themself, on an engagement they are on. */
  forEngagement(actor: AnyActor, engagementId: string): Promise<{ engagementId: string; developers: Readiness[] }>;
  /** One person (id or handle) on the engagement; developers may ask only about themselves. */
  forDeveloper(actor: AnyActor, engagementId: string, personRef: string): Promise<Readiness>;
}

/** @example const readiness = createReadinessService({ db, clock }); await readiness.readinessOf(personId, engagementId); */
export function createReadinessService(deps: { db: Database; clock: Clock }): ReadinessService {
  const { db, clock } = deps;

  const readinessOf: ReadinessService['readinessOf'] = async (personId, engagementId) => {
    const r = await readinessOn(db, personId, engagementId, clock.now());
    if (!r) throw new NotFoundError('no such person or engagement');
    return r;
  };

  return {
    readinessOf,

    async forEngagement(actor, engagementId) {
      assertPermitted(actor, 'readiness.read');
      const e = await loadVisible(db, actor, engagementId);
      const only = visibleTo(actor);
      const settings = await loadAccessSettings(db);
      const now = clock.now();
      const developers: Readiness[] = [];
      for (const d of e.developers) {
        if (only !== null && d.id !== only) continue;
        developers.push((await readinessOn(db, d.id, e.id, now, settings))!);
      }
      return { engagementId: e.id, developers };
    },

    async forDeveloper(actor, engagementId, personRef) {
      assertPermitted(actor, 'readiness.read');
      const e = await loadVisible(db, actor, engagementId);
      const person = UUID_PATTERN.test(personRef) ? await findPersonById(db, personRef) : await findPersonByHandle(db, personRef);
      const only = visibleTo(actor);
      // A developer asking about someone else learns nothing, not even whether they exist.
      if (!person || (only !== null && person.id !== only)) throw new NotFoundError(`person ${personRef} not found`);
      return readinessOf(person.id, e.id);
    },
  };
}

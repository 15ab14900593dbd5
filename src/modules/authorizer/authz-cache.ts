/**
 * @module authorizer/authz-cache — what decisions read, cached in memory and never served stale.
 *
 * Every table a decision depends on (people, resources, engagements and their developers, grants,
 * vetting, training, settings, policy sets) has a deferred trigger that bumps the one-row
 * `authz_epoch` in the same transaction as the change (migration 0005). Each decision first reads
 * the epoch; a higher value than the cache's starts a new, empty generation. Data is always loaded
 * after the epoch was read, so it is at least as new as the generation it is stored in. A committed
 * revocation is therefore seen by the next decision in this process and in every other process on
 * the same PostgreSQL. Nothing cached here depends on the time: expiry is checked on every decision.
 * (Decisions themselves are remembered per generation, each for as long as it holds: decision-memo.ts.)
 *
 * How the epoch is known (a read on every decision on PostgreSQL, a notification on PGlite) is in
 * authz-epoch.ts; `begin()` lets the authorizer compute with the generation it has while the read
 * is on the wire, and keep the answer only if the read confirms that generation.
 */
import type { Database, Queryable } from '../../db/database.ts';
import { loadAccessSettings } from '../access/settings-store.ts';
import type { AccessSettings } from '../access/settings-types.ts';
import type { PolicySetInForce } from '../policy/policy-service.ts';
import type { ReadinessFacts } from '../vetting/readiness-fns.ts';
import { loadReadinessFacts } from '../vetting/readiness-store.ts';
import { loadPersonFacts, loadResourceFacts, type PersonFacts, type ResourceFactsRow } from './authz-facts.ts';
import { createEpochWatcher, type EpochWatcher } from './authz-epoch.ts';

/** Past this many cached entries a generation starts afresh (a bound on memory, not on correctness). */
const MAX_ENTRIES = 100_000;

/** One generation: the facts as of one epoch. */
export interface FactsGeneration {
  readonly epoch: number;
  person(ref: string): Promise<PersonFacts | null>;
  resource(ref: string): Promise<ResourceFactsRow | null>;
  readinessFacts(personId: string, engagementId: string): Promise<ReadinessFacts | null>;
  policies(): Promise<PolicySetInForce>;
}

export interface AuthzCache {
  /** The generation to decide with, confirmed current (after an epoch read when one is needed). */
  current(): Promise<FactsGeneration>;
  /**
   * For deciding while the epoch read is in flight: `guess` is the generation in hand (null when
   * there is none), `confirm` the one that is current. Keep an answer computed with `guess` only
   * when `confirm` resolves to the same object. `arrivedAt` (a `performance.now()` time): when the
   * question began to arrive; an epoch read started since then will do (authz-epoch.ts `since`).
   */
  begin(arrivedAt?: number): { guess: FactsGeneration | null; confirm: Promise<FactsGeneration> };
  /** Counters for tests and the benchmark. */
  stats(): { epoch: number; generations: number; loads: number; epochReads: number; notified: boolean };
  /** Release the connection the epoch is read on (PostgreSQL). */
  close(): Promise<void>;
}

/**
 * A cache over `db`. `loadPolicies` returns the policy set in force (policy-service.ts `inForce`).
 * @example const cache = createAuthzCache({ db, loadPolicies: () => policies.inForce() });
 */
export function createAuthzCache(deps: { db: Database; loadPolicies: (q: Queryable) => Promise<PolicySetInForce>; epoch?: EpochWatcher }): AuthzCache {
  const { db } = deps;
  let generations = 0;
  let loads = 0;

  const newGeneration = (epoch: number): FactsGeneration => {
    generations += 1;
    const entries = new Map<string, Promise<unknown>>();
    let settings: Promise<AccessSettings> | null = null;
    let policies: Promise<PolicySetInForce> | null = null;

    /** Load once per key; a failed load is forgotten so that the next question tries again. */
    const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
      const hit = entries.get(key);
      if (hit) return hit as Promise<T>;
      if (entries.size >= MAX_ENTRIES) entries.clear();
      loads += 1;
      const p = load();
      entries.set(key, p);
      p.catch(() => entries.delete(key));
      return p;
    };

    return {
      epoch,
      async person(ref) {
        const facts = await once(`p:${ref}`, () => loadPersonFacts(db, ref));
        // Asked by handle, found by id next time (and the other way round).
        if (facts) {
          if (!entries.has(`p:${facts.id}`)) entries.set(`p:${facts.id}`, Promise.resolve(facts));
          if (!entries.has(`p:${facts.handle}`)) entries.set(`p:${facts.handle}`, Promise.resolve(facts));
        }
        return facts;
      },
      async resource(ref) {
        const facts = await once(`r:${ref}`, () => loadResourceFacts(db, ref));
        if (facts) {
          if (!entries.has(`r:${facts.id}`)) entries.set(`r:${facts.id}`, Promise.resolve(facts));
          if (!entries.has(`r:${facts.name}`)) entries.set(`r:${facts.name}`, Promise.resolve(facts));
        }
        return facts;
      },
      readinessFacts(personId, engagementId) {
        return once(`rd:${personId}:${engagementId}`, async () => {
          settings ??= loadAccessSettings(db);
          return loadReadinessFacts(db, personId, engagementId, await settings);
        });
      },
      policies() {
        policies ??= deps.loadPolicies(db);
        return policies;
      },
    };
  };

  let generation: FactsGeneration | null = null;
  const epoch = deps.epoch ?? createEpochWatcher(db);

  const adopt = (value: number): FactsGeneration => {
    // A slower read of an older epoch must not replace a newer generation: newer facts are right too.
    if (!generation || value > generation.epoch) generation = newGeneration(value);
    return generation;
  };

  const begin: AuthzCache['begin'] = (arrivedAt) => {
    const known = epoch.known();
    if (known !== null && generation && generation.epoch >= known) return { guess: generation, confirm: Promise.resolve(generation) };
    return { guess: generation, confirm: (arrivedAt === undefined ? epoch.read() : epoch.since(arrivedAt)).then(adopt) };
  };

  return {
    begin,
    current: () => begin().confirm,
    stats: () => ({ epoch: generation?.epoch ?? -1, generations, loads, epochReads: epoch.stats().reads, notified: epoch.stats().notified }),
    close: () => epoch.close(),
  };
}

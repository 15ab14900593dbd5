/**
 * @module bench/authorizer/setup — a seeded Palisade for the authorizer benchmarks: PGlite in memory
 * (or in a data folder a real server can then be started on), or a fresh database on the PostgreSQL
 * server named by DATABASE_URL.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bootstrapFirstAdmin } from '../../src/bootstrap.ts';
import { systemClock } from '../../src/core/clock.ts';
import { createServices, type Services } from '../../src/composition.ts';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPglite } from '../../src/db/pglite.ts';
import { openPostgres } from '../../src/db/postgres.ts';
import { createEmptyPostgresDatabase } from '../../src/db/test-db.ts';
import { systemActor } from '../../src/modules/auth/actor.ts';
import { seed, type Seeded } from './seed.ts';

export interface Bench {
  /**
   * Put the same policies in force again (a new version): Cedar's remembered answers start empty, so
   * the next decisions are each evaluated by Cedar. Then load every person's and resource's facts.
   */
  freshPolicies(): Promise<void>;
  db: Database;
  dialect: 'pglite' | 'postgres';
  services: Services;
  adminToken: string;
  seeded: Seeded;
  /** The fresh database's URL (PostgreSQL only), for a second instance or a real server. */
  url: string | undefined;
  /** Close the services and the connection (the data stays, for a real server to open). */
  detach(): Promise<void>;
  /** Detach, then drop the PostgreSQL database. */
  close(): Promise<void>;
}

/**
 * `dataDir`: keep PGlite's data in `<dataDir>/db`, where `palisade serve --data <dataDir>` finds it.
 * @example const b = await setUp(); … await b.close();
 */
export async function setUp(opts: { dataDir?: string } = {}): Promise<Bench> {
  const server = process.env.DATABASE_URL;
  let db: Database;
  let drop = async () => undefined as void;
  let url: string | undefined;
  if (server) {
    const empty = await createEmptyPostgresDatabase(server);
    db = await openPostgres(empty.url, 10);
    url = empty.url;
    drop = empty.drop;
  } else {
    db = await openPglite(opts.dataDir ? path.join(opts.dataDir, 'db') : undefined);
  }
  await migrate(db);
  const services = createServices({ db, clock: systemClock, dataDir: opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'palisade-bench-')) });
  const first = await bootstrapFirstAdmin(services, undefined);
  const t0 = performance.now();
  const seeded = await seed(services, new Date());
  process.stderr.write(`seeded ${seeded.developers.length} developers, ${seeded.resources.length} resources, ${seeded.grants.length} grants, ${seeded.policyCount} policies in ${((performance.now() - t0) / 1000).toFixed(1)} s (${db.dialect})\n`);
  const freshPolicies = async () => {
    const active = await services.policies.active(systemActor);
    await services.policies.replace(systemActor, { text: active.text, comment: 'benchmark: the same policies, nothing remembered' });
    const gen = await services.authorizer.cache.current();
    for (const d of seeded.developers) {
      const p = await gen.person(d.handle);
      for (const e of p!.engagements.keys()) await gen.readinessFacts(p!.id, e);
    }
    for (const r of seeded.resources) await gen.resource(r.name);
    await gen.policies();
  };
  let attached = true;
  const detach = async () => {
    if (!attached) return;
    attached = false;
    await services.authorizer.close();
    await db.close();
  };
  return {
    db, dialect: db.dialect, services, adminToken: first!.token!, seeded, url, freshPolicies, detach,
    close: async () => {
      await detach();
      await drop();
    },
  };
}

/** p50/p99/p999/max of latencies in milliseconds, as microseconds. */
export function percentiles(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]! * 1000);
  return { n: s.length, p50_us: at(0.5), p90_us: at(0.9), p99_us: at(0.99), p999_us: at(0.999), max_us: Math.round(s[s.length - 1]! * 1000) };
}

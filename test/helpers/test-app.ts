/**
 * @module test/helpers/test-app — a whole Palisade application on a fresh test database
 * (PGlite in memory, or PostgreSQL when DATABASE_URL is set), driven with `app.inject`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { bootstrapFirstAdmin } from '../../src/bootstrap.ts';
import { fixedClock } from '../../src/core/clock.ts';
import { createServices, type Services } from '../../src/composition.ts';
import { createTestDatabase, type TestDatabase } from '../../src/db/test-db.ts';
import { createLogger } from '../../src/core/logger.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Role } from '../../src/modules/auth/actor.ts';
import { systemActor } from '../../src/modules/auth/actor.ts';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  database: TestDatabase;
  clock: ReturnType<typeof fixedClock>;
  /** A fresh, empty data folder (hosted repositories go in `<dataDir>/repos/`); removed by close(). */
  dataDir: string;
  adminToken: string;
  /** Call the API as the holder of `token` (or anonymously with null). */
  call(token: string | null, opts: InjectOptions): Promise<LightMyRequestResponse>;
  /** A new active person with the given role and a fresh API token. */
  personWithRole(role: Role, handle?: string): Promise<{ id: string; handle: string; token: string }>;
  close(): Promise<void>;
}

let counter = 0;

export async function createTestApp(start = new Date('2026-03-02T10:00:00Z')): Promise<TestApp> {
  const database = await createTestDatabase();
  const clock = fixedClock(start);
  const dataDir = await mkdtemp(join(tmpdir(), 'palisade-test-data-'));
  const services = createServices({ db: database.db, clock, dataDir });
  const first = await bootstrapFirstAdmin(services, undefined);
  // PALISADE_TEST_LOG=debug shows the server's logs while debugging a test.
  const level = process.env.PALISADE_TEST_LOG;
  const app = await buildApp({ services, logger: level ? createLogger(level) : false });
  await app.ready();
  const call: TestApp['call'] = (token, opts) =>
    app.inject({ ...opts, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(opts.headers ?? {}) } });
  return {
    app,
    services,
    database,
    clock,
    dataDir,
    adminToken: first!.token!,
    call,
    async personWithRole(role, handle) {
      counter += 1;
      const h = handle ?? `${role}-${counter}-${Math.random().toString(36).slice(2, 7)}`;
      const person = await services.people.create(systemActor, {
        handle: h,
        name: `Test ${role} ${counter}`,
        email: `${h}@example.test`,
        kind: role === 'developer' ? 'external' : 'member',
        role,
        timeZone: 'UTC',
        workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
        sshPublicKeys: [],
      });
      const issued = await services.db.transaction((tx) =>
        services.tokens.issueOn(tx, systemActor, { personId: person.id, name: 'test', expiresAt: null, scopes: ['api'] }),
      );
      return { id: person.id, handle: h, token: issued.token };
    },
    async close() {
      await app.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

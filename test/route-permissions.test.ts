/**
 * Every route in the OpenAPI document: an unauthenticated call gets 401, and a call by each role
 * that the route's permission does not include gets 403 — before any validation or lookup.
 * Public routes (x-palisade-public: they authenticate by themselves, e.g. a webhook's signature)
 * must name their own scheme and refuse a forged credential of it with 401 as well.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../src/modules/auth/actor.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

interface Operation {
  method: string;
  path: string;
  url: string;
  roles: Role[] | undefined;
  public: boolean;
  security: Record<string, string[]>[] | undefined;
}
type Scheme = { type: string; in?: string; name?: string };
let schemes: Record<string, Scheme>;

let t: TestApp;
let operations: Operation[];
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  t = await createTestApp();
  for (const role of ROLES) tokens[role] = (await t.personWithRole(role)).token;
  const doc = (await t.call(null, { url: '/api/v1/openapi.json' })).json() as {
    paths: Record<string, Record<string, { 'x-palisade-roles'?: Role[]; 'x-palisade-public'?: boolean; security?: Record<string, string[]>[] }>>;
    components: { securitySchemes: Record<string, Scheme> };
  };
  schemes = doc.components.securitySchemes;
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      // Any value fits the parameters: the answer must come before they are looked at.
      url: path.replace(/\{[^}]+\}/g, '0193a3b4-0000-7000-8000-000000000001'),
      roles: op['x-palisade-roles'],
      public: op['x-palisade-public'] === true,
      security: op.security,
    })),
  );
});
afterAll(() => t.close());

describe('route permissions', () => {
  it('cover a real set of routes, each naming its roles', () => {
    expect(operations.length).toBeGreaterThanOrEqual(20);
    for (const op of operations) expect(op.roles, `${op.method} ${op.path}`).toBeDefined();
  });

  it('answer 401 to every unauthenticated or wrongly authenticated call', async () => {
    for (const op of operations) {
      for (const authorization of [undefined, 'Bearer pal_not-a-token', 'Basic YWRtaW46eA==']) {
        const res = await t.app.inject({ method: op.method as 'GET', url: op.url, headers: authorization ? { authorization } : {}, payload: op.method === 'GET' ? undefined : {} });
        expect(res.statusCode, `${op.method} ${op.path} with ${authorization ?? 'nothing'}`).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    }
  });

  it('answer 403 to every role the route does not admit', async () => {
    let checked = 0;
    for (const op of operations) {
      for (const role of ROLES.filter((r) => !op.roles!.includes(r))) {
        const res = await t.call(tokens[role], { method: op.method as 'GET', url: op.url, payload: op.method === 'GET' ? undefined : {} });
        expect(res.statusCode, `${role} on ${op.method} ${op.path}`).toBe(403);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('let every admitted role past the permission check', async () => {
    for (const op of operations) {
      for (const role of op.roles!) {
        const res = await t.call(tokens[role], { method: op.method as 'GET', url: op.url, payload: op.method === 'GET' ? undefined : {} });
        const stopped = res.statusCode === 401 || (res.statusCode === 403 && /may not use this route/.test(res.body));
        expect(stopped, `${role} on ${op.method} ${op.path} got ${res.statusCode} ${res.body}`).toBe(false);
      }
    }
  });

  it('let public routes authenticate by their own scheme, and refuse a forged credential of it with 401', async () => {
    const publicOps = operations.filter((op) => op.public);
    expect(publicOps.length, 'the GitHub webhook at least').toBeGreaterThanOrEqual(1);
    for (const op of publicOps) {
      const own = (op.security ?? []).flatMap((s) => Object.keys(s)).filter((name) => name !== 'bearerAuth');
      expect(own.length, `${op.method} ${op.path} names its own security scheme`).toBeGreaterThan(0);
      for (const name of own) {
        const scheme = schemes[name]!;
        expect(scheme.in, `${name} is sent in a header`).toBe('header');
        const res = await t.app.inject({
          method: op.method as 'POST', url: op.url, headers: { [scheme.name!]: 'sha256=' + '0'.repeat(64), 'content-type': 'application/json' }, payload: '{}',
        });
        expect(res.statusCode, `${op.method} ${op.path} with a forged ${scheme.name}`).toBe(401);
      }
    }
  });

  it('record every failed authentication and every denial as an audit event', async () => {
    const events = await t.database.db.query<{ type: string; n: number }>(
      "SELECT type, count(*)::int8 AS n FROM audit_events WHERE type IN ('auth.failed', 'access.denied') GROUP BY type",
    );
    const byType = Object.fromEntries(events.map((e) => [e.type, e.n]));
    expect(byType['auth.failed']).toBeGreaterThanOrEqual(operations.length * 3);
    expect(byType['access.denied']).toBeGreaterThan(10);
  });
});

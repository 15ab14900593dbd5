/**
 * No request can make the application fail: random methods, paths, queries, headers and bodies
 * (fast-check, in process through `app.inject`) always get a status below 500, a problem+json body
 * with the request id for every error, and the server keeps answering. A genuine internal error
 * becomes a bare 500 that leaks neither the message, the SQL nor the stack.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../src/core/secret-token.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let developerToken: string;
let developerHandle: string;
beforeAll(async () => {
  t = await createTestApp();
  const developer = await t.personWithRole('developer');
  developerToken = developer.token;
  developerHandle = developer.handle;
});
afterAll(() => t.close());

/** Path segments: real route pieces, traversal and encoding traps, and random text. */
const segment = fc.oneof(
  fc.constantFrom('api', 'v1', 'me', 'people', 'tokens', 'audit', 'events', 'openapi.json', 'healthz', 'admin'),
  fc.constantFrom('..', '.', '', '%2e%2e', '%2F', '%00', '%', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '__proto__', 'constructor', '%61pi'),
  fc.uuid(),
  fc.string({ maxLength: 24 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', maxLength: 8 }).map(encodeURIComponent),
  fc.string({ minLength: 90, maxLength: 140 }).map(encodeURIComponent),
);
const prefix = fc.constantFrom('', '/api/v1', '/api/v1/people', '/api/v1/tokens', '/api/v1/audit', '/%61pi/v1');
const pathArb = fc.tuple(prefix, fc.array(segment, { maxLength: 4 })).map(([p, s]) => `${p}/${s.join('/')}`);

const queryValue = fc.oneof(
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom('%00', '%', '%zz', '%ED%A0%80', '-1', '0', '201', '1e3', 'NaN', 'true', '[]', '{}'),
  fc.integer().map(String),
);
const queryKey = fc.oneof(fc.constantFrom('limit', 'cursor', 'q', 'role', 'kind', 'status', 'personId', 'type', 'since', 'until', 'outcome', '__proto__'), fc.string({ maxLength: 8 }).map(encodeURIComponent));
const queryArb = fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 }).map((pairs) => (pairs.length ? '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&') : ''));

/** JSON text with strings PostgreSQL cannot store mixed in as escapes. */
const hostileJsonText = fc.jsonValue().map((v) => JSON.stringify({ name: v, handle: v, x: v }).replace(/"a/g, '"\\u0000a').replace(/"b/g, '"\\ud800b'));
const bodyArb = fc.oneof(
  fc.constant(undefined),
  fc.json(),
  hostileJsonText,
  fc.record({ name: fc.string(), handle: fc.string(), email: fc.string(), kind: fc.constantFrom('member', 'external', 'robot'), role: fc.string(), status: fc.string() }, { requiredKeys: [] }).map((o) => JSON.stringify(o)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.constantFrom('{"__proto__":{"role":"admin"}}', '{"constructor":{"prototype":{}}}', '[[[[[[[[[[]]]]]]]]]]', '{', '"', 'null', '{"name":"\\u0000"}'),
);
const contentType = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'foo/bar', 'application/json, text/plain');
const method = fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS', 'HEAD');
const who = fc.constantFrom('admin', 'developer', 'nobody', 'unknown-token', 'garbage') as fc.Arbitrary<'admin' | 'developer' | 'nobody' | 'unknown-token' | 'garbage'>;
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });

describe('random requests', () => {
  it('never get a 5xx, always get problem+json with the request id on errors, and leave the server answering', async () => {
    const unknownToken = generateToken();
    await fc.assert(
      fc.asyncProperty(method, pathArb, queryArb, who, contentType, bodyArb, headerText, headerText, async (m, p, q, w, ct, body, requestId, userAgent) => {
        const authorization = { admin: `Bearer ${t.adminToken}`, developer: `Bearer ${developerToken}`, nobody: undefined, 'unknown-token': `Bearer ${unknownToken}`, garbage: `Bearer ${requestId}` }[w];
        const headers: Record<string, string> = { 'x-request-id': requestId, 'user-agent': userAgent };
        if (authorization) headers.authorization = authorization;
        if (ct) headers['content-type'] = ct;
        const res = await t.app.inject({ method: m as 'GET', url: p + q, headers, ...(body === undefined || m === 'GET' || m === 'HEAD' ? {} : { payload: body }) });
        const context = `${m} ${p + q} as ${w} (${ct}) -> ${res.statusCode} ${res.body.slice(0, 300)}`;
        expect(res.statusCode, context).toBeLessThan(500);
        expect(res.headers['x-content-type-options'], context).toBe('nosniff');
        if (res.statusCode >= 400 && m !== 'HEAD') {
          expect(res.headers['content-type'], context).toMatch(/^application\/problem\+json/);
          const problem = res.json();
          expect(problem.status, context).toBe(res.statusCode);
          expect(problem.requestId, context).toBe(res.headers['x-request-id']);
        }
      }),
      // PALISADE_FUZZ_RUNS=5000 searches harder when hunting a bug.
      { numRuns: Number(process.env.PALISADE_FUZZ_RUNS ?? 200) },
    );
    const health = await t.app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    // The developer was not offboarded by accident: the property really ran with a live token.
    expect((await t.call(t.adminToken, { url: `/api/v1/people/${developerHandle}` })).statusCode).toBe(200);
  });
});

describe('an internal error', () => {
  it('becomes a bare 500 problem that leaks neither the message, the SQL nor the stack', async () => {
    const original = t.services.people.get;
    t.services.people.get = async () => {
      throw Object.assign(new Error('relation "people_secret" does not exist at SELECT * FROM people_secret WHERE token = $1'), {
        code: '42P01', query: 'SELECT * FROM people_secret WHERE token = $1', params: ['pal_leak'],
      });
    };
    try {
      const res = await t.call(t.adminToken, { url: '/api/v1/people/anyone' });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = res.json();
      expect(Object.keys(problem).sort()).toEqual(['detail', 'instance', 'requestId', 'status', 'title', 'type']);
      expect(problem).toMatchObject({ type: 'urn:palisade:problem:internal', title: 'Internal error', status: 500, instance: '/api/v1/people/anyone' });
      expect(problem.requestId).toBe(res.headers['x-request-id']);
      expect(res.body).not.toMatch(/people_secret|SELECT|42P01|pal_leak|at .*\.ts|Error:/);
    } finally {
      t.services.people.get = original;
    }
    expect((await t.call(t.adminToken, { url: '/api/v1/people/admin' })).statusCode).toBe(200);
  });
});

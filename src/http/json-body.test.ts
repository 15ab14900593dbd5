import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const json = { 'content-type': 'application/json' };

describe('JSON request bodies', () => {
  it('treat an empty body sent as application/json as no body', async () => {
    // DELETE takes no body: an empty JSON-typed body must not turn into a 400.
    const dev = await t.personWithRole('developer');
    const res = await t.call(t.adminToken, { method: 'DELETE', url: `/api/v1/people/${dev.handle}`, headers: json, payload: '' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('offboarded');
  });

  it('still require a body where the route needs one, with a validation problem', async () => {
    const res = await t.call(t.adminToken, { method: 'POST', url: '/api/v1/people', headers: json, payload: '  ' });
    expect(res.statusCode).toBe(400);
    expect(res.json().type).toBe('urn:palisade:problem:validation');
  });

  it('refuse invalid UTF-8 and prototype-poisoning keys with clear messages', async () => {
    const bad = await t.call(t.adminToken, { method: 'POST', url: '/api/v1/people', headers: json, payload: Buffer.from([0x7b, 0xff, 0x7d]) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/UTF-8/);
    const poisoned = await t.call(t.adminToken, { method: 'POST', url: '/api/v1/people', headers: json, payload: '{"__proto__":{"x":1}}' });
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.json().detail).toMatch(/__proto__/);
  });
});

/**
 * API tokens over HTTP, from issue to death: the secret is shown once and stored only as its SHA-256;
 * expiry (by the fixed clock), revocation and suspension each turn it into a 401, and every failed
 * authentication is an `auth.failed` event saying why — while the client is never told which check failed.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, TOKEN_PATTERN } from '../../src/core/secret-token.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const DAY_MS = 86_400_000;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function issue(token: string, body: Record<string, unknown>) {
  const res = await t.call(token, { method: 'POST', url: '/api/v1/tokens', payload: body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { token: string; meta: { id: string; hint: string; expiresAt: string } };
}

/** The newest `auth.failed` event. */
async function lastFailure() {
  const [e] = await t.database.db.query<{ outcome: string; details: Record<string, unknown> }>(
    "SELECT outcome, details FROM audit_events WHERE type = 'auth.failed' ORDER BY seq DESC LIMIT 1",
  );
  return e!;
}

async function expectRefused(token: string) {
  const res = await t.call(token, { url: '/api/v1/me' });
  expect(res.statusCode).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  // The same words whatever failed: expired, revoked, suspended or unknown.
  expect(res.json().detail).toBe('invalid or expired token');
}

describe('an API token', () => {
  it('is shown once at creation, never listed, and stored only as its SHA-256', async () => {
    const { token, meta } = await issue(t.adminToken, { name: 'laptop' });
    expect(token).toMatch(TOKEN_PATTERN);
    expect(meta.hint).toBe(token.slice(0, 10));
    expect((await t.call(token, { url: '/api/v1/me' })).statusCode).toBe(200);

    const listing = await t.call(t.adminToken, { url: '/api/v1/tokens' });
    expect(listing.statusCode).toBe(200);
    expect(listing.body).not.toContain(token);
    expect(listing.json().items.find((i: { id: string }) => i.id === meta.id)).not.toHaveProperty('token');

    const rows = await t.database.db.query<Record<string, unknown>>('SELECT * FROM api_tokens');
    const secretPart = token.slice(10);
    for (const row of rows) for (const value of Object.values(row)) expect(JSON.stringify(value) ?? '').not.toContain(secretPart);
    const [stored] = await t.database.db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens WHERE id = $1', [meta.id]);
    expect(stored!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    const events = await t.database.db.query<{ row: string }>('SELECT row_to_json(e)::text AS row FROM audit_events e');
    for (const e of events) expect(e.row).not.toContain(secretPart);
  });

  it('works until the moment it expires, then fails with an "expired token" event', async () => {
    const { token, meta } = await issue(t.adminToken, { name: 'one day', expiresInDays: 1 });
    t.clock.advance(DAY_MS - 1000);
    expect((await t.call(token, { url: '/api/v1/me' })).statusCode).toBe(200);
    t.clock.advance(1000);
    await expectRefused(token);
    expect(await lastFailure()).toMatchObject({ outcome: 'failure', details: { reason: 'expired token', tokenId: meta.id, method: 'api-token' } });
  });

  it('fails once revoked, with a "revoked token" event', async () => {
    const { token, meta } = await issue(t.adminToken, { name: 'to revoke' });
    const revoked = await t.call(token, { method: 'DELETE', url: `/api/v1/tokens/${meta.id}` });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    await expectRefused(token);
    expect(await lastFailure()).toMatchObject({ details: { reason: 'revoked token', tokenId: meta.id } });
  });

  it('that this server remembers fails at once when another server revokes it in the shared database', async () => {
    const { token, meta } = await issue(t.adminToken, { name: 'remembered' });
    // Used twice: the second time it comes from the token cache.
    expect((await t.call(token, { url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await t.call(token, { url: '/api/v1/me' })).statusCode).toBe(200);
    // Another server's revocation: a plain UPDATE, nothing this process's services know about.
    await t.database.db.query('UPDATE api_tokens SET revoked_at = $2 WHERE id = $1', [meta.id, t.clock.now()]);
    await expectRefused(token);
    expect(await lastFailure()).toMatchObject({ details: { reason: 'revoked token', tokenId: meta.id } });
  });

  it('still records its last use, once a minute (the cache keeps it from writing on every request)', async () => {
    const { token, meta } = await issue(t.adminToken, { name: 'busy' });
    const lastUsed = async () =>
      (await t.database.db.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_tokens WHERE id = $1', [meta.id]))[0]!.last_used_at;
    expect((await t.call(token, { url: '/api/v1/me' })).statusCode).toBe(200);
    const first = await lastUsed();
    expect(first).toEqual(t.clock.now());
    t.clock.advance(61_000);
    expect((await t.call(token, { url: '/api/v1/me' })).statusCode).toBe(200);
    expect(await lastUsed()).toEqual(t.clock.now());
  });

  it('fails for a suspended person, and stays dead after reinstatement', async () => {
    const approver = await t.personWithRole('approver');
    const { token } = await issue(approver.token, { name: 'second' });
    expect((await t.call(token, { url: '/api/v1/me' })).statusCode).toBe(200);
    const suspend = await t.call(t.adminToken, { method: 'PATCH', url: `/api/v1/people/${approver.handle}`, payload: { status: 'suspended' } });
    expect(suspend.statusCode, suspend.body).toBe(200);
    await expectRefused(approver.token);
    await expectRefused(token);
    const reinstate = await t.call(t.adminToken, { method: 'PATCH', url: `/api/v1/people/${approver.handle}`, payload: { status: 'active' } });
    expect(reinstate.statusCode).toBe(200);
    await expectRefused(token);
  });

  it('fails when its holder is not active even if the token itself was never revoked', async () => {
    const developer = await t.personWithRole('developer');
    expect((await t.call(developer.token, { url: '/api/v1/me' })).statusCode).toBe(200);
    await t.database.db.query("UPDATE people SET status = 'suspended' WHERE id = $1", [developer.id]);
    await expectRefused(developer.token);
    expect(await lastFailure()).toMatchObject({ details: { reason: 'person is suspended', personId: developer.id } });
  });

  it('that was never issued fails with an event that keeps only its hint', async () => {
    const unknown = generateToken();
    await expectRefused(unknown);
    const failure = await lastFailure();
    expect(failure.details).toMatchObject({ reason: 'unknown token', hint: unknown.slice(0, 10) });
    expect(JSON.stringify(failure)).not.toContain(unknown.slice(10));
    await expectRefused('pal_not-even-the-right-shape');
    expect((await lastFailure()).details).toMatchObject({ reason: 'malformed token' });
  });

  it('pasted into a URL by mistake never reaches the audit log, which cannot be edited afterwards', async () => {
    const { token } = await issue(t.adminToken, { name: 'pasted' });
    const res = await t.call(null, { url: `/api/v1/people/${token}?token=${token}` });
    expect(res.statusCode).toBe(401);
    const failure = await lastFailure();
    expect(failure.details).toMatchObject({ reason: 'no credentials', route: expect.stringMatching(/^\/api\/v1\/people\//) });
    expect(JSON.stringify(failure)).not.toContain(token.slice(10));
  });
});

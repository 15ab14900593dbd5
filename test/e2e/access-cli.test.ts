/**
 * The access workflow through the real `palisade` command against a real server (PGlite in a
 * temporary folder, or PostgreSQL when DATABASE_URL is set): readiness with its reasons, vetting,
 * training, a request approved by the resource owner, the grant, settings, ending the engagement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../src/core/secret-token.ts';
import type { RunningServer } from '../../src/server.ts';
import { palisadeCli, startInProcessServer, type CliRun, type InProcessServer } from './in-process-server.ts';

const adminToken = generateToken();
let server: RunningServer;
let running: InProcessServer | undefined;

const cli = palisadeCli(() => server.url, adminToken);
const json = (r: CliRun) => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  running = await startInProcessServer('palisade-access-e2e-', adminToken);
  server = running.server;
});

afterAll(async () => {
  await running?.close();
});

describe('access through the palisade command line', () => {
  it('takes a developer from not ready to an approved grant, and ending the engagement revokes it', async () => {
    const [owner, dev] = await Promise.all([
      cli(['people', 'create', '--handle', 'olivia', '--name', 'Olivia Owner', '--email', 'olivia@example.test', '--kind', 'member', '--json']),
      cli(['people', 'create', '--handle', 'dev-ann', '--name', 'Ann Dev', '--email', 'ann@example.test', '--kind', 'external', '--json']),
    ]);
    json(owner);
    json(dev);
    const [ownerToken, devToken] = await Promise.all(['olivia', 'dev-ann'].map(async (p) => json(await cli(['token', 'create', '--name', 'cli', '--person', p, '--json'])).token as string));
    const engagement = json(await cli(['engagement', 'create', '--name', 'Checkout', '--vendor', 'none', '--start', day(-1), '--end', day(30), '--personal-data', 'no', '--json']));
    json(await cli(['engagement', 'add-developer', engagement.id, 'dev-ann', '--duty', 'frontend', '--json']));
    const duty = json(await cli(['engagement', 'set-duty', engagement.id, 'dev-ann', '--duty', 'backend', '--json']));
    expect(duty.developers).toEqual([expect.objectContaining({ handle: 'dev-ann', duty: 'backend' })]);
    expect((await cli(['engagement', 'set-duty', engagement.id, 'dev-ann'])).code).toBe(2);
    json(await cli(['resource', 'create', '--name', 'shop/web', '--kind', 'git_repository', '--env', 'staging', '--sensitivity', 'internal', '--owner', 'olivia', '--json']));

    const notReady = await cli(['engagement', 'readiness', engagement.id]);
    expect(notReady.code).toBe(0);
    expect(notReady.stdout).toContain('dev-ann: NOT READY');
    expect(notReady.stdout).toContain('  - The NDA is not signed.');
    expect(notReady.stdout).toContain('  - No background check is recorded for dev-ann.');
    const denied = await cli(['request', 'create', '--resource', 'shop/web', '--permission', 'read', '--duration', '8h', '--justification', 'fix the cart rounding bug', '--engagement', engagement.id], devToken);
    expect(denied.code).toBe(0);
    expect(denied.stdout).toMatch(/status:\s+denied/);
    expect(denied.stderr).toContain('denied');

    for (const [term, c] of [['nda', 'a'], ['ip-ownership', 'b']]) {
      json(await cli(['engagement', 'sign', engagement.id, '--term', term!, '--sha256', c!.repeat(64), '--signer', 'Dana', '--signed-at', day(-1), '--json']));
    }
    json(await cli(['engagement', 'activate', engagement.id, '--json']));
    const vetting = await Promise.all([
      cli(['vetting', 'background', 'dev-ann', '--status', 'clear', '--provider', 'Sterling', '--checked-on', day(-2), '--json']),
      cli(['vetting', 'reference', 'dev-ann', '--referee', 'Old Lead', '--outcome', 'passed', '--checked-on', day(-2), '--json']),
      cli(['vetting', 'quiz', 'dev-ann', '--score', '85', '--pass-mark', '80', '--taken-on', day(-2), '--json']),
      cli(['training', 'record', 'dev-ann', '--module', 'security-awareness', '--completed-at', day(-2), '--expires-at', day(300), '--json']),
    ]);
    for (const r of vetting) json(r);
    const shown = await cli(['vetting', 'show', 'dev-ann']);
    expect(shown.stdout).toMatch(/BACKGROUND CHECKS[\s\S]*clear\s+Sterling/);
    expect(json(await cli(['engagement', 'readiness', engagement.id, '--person', 'dev-ann', '--json']))).toMatchObject({ ready: true, unmet: [] });

    const pending = json(await cli(['request', 'create', '--resource', 'shop/web', '--permission', 'read', '--duration', '2d', '--justification', 'fix the cart rounding bug', '--engagement', engagement.id, '--json'], devToken));
    expect(pending).toMatchObject({ status: 'pending', duration: 'P2D', approvalsRequired: 1 });
    expect(json(await cli(['request', 'list', '--inbox', '--json'], ownerToken)).map((r: { id: string }) => r.id)).toEqual([pending.id]);
    expect((await cli(['request', 'approve', pending.id], devToken)).code).toBe(1);
    const approved = json(await cli(['request', 'approve', pending.id, '--comment', 'go', '--json'], ownerToken));
    expect(approved).toMatchObject({ status: 'approved', decisions: [{ approverHandle: 'olivia', comment: 'go' }] });
    const grants = json(await cli(['grant', 'list', '--state', 'active', '--json'], devToken));
    expect(grants).toEqual([expect.objectContaining({ id: approved.grantId, resourceName: 'shop/web', permission: 'read', state: 'active' })]);
    const table = await cli(['request', 'show', pending.id], devToken);
    expect(table.stdout).toMatch(/decisions:\s+approve by olivia at .*: go/);

    const settings = await cli(['settings', 'access', '--set', 'max-duration.production=4h', '--set', 'references-required=2']);
    expect(settings.code, settings.stderr).toBe(0);
    expect(settings.stdout).toMatch(/max production:\s+PT4H/);
    expect(settings.stdout).toMatch(/references required:\s+2/);

    json(await cli(['engagement', 'end', engagement.id, '--json']));
    expect(json(await cli(['grant', 'show', approved.grantId, '--json']))).toMatchObject({ state: 'revoked', revokeReason: 'the engagement "Checkout" was ended' });
    // About 25 CLI processes, each a Node start: more than the default 30 s on a busy 2-core machine.
  }, 120_000);

  it('explains flag mistakes with exit code 2', async () => {
    const [badDuration, missingComment] = await Promise.all([
      cli(['request', 'create', '--resource', 'x', '--permission', 'read', '--duration', '8 hours', '--justification', 'j', '--engagement', '0193a3b4-0000-7000-8000-000000000001']),
      cli(['request', 'deny', '0193a3b4-0000-7000-8000-000000000001']),
    ]);
    expect(badDuration.code).toBe(2);
    expect(badDuration.stderr).toMatch(/--duration '8 hours': expected 30m, 8h, 7d/);
    expect(missingComment.code).toBe(2);
    expect(missingComment.stderr).toMatch(/--comment is required/);
  });
});

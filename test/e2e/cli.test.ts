/**
 * The real `palisade` command (bin/palisade.mjs in a child process) against a real server started
 * in this process: PGlite in a temporary folder, or a fresh PostgreSQL database when DATABASE_URL is set.
 * Each CLI call costs a Node start (~0.5 s), so the calls are few and independent ones run together.
 */
import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, isWellFormedToken } from '../../src/core/secret-token.ts';
import type { RunningServer } from '../../src/server.ts';
import { startInProcessServer, type InProcessServer } from './in-process-server.ts';

const BIN = fileURLToPath(new URL('../../bin/palisade.mjs', import.meta.url));
const adminToken = generateToken();

let server: RunningServer;
let dir: string;
let running: InProcessServer | undefined;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** The PALISADE_TOKEN the call was given. */
  given: string | undefined;
}
const runs: Run[] = [];

/** Run `palisade …` with only the environment a user would set. */
function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, PALISADE_URL: server.url, PALISADE_TOKEN: adminToken };
  const fullEnv = Object.fromEntries(Object.entries({ ...base, ...env }).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: fullEnv, timeout: 20_000 }, (err, stdout, stderr) => {
      const run = { code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr, given: fullEnv.PALISADE_TOKEN };
      runs.push(run);
      resolve(run);
    });
  });
}

const json = (r: Run) => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

/** An OpenSSH ed25519 public key line (RFC 8709 §4: string "ssh-ed25519", string key). */
function sshPublicKey(comment: string): string {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  return `ssh-ed25519 ${Buffer.concat([str(Buffer.from('ssh-ed25519')), str(raw)]).toString('base64')} ${comment}`;
}

beforeAll(async () => {
  running = await startInProcessServer('palisade-cli-e2e-', adminToken);
  server = running.server;
  dir = running.dir;
});

afterAll(async () => {
  await running?.close();
});

describe('the palisade command line', () => {
  const sshKey = sshPublicKey('olivia@laptop');
  const nda = Buffer.from('%PDF-1.4\n% signed NDA, Acme Dev\n');
  let engagementId: string;

  it('generates a well-formed token offline, and explains usage mistakes with exit code 2', async () => {
    const [generated, bogus, missing] = await Promise.all([
      cli(['token', 'generate'], { PALISADE_URL: 'http://127.0.0.1:9', PALISADE_TOKEN: undefined }),
      cli(['people', 'list', '--bogus']),
      cli(['resource', 'get']),
    ]);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/^pal_\w+\n$/);
    expect(isWellFormedToken(generated.stdout.trim())).toBe(true);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/Unknown option '--bogus'/);
    expect(bogus.stderr).toMatch(/usage: palisade people list/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/missing REF/);
  });

  it('reports an unreachable server with exit code 3 and a 404 with exit code 1', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const [down, notFound] = await Promise.all([
      cli(['people', 'list'], { PALISADE_URL: `http://127.0.0.1:${port}` }),
      cli(['people', 'get', 'nobody']),
    ]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    expect(notFound.code).toBe(1);
    expect(notFound.stderr).toMatch(/^palisade people get: Not found \(404\): person nobody not found \[request [\w-]+\]\n$/);
  });

  it('creates people and a vendor, and lists them as a table and as JSON', async () => {
    const keyFile = path.join(dir, 'olivia.pub');
    await writeFile(keyFile, `${sshKey}\n`);
    const [olivia, vendor] = await Promise.all([
      cli(['people', 'create', '--handle', 'olivia', '--name', 'Olivia Owner', '--email', 'olivia@example.test', '--kind', 'member',
        '--tz', 'Europe/Berlin', '--hours', 'mon-fri@08:00-16:00', '--ssh-key-file', keyFile, '--json']),
      cli(['vendor', 'create', '--name', 'Acme Dev', '--contact', 'Jane Roe <jane@acme.example>', '--json']),
    ]);
    expect(json(olivia)).toMatchObject({ handle: 'olivia', role: 'approver', timeZone: 'Europe/Berlin', workingHours: { start: '08:00', end: '16:00' } });
    expect(json(olivia).sshPublicKeys[0].comment).toBe('olivia@laptop');
    expect(json(vendor)).toMatchObject({ name: 'Acme Dev', contacts: [{ name: 'Jane Roe', email: 'jane@acme.example' }] });

    const ann = await cli(['people', 'create', '--handle', 'dev-ann', '--name', 'Ann Dev', '--email', 'ann@example.test', '--kind', 'external', '--vendor', 'Acme Dev', '--tz', 'Asia/Kolkata', '--json']);
    expect(json(ann).vendorId).toBe(json(vendor).id);

    const [table, external] = await Promise.all([cli(['people', 'list']), cli(['people', 'list', '--kind', 'external', '--json'])]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^HANDLE\s+NAME\s+KIND\s+ROLE\s+STATUS\s+VENDOR\s+TIME ZONE$/);
    expect(lines.find((l) => l.startsWith('dev-ann'))).toMatch(/^dev-ann\s+Ann Dev\s+external\s+developer\s+active\s+Acme Dev\s+Asia\/Kolkata$/);
    expect(lines.find((l) => l.startsWith('olivia'))).toMatch(/approver\s+active\s+-\s+Europe\/Berlin$/);
    expect(json(external)).toEqual([expect.objectContaining({ handle: 'dev-ann' })]);
  });

  it('registers, labels, lists and retires a resource, and shows field errors for a traversal name', async () => {
    const base = ['--kind', 'git_repository', '--env', 'production', '--sensitivity', 'confidential', '--owner', 'olivia'];
    const [created, traversal] = await Promise.all([
      cli(['resource', 'create', '--name', 'payments/api', ...base, '--label', 'team=payments', '--json']),
      cli(['resource', 'create', '--name', '../x', ...base]),
    ]);
    expect(json(created)).toMatchObject({ name: 'payments/api', ownerHandle: 'olivia', labels: { team: 'payments' } });
    expect(traversal.code).toBe(1);
    expect(traversal.stderr).toMatch(/Invalid request \(400\): invalid body — body\.name: '\.\.' segments are not allowed \[request /);

    const updated = await cli(['resource', 'update', 'payments/api', '--label', 'tier=1', '--json']);
    expect(json(updated).labels).toEqual({ team: 'payments', tier: '1' });
    const [listed, retired] = await Promise.all([
      cli(['resource', 'list', '--label', 'team=payments', '--label', 'tier=1']),
      cli(['resource', 'retire', 'payments/api', '--json']),
    ]);
    expect(listed.stdout).toMatch(/^NAME\s+KIND\s+ENVIRONMENT\s+SENSITIVITY\s+OWNER\s+STATUS\s+LABELS\n/);
    expect(listed.stdout).toMatch(/payments\/api\s+git_repository\s+production\s+confidential\s+olivia\s+\w+\s+team=payments, tier=1/);
    expect(json(retired).status).toBe('retired');
  });

  it('runs an engagement from draft to active: developer, signed terms by hash, uploaded document', async () => {
    const created = await cli(['engagement', 'create', '--name', 'Checkout rewrite', '--vendor', 'Acme Dev', '--start', '2026-01-01',
      '--end', '2099-12-31', '--personal-data', 'no', '--tool', 'GitHub', '--developer', 'dev-ann', '--json']);
    expect(json(created)).toMatchObject({ status: 'draft', developers: [{ handle: 'dev-ann' }], contract: { permittedTools: ['GitHub'] } });
    engagementId = json(created).id;

    const file = path.join(dir, 'nda.pdf');
    await writeFile(file, nda);
    const sha = createHash('sha256').update(nda).digest('hex');
    const signer = ['--signer', 'Jane Roe, CEO', '--signed-at', '2026-01-02'];
    const [signedNda, signedIp] = await Promise.all([
      cli(['engagement', 'sign', engagementId, '--term', 'nda', '--file', file, ...signer, '--json']),
      cli(['engagement', 'sign', engagementId, '--term', 'ip-ownership', '--sha256', 'ab'.repeat(32), ...signer, '--json']),
    ]);
    expect(json(signedNda).id).toBe(engagementId);
    expect(json(signedIp).id).toBe(engagementId);
    const [uploaded, activated] = await Promise.all([
      cli(['engagement', 'upload', engagementId, '--term', 'nda', file, '--json']),
      cli(['engagement', 'activate', engagementId, '--json']),
    ]);
    expect(json(uploaded)).toMatchObject({ term: 'nda', sha256: sha, contentType: 'application/pdf', size: nda.length });
    expect(json(activated)).toMatchObject({
      status: 'active',
      contract: { nda: { sha256: sha, signer: 'Jane Roe, CEO', signedAt: '2026-01-02' }, ipOwnership: { sha256: 'ab'.repeat(32) } },
    });

    const listed = await cli(['engagement', 'list', '--status', 'active']);
    expect(listed.stdout).toContain(`${engagementId}  Checkout rewrite  active  Acme Dev  2026-01-01  2099-12-31  1`);
  });

  it('issues a token, prints its secret once, and the new token reads the audit log through every page', async () => {
    const issued = json(await cli(['token', 'create', '--name', 'ci', '--expires-in-days', '7', '--json']));
    expect(isWellFormedToken(issued.token)).toBe(true);
    const [all, first] = await Promise.all([
      cli(['audit', 'events', '--type', 'resource.*', '--limit', '1', '--all', '--json'], { PALISADE_TOKEN: issued.token }),
      cli(['audit', 'events', '--type', 'resource.*', '--limit', '1', '--json'], { PALISADE_TOKEN: issued.token }),
    ]);
    expect(json(all).map((e: { type: string }) => e.type)).toEqual(['resource.created', 'resource.updated', 'resource.retired']);
    expect(all.stderr).toBe('');
    expect(json(first).map((e: { type: string }) => e.type)).toEqual(['resource.created']);
    expect(first.stderr).toMatch(/^\(more results: add --all, or --cursor \S+\)\n$/);
  });

  it('never prints the token it was given', () => {
    expect(runs.length).toBeGreaterThan(15);
    for (const r of runs) {
      if (r.given) expect(r.stdout + r.stderr).not.toContain(r.given);
    }
  });
});

/**
 * @module demo/demo — `palisade demo`: the whole product on a fresh data folder, end to end, with
 * real parts only. A real server process; a vendor and an engagement with signed contract records;
 * a vetted, trained developer whose time zone makes this moment 2 AM for them; a hosted repository
 * with its owner; a request approved by the owner; the real `git` cloning through the gateway as
 * that developer; the off-hours alert and its signed webhook delivery; the audit log exported and
 * verified offline by `palisade audit verify`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateToken } from '../core/secret-token.ts';
import { apiAs, localTime, palisade, run, startServer, startWebhookReceiver, zoneWhereItIs2Am, type DemoServer } from './demo-support.ts';

export const DEMO_HELP = `palisade demo — run the whole product once, end to end, on a fresh data folder

  --data DIR     use this (new or empty) folder and keep it afterwards (default: a temporary folder, removed)
  --keep         keep the temporary folder
  -h, --help

Needs the machine's git. Takes about half a minute.
`;

type Say = (line: string) => void;
type Json = Record<string, unknown>;
const DAY = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Runs the demo, writing its story to `io.stdout`. Returns the exit code (0: every step worked).
 * @example process.exitCode = await runDemo({ keep: false }, { stdout: process.stdout, stderr: process.stderr });
 */
export async function runDemo(opts: { dataDir?: string; keep?: boolean }, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  const say: Say = (line) => io.stdout.write(`${line}\n`);
  const temporary = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'palisade-demo-'));
  if (!temporary && existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    io.stderr.write(`${dataDir} is not empty: the demo needs a fresh data folder\n`);
    return 2;
  }
  mkdirSync(dataDir, { recursive: true });
  const work = mkdtempSync(path.join(tmpdir(), 'palisade-demo-work-'));
  const adminToken = generateToken();
  let server: DemoServer | null = null;
  const receiver = await startWebhookReceiver();
  try {
    say(`Palisade demo — data folder ${dataDir}\n`);
    server = await startServer(dataDir, adminToken);
    say(`1. Started \`palisade serve\` on ${server.url} (embedded database, first admin's token preset).`);
    await story(server.url, adminToken, dataDir, work, receiver, say);
    return 0;
  } catch (err) {
    io.stderr.write(`\nThe demo failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await server?.stop();
    await receiver.close();
    rmSync(work, { recursive: true, force: true });
    if (temporary && !opts.keep) rmSync(dataDir, { recursive: true, force: true });
    else say(`\nThe data folder stays at ${dataDir} (palisade serve --data ${dataDir}).`);
  }
}

async function story(
  url: string, adminToken: string, dataDir: string, work: string,
  receiver: Awaited<ReturnType<typeof startWebhookReceiver>>, say: Say,
): Promise<void> {
  const admin = apiAs(url, adminToken);
  const now = new Date();

  // The company side: an owner for the repository, the agency, the contract.
  const owner = await admin<Json>('POST', '/api/v1/people', { handle: 'olivia', name: 'Olivia Owner', email: 'olivia@example.com', kind: 'member', role: 'approver', timeZone: 'Europe/Berlin' });
  const vendor = await admin<Json>('POST', '/api/v1/vendors', { name: 'Acme Agency', website: 'https://acme.example' });
  const zone = zoneWhereItIs2Am(now);
  const dev = await admin<Json>('POST', '/api/v1/people', {
    handle: 'dmitri', name: 'Dmitri Contractor', email: 'dmitri@acme.example', kind: 'external', vendorId: vendor.id,
    timeZone: zone, workingHours: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' },
  });
  say(`2. People: olivia (approver, owns the repository); dmitri of Acme Agency, working 09:00–17:00 in ${zone}, where it is now ${localTime(now, zone)}.`);

  const engagement = await admin<Json>('POST', '/api/v1/engagements', {
    name: 'Webshop redesign', vendorId: vendor.id, startDate: isoDay(new Date(now.getTime() - 30 * DAY)), endDate: isoDay(new Date(now.getTime() + 60 * DAY)), touchesPersonalData: false,
  });
  for (const term of ['nda', 'ip-ownership'] as const) {
    const signed = createHash('sha256').update(`Acme Agency — ${term} — signed copy`).digest('hex');
    await admin('PUT', `/api/v1/engagements/${engagement.id}/contract/${term}`, { sha256: signed, signer: 'Anna Acme (CEO)', signedAt: isoDay(new Date(now.getTime() - 31 * DAY)) });
  }
  await admin('POST', `/api/v1/engagements/${engagement.id}/activate`);
  await admin('POST', `/api/v1/engagements/${engagement.id}/developers`, { personId: dev.id, duty: 'frontend' });
  const vet = `/api/v1/people/${dev.id}/vetting`;
  const earlier = (days: number) => isoDay(new Date(now.getTime() - days * DAY));
  await admin('POST', `${vet}/background-checks`, { status: 'clear', provider: 'Sterling', reference: 'ST-20931', checkedOn: earlier(40) });
  await admin('POST', `${vet}/reference-checks`, { refereeName: 'Former Lead', refereeContact: 'lead@previous.example', outcome: 'passed', checkedOn: earlier(39) });
  await admin('POST', `${vet}/quiz-results`, { quiz: 'security-awareness', score: 92, passMark: 80, takenOn: earlier(38) });
  await admin('POST', `/api/v1/people/${dev.id}/training`, { module: 'security-awareness', completedAt: earlier(37), expiresAt: isoDay(new Date(now.getTime() + 300 * DAY)) });
  const readiness = await admin<{ developers: { handle: string; ready: boolean; unmet: { message: string }[] }[] }>('GET', `/api/v1/engagements/${engagement.id}/readiness`);
  const mine = readiness.developers.find((d) => d.handle === 'dmitri');
  if (!mine?.ready) throw new Error(`dmitri is not ready: ${mine?.unmet.map((u) => u.message).join('; ')}`);
  say('3. Engagement "Webshop redesign": NDA and IP-ownership signed (SHA-256 of the signed copies), active; dmitri vetted (background check clear, reference passed, quiz 92/80) and trained — readiness: ready.');

  // The repository: a hosted bare repository with a first commit, owned by olivia.
  const repo = await admin<Json>('POST', '/api/v1/resources', { name: 'acme/webshop', kind: 'git_repository', environment: 'staging', sensitivity: 'internal', ownerId: owner.id, description: 'the webshop front end' });
  await admin('PUT', `/api/v1/git/repositories/${repo.id}`, { mode: 'hosted' });
  await seedRepository(path.join(dataDir, 'repos', 'acme', 'webshop.git'), work);
  say('4. Resource acme/webshop (git, staging), hosted by Palisade, with a first commit.');

  // Alerts go to a webhook the demo listens on, signed with a secret Palisade generates.
  const channel = await admin<{ secret: string }>('POST', '/api/v1/alerts/channels', { kind: 'webhook', name: 'demo receiver', url: receiver.url, minSeverity: 'low' });
  receiver.setSecret(channel.secret);
  say(`5. Alert channel: webhook ${receiver.url} (HMAC-SHA256 signed).`);

  // Tokens: dmitri for the API and for git; olivia to approve.
  const devApiToken = (await admin<{ token: string }>('POST', '/api/v1/tokens', { name: 'dmitri laptop', personId: dev.id, expiresInDays: 7 })).token;
  const ownerToken = (await admin<{ token: string }>('POST', '/api/v1/tokens', { name: 'olivia laptop', personId: owner.id, expiresInDays: 7 })).token;
  const request = await apiAs(url, devApiToken)<Json>('POST', '/api/v1/access-requests', {
    resource: 'acme/webshop', engagementId: engagement.id, permission: 'read', duration: 'PT8H', justification: 'WEB-42: fix the checkout button layout',
  });
  const approved = await apiAs(url, ownerToken)<Json>('POST', `/api/v1/access-requests/${request.id}/approve`, { comment: 'ok for WEB-42' });
  say(`6. dmitri asked for read on acme/webshop for 8 h ("WEB-42: fix the checkout button layout"); the policy wanted the owner's approval (${request.status}); olivia approved → grant ${approved.grantId}.`);

  const gitToken = (await admin<{ token: string }>('POST', '/api/v1/tokens', { name: 'dmitri git', personId: dev.id, expiresInDays: 1, scopes: ['git'] })).token;
  const basic = Buffer.from(`dmitri:${gitToken}`).toString('base64');
  const cloneUrl = `${url}/git/acme/webshop.git`;
  await run('git', ['-c', `http.extraHeader=Authorization: Basic ${basic}`, 'clone', cloneUrl, path.join(work, 'clone')], { env: { GIT_TERMINAL_PROMPT: '0' } });
  const files = readdirSync(path.join(work, 'clone')).filter((f) => f !== '.git');
  say(`7. As dmitri, at ${localTime(new Date(), zone)} his time: git clone ${cloneUrl} → ${files.join(', ')}`);

  // Detection: the clone is an event in the log; the off-hours rule fires and the webhook receives it.
  const alert = await waitFor(async () => {
    const page = await admin<{ items: Json[] }>('GET', '/api/v1/alerts?limit=50');
    return page.items.find((a) => String(a.title).toLowerCase().includes('working hours')) ?? null;
  }, 15_000, 'the off-hours alert');
  const detail = await admin<{ events: { eventId: string; leafIndex: number; type: string }[] }>('GET', `/api/v1/alerts/${alert.id}`);
  const cause = detail.events.find((e) => e.type === 'git.clone') ?? detail.events[0]!;
  const causes = detail.events.map((e) => `${e.type} at log position ${e.leafIndex}`).join(', ');
  say(`8. Alert: "${alert.title}" (severity ${alert.severity}, rule ${alert.ruleId}) for ${alert.subject}, from ${causes}.`);
  const delivery = await waitFor(async () => receiver.deliveries.find((d) => d.signatureValid) ?? null, 15_000, 'the signed webhook delivery');
  say(`9. Webhook delivery received at ${delivery.receivedAt.toISOString()}; its HMAC-SHA256 signature checks out with the channel's secret.`);

  // The audit log: pin the verifier key, prove the alert's event, export a bundle and verify it offline.
  const { verifierKey } = await admin<{ verifierKey: string }>('GET', '/api/v1/audit/verifier-key');
  const env = { PALISADE_URL: url, PALISADE_TOKEN: adminToken };
  const proof = await waitFor(async () => {
    const p = await palisade(['audit', 'proof', cause.eventId, '--verifier-key', verifierKey], env);
    return p.code === 0 ? p : null;
  }, 15_000, 'a checkpoint covering the clone');
  say(`10. Verifier key ${verifierKey}; palisade audit proof ${cause.eventId}:`);
  for (const line of proof.stdout.trim().split('\n')) say(`      ${line}`);
  const bundle = path.join(work, 'audit-bundle');
  const exported = await palisade(['audit', 'export', '--out', bundle], env);
  if (exported.code !== 0) throw new Error(`palisade audit export failed: ${exported.stderr}`);
  const verified = await palisade(['audit', 'verify', bundle, '--verifier-key', verifierKey], {});
  say('11. palisade audit export, then palisade audit verify with the pinned key (offline, no server):');
  for (const line of verified.stdout.trim().split('\n')) say(`      ${line}`);
  if (verified.code !== 0) throw new Error(`palisade audit verify exited ${verified.code}: ${verified.stderr}`);
  say('\nDone: contract → vetting → approved, time-bound grant → clone through the gateway → alert → webhook → verified log.');
}

/** Create the hosted repository's first commit from a scratch clone (set-up, not through the gateway). */
async function seedRepository(bare: string, work: string): Promise<void> {
  const seed = path.join(work, 'seed');
  const git = (args: string[], cwd = seed) => run('git', args, { cwd, env: { GIT_AUTHOR_NAME: 'Olivia Owner', GIT_AUTHOR_EMAIL: 'olivia@example.com', GIT_COMMITTER_NAME: 'Olivia Owner', GIT_COMMITTER_EMAIL: 'olivia@example.com' } });
  await run('git', ['init', '-q', '-b', 'main', seed]);
  writeFileSync(path.join(seed, 'README.md'), '# Acme webshop\n\nThe storefront.\n');
  writeFileSync(path.join(seed, 'checkout.js'), "export function checkoutButton() {\n  return '<button>Pay</button>';\n}\n");
  await git(['add', '.']);
  await git(['commit', '-q', '-m', 'First version of the storefront']);
  await git(['push', '-q', bare, 'main']);
}

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== null) return found;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what} after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

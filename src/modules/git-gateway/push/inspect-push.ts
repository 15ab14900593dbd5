/**
 * @module git-gateway/push/inspect-push — decides whether a push (the body of POST …/git-receive-pack) may
 * reach the repository: spools the body to disk, reads the ref updates, indexes the pack into a quarantine,
 * applies the repository's ref rules and scans the commits the push adds for secrets. Any refusal refuses the
 * whole push; the git client is told why per ref (refusal-response.ts). The gateway (H1) logs the outcome.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '../../../core/errors.ts';
import type { Database } from '../../../db/database.ts';
import { createScanner, DEFAULT_MAX_FILE_BYTES, type Scanner } from '../../scanner/scanner.ts';
import { redactSecret } from '../../scanner/redact.ts';
import { allowedBy } from './allow-list.ts';
import { isZeroOid, readPushRequestHead, type PushCommand } from './push-commands.ts';
import { activeAllowRules, findPushRules } from './push-rules-store.ts';
import { addedCommits, createQuarantine, indexPack, isAncestor, missingObjects, type Quarantine } from './quarantine.ts';
import { DEFAULT_PROTECTED_REFS, refRefusal, type RefRules } from './ref-rules.ts';
import { refusalMessages, SECRET_REASON } from './refusal-messages.ts';
import { buildRefusalBody } from './refusal-response.ts';

export interface RefUpdate { ref: string; oldOid: string; newOid: string; kind: 'create' | 'update' | 'delete'; forced: boolean }
export interface RefRefusal { ref: string; reason: string }
export interface PushFinding { ruleId: string; file: string; line: number; commit: string; redacted: string }

export interface PushInspection {
  updates: RefUpdate[];
  capabilities: string[];
  /** One entry per ref of the push when refused (its own reason, or that the rest of the push was refused); empty = accepted. */
  refused: RefRefusal[];
  /** Findings that refused the push (allow-listed and marked ones are not here), secrets redacted. */
  findings: PushFinding[];
  /** Findings an admin's allow-list entry accepted (by entry id), for the log. */
  allowed: { ruleId: string; file: string; entryId: string }[];
  /** Size of the request body in bytes. */
  bodyBytes: number;
  /** What the `git.push` audit event should carry: updates, refusals, counts and rule ids — never a secret or fingerprint. */
  auditDetails(): Record<string, unknown>;
  /** The original request body, byte for byte, to stream to git http-backend or the upstream when accepted. */
  replay(): NodeJS.ReadableStream;
  /** When refused: the complete receive-pack response body (Content-Type application/x-git-receive-pack-result). */
  refusalBody(): Buffer;
  /** Removes the spooled body and the quarantine; call after the replay has been sent. */
  cleanup(): Promise<void>;
}

export interface PushInspector {
  inspect(input: {
    resource: { id: string; name: string };
    baseRepoDir: string;
    pusher: { id: string; handle: string; kind: 'member' | 'external' };
    body: NodeJS.ReadableStream;
    maxBodyBytes: number;
  }): Promise<PushInspection>;
}

/** A finding inside the inspector: the public shape plus the fingerprint shown to the pusher (never logged). */
export interface InternalFinding extends PushFinding { fingerprint: string }

/** Copies `body` to `file`, failing with a ValidationError once more than `max` bytes have arrived. */
async function spool(body: NodeJS.ReadableStream, file: string, max: number): Promise<number> {
  let bytes = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, next) {
      bytes += chunk.length;
      if (bytes > max) next(new ValidationError(`the push is larger than the limit of ${max} bytes`, [{ path: 'body', message: 'too large' }]));
      else next(null, chunk);
    },
  });
  await pipeline(body, limit, createWriteStream(file));
  return bytes;
}

async function toUpdate(q: Quarantine | null, c: PushCommand): Promise<RefUpdate> {
  const kind = isZeroOid(c.newOid) ? 'delete' : isZeroOid(c.oldOid) ? 'create' : 'update';
  // A non-fast-forward, or an old value git cannot relate to the new one, counts as a force-push.
  const forced = kind === 'update' && q !== null ? (await isAncestor(q, c.oldOid, c.newOid)) !== true : false;
  return { ref: c.ref, oldOid: c.oldOid, newOid: c.newOid, kind, forced };
}

/** Which findings each ref update brings in: all of them when one ref adds commits, else by the commits each tip adds. */
async function findingsPerRef(q: Quarantine, updates: readonly RefUpdate[], findings: readonly InternalFinding[]): Promise<Map<string, InternalFinding[]>> {
  const adding = updates.filter((u) => u.kind !== 'delete');
  const out = new Map<string, InternalFinding[]>();
  if (adding.length === 1) return out.set(adding[0]!.ref, [...findings]);
  for (const u of adding) {
    const commits = await addedCommits(q, u.newOid);
    const own = findings.filter((f) => commits.has(f.commit));
    if (own.length > 0) out.set(u.ref, own);
  }
  // Should git attribute no finding to any ref, name them on every ref rather than on none.
  if (out.size === 0) for (const u of adding) out.set(u.ref, [...findings]);
  return out;
}

/**
 * @example
 * const inspector = createPushInspector({ db, tmpDir: '/var/lib/palisade/tmp' });
 * const push = await inspector.inspect({ resource, baseRepoDir, pusher, body: req.raw, maxBodyBytes: 2 ** 30 });
 * if (push.refused.length) reply.type('application/x-git-receive-pack-result').send(push.refusalBody());
 */
export function createPushInspector(deps: { db: Database; scanner?: Scanner; tmpDir: string; maxScanFileBytes?: number }): PushInspector {
  const scanner = deps.scanner ?? createScanner();
  // Larger files are not read (as in `palisade scan`): git diffs them as binary, so a pack that inflates
  // to gigabytes of text never reaches the scanner's memory.
  const bigFiles = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.bigFileThreshold', GIT_CONFIG_VALUE_0: String(deps.maxScanFileBytes ?? DEFAULT_MAX_FILE_BYTES) };

  return {
    async inspect(input) {
      const dir = await mkdtemp(join(deps.tmpDir, 'push-'));
      const bodyFile = join(dir, 'body');
      try {
        const bodyBytes = await spool(input.body, bodyFile, input.maxBodyBytes);
        const head = await readPushRequestHead(bodyFile);
        const wants = head.commands.filter((c) => !isZeroOid(c.newOid));
        let q: Quarantine | null = null;
        if (wants.length > 0) {
          q = await createQuarantine(dir, input.baseRepoDir);
          if (head.packOffset < bodyBytes) await indexPack(q, bodyFile, head.packOffset);
          const missing = await missingObjects(q, [...new Set(wants.map((c) => c.newOid))]);
          if (missing.length) throw new ValidationError(`malformed push request: the pack lacks ${missing[0]}`, [{ path: 'body', message: 'incomplete pack' }]);
        }
        const updates: RefUpdate[] = [];
        for (const c of head.commands) updates.push(await toUpdate(q, c));

        const saved = await findPushRules(deps.db, input.resource.id);
        const rules: RefRules = saved ?? { protectedRefs: DEFAULT_PROTECTED_REFS, contribPattern: null };
        const own = new Map<string, string>();
        for (const u of updates) {
          const reason = refRefusal(rules, input.pusher, u);
          if (reason) own.set(u.ref, reason);
        }

        const findings: InternalFinding[] = [];
        const allowed: PushInspection['allowed'] = [];
        if (q !== null) {
          const allowRules = await activeAllowRules(deps.db, input.resource.id);
          const tips = [...new Set(wants.map((c) => c.newOid))];
          // Every commit the push adds: reachable from a new tip, not from any ref the repository has.
          const scan = await scanner.scanGitHistory(q.repoDir, [...tips, '--not', '--all'], { env: { ...q.env, ...bigFiles } });
          for (const f of scan.findings) {
            const fingerprint = f.fingerprint;
            const entryId = allowedBy(allowRules, { file: f.file, fingerprint });
            if (entryId) allowed.push({ ruleId: f.ruleId, file: f.file, entryId });
            else findings.push({ ruleId: f.ruleId, file: f.file, line: f.line, commit: f.commit?.commit ?? '', redacted: redactSecret(f.secret), fingerprint });
          }
        }

        const refusedAtAll = own.size > 0 || findings.length > 0;
        const secretsOf = q !== null && findings.length > 0 ? await findingsPerRef(q, updates, findings) : new Map<string, InternalFinding[]>();
        const refused: RefRefusal[] = !refusedAtAll
          ? []
          : updates.map((u) => {
              const secrets = secretsOf.get(u.ref) ?? [];
              const reason = own.get(u.ref) ?? (secrets.length > 0 ? SECRET_REASON(secrets) : 'not updated: another ref of this push was refused');
              return { ref: u.ref, reason };
            });
        const publicFindings: PushFinding[] = findings.map(({ fingerprint: _f, ...rest }) => rest);

        return {
          updates,
          capabilities: head.capabilities,
          refused,
          findings: publicFindings,
          allowed,
          bodyBytes,
          auditDetails: () => ({
            updates: updates.map((u) => ({ ref: u.ref, oldOid: u.oldOid, newOid: u.newOid, kind: u.kind, forced: u.forced })),
            refused,
            findings: findings.length,
            findingRules: [...new Set(findings.map((f) => f.ruleId))].sort(),
            allowedFindings: allowed.length,
            allowListEntries: [...new Set(allowed.map((a) => a.entryId))],
            rules: saved ? 'configured' : 'default',
            bodyBytes,
          }),
          replay: () => createReadStream(bodyFile),
          refusalBody: () =>
            buildRefusalBody({ capabilities: head.capabilities, refused, messages: refusalMessages({ own, updates, findings, resourceName: input.resource.name }) }),
          cleanup: () => rm(dir, { recursive: true, force: true }),
        };
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        throw err;
      }
    },
  };
}

/**
 * @module cli/audit-verify — `palisade audit verify BUNDLE` and `palisade audit verify-event`: offline
 * checks of the tamper-evident log. No server, no database, no token: only files and a verifier key.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UsageError } from './client.ts';
import type { Context, Subcommand } from './command.ts';
import { renderJson, renderTable } from './table.ts';
import { parseVerifierKey } from '../modules/audit/tlog/note-key.ts';
import { verifyBundle } from '../modules/audit/tlog/verify-bundle.ts';
import { verifyEventProof } from '../modules/audit/tlog/event-proof.ts';
import type { BundleReport } from '../modules/audit/tlog/bundle-report.ts';

/** Exit code of a verification that found problems (usage errors stay 2). */
export const VERIFY_FAILED = 1;

/**
 * A verifier key given on the command line as the key itself or as a file holding it.
 * @example readVerifierKey('palisade.acme/audit+1a2b3c4d+AT…') // the same string
 */
export function readVerifierKey(value: string, flag = 'verifier-key'): string {
  const looksLikeKey = (s: string) => {
    try {
      parseVerifierKey(s);
      return true;
    } catch {
      return false;
    }
  };
  if (looksLikeKey(value)) return value;
  if (!existsSync(value)) throw new UsageError(`--${flag} '${value}' is neither a verifier key (name+keyid+base64) nor a file`);
  const line = readFileSync(value, 'utf8').split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  if (!looksLikeKey(line)) throw new UsageError(`--${flag} ${value} does not hold a verifier key (name+keyid+base64)`);
  return line;
}

/** A file's text, or stdin for '-'. */
async function readInput(ctx: Context, file: string, flag: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of ctx.io.stdin) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--${flag} is not JSON`);
  }
}

export const UNPINNED_WARNING =
  'WARNING: no --verifier-key given. The bundle was checked against the key it carries itself, which only\n' +
  'proves that it is consistent with that key: whoever can rewrite the bundle can re-sign it with a key of\n' +
  'their own and it would still pass. Pin the key you obtained earlier (palisade audit verifier-key).\n';

function printReport(ctx: Context, dir: string, report: BundleReport): void {
  const out = (s: string) => ctx.out(s);
  out(`bundle ${dir}: ${report.eventCount} events, log ${report.origin ?? '?'}\n`);
  out(`verifier key: ${report.verifierKey ?? '-'} (${report.verifierKeyPinned ? 'pinned' : 'taken from the bundle, NOT pinned'})\n\n`);
  // By tree size, so the table reads as the log grew (file names sort as text: 13 before 4).
  out(renderTable([...report.checkpoints].sort((a, b) => (a.size ?? -1) - (b.size ?? -1)), [
    { header: 'checkpoint', value: (c) => c.checkpoint },
    { header: 'size', value: (c) => c.size },
    { header: 'status', value: (c) => c.status },
  ]));
  for (const w of report.warnings) out(`warning: ${w}\n`);
  if (report.ok) {
    out(`\nVERIFIED: events 0..${report.verifiedSize - 1} are exactly the log signed by the key above; every checkpoint is consistent.\n`);
    return;
  }
  out(`\nFAILED: ${report.problems.length + Object.values(report.omitted).reduce((a, b) => a + (b ?? 0), 0)} problem(s)\n`);
  for (const p of report.problems) out(`  ${p.kind}: ${p.message}\n`);
  for (const [kind, n] of Object.entries(report.omitted)) out(`  … and ${n} more ${kind}\n`);
  if (report.verifiedSize > 0) out(`Events 0..${report.verifiedSize - 1} are proven by a valid checkpoint; nothing after that can be trusted.\n`);
}

export const verify: Subcommand = {
  usage: 'BUNDLE [--verifier-key KEY|FILE] [--checkpoint FILE]… [--strict] [--json]',
  summary: 'verify an exported bundle offline (no server, no database): tree, signatures, consistency; exit 1 on any problem',
  args: ['BUNDLE'],
  options: { 'verifier-key': { type: 'string' }, checkpoint: { type: 'string', multiple: true }, strict: { type: 'boolean' } },
  async run(ctx) {
    const dir = ctx.positionals[0]!;
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a bundle directory`);
    const keyFlag = ctx.str('verifier-key');
    const verifierKey = keyFlag === undefined ? undefined : readVerifierKey(keyFlag);
    const checkpoints = await Promise.all(ctx.strs('checkpoint').map((f) => readInput(ctx, f, 'checkpoint')));
    const report = await verifyBundle(dir, { verifierKey, checkpoints, strict: ctx.bool('strict') });
    if (!report.verifierKeyPinned) ctx.io.stderr.write(UNPINNED_WARNING);
    if (ctx.json) ctx.out(renderJson(report));
    else printReport(ctx, dir, report);
    return report.ok ? 0 : VERIFY_FAILED;
  },
};

/** The log entry of an event as `palisade audit events --json` or the API prints it (it carries `leafIndex`), or an entry as is. */
function entryFrom(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const v = value as Record<string, unknown>;
  if (!('leafIndex' in v)) return value;
  const actor = (v.actor ?? {}) as Record<string, unknown>;
  const target = (v.target ?? {}) as Record<string, unknown>;
  return {
    index: v.leafIndex, id: v.id, occurredAt: v.occurredAt, type: v.type, outcome: v.outcome,
    actor: { id: actor.id ?? null, handle: actor.handle ?? null, role: actor.role ?? null, ip: actor.ip ?? null, userAgent: actor.userAgent ?? null },
    target: { type: target.type ?? null, id: target.id ?? null },
    engagementId: v.engagementId ?? null, requestId: v.requestId ?? null, details: v.details,
  };
}

export const verifyEvent: Subcommand = {
  usage: '--proof FILE --checkpoint FILE --verifier-key KEY|FILE [--event FILE|-]',
  summary: 'verify offline that one event is in the log signed by a checkpoint (the event defaults to the one in the proof file)',
  options: { event: { type: 'string' }, proof: { type: 'string' }, checkpoint: { type: 'string' }, 'verifier-key': { type: 'string' } },
  async run(ctx) {
    const verifierKey = readVerifierKey(ctx.need('verifier-key'));
    const proof = parseJson(await readInput(ctx, ctx.need('proof'), 'proof'), 'proof') as Record<string, unknown>;
    if (typeof proof !== 'object' || proof === null) throw new UsageError('--proof must hold a JSON object { entry, treeSize, inclusionProof }');
    // `palisade audit proof --json` prints { event, proof, checkpoint }: accept that too.
    const inner = 'proof' in proof && typeof proof.proof === 'object' && proof.proof !== null ? (proof.proof as Record<string, unknown>) : proof;
    const eventFile = ctx.str('event');
    const entry = eventFile === undefined ? inner.entry : entryFrom(parseJson(await readInput(ctx, eventFile, 'event'), 'event'));
    if (entry === undefined) throw new UsageError('give --event: the proof file holds no event');
    const checkpoint = await readInput(ctx, ctx.need('checkpoint'), 'checkpoint');
    const report = verifyEventProof({ verifierKey, checkpoint, proof: { ...inner, entry } });
    if (ctx.json) ctx.out(renderJson(report));
    else if (report.ok) ctx.out(`VERIFIED: the event is leaf ${report.index} of the log of ${report.treeSize} events signed by ${verifierKey}\n`);
    else ctx.out(`FAILED: ${report.problem}: ${report.message}\n`);
    return report.ok ? 0 : VERIFY_FAILED;
  },
};

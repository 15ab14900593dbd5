/**
 * @module cli/audit-log — `palisade audit checkpoint|verifier-key|proof|consistency`: the signed log
 * from the server, checked on this machine. Without `--verifier-key` the checks use the key the
 * server names, which proves only that the server is consistent with itself; the commands say so.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError, type ApiClient } from './client.ts';
import type { Context, Subcommand } from './command.ts';
import { readVerifierKey, VERIFY_FAILED } from './audit-verify.ts';
import { renderJson, renderRecord } from './table.ts';
import { decodeBase64 } from '../modules/audit/tlog/base64.ts';
import { openCheckpoint } from '../modules/audit/tlog/checkpoint-note.ts';
import { parseCheckpoint } from '../modules/audit/tlog/checkpoint.ts';
import { verifyEventProof } from '../modules/audit/tlog/event-proof.ts';
import { verifyConsistency } from '../modules/audit/tlog/merkle-verify.ts';
import { parseVerifierKey } from '../modules/audit/tlog/note-key.ts';
import { parseNote } from '../modules/audit/tlog/signed-note.ts';

export interface CheckpointView {
  origin: string;
  treeSize: number;
  rootHash: string;
  note: string;
  createdAt: string;
}

interface EventProofView {
  event: { id: string; type: string; occurredAt: string; leafIndex: number | null };
  status: 'proven' | 'pending';
  proof: { entry: Record<string, unknown>; treeSize: number; inclusionProof: string[] } | null;
  checkpoint: CheckpointView | null;
}

/** The pinned key (--verifier-key) or, with a note on stderr, the one the server names. */
export async function keyFor(ctx: Context, api: ApiClient): Promise<{ key: string; pinned: boolean }> {
  const flag = ctx.str('verifier-key');
  if (flag !== undefined) return { key: readVerifierKey(flag), pinned: true };
  const { verifierKey } = await api.get<{ verifierKey: string }>('/api/v1/audit/verifier-key');
  ctx.io.stderr.write('note: checked with the verifier key the server names; give --verifier-key to check against a key you pinned\n');
  return { key: verifierKey, pinned: false };
}

const KEY_OPTION = { 'verifier-key': { type: 'string' } } as const;

export const checkpoint: Subcommand = {
  usage: '[--tree-size N] [--verifier-key KEY|FILE] [--json]',
  summary: 'print the latest signed checkpoint (a signed note: save it to verify against later); with --verifier-key, check its signature first',
  options: { 'tree-size': { type: 'string' }, ...KEY_OPTION },
  async run(ctx) {
    const api = ctx.api();
    const size = ctx.int('tree-size');
    const cp = await api.get<CheckpointView>('/api/v1/audit/checkpoint', { treeSize: size });
    const pinned = ctx.str('verifier-key');
    if (pinned !== undefined) {
      try {
        openCheckpoint(cp.note, parseVerifierKey(readVerifierKey(pinned)));
      } catch (err) {
        ctx.io.stderr.write(`palisade audit checkpoint: the server's checkpoint is NOT signed by the pinned key: ${(err as Error).message}\n`);
        return VERIFY_FAILED;
      }
    }
    ctx.out(ctx.json ? renderJson(cp) : cp.note);
  },
};

export const verifierKey: Subcommand = {
  usage: '[--json]',
  summary: "print the log's verifier key (name+keyid+base64); pin it to verify offline",
  async run(ctx) {
    const key = await ctx.api().get<{ verifierKey: string }>('/api/v1/audit/verifier-key');
    ctx.out(ctx.json ? renderJson(key) : `${key.verifierKey}\n`);
  },
};

export const proof: Subcommand = {
  usage: 'EVENT_ID [--tree-size N] [--save DIR] [--verifier-key KEY|FILE] [--json]',
  summary: "an event's inclusion proof, checked here; --save DIR writes event.json, proof.json and checkpoint.note for verify-event",
  args: ['EVENT_ID'],
  options: { 'tree-size': { type: 'string' }, save: { type: 'string' }, ...KEY_OPTION },
  async run(ctx) {
    const api = ctx.api();
    const id = ctx.positionals[0]!;
    const res = await api.get<EventProofView>(`/api/v1/audit/events/${encodeURIComponent(id)}`, { treeSize: ctx.int('tree-size') });
    if (res.status === 'pending' || !res.proof || !res.checkpoint) {
      ctx.io.stderr.write(`palisade audit proof: event ${id} is not in a signed checkpoint yet (it takes well under a second); try again\n`);
      return VERIFY_FAILED;
    }
    const { key, pinned } = await keyFor(ctx, api);
    const report = verifyEventProof({ verifierKey: key, checkpoint: res.checkpoint.note, proof: res.proof });
    const save = ctx.str('save');
    if (save !== undefined) {
      mkdirSync(save, { recursive: true });
      writeFileSync(path.join(save, 'event.json'), `${JSON.stringify(res.proof.entry, null, 2)}\n`);
      writeFileSync(path.join(save, 'proof.json'), `${JSON.stringify(res.proof, null, 2)}\n`);
      writeFileSync(path.join(save, 'checkpoint.note'), res.checkpoint.note);
    }
    if (ctx.json) ctx.out(renderJson(res));
    else {
      ctx.out(renderRecord([
        ['event', res.event.id], ['type', res.event.type], ['time', res.event.occurredAt], ['leaf index', res.event.leafIndex],
        ['tree size', res.proof.treeSize], ['root hash', res.checkpoint.rootHash], ['proof', `${res.proof.inclusionProof.length} hashes`],
        ['verified', report.ok ? `yes (${pinned ? 'pinned key' : "server's key"})` : `NO — ${report.problem}: ${report.message}`],
      ]));
      if (save !== undefined) {
        ctx.out(`\nsaved to ${save}/; check it anywhere with:\n  palisade audit verify-event --event ${save}/event.json --proof ${save}/proof.json --checkpoint ${save}/checkpoint.note --verifier-key '${key}'\n`);
      }
    }
    return report.ok ? 0 : VERIFY_FAILED;
  },
};

/** A tree size, or a checkpoint file whose size is taken (and whose note is then used as the old root). */
function sizeOrNote(value: string): { size: number; note: string | undefined } {
  if (/^\d{1,16}$/.test(value)) return { size: Number(value), note: undefined };
  let note: string;
  try {
    note = readFileSync(value, 'utf8');
  } catch {
    throw new UsageError(`--from '${value}' is neither a tree size nor a readable checkpoint file`);
  }
  try {
    return { size: parseCheckpoint(parseNote(note).text).size, note };
  } catch (err) {
    throw new UsageError(`--from ${value}: not a checkpoint note (${(err as Error).message})`);
  }
}

export const consistency: Subcommand = {
  usage: '--from N|CHECKPOINT_FILE [--to N] [--verifier-key KEY|FILE] [--json]',
  summary: 'prove, and check here, that the log at --to (default: latest) extends the log at --from (e.g. a checkpoint you saved)',
  options: { from: { type: 'string' }, to: { type: 'string' }, ...KEY_OPTION },
  async run(ctx) {
    const api = ctx.api();
    const from = sizeOrNote(ctx.need('from'));
    if (from.size < 1) throw new UsageError('--from must be at least 1');
    const res = await api.get<{ from: number; to: number; proof: string[]; fromCheckpoint: CheckpointView | null; toCheckpoint: CheckpointView }>(
      '/api/v1/audit/consistency', { from: from.size, to: ctx.int('to') },
    );
    const oldNote = from.note ?? res.fromCheckpoint?.note;
    if (oldNote === undefined) {
      ctx.io.stderr.write(`palisade audit consistency: no checkpoint of size ${from.size} to check against; give --from CHECKPOINT_FILE\n`);
      return VERIFY_FAILED;
    }
    const { key, pinned } = await keyFor(ctx, api);
    let ok = false;
    let why = '';
    try {
      const verifier = parseVerifierKey(key);
      const older = openCheckpoint(oldNote, verifier);
      const newer = openCheckpoint(res.toCheckpoint.note, verifier);
      ok = verifyConsistency(older.size, newer.size, res.proof.map((h) => decodeBase64(h) ?? new Uint8Array()), older.rootHash, newer.rootHash);
      if (!ok) why = 'the proof does not connect the two roots: the log was rewritten';
    } catch (err) {
      why = (err as Error).message;
    }
    if (ctx.json) ctx.out(renderJson({ ...res, verified: ok, verifierKeyPinned: pinned }));
    else ctx.out(ok ? `CONSISTENT: the log of ${res.to} events extends the log of ${res.from} events (${pinned ? 'pinned key' : "server's key"})\n` : `FAILED: ${why}\n`);
    return ok ? 0 : VERIFY_FAILED;
  },
};

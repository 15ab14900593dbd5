/**
 * @module cli/audit-export — `palisade audit export --out DIR`: the log up to a signed checkpoint as
 * an offline bundle (docs/audit-log-format.md §4), fetched page by page so memory stays flat
 * whatever the size of the log.
 */
import { existsSync, readdirSync } from 'node:fs';
import { UsageError, type ApiClient } from './client.ts';
import type { Subcommand } from './command.ts';
import type { CheckpointView } from './audit-log.ts';
import { decodeBase64 } from '../modules/audit/tlog/base64.ts';
import { writeBundle } from '../modules/audit/tlog/bundle.ts';
import type { AuditLogEntry } from '../modules/audit/tlog/entry.ts';

interface ExportPage {
  items: { entry: AuditLogEntry; leafHash: string }[];
  nextIndex: number | null;
}

/**
 * Up to `count` checkpoints spread evenly over the sizes up to `latest` (always including it): enough
 * for the verifier to check consistency across the log's history without one file per checkpoint.
 */
async function spreadCheckpoints(api: ApiClient, latest: CheckpointView, count: number): Promise<string[]> {
  const bySize = new Map<number, string>([[latest.treeSize, latest.note]]);
  for (let k = 1; k < count; k++) {
    const atMost = Math.floor((latest.treeSize * k) / count);
    if (atMost < 1) continue;
    try {
      const cp = await api.get<CheckpointView>('/api/v1/audit/checkpoint', { atMost });
      bySize.set(cp.treeSize, cp.note);
    } catch {
      // No checkpoint that small: nothing to add.
    }
  }
  return [...bySize.entries()].sort((a, b) => a[0] - b[0]).map(([, note]) => note);
}

export const exportBundle: Subcommand = {
  usage: '--out DIR [--tree-size N] [--checkpoints N] [--page-size N]',
  summary: 'write the log up to the latest (or the --tree-size) checkpoint as a bundle that `audit verify` checks offline',
  options: { out: { type: 'string' }, 'tree-size': { type: 'string' }, checkpoints: { type: 'string' }, 'page-size': { type: 'string' } },
  async run(ctx) {
    const out = ctx.need('out');
    if (existsSync(out) && readdirSync(out).length > 0) throw new UsageError(`${out} exists and is not empty`);
    const pageSize = ctx.int('page-size') ?? 5000;
    if (pageSize > 10_000) throw new UsageError('--page-size is at most 10000');
    const api = ctx.api();
    const { verifierKey } = await api.get<{ verifierKey: string }>('/api/v1/audit/verifier-key');
    const latest = await api.get<CheckpointView>('/api/v1/audit/checkpoint', { treeSize: ctx.int('tree-size') });
    const checkpoints = await spreadCheckpoints(api, latest, ctx.int('checkpoints') ?? 20);

    // Entries and their recorded leaf hashes come from the same pages; writeBundle reads the hash of
    // entry i right after entry i, so the queue never holds more than one page.
    const hashes: Uint8Array[] = [];
    let head = 0;
    let written = 0;
    const progress = ctx.json ? () => undefined : (n: number) => ctx.io.stderr.write(`\rexported ${n} of ${latest.treeSize} events`);
    async function* entries(): AsyncGenerator<AuditLogEntry> {
      for (let from: number | null = 0; from !== null;) {
        const page: ExportPage = await api.get<ExportPage>('/api/v1/audit/export/entries', { fromIndex: from, toIndex: latest.treeSize, limit: pageSize });
        hashes.splice(0, head);
        head = 0;
        for (const item of page.items) {
          const hash = decodeBase64(item.leafHash);
          if (!hash) throw new UsageError(`the server sent a malformed leaf hash for entry ${item.entry.index}`);
          hashes.push(hash);
          yield item.entry;
        }
        written += page.items.length;
        progress(written);
        from = page.nextIndex;
      }
    }
    const leafHashes: Iterable<Uint8Array> = {
      [Symbol.iterator]: () => ({
        next: () => (head < hashes.length ? { value: hashes[head++]!, done: false } : { value: undefined, done: true as const }),
      }),
    };
    const manifest = await writeBundle(out, { verifierKey, entries: entries(), leafHashes, checkpoints });
    if (!ctx.json) ctx.io.stderr.write('\n');
    if (ctx.json) ctx.out(`${JSON.stringify({ out, ...manifest, verifierKey }, null, 2)}\n`);
    else {
      ctx.out(
        `wrote ${out}: ${manifest.treeSize} events, ${manifest.checkpoints.length} checkpoints, log ${manifest.origin}\n` +
          `verify it anywhere, without a server:\n  palisade audit verify ${out} --verifier-key '${verifierKey}'\n`,
      );
    }
  },
};

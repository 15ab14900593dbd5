/**
 * @module cli/ingest — `palisade ingest sshd|github|events|stats|github-secret`: send logs and
 * events from outside to the server in batches, and say what became of every line.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { ApiError, UsageError, type ApiClient } from './client.ts';
import { commandGroup, type Context, type Subcommand } from './command.ts';
import { batches, bodyOf, JSON_LIMITS, splitLines, SSHD_LIMITS, stampKey, type Batch } from './ingest-batches.ts';
import { renderJson, renderTable, text } from './table.ts';

interface Report {
  source: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  skipped: number;
  skippedReasons: Record<string, number>;
  errors: { line?: number; index?: number; path?: string; message: string }[];
  errorsTruncated: boolean;
}

const empty = (source: string): Report => ({ source, accepted: 0, duplicates: 0, rejected: 0, skipped: 0, skippedReasons: {}, errors: [], errorsTruncated: false });

/** Add one request's report to the total, turning its line numbers into lines of the whole input. */
function merge(total: Report, r: Report, batch: Batch): void {
  total.accepted += r.accepted;
  total.duplicates += r.duplicates;
  total.rejected += r.rejected;
  total.skipped += r.skipped;
  for (const [k, v] of Object.entries(r.skippedReasons)) total.skippedReasons[k] = (total.skippedReasons[k] ?? 0) + v;
  total.errors.push(...r.errors.map((e) => (e.line !== undefined ? { ...e, line: e.line + batch.firstLine - 1 } : e)));
  total.errorsTruncated ||= r.errorsTruncated;
}

/** Print the outcome; rejected input makes the command fail (exit code 1) after listing every reason. */
function finish(ctx: Context, total: Report, what: string): void {
  if (ctx.json) ctx.out(renderJson(total));
  else {
    const skipped = Object.entries(total.skippedReasons).map(([k, v]) => `${v} ${k}`).join(', ');
    ctx.out(`${what}: ${total.accepted} recorded, ${total.duplicates} already known, ${total.rejected} rejected, ${total.skipped} skipped${skipped ? ` (${skipped})` : ''}\n`);
    for (const e of total.errors) {
      const where = e.line !== undefined ? `line ${e.line}` : `event ${e.index}`;
      ctx.io.stderr.write(`${where}${e.path ? ` ${e.path}` : ''}: ${text(e.message)}\n`);
    }
    if (total.errorsTruncated) ctx.io.stderr.write('(more rejected lines: see palisade ingest stats, or send smaller pieces)\n');
  }
  if (total.rejected > 0) throw new ApiError(422, { title: 'Rejected input', detail: `${total.rejected} ${total.rejected === 1 ? 'item was' : 'items were'} rejected (listed above); everything else was recorded` });
}

function input(ctx: Context): AsyncIterable<Buffer | string> {
  const file = ctx.str('file');
  return file ? createReadStream(file) : (ctx.io.stdin as AsyncIterable<Buffer | string>);
}

async function sendAll(api: ApiClient, path: string, query: Record<string, string | undefined>, source: string, all: AsyncIterable<Batch>, contentType: string): Promise<Report> {
  const total = empty(source);
  for await (const batch of all) {
    const report = await api.request<Report>('POST', path, { query, raw: { bytes: bodyOf(batch), contentType } });
    merge(total, report, batch);
  }
  return total;
}

const sshd: Subcommand = {
  usage: '--host NAME [--year YYYY] [--tz ZONE] [--file FILE] < auth.log',
  summary: 'send OpenSSH server log lines (auth.log, `journalctl -u ssh` or `-o short-iso`) from one host',
  options: { host: { type: 'string' }, year: { type: 'string' }, tz: { type: 'string' }, file: { type: 'string' } },
  async run(ctx) {
    const host = ctx.need('host');
    const year = ctx.str('year');
    if (year !== undefined && !/^\d{4}$/.test(year)) throw new UsageError('--year must be a four-digit year');
    let warned = false;
    const all = batches(splitLines(input(ctx)), SSHD_LIMITS, stampKey, (line) => {
      if (warned) return;
      warned = true;
      ctx.io.stderr.write(`warning: more than ${SSHD_LIMITS.maxLines} lines share one timestamp near line ${line}; identical lines on both sides of the cut may be counted once\n`);
    });
    const total = await sendAll(ctx.api(), '/api/v1/ingest/sshd', { host, year, tz: ctx.str('tz') }, 'sshd', all, 'text/plain; charset=utf-8');
    finish(ctx, total, host);
  },
};

/** JSON input: an array is re-sent in slices (positions stay those of the whole array); anything else as NDJSON lines. */
async function sendJson(ctx: Context, path: string, source: string): Promise<Report> {
  const file = ctx.str('file');
  const api = ctx.api();
  const head = file ? readFileSync(file) : null;
  const trimmed = head?.toString('utf8').trimStart() ?? '';
  if (head && trimmed.startsWith('[')) {
    let items: unknown[];
    try {
      items = JSON.parse(head.toString('utf8')) as unknown[];
    } catch (err) {
      throw new UsageError(`${file} starts like a JSON array but is not JSON: ${(err as Error).message}`);
    }
    const total = empty(source);
    for (let at = 0; at < items.length; at += JSON_LIMITS.targetLines) {
      const slice = items.slice(at, at + JSON_LIMITS.targetLines);
      const r = await api.request<Report>('POST', path, { raw: { bytes: Buffer.from(JSON.stringify(slice)), contentType: 'application/json' } });
      merge(total, { ...r, errors: r.errors.map((e) => (e.index !== undefined ? { ...e, index: e.index + at } : e)) }, { firstLine: 1, lines: [], bytes: 0 });
    }
    return total;
  }
  return sendAll(api, path, {}, source, batches(splitLines(input(ctx)), JSON_LIMITS), 'application/x-ndjson');
}

const github: Subcommand = {
  usage: '[--file FILE] < events.ndjson',
  summary: 'send GitHub audit log events (NDJSON as streamed or exported, or a JSON array) with your API token',
  options: { file: { type: 'string' } },
  run: async (ctx) => finish(ctx, await sendJson(ctx, '/api/v1/ingest/github', 'github'), 'GitHub'),
};

const events: Subcommand = {
  usage: '[--file FILE] < events.ndjson',
  summary: 'send generic events (docs/ingestion.md: source, sourceEventId, occurredAt, type, outcome …)',
  options: { file: { type: 'string' } },
  run: async (ctx) => finish(ctx, await sendJson(ctx, '/api/v1/ingest/events', 'events'), 'events'),
};

interface Stats {
  sources: { source: string; requests: number; accepted: number; duplicates: number; rejected: number; skipped: number; lastReceivedAt: string | null; lastRejections: { at: string; line?: number; index?: number; path?: string; message: string }[] }[];
  githubWebhookSecretConfigured: boolean;
}

const stats: Subcommand = {
  usage: '',
  summary: 'totals per source, and the latest rejections',
  async run(ctx) {
    const s = await ctx.api().get<Stats>('/api/v1/ingest/stats');
    if (ctx.json) return ctx.out(renderJson(s));
    ctx.out(renderTable(s.sources, [
      { header: 'source', value: (r) => r.source }, { header: 'requests', value: (r) => r.requests }, { header: 'recorded', value: (r) => r.accepted },
      { header: 'already known', value: (r) => r.duplicates }, { header: 'rejected', value: (r) => r.rejected }, { header: 'skipped', value: (r) => r.skipped },
      { header: 'last received', value: (r) => r.lastReceivedAt },
    ]));
    ctx.out(`GitHub webhook secret: ${s.githubWebhookSecretConfigured ? 'set' : 'not set'}\n`);
    for (const src of s.sources) {
      for (const r of src.lastRejections.slice(0, 5)) {
        ctx.out(`  ${src.source} ${text(r.at)} ${r.line !== undefined ? `line ${r.line}` : `event ${r.index}`}${r.path ? ` ${r.path}` : ''}: ${text(r.message)}\n`);
      }
    }
  },
};

const githubSecret: Subcommand = {
  usage: '[--stdin | --remove]',
  summary: 'set the GitHub webhook secret: generated and shown once, or read from stdin (--stdin); --remove deletes it',
  options: { stdin: { type: 'boolean' }, remove: { type: 'boolean' } },
  async run(ctx) {
    const api = ctx.api();
    if (ctx.bool('remove')) {
      await api.request('DELETE', '/api/v1/ingest/github/secret');
      return ctx.out('GitHub webhook secret removed: deliveries are refused until a new one is set\n');
    }
    let secret: string | undefined;
    if (ctx.bool('stdin')) {
      const chunks: Buffer[] = [];
      for await (const c of ctx.io.stdin as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(c));
      secret = Buffer.concat(chunks).toString('utf8').trim();
      if (!secret) throw new UsageError('no secret on stdin');
    }
    const r = await api.request<{ secret?: string }>('PUT', '/api/v1/ingest/github/secret', { body: secret === undefined ? {} : { secret } });
    if (ctx.json) return ctx.out(renderJson(r));
    ctx.out(r.secret
      ? `GitHub webhook secret, shown this once — enter it in GitHub (Settings → Webhooks → Secret), content type application/json:\n\n    ${r.secret}\n\nPayload URL: ${api.baseUrl.origin}/api/v1/ingest/github\n`
      : 'GitHub webhook secret set\n');
  },
};

export const runIngestCommand = commandGroup('ingest', 'events from outside: sshd logs, GitHub audit log, generic JSON', {
  sshd, github, events, stats, 'github-secret': githubSecret,
});

/**
 * @module cli/audit-events — `palisade audit export-events` (JSONL or OCSF to a file, streamed) and
 * `palisade audit sinks|sink-add|sink-remove` (where the server delivers the log by itself).
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { pipeline } from 'node:stream/promises';
import { ApiError, listPages, resolveClientConfig, UnreachableError, UsageError, type ClientConfig } from './client.ts';
import { PAGING, pagingOf, printPage, type Context, type Subcommand } from './command.ts';
import { parseTime, seg } from './flags.ts';
import { renderJson, renderRecord, renderTable } from './table.ts';

/**
 * GET `path` and write the body to `file` as it arrives (through `file.partial`, renamed when the
 * server has sent everything, so a broken download never looks complete). Returns the line count.
 */
async function download(cfg: ClientConfig, path: string, query: URLSearchParams, file: string): Promise<number> {
  const url = new URL(cfg.baseUrl.pathname.replace(/\/$/, '') + path, cfg.baseUrl);
  url.search = query.toString();
  const ca = cfg.caFile ? [...rootCertificates, readFileSync(cfg.caFile, 'utf8')] : undefined;
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, {
      headers: { authorization: `Bearer ${cfg.token}`, accept: 'application/x-ndjson, application/problem+json', 'user-agent': 'palisade-cli/0.1' },
      ...(ca ? { ca } : {}),
    }, resolve);
    req.on('error', (err) => reject(new UnreachableError(`cannot reach ${cfg.baseUrl.origin}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    req.end();
  });
  if (res.statusCode !== 200) {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    let problem = null;
    try {
      problem = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      // not a problem document
    }
    throw new ApiError(res.statusCode ?? 0, problem);
  }
  const partial = `${file}.partial`;
  let lines = 0;
  res.on('data', (c: Buffer) => {
    for (let i = c.indexOf(0x0a); i >= 0; i = c.indexOf(0x0a, i + 1)) lines++;
  });
  try {
    await pipeline(res, createWriteStream(partial, { mode: 0o600 }));
    if (!res.complete) throw new Error('the server stopped before the end of the export');
  } catch (err) {
    await rm(partial, { force: true });
    throw new UnreachableError(`export interrupted: ${(err as Error).message}; nothing was written to ${file}`);
  }
  await rename(partial, file);
  return lines;
}

const exportEvents: Subcommand = {
  usage: '--out FILE [--format jsonl|ocsf] [--since TIME|24h] [--until TIME] [--type T|prefix.*]… [--after-index N]',
  summary: 'write the log\'s events, in log order, to a file as JSONL or OCSF 1.3 (one event per line)',
  options: { out: { type: 'string' }, format: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, type: { type: 'string', multiple: true }, 'after-index': { type: 'string' } },
  async run(ctx) {
    const out = ctx.need('out');
    const format = ctx.str('format') ?? 'jsonl';
    if (!['jsonl', 'ocsf'].includes(format)) throw new UsageError('--format is jsonl or ocsf');
    const q = new URLSearchParams({ format });
    const [since, until, after] = [ctx.str('since'), ctx.str('until'), ctx.str('after-index')];
    if (since) q.set('since', parseTime(since, 'since'));
    if (until) q.set('until', parseTime(until, 'until'));
    if (after !== undefined) {
      if (!/^-?\d{1,15}$/.test(after)) throw new UsageError('--after-index must be a leaf index');
      q.set('afterIndex', after);
    }
    for (const t of ctx.strs('type')) q.append('type', t);
    const lines = await download(resolveClientConfig(ctx.str('url'), process.env), '/api/v1/audit/export/events', q, out);
    ctx.out(ctx.json ? renderJson({ file: out, format, events: lines }) : `wrote ${lines} events to ${out} (${format})\n`);
  },
};

interface Sink {
  id: string;
  name: string;
  kind: string;
  format: string;
  status: string;
  destination: string;
  headerNames: string[];
  batchSize: number;
  position: number;
  lag: number;
  delivered: number;
  failures: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  lastDeliveredAt: string | null;
  createdAt: string;
}

function printSink(ctx: Context, s: Sink): void {
  ctx.out(ctx.json ? renderJson(s) : renderRecord([
    ['name', s.name], ['kind', s.kind], ['format', s.format], ['destination', s.destination], ['headers', s.headerNames], ['status', s.status],
    ['position', s.position], ['lag', s.lag], ['delivered', s.delivered], ['failures', s.failures], ['next attempt', s.nextAttemptAt],
    ['last error', s.lastError], ['last delivered', s.lastDeliveredAt], ['id', s.id], ['created', s.createdAt],
  ]));
}

const sinks: Subcommand = {
  usage: '[--status active|removed] [--limit N] [--all] [--cursor C]',
  summary: 'export sinks with their position in the log, lag and last error',
  options: { status: { type: 'string' }, ...PAGING },
  async run(ctx) {
    const page = await listPages<Sink>(ctx.api(), '/api/v1/audit/sinks', { status: ctx.str('status') }, pagingOf(ctx));
    printPage(ctx, page, (rows) => renderTable(rows, [
      { header: 'name', value: (s) => s.name }, { header: 'kind', value: (s) => s.kind }, { header: 'format', value: (s) => s.format },
      { header: 'destination', value: (s) => s.destination }, { header: 'status', value: (s) => s.status }, { header: 'lag', value: (s) => s.lag },
      { header: 'failures', value: (s) => s.failures }, { header: 'last error', value: (s) => s.lastError },
    ]));
  },
};

/** `Name: value` lines of a headers file (values are secrets: they never go on the command line). */
export function readHeadersFile(file: string): Record<string, string> {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const headers: Record<string, string> = {};
  for (const [i, raw] of content.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`${file} line ${i + 1}: expected "Name: value"`);
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

const sinkAdd: Subcommand = {
  usage: 'http|syslog --name N [--format jsonl|ocsf] [--start-at beginning|now] [--batch-size N] (http: --url URL [--headers-file F]) (syslog: --host H --port P [--tls] [--ca-cert F] [--facility N] [--hostname H] [--sd-id ID])',
  summary: 'deliver the log to an HTTP endpoint (NDJSON POSTs) or a syslog collector (RFC 5424, TCP or TLS)',
  args: ['KIND'],
  options: {
    name: { type: 'string' }, format: { type: 'string' }, 'start-at': { type: 'string' }, 'batch-size': { type: 'string' },
    url: { type: 'string' }, 'headers-file': { type: 'string' },
    host: { type: 'string' }, port: { type: 'string' }, tls: { type: 'boolean' }, 'ca-cert': { type: 'string' }, facility: { type: 'string' },
    hostname: { type: 'string' }, 'sd-id': { type: 'string' },
  },
  async run(ctx) {
    const kind = ctx.positionals[0];
    const body: Record<string, unknown> = { kind, name: ctx.need('name'), format: ctx.str('format'), startAt: ctx.str('start-at'), batchSize: ctx.int('batch-size') };
    if (kind === 'http') {
      body.url = ctx.need('url');
      const file = ctx.str('headers-file');
      if (file) body.headers = readHeadersFile(file);
    } else if (kind === 'syslog') {
      body.host = ctx.need('host');
      body.port = ctx.int('port') ?? ctx.need('port');
      body.tls = ctx.bool('tls');
      const ca = ctx.str('ca-cert');
      if (ca) body.caCert = readFileSync(ca, 'utf8');
      const facility = ctx.str('facility');
      if (facility !== undefined) {
        if (!/^\d{1,2}$/.test(facility)) throw new UsageError('--facility is a number from 0 to 23');
        body.facility = Number(facility);
      }
      body.hostname = ctx.str('hostname');
      body.sdId = ctx.str('sd-id');
    } else throw new UsageError('the kind is http or syslog');
    printSink(ctx, await ctx.api().request<Sink>('POST', '/api/v1/audit/sinks', { body: JSON.parse(JSON.stringify(body)) }));
  },
};

const sinkRemove: Subcommand = {
  usage: 'ID',
  summary: 'stop delivering to a sink (it is kept, as removed)',
  args: ['ID'],
  run: async (ctx) => printSink(ctx, await ctx.api().request<Sink>('DELETE', `/api/v1/audit/sinks/${seg(ctx.positionals[0]!)}`)),
};

/** The subcommands this module adds to `palisade audit`. */
export const auditExportCommands: Record<string, Subcommand> = {
  'export-events': exportEvents,
  sinks,
  'sink-add': sinkAdd,
  'sink-remove': sinkRemove,
};

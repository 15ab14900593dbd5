/**
 * @module cli/engagements — `palisade engagement …`: engagements, their developers, signed contract
 * terms (recorded by SHA-256) and the signed documents themselves.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { listPages, UsageError, type ApiClient } from './client.ts';
import { commandGroup, PAGING, pagingOf, printPage, type Context, type Subcommand } from './command.ts';
import { nullable, personId, vendorId } from './flags.ts';
import { renderJson, renderRecord, renderTable } from './table.ts';

interface SignedTerm {
  sha256: string;
  signer: string;
  signedAt: string;
  documentUploaded: boolean;
}

interface Engagement {
  id: string;
  name: string;
  vendorId: string | null;
  status: string;
  startDate: string;
  endDate: string;
  touchesPersonalData: boolean;
  description: string | null;
  contract: {
    nda: SignedTerm | null;
    dpa: SignedTerm | null;
    ipOwnership: SignedTerm | null;
    permittedTools: string[];
    storageLocations: string[];
    incidentResponseHours: number | null;
  };
  developers: { id: string; handle: string; duty?: string | null }[];
  createdAt: string;
  updatedAt: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TERMS = ['nda', 'dpa', 'ip-ownership'] as const;
const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;

/** `/api/v1/engagements/<id>`; engagements are addressed by id only (names are not unique). */
function path(id: string, rest = ''): string {
  if (!UUID.test(id)) throw new UsageError(`'${id}' is not an engagement id (see palisade engagement list)`);
  return `/api/v1/engagements/${id.toLowerCase()}${rest}`;
}

function termOf(ctx: Context): string {
  const term = ctx.need('term');
  if (!(TERMS as readonly string[]).includes(term)) throw new UsageError(`--term must be one of ${TERMS.join(', ')}`);
  return term;
}

function yesNo(ctx: Context, flag: string): boolean | undefined {
  const v = ctx.str(flag);
  if (v === undefined) return undefined;
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  throw new UsageError(`--${flag} must be yes or no`);
}

/** A repeatable list flag; a single `none` clears the list. */
function listFlag(ctx: Context, flag: string): string[] | undefined {
  const v = ctx.strs(flag);
  if (v.length === 0) return undefined;
  return v.length === 1 && v[0] === 'none' ? [] : v;
}

async function vendorNameOf(api: ApiClient, id: string | null): Promise<string | null> {
  if (!id) return null;
  return api.get<{ name: string }>(`/api/v1/vendors/${id}`).then((v) => v.name, () => id);
}

const termLine = (t: SignedTerm | null) =>
  t ? `signed by ${t.signer} on ${t.signedAt}, sha256 ${t.sha256.slice(0, 16)}…, document ${t.documentUploaded ? 'uploaded' : 'not uploaded'}` : 'missing';

async function printEngagement(ctx: Context, e: Engagement): Promise<void> {
  if (ctx.json) return ctx.out(renderJson(e));
  const c = e.contract;
  ctx.out(renderRecord([
    ['name', e.name], ['status', e.status], ['vendor', (await vendorNameOf(ctx.api(), e.vendorId)) ?? 'none (freelancer)'],
    ['dates', `${e.startDate} – ${e.endDate}`], ['personal data', e.touchesPersonalData], ['description', e.description],
    ['nda', termLine(c.nda)], ['dpa', c.dpa || e.touchesPersonalData ? termLine(c.dpa) : 'not needed'], ['ip ownership', termLine(c.ipOwnership)],
    ['permitted tools', c.permittedTools], ['storage', c.storageLocations], ['incident hours', c.incidentResponseHours],
    ['developers', e.developers.map((d) => d.handle)], ['id', e.id], ['created', e.createdAt], ['updated', e.updatedAt],
  ]));
}

/** The engagement fields given on the command line, as API input (only those given). */
async function fieldsOf(ctx: Context): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  const set = (key: string, v: unknown) => {
    if (v !== undefined) body[key] = v;
  };
  set('name', ctx.str('name'));
  set('startDate', ctx.str('start'));
  set('endDate', ctx.str('end'));
  set('touchesPersonalData', yesNo(ctx, 'personal-data'));
  set('description', nullable(ctx.str('description')));
  const vendor = nullable(ctx.str('vendor'));
  if (vendor !== undefined) body.vendorId = vendor === null ? null : await vendorId(ctx.api(), vendor);
  const contract: Record<string, unknown> = {};
  if (listFlag(ctx, 'tool')) contract.permittedTools = listFlag(ctx, 'tool');
  if (listFlag(ctx, 'storage')) contract.storageLocations = listFlag(ctx, 'storage');
  const hours = nullable(ctx.str('incident-hours'));
  if (hours !== undefined) contract.incidentResponseHours = hours === null ? null : ctx.int('incident-hours');
  if (Object.keys(contract).length) body.contract = contract;
  return body;
}

const FIELDS: NonNullable<Subcommand['options']> = {
  name: { type: 'string' }, vendor: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' },
  'personal-data': { type: 'string' }, description: { type: 'string' }, tool: { type: 'string', multiple: true },
  storage: { type: 'string', multiple: true }, 'incident-hours': { type: 'string' },
};

const list: Subcommand = {
  usage: '[--status draft|active|suspended|ended] [--vendor REF] [--developer REF] [--q TEXT] [--limit N] [--all] [--cursor C]',
  summary: 'list engagements (developers see only their own)',
  options: { status: { type: 'string' }, vendor: { type: 'string' }, developer: { type: 'string' }, q: { type: 'string' }, ...PAGING },
  async run(ctx) {
    const api = ctx.api();
    const [vendor, developer] = [ctx.str('vendor'), ctx.str('developer')];
    const query = {
      status: ctx.str('status'), q: ctx.str('q'),
      vendorId: vendor && (await vendorId(api, vendor)), developerId: developer && (await personId(api, developer)),
    };
    const page = await listPages<Engagement>(api, '/api/v1/engagements', query, pagingOf(ctx));
    const vendors = new Map<string, string | null>();
    if (!ctx.json) for (const e of page.items) if (e.vendorId && !vendors.has(e.vendorId)) vendors.set(e.vendorId, await vendorNameOf(api, e.vendorId));
    printPage(ctx, page, (rows) => renderTable(rows, [
      { header: 'id', value: (e) => e.id },
      { header: 'name', value: (e) => e.name },
      { header: 'status', value: (e) => e.status },
      { header: 'vendor', value: (e) => (e.vendorId ? vendors.get(e.vendorId) : 'freelancer') },
      { header: 'start', value: (e) => e.startDate },
      { header: 'end', value: (e) => e.endDate },
      { header: 'developers', value: (e) => e.developers.length },
    ]));
  },
};

const byId = (summary: string, method: string, rest = ''): Subcommand => ({
  usage: 'ID',
  summary,
  args: ['ID'],
  run: async (ctx) => printEngagement(ctx, await ctx.api().request<Engagement>(method, path(ctx.positionals[0]!, rest))),
});

const create: Subcommand = {
  usage: '--name N --vendor REF|none --start YYYY-MM-DD --end YYYY-MM-DD --personal-data yes|no [--description T] [--tool T]… [--storage L]… [--incident-hours H] [--developer REF]…',
  summary: 'create an engagement (draft); --vendor none for a freelancer',
  options: { ...FIELDS, developer: { type: 'string', multiple: true } },
  async run(ctx) {
    const api = ctx.api();
    for (const flag of ['name', 'vendor', 'start', 'end', 'personal-data']) ctx.need(flag);
    const developerIds: string[] = [];
    for (const ref of ctx.strs('developer')) developerIds.push(await personId(api, ref));
    const body = { ...(await fieldsOf(ctx)), developerIds };
    await printEngagement(ctx, await api.request<Engagement>('POST', '/api/v1/engagements', { body }));
  },
};

const update: Subcommand = {
  usage: 'ID [--name N] [--vendor REF|none] [--start DATE] [--end DATE] [--personal-data yes|no] [--description T|none] [--tool T|none]… [--storage L|none]… [--incident-hours H|none]',
  summary: 'change an engagement\'s data; --tool and --storage replace their lists',
  args: ['ID'],
  options: FIELDS,
  async run(ctx) {
    const body = await fieldsOf(ctx);
    if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one flag');
    await printEngagement(ctx, await ctx.api().request<Engagement>('PATCH', path(ctx.positionals[0]!), { body }));
  },
};

const developerChange = (summary: string, add: boolean): Subcommand => ({
  usage: add ? 'ID PERSON [--duty frontend|backend|fullstack|mobile|devops|data|qa|other]' : 'ID PERSON',
  summary,
  args: ['ID', 'PERSON'],
  ...(add ? { options: { duty: { type: 'string' } } } : {}),
  async run(ctx) {
    const api = ctx.api();
    const [id, ref] = ctx.positionals as [string, string];
    const pid = await personId(api, ref);
    const e = add
      ? await api.request<Engagement>('POST', path(id, '/developers'), { body: { personId: pid, duty: ctx.str('duty') } })
      : await api.request<Engagement>('DELETE', path(id, `/developers/${pid}`));
    await printEngagement(ctx, e);
  },
});

const setDuty: Subcommand = {
  usage: 'ID PERSON --duty frontend|backend|fullstack|mobile|devops|data|qa|other|none',
  summary: "change a developer's duty on the engagement (none: not stated)",
  args: ['ID', 'PERSON'],
  options: { duty: { type: 'string' } },
  async run(ctx) {
    const api = ctx.api();
    const [id, ref] = ctx.positionals as [string, string];
    const duty = ctx.str('duty');
    if (duty === undefined) throw new UsageError('--duty is required');
    const pid = await personId(api, ref);
    const e = await api.request<Engagement>('PATCH', path(id, `/developers/${pid}`), { body: { duty: duty === 'none' ? null : duty } });
    await printEngagement(ctx, e);
  },
};

function readDocument(file: string): Buffer {
  try {
    if (statSync(file).size > MAX_DOCUMENT_BYTES) throw new UsageError(`${file} is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`);
    return readFileSync(file);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

const sign: Subcommand = {
  usage: 'ID --term nda|dpa|ip-ownership (--sha256 HEX | --file F) --signer NAME --signed-at YYYY-MM-DD',
  summary: 'record a signed contract term by the SHA-256 of the signed document (--file hashes it locally; nothing is uploaded)',
  args: ['ID'],
  options: { term: { type: 'string' }, sha256: { type: 'string' }, file: { type: 'string' }, signer: { type: 'string' }, 'signed-at': { type: 'string' } },
  async run(ctx) {
    const term = termOf(ctx);
    const [given, file] = [ctx.str('sha256'), ctx.str('file')];
    if ((given === undefined) === (file === undefined)) throw new UsageError('give exactly one of --sha256 and --file');
    const sha256 = given ?? createHash('sha256').update(readDocument(file!)).digest('hex');
    const body = { sha256, signer: ctx.need('signer'), signedAt: ctx.need('signed-at') };
    await printEngagement(ctx, await ctx.api().request<Engagement>('PUT', path(ctx.positionals[0]!, `/contract/${term}`), { body }));
  },
};

const upload: Subcommand = {
  usage: 'ID --term nda|dpa|ip-ownership FILE',
  summary: 'upload the signed document of a recorded term (its SHA-256 must match the recorded one)',
  args: ['ID', 'FILE'],
  options: { term: { type: 'string' } },
  async run(ctx) {
    const term = termOf(ctx);
    const [id, file] = ctx.positionals as [string, string];
    const bytes = readDocument(file);
    const contentType = bytes.subarray(0, 5).toString('latin1') === '%PDF-' ? 'application/pdf' : 'application/octet-stream';
    const doc = await ctx.api().request<Record<string, unknown>>('PUT', path(id, `/documents/${term}`), { raw: { bytes, contentType } });
    ctx.out(ctx.json ? renderJson(doc) : renderRecord(Object.entries(doc)));
  },
};

interface Readiness { personId: string; handle: string; ready: boolean; unmet: { requirement: string; message: string }[] }

const readiness: Subcommand = {
  usage: 'ID [--person REF]',
  summary: 'whether each developer is ready for access, and every unmet requirement in words',
  args: ['ID'],
  options: { person: { type: 'string' } },
  async run(ctx) {
    const person = ctx.str('person');
    const id = ctx.positionals[0]!;
    const rows = person
      ? [await ctx.api().get<Readiness>(path(id, `/readiness/${encodeURIComponent(person)}`))]
      : (await ctx.api().get<{ developers: Readiness[] }>(path(id, '/readiness'))).developers;
    if (ctx.json) return ctx.out(renderJson(person ? rows[0] : rows));
    if (rows.length === 0) return ctx.out('(no developers on this engagement)\n');
    for (const r of rows) ctx.out(`${r.handle}: ${r.ready ? 'ready' : 'NOT READY'}\n${r.unmet.map((u) => `  - ${u.message}\n`).join('')}`);
  },
};

export const runEngagementCommand = commandGroup('engagement', 'engagements: contracts, developers, signed documents', {
  list,
  get: byId('show one engagement', 'GET'),
  create,
  update,
  activate: byId('activate a draft or resume a suspended engagement (needs the signed terms)', 'POST', '/activate'),
  suspend: byId('suspend an active engagement', 'POST', '/suspend'),
  end: byId('end an engagement (final)', 'DELETE'),
  'add-developer': developerChange('put an external developer (handle or id) on the engagement', true),
  'remove-developer': developerChange('take a developer off the engagement', false),
  'set-duty': setDuty,
  sign,
  upload,
  readiness,
});

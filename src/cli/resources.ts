/** @module cli/resources — `palisade resource list|get|create|update|retire`. */
import { listPages, UsageError } from './client.ts';
import { commandGroup, PAGING, pagingOf, printPage, type Context, type Subcommand } from './command.ts';
import { nullable, parseLabels, personId, seg } from './flags.ts';
import { renderJson, renderRecord, renderTable } from './table.ts';

interface Resource {
  id: string;
  name: string;
  kind: string;
  environment: string;
  sensitivity: string;
  ownerId: string;
  ownerHandle: string;
  labels: Record<string, string>;
  description: string | null;
  status: string;
  createdAt: string;
  updatedAt: string;
}

function printResource(ctx: Context, r: Resource): void {
  ctx.out(ctx.json ? renderJson(r) : renderRecord([
    ['name', r.name], ['kind', r.kind], ['environment', r.environment], ['sensitivity', r.sensitivity],
    ['owner', r.ownerHandle], ['labels', r.labels], ['description', r.description], ['status', r.status],
    ['id', r.id], ['created', r.createdAt], ['updated', r.updatedAt],
  ]));
}

const path = (ref: string) => `/api/v1/resources/${seg(ref)}`;

const list: Subcommand = {
  usage: '[--kind K] [--env E] [--sensitivity S] [--owner REF] [--status active|retired] [--label key[=value]]… [--q TEXT] [--limit N] [--all] [--cursor C]',
  summary: 'list resources; every --label must match (key=value, or a bare key that must be present)',
  options: {
    kind: { type: 'string' }, env: { type: 'string' }, sensitivity: { type: 'string' }, owner: { type: 'string' },
    status: { type: 'string' }, label: { type: 'string', multiple: true }, q: { type: 'string' }, ...PAGING,
  },
  async run(ctx) {
    const api = ctx.api();
    const owner = ctx.str('owner');
    const query = {
      kind: ctx.str('kind'), environment: ctx.str('env'), sensitivity: ctx.str('sensitivity'), status: ctx.str('status'),
      label: ctx.strs('label'), q: ctx.str('q'), ownerId: owner && (await personId(api, owner)),
    };
    const page = await listPages<Resource>(api, '/api/v1/resources', query, pagingOf(ctx));
    printPage(ctx, page, (rows) => renderTable(rows, [
      { header: 'name', value: (r) => r.name },
      { header: 'kind', value: (r) => r.kind },
      { header: 'environment', value: (r) => r.environment },
      { header: 'sensitivity', value: (r) => r.sensitivity },
      { header: 'owner', value: (r) => r.ownerHandle },
      { header: 'status', value: (r) => r.status },
      { header: 'labels', value: (r) => r.labels },
    ]));
  },
};

const get: Subcommand = {
  usage: 'REF',
  summary: 'show one resource (REF: name or id)',
  args: ['REF'],
  run: async (ctx) => printResource(ctx, await ctx.api().get<Resource>(path(ctx.positionals[0]!))),
};

const create: Subcommand = {
  usage: '--name N --kind git_repository|ssh_host|database|file_vault|web_application --env production|staging|development --sensitivity public|internal|confidential|restricted --owner REF [--label key=value]… [--description TEXT]',
  summary: 'register a resource; the name (e.g. payments/api) can never change',
  options: {
    name: { type: 'string' }, kind: { type: 'string' }, env: { type: 'string' }, sensitivity: { type: 'string' },
    owner: { type: 'string' }, label: { type: 'string', multiple: true }, description: { type: 'string' },
  },
  async run(ctx) {
    const api = ctx.api();
    const body = {
      name: ctx.need('name'), kind: ctx.need('kind'), environment: ctx.need('env'), sensitivity: ctx.need('sensitivity'),
      ownerId: await personId(api, ctx.need('owner')), labels: parseLabels(ctx.strs('label')), description: ctx.str('description'),
    };
    printResource(ctx, await api.request<Resource>('POST', '/api/v1/resources', { body }));
  },
};

const update: Subcommand = {
  usage: 'REF [--env E] [--sensitivity S] [--owner REF] [--label key=value]… [--unlabel key]… [--description TEXT|none]',
  summary: 'change a resource; --label adds or replaces one label, --unlabel removes one',
  args: ['REF'],
  options: {
    env: { type: 'string' }, sensitivity: { type: 'string' }, owner: { type: 'string' },
    label: { type: 'string', multiple: true }, unlabel: { type: 'string', multiple: true }, description: { type: 'string' },
  },
  async run(ctx) {
    const api = ctx.api();
    const ref = ctx.positionals[0]!;
    const body: Record<string, unknown> = {};
    if (ctx.str('env') !== undefined) body.environment = ctx.str('env');
    if (ctx.str('sensitivity') !== undefined) body.sensitivity = ctx.str('sensitivity');
    if (ctx.str('description') !== undefined) body.description = nullable(ctx.str('description'));
    const owner = ctx.str('owner');
    if (owner !== undefined) body.ownerId = await personId(api, owner);
    const set = parseLabels(ctx.strs('label'));
    const unset = ctx.strs('unlabel');
    if (Object.keys(set).length || unset.length) {
      // The API replaces labels as a whole: read them, apply this change, write them back.
      const labels = { ...(await api.get<Resource>(path(ref))).labels, ...set };
      for (const key of unset) delete labels[key];
      body.labels = labels;
    }
    if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one flag');
    printResource(ctx, await api.request<Resource>('PATCH', path(ref), { body }));
  },
};

const retire: Subcommand = {
  usage: 'REF',
  summary: 'retire a resource: final, and its name is never reused',
  args: ['REF'],
  run: async (ctx) => printResource(ctx, await ctx.api().request<Resource>('DELETE', path(ctx.positionals[0]!))),
};

export const runResourceCommand = commandGroup('resource', 'what external developers may be given access to', { list, get, create, update, retire });

/** @module cli/people — `palisade people list|get|create|update|offboard` and `palisade me` / `whoami`. */
import { listPages, UsageError, type ApiClient } from './client.ts';
import { commandGroup, PAGING, pagingOf, printPage, singleCommand, type Context, type Subcommand } from './command.ts';
import { formatHours, nullable, parseHours, readPublicKeys, seg, vendorId, type WorkingHours } from './flags.ts';
import { renderJson, renderRecord, renderTable } from './table.ts';

interface Person {
  id: string;
  handle: string;
  name: string;
  email: string;
  kind: string;
  role: string;
  vendorId: string | null;
  timeZone: string;
  workingHours: WorkingHours;
  sshPublicKeys: { fingerprint: string; keyType: string; comment: string | null }[];
  ageRecipient: string | null;
  status: string;
  createdAt: string;
  updatedAt: string;
}

/** Vendor names for the ids on a page; an id stays an id if it cannot be looked up. */
async function vendorNames(api: ApiClient, ids: (string | null)[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const id of new Set(ids.filter((x): x is string => x !== null))) {
    names.set(id, await api.get<{ name: string }>(`/api/v1/vendors/${id}`).then((v) => v.name, () => id));
  }
  return names;
}

async function printPerson(ctx: Context, p: Person): Promise<void> {
  if (ctx.json) return ctx.out(renderJson(p));
  const vendor = p.vendorId ? (await vendorNames(ctx.api(), [p.vendorId])).get(p.vendorId) : null;
  ctx.out(renderRecord([
    ['handle', p.handle], ['name', p.name], ['email', p.email], ['kind', p.kind], ['role', p.role],
    ['status', p.status], ['vendor', vendor], ['time zone', p.timeZone], ['working hours', formatHours(p.workingHours)],
    ['ssh keys', p.sshPublicKeys.map((k) => `${k.fingerprint}${k.comment ? ` (${k.comment})` : ''}`)],
    ['age recipient', p.ageRecipient], ['id', p.id], ['created', p.createdAt], ['updated', p.updatedAt],
  ]));
}

const PROFILE: NonNullable<Subcommand['options']> = {
  name: { type: 'string' },
  email: { type: 'string' },
  role: { type: 'string' },
  vendor: { type: 'string' },
  tz: { type: 'string' },
  hours: { type: 'string' },
  'ssh-key-file': { type: 'string', multiple: true },
  'age-recipient': { type: 'string' },
};

/** The profile fields given on the command line, as API input (only those given). */
async function profileOf(ctx: Context): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  const set = (key: string, v: unknown) => {
    if (v !== undefined) body[key] = v;
  };
  set('name', ctx.str('name'));
  set('email', ctx.str('email'));
  set('role', ctx.str('role'));
  set('timeZone', ctx.str('tz'));
  const hours = ctx.str('hours');
  if (hours !== undefined) body.workingHours = parseHours(hours);
  const keyFiles = ctx.strs('ssh-key-file');
  if (keyFiles.length) body.sshPublicKeys = readPublicKeys(keyFiles);
  set('ageRecipient', nullable(ctx.str('age-recipient')));
  const vendor = nullable(ctx.str('vendor'));
  if (vendor !== undefined) body.vendorId = vendor === null ? null : await vendorId(ctx.api(), vendor);
  return body;
}

const list: Subcommand = {
  usage: '[--kind member|external] [--role R] [--status S] [--vendor REF] [--q TEXT] [--limit N] [--all] [--cursor C]',
  summary: 'list people (handle, name, kind, role, status, vendor, time zone)',
  options: { kind: { type: 'string' }, role: { type: 'string' }, status: { type: 'string' }, vendor: { type: 'string' }, q: { type: 'string' }, ...PAGING },
  async run(ctx) {
    const api = ctx.api();
    const vendor = ctx.str('vendor');
    const query = { kind: ctx.str('kind'), role: ctx.str('role'), status: ctx.str('status'), q: ctx.str('q'), vendorId: vendor && (await vendorId(api, vendor)) };
    const page = await listPages<Person>(api, '/api/v1/people', query, pagingOf(ctx));
    const vendors = ctx.json ? new Map<string, string>() : await vendorNames(api, page.items.map((p) => p.vendorId));
    printPage(ctx, page, (rows) => renderTable(rows, [
      { header: 'handle', value: (p) => p.handle },
      { header: 'name', value: (p) => p.name },
      { header: 'kind', value: (p) => p.kind },
      { header: 'role', value: (p) => p.role },
      { header: 'status', value: (p) => p.status },
      { header: 'vendor', value: (p) => (p.vendorId ? vendors.get(p.vendorId) : null) },
      { header: 'time zone', value: (p) => p.timeZone },
    ]));
  },
};

const get: Subcommand = {
  usage: 'REF',
  summary: 'show one person (REF: handle or id)',
  args: ['REF'],
  run: async (ctx) => printPerson(ctx, await ctx.api().get<Person>(`/api/v1/people/${seg(ctx.positionals[0]!)}`)),
};

const create: Subcommand = {
  usage: '--handle H --name N --email E --kind external|member [--role R] [--vendor REF] [--tz ZONE] [--hours mon-fri@09:00-17:00] [--ssh-key-file F]… [--age-recipient age1…]',
  summary: 'create a member or an external developer',
  options: { handle: { type: 'string' }, kind: { type: 'string' }, ...PROFILE },
  async run(ctx) {
    const body = { handle: ctx.need('handle'), name: ctx.need('name'), email: ctx.need('email'), kind: ctx.need('kind'), ...(await profileOf(ctx)) };
    await printPerson(ctx, await ctx.api().request<Person>('POST', '/api/v1/people', { body }));
  },
};

const update: Subcommand = {
  usage: 'REF [--name N] [--email E] [--role R] [--vendor REF|none] [--tz ZONE] [--hours SPEC] [--ssh-key-file F]… [--age-recipient age1…|none] [--status active|suspended]',
  summary: 'change a person; --ssh-key-file replaces all their keys',
  args: ['REF'],
  options: { ...PROFILE, status: { type: 'string' } },
  async run(ctx) {
    const body = { ...(await profileOf(ctx)), ...(ctx.str('status') ? { status: ctx.str('status') } : {}) };
    if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one flag');
    await printPerson(ctx, await ctx.api().request<Person>('PATCH', `/api/v1/people/${seg(ctx.positionals[0]!)}`, { body }));
  },
};

const offboard: Subcommand = {
  usage: 'REF',
  summary: 'offboard a person: final, revokes every token they hold',
  args: ['REF'],
  run: async (ctx) => printPerson(ctx, await ctx.api().request<Person>('DELETE', `/api/v1/people/${seg(ctx.positionals[0]!)}`)),
};

export const runPeopleCommand = commandGroup('people', 'members and external developers', { list, get, create, update, offboard });

/** `palisade me` and `palisade whoami`: the caller's own profile. */
export const runMeCommand = singleCommand('me', {
  usage: '[--json]',
  summary: 'show who the token in PALISADE_TOKEN belongs to',
  run: async (ctx) => printPerson(ctx, await ctx.api().get<Person>('/api/v1/me')),
});

/** @module cli/vendors — `palisade vendor list|get|create|update|archive`: the agencies external developers work for. */
import { listPages, UsageError } from './client.ts';
import { commandGroup, PAGING, pagingOf, printPage, type Context, type Subcommand } from './command.ts';
import { nullable, seg } from './flags.ts';
import { renderJson, renderRecord, renderTable } from './table.ts';

interface Contact {
  name: string;
  email: string;
  phone?: string;
  role?: string;
}

interface Vendor {
  id: string;
  name: string;
  website: string | null;
  contacts: Contact[];
  status: string;
  developerCount: number;
  createdAt: string;
  updatedAt: string;
}

const CONTACT_KEYS = new Set(['name', 'email', 'phone', 'role']);

/**
 * `--contact` as `Jane Roe <jane@acme.example>` or `name=Jane Roe;email=jane@acme.example;phone=+49 30 1234567;role=account manager`.
 * @example parseContact('Jane Roe <jane@acme.example>') // { name: 'Jane Roe', email: 'jane@acme.example' }
 */
export function parseContact(spec: string): Contact {
  const short = /^\s*([^<>]+?)\s*<([^<>\s]+)>\s*$/.exec(spec);
  if (short) return { name: short[1]!, email: short[2]! };
  const out: Record<string, string> = {};
  for (const part of spec.split(';')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    if (eq <= 0 || !CONTACT_KEYS.has(key)) {
      throw new UsageError(`--contact '${spec}': expected "Name <email>" or name=…;email=…[;phone=…][;role=…]`);
    }
    out[key] = part.slice(eq + 1).trim();
  }
  if (!out.name || !out.email) throw new UsageError(`--contact '${spec}': name and email are required`);
  return out as unknown as Contact;
}

const contactLine = (c: Contact) => `${c.name} <${c.email}>${c.phone ? ` ${c.phone}` : ''}${c.role ? ` (${c.role})` : ''}`;

function printVendor(ctx: Context, v: Vendor): void {
  ctx.out(ctx.json ? renderJson(v) : renderRecord([
    ['name', v.name], ['status', v.status], ['website', v.website], ['developers', v.developerCount],
    ['contacts', v.contacts.map(contactLine)], ['id', v.id], ['created', v.createdAt], ['updated', v.updatedAt],
  ]));
}

const list: Subcommand = {
  usage: '[--status active|archived] [--q TEXT] [--limit N] [--all] [--cursor C]',
  summary: 'list vendors',
  options: { status: { type: 'string' }, q: { type: 'string' }, ...PAGING },
  async run(ctx) {
    const page = await listPages<Vendor>(ctx.api(), '/api/v1/vendors', { status: ctx.str('status'), q: ctx.str('q') }, pagingOf(ctx));
    printPage(ctx, page, (rows) => renderTable(rows, [
      { header: 'name', value: (v) => v.name },
      { header: 'status', value: (v) => v.status },
      { header: 'developers', value: (v) => v.developerCount },
      { header: 'website', value: (v) => v.website },
      { header: 'contact', value: (v) => (v.contacts[0] ? contactLine(v.contacts[0]) : null) },
    ]));
  },
};

const get: Subcommand = {
  usage: 'REF',
  summary: 'show one vendor (REF: name or id)',
  args: ['REF'],
  run: async (ctx) => printVendor(ctx, await ctx.api().get<Vendor>(`/api/v1/vendors/${seg(ctx.positionals[0]!)}`)),
};

const create: Subcommand = {
  usage: '--name N [--website URL] [--contact "Name <email>"]…',
  summary: 'create a vendor',
  options: { name: { type: 'string' }, website: { type: 'string' }, contact: { type: 'string', multiple: true } },
  async run(ctx) {
    const body = { name: ctx.need('name'), website: ctx.str('website'), contacts: ctx.strs('contact').map(parseContact) };
    printVendor(ctx, await ctx.api().request<Vendor>('POST', '/api/v1/vendors', { body }));
  },
};

const update: Subcommand = {
  usage: 'REF [--name N] [--website URL|none] [--contact "Name <email>"]… [--restore]',
  summary: 'change a vendor; --contact replaces all contacts; --restore un-archives',
  args: ['REF'],
  options: { name: { type: 'string' }, website: { type: 'string' }, contact: { type: 'string', multiple: true }, restore: { type: 'boolean' } },
  async run(ctx) {
    const body: Record<string, unknown> = {};
    if (ctx.str('name') !== undefined) body.name = ctx.str('name');
    if (ctx.str('website') !== undefined) body.website = nullable(ctx.str('website'));
    if (ctx.strs('contact').length) body.contacts = ctx.strs('contact').map(parseContact);
    if (ctx.bool('restore')) body.status = 'active';
    if (Object.keys(body).length === 0) throw new UsageError('nothing to change: give at least one flag');
    printVendor(ctx, await ctx.api().request<Vendor>('PATCH', `/api/v1/vendors/${seg(ctx.positionals[0]!)}`, { body }));
  },
};

const archive: Subcommand = {
  usage: 'REF',
  summary: 'archive a vendor (refused while it has active or suspended engagements)',
  args: ['REF'],
  run: async (ctx) => printVendor(ctx, await ctx.api().request<Vendor>('DELETE', `/api/v1/vendors/${seg(ctx.positionals[0]!)}`)),
};

export const runVendorCommand = commandGroup('vendor', 'the agencies external developers work for', { list, get, create, update, archive });

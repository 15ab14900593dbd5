/** @module cli/push-rules — `palisade push-rules show|set|allowed|allow|unallow`: ref rules of git repositories and the push-scan allow list. */
import { listPages, UsageError } from './client.ts';
import { commandGroup, PAGING, pagingOf, printPage, type Context, type Subcommand } from './command.ts';
import { seg } from './flags.ts';
import { renderJson, renderRecord, renderTable } from './table.ts';

interface PushRules {
  resourceId: string;
  resourceName: string;
  protectedRefs: string[];
  contribPattern: string | null;
  isDefault: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

interface AllowEntry {
  id: string;
  resourceId: string | null;
  resourceName: string | null;
  fingerprint: string | null;
  pathPattern: string | null;
  reason: string;
  status: string;
  createdAt: string;
  createdByHandle: string | null;
  removedAt: string | null;
}

const rulesPath = (ref: string) => `/api/v1/resources/${seg(ref)}/git-rules`;

function printRules(ctx: Context, r: PushRules): void {
  ctx.out(ctx.json ? renderJson(r) : renderRecord([
    ['repository', r.resourceName],
    ['protected refs', r.protectedRefs.length ? r.protectedRefs.join(', ') : '(none)'],
    ['contribution pattern', r.contribPattern ?? '(none: external developers may push to any unprotected ref)'],
    ['rules', r.isDefault ? 'defaults (never set)' : `set ${r.updatedAt}`],
  ]));
}

function printEntry(ctx: Context, e: AllowEntry): void {
  ctx.out(ctx.json ? renderJson(e) : renderRecord([
    ['id', e.id], ['repository', e.resourceName ?? '(every repository)'], ['fingerprint', e.fingerprint], ['path', e.pathPattern],
    ['reason', e.reason], ['status', e.status], ['added by', e.createdByHandle], ['added', e.createdAt], ['removed', e.removedAt],
  ]));
}

const show: Subcommand = {
  usage: 'REPO',
  summary: 'show the push rules of a git repository (REPO: name or id)',
  args: ['REPO'],
  run: async (ctx) => printRules(ctx, await ctx.api().get<PushRules>(rulesPath(ctx.positionals[0]!))),
};

const set: Subcommand = {
  usage: 'REPO [--protect PATTERN]… [--protect none] [--contrib PATTERN|none] [--defaults]',
  summary: 'change the rules: --protect replaces the protected refs (repeat it; "none" for no protection), ' +
    '--contrib sets the only refs external developers may push to (e.g. refs/heads/contrib/<handle>/*), --defaults restores the defaults',
  args: ['REPO'],
  options: { protect: { type: 'string', multiple: true }, contrib: { type: 'string' }, defaults: { type: 'boolean' } },
  async run(ctx) {
    const api = ctx.api();
    const ref = ctx.positionals[0]!;
    const protect = ctx.strs('protect');
    const contrib = ctx.str('contrib');
    if (ctx.bool('defaults')) {
      if (protect.length || contrib !== undefined) throw new UsageError('--defaults takes no other flag');
      const body = { protectedRefs: ['refs/heads/main', 'refs/heads/master', 'refs/tags/*'], contribPattern: null };
      return printRules(ctx, await api.request<PushRules>('PUT', rulesPath(ref), { body }));
    }
    if (!protect.length && contrib === undefined) throw new UsageError('nothing to change: give --protect, --contrib or --defaults');
    // The API replaces the rules as a whole: read them, apply this change, write them back.
    const current = await api.get<PushRules>(rulesPath(ref));
    const body = {
      protectedRefs: protect.length ? (protect.length === 1 && protect[0] === 'none' ? [] : protect) : current.protectedRefs,
      contribPattern: contrib === undefined ? current.contribPattern : contrib === 'none' ? null : contrib,
    };
    printRules(ctx, await api.request<PushRules>('PUT', rulesPath(ref), { body }));
  },
};

const allowed: Subcommand = {
  usage: '[--repo REPO] [--status active|removed] [--limit N] [--all] [--cursor C]',
  summary: 'list the push-scan allow list (with --repo: its entries and those for every repository)',
  options: { repo: { type: 'string' }, status: { type: 'string' }, ...PAGING },
  async run(ctx) {
    const page = await listPages<AllowEntry>(ctx.api(), '/api/v1/git-push-allowlist', { resource: ctx.str('repo'), status: ctx.str('status') }, pagingOf(ctx));
    printPage(ctx, page, (rows) => renderTable(rows, [
      { header: 'id', value: (e) => e.id },
      { header: 'repository', value: (e) => e.resourceName ?? '*' },
      { header: 'fingerprint', value: (e) => (e.fingerprint ? `${e.fingerprint.slice(0, 16)}…` : '') },
      { header: 'path', value: (e) => e.pathPattern ?? '' },
      { header: 'reason', value: (e) => e.reason },
      { header: 'by', value: (e) => e.createdByHandle ?? '' },
    ]));
  },
};

const allow: Subcommand = {
  usage: '[--repo REPO] [--fingerprint F] [--path GLOB] --reason TEXT',
  summary: 'stop a finding from refusing pushes: its fingerprint (shown in the refused push), a path glob (test/fixtures/**), or both; ' +
    'without --repo for every repository',
  options: { repo: { type: 'string' }, fingerprint: { type: 'string' }, path: { type: 'string' }, reason: { type: 'string' } },
  async run(ctx) {
    const body = { resource: ctx.str('repo'), fingerprint: ctx.str('fingerprint'), pathPattern: ctx.str('path'), reason: ctx.need('reason') };
    if (body.fingerprint === undefined && body.pathPattern === undefined) throw new UsageError('give --fingerprint, --path or both');
    printEntry(ctx, await ctx.api().request<AllowEntry>('POST', '/api/v1/git-push-allowlist', { body }));
  },
};

const unallow: Subcommand = {
  usage: 'ID',
  summary: 'remove an allow-list entry (it stays on record as removed)',
  args: ['ID'],
  run: async (ctx) => printEntry(ctx, await ctx.api().request<AllowEntry>('DELETE', `/api/v1/git-push-allowlist/${seg(ctx.positionals[0]!)}`)),
};

export const runPushRulesCommand = commandGroup('push-rules', 'what external developers may push to git repositories, and the push-scan allow list', {
  show, set, allowed, allow, unallow,
});

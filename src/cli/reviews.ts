/** @module cli/reviews — `palisade review create|list|show|decide|report`: access-review campaigns. */
import { writeFileSync } from 'node:fs';
import { reportCsv } from '../modules/reviews/review-csv.ts';
import type { Report } from '../modules/reviews/review-types.ts';
import { listPages, UsageError } from './client.ts';
import { commandGroup, PAGING, pagingOf, printPage, type Context, type Subcommand } from './command.ts';
import { parseTime } from './flags.ts';
import { renderJson, renderRecord, renderTable } from './table.ts';

interface Counts { items: number; undecided: number; kept: number; revoked: number; revokedAtDeadline: number; escalated: number; dormant: number }
interface Campaign {
  id: string; name: string; scope: { type: string; engagementId: string | null; resourceId: string | null }; deadline: string;
  onUndecided: string; dormantDays: number; status: string; createdAt: string; createdBy: { handle: string } | null;
  escalatedAt: string | null; closedAt: string | null; counts: Counts;
}
interface Item {
  id: string; grantId: string; reviewer: { handle: string }; person: { handle: string }; resource: { name: string }; permission: string;
  grantEndsAt: string; grantState: string; lastUsedAt: string | null; dormant: boolean; decision: string | null; comment: string | null;
  decidedBy: { handle: string } | null; decidedAt: string | null; escalatedAt: string | null; outcome: string | null;
}
interface Detail extends Campaign { items: Item[] }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idOf = (what: string, v: string) => {
  if (!UUID.test(v)) throw new UsageError(`'${v}' is not a ${what} id`);
  return v.toLowerCase();
};
const path = (ctx: Context, rest = '') => `/api/v1/reviews/${idOf('campaign', ctx.positionals[0]!)}${rest}`;

const summary = (c: Counts) => `${c.items} grants: ${c.undecided} undecided, ${c.kept} kept, ${c.revoked + c.revokedAtDeadline} revoked, ${c.escalated} escalated, ${c.dormant} dormant`;

function printDetail(ctx: Context, d: Detail): void {
  if (ctx.json) return ctx.out(renderJson(d));
  ctx.out(renderRecord([
    ['id', d.id], ['name', d.name], ['status', d.status],
    ['scope', d.scope.type === 'external' ? 'every grant of an external developer' : `${d.scope.type} ${d.scope.engagementId ?? d.scope.resourceId}`],
    ['deadline', d.deadline], ['undecided at deadline', d.onUndecided], ['dormant after', `${d.dormantDays} days without use`],
    ['grants', summary(d.counts)], ['created', `${d.createdAt}${d.createdBy ? ` by ${d.createdBy.handle}` : ''}`], ['closed', d.closedAt],
  ]));
  ctx.out('\n' + renderTable(d.items, [
    { header: 'item', value: (i) => i.id },
    { header: 'developer', value: (i) => i.person.handle },
    { header: 'resource', value: (i) => i.resource.name },
    { header: 'permission', value: (i) => i.permission },
    { header: 'grant', value: (i) => i.grantState },
    { header: 'last used', value: (i) => i.lastUsedAt ?? 'never' },
    { header: 'dormant', value: (i) => (i.dormant ? 'DORMANT' : '') },
    { header: 'reviewer', value: (i) => i.reviewer.handle },
    { header: 'decision', value: (i) => i.outcome ?? i.decision ?? '' },
    { header: 'comment', value: (i) => i.comment },
  ]));
}

const create: Subcommand = {
  usage: '--name TEXT (--external | --engagement ID | --resource REF) --deadline TIME [--on-undecided revoke|escalate] [--dormant-days N]',
  summary: 'start a campaign over the active grants in a scope; each grant goes to its resource owner',
  options: {
    name: { type: 'string' }, external: { type: 'boolean' }, engagement: { type: 'string' }, resource: { type: 'string' },
    deadline: { type: 'string' }, 'on-undecided': { type: 'string' }, 'dormant-days': { type: 'string' },
  },
  async run(ctx) {
    const [external, engagement, resource] = [ctx.bool('external'), ctx.str('engagement'), ctx.str('resource')];
    if ([external, engagement !== undefined, resource !== undefined].filter(Boolean).length !== 1) throw new UsageError('give exactly one scope: --external, --engagement ID or --resource REF');
    const scope = external ? { type: 'external' } : engagement !== undefined ? { type: 'engagement', engagementId: idOf('engagement', engagement) } : { type: 'resource', resource };
    const deadline = ctx.need('deadline');
    // A deadline is in the future: "7d" means a week from now.
    const rel = /^(\d{1,4})([hd])$/.exec(deadline);
    const at = rel ? new Date(Date.now() + Number(rel[1]) * (rel[2] === 'h' ? 3_600_000 : 86_400_000)).toISOString() : parseTime(deadline, 'deadline');
    const body = { name: ctx.need('name'), scope, deadline: at, onUndecided: ctx.str('on-undecided'), dormantDays: ctx.int('dormant-days') };
    printDetail(ctx, await ctx.api().request<Detail>('POST', '/api/v1/reviews', { body }));
  },
};

const list: Subcommand = {
  usage: '[--status open|escalated|closed] [--limit N] [--all] [--cursor C]',
  summary: 'list campaigns (approvers: those with grants assigned to them)',
  options: { status: { type: 'string' }, ...PAGING },
  async run(ctx) {
    const page = await listPages<Campaign>(ctx.api(), '/api/v1/reviews', { status: ctx.str('status') }, pagingOf(ctx));
    printPage(ctx, page, (rows) => renderTable(rows, [
      { header: 'id', value: (c) => c.id },
      { header: 'name', value: (c) => c.name },
      { header: 'status', value: (c) => c.status },
      { header: 'deadline', value: (c) => c.deadline },
      { header: 'grants', value: (c) => summary(c.counts) },
    ]));
  },
};

const show: Subcommand = {
  usage: 'ID',
  summary: 'a campaign and its grants: last use, dormancy, reviewer, decision',
  args: ['ID'],
  run: async (ctx) => printDetail(ctx, await ctx.api().get<Detail>(path(ctx))),
};

const decide: Subcommand = {
  usage: 'ID ITEM keep|revoke --comment TEXT',
  summary: 'keep or revoke one grant under review (revoke takes effect at once)',
  args: ['ID', 'ITEM', 'DECISION'],
  options: { comment: { type: 'string' } },
  async run(ctx) {
    const [, item, decision] = ctx.positionals as [string, string, string];
    if (decision !== 'keep' && decision !== 'revoke') throw new UsageError(`the decision is keep or revoke, not '${decision}'`);
    const i = await ctx.api().request<Item>('POST', path(ctx, `/items/${idOf('item', item)}/decision`), { body: { decision, comment: ctx.need('comment') } });
    if (ctx.json) return ctx.out(renderJson(i));
    ctx.out(`${i.outcome ?? i.decision}: ${i.person.handle} ${i.permission} on ${i.resource.name} (grant ${i.grantId}, now ${i.grantState})\n`);
  },
};

const report: Subcommand = {
  usage: 'ID [--format json|csv] [--output FILE]',
  summary: 'the campaign report: who reviewed what and when, the decisions, what was revoked',
  args: ['ID'],
  options: { format: { type: 'string' }, output: { type: 'string' } },
  async run(ctx) {
    const format = ctx.str('format') ?? (ctx.json ? 'json' : 'csv');
    if (format !== 'json' && format !== 'csv') throw new UsageError(`--format is json or csv, not '${format}'`);
    const r = await ctx.api().get<Report>(path(ctx, '/report'));
    // The same CSV writer as the server's ?format=csv, so both give identical files.
    const text = format === 'csv' ? reportCsv(r) : renderJson(r);
    const output = ctx.str('output');
    if (output) writeFileSync(output, text, { mode: 0o600 });
    else ctx.out(text);
  },
};

export const runReviewCommand = commandGroup('review', 'access-review campaigns: who still needs which grant', { create, list, show, decide, report });

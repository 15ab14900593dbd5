/** @module cli/policy — `palisade policy show|validate FILE|apply FILE|history|schema` and `palisade authorize`. */
import { readFileSync } from 'node:fs';
import { listPages, UsageError } from './client.ts';
import { commandGroup, PAGING, pagingOf, printPage, singleCommand, type Context, type Subcommand } from './command.ts';
import { parseTime } from './flags.ts';
import { renderJson, renderRecord, renderTable } from './table.ts';

interface Problem { policyId: string | null; line: number | null; message: string; help: string | null }
interface PolicyVersion {
  version: number; builtIn: boolean; sha256: string; policyIds: string[]; comment: string | null; createdAt: string | null;
  createdBy: { handle: string } | null;
}
interface PolicySet extends PolicyVersion { active: boolean; text: string; warnings?: Problem[] }
interface Validation { valid: boolean; policyIds: string[]; errors: Problem[]; warnings: Problem[] }
interface Decision {
  decision: 'allow' | 'deny'; reasons: string[]; policyIds: string[]; grantId: string | null; missing: string[];
  principal: { handle: string } | null; resource: { name: string } | null; action: string; evaluatedAt: string;
}

/** A policy file's text; `-` reads standard input. */
async function readPolicyFile(ctx: Context, file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of ctx.io.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

const describeProblem = (p: Problem, file: string) =>
  `${file}${p.line !== null ? `:${p.line}` : ''}: ${p.policyId ? `policy ${p.policyId}: ` : ''}${p.message}${p.help ? ` (${p.help})` : ''}`;

const show: Subcommand = {
  usage: '[--version N] [--text-only]',
  summary: 'the policy set in force (or one version): its version, hash, policy ids and text',
  options: { version: { type: 'string' }, 'text-only': { type: 'boolean' } },
  async run(ctx) {
    const version = ctx.str('version');
    if (version !== undefined && !/^\d{1,9}$/.test(version)) throw new UsageError('--version must be a whole number');
    const set = await ctx.api().get<PolicySet>(version === undefined ? '/api/v1/policies' : `/api/v1/policies/versions/${version}`);
    if (ctx.json) return ctx.out(renderJson(set));
    if (ctx.bool('text-only')) return ctx.out(set.text.endsWith('\n') ? set.text : `${set.text}\n`);
    ctx.out(renderRecord([
      ['version', `${set.version}${set.builtIn ? ' (built-in default)' : ''}${set.active ? ', in force' : ''}`], ['sha256', set.sha256],
      ['policies', set.policyIds], ['comment', set.comment], ['created', set.createdAt], ['by', set.createdBy?.handle ?? null],
    ]));
    ctx.out(`\n${set.text}${set.text.endsWith('\n') ? '' : '\n'}`);
  },
};

const validate: Subcommand = {
  usage: 'FILE',
  summary: "check a policy file against Palisade's Cedar schema (FILE - reads stdin); exit 1 when it is invalid",
  args: ['FILE'],
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const r = await ctx.api().request<Validation>('POST', '/api/v1/policies/validate', { body: { text: await readPolicyFile(ctx, file) } });
    if (ctx.json) ctx.out(renderJson(r));
    else {
      for (const p of r.errors) ctx.io.stderr.write(`error: ${describeProblem(p, file)}\n`);
      for (const p of r.warnings) ctx.io.stderr.write(`warning: ${describeProblem(p, file)}\n`);
      if (r.valid) ctx.out(`${file}: valid (${r.policyIds.length} policies: ${r.policyIds.join(', ')})\n`);
    }
    if (!r.valid) return 1;
  },
};

const apply: Subcommand = {
  usage: 'FILE [--comment TEXT]',
  summary: "put a policy file in force as a new version; an invalid file is refused with Cedar's messages and nothing changes",
  args: ['FILE'],
  options: { comment: { type: 'string' } },
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const set = await ctx.api().request<PolicySet>('PUT', '/api/v1/policies', { body: { text: await readPolicyFile(ctx, file), comment: ctx.str('comment') } });
    if (ctx.json) return ctx.out(renderJson(set));
    for (const p of set.warnings ?? []) ctx.io.stderr.write(`warning: ${describeProblem(p, file)}\n`);
    ctx.out(`policy set version ${set.version} is in force (sha256 ${set.sha256}, ${set.policyIds.length} policies)\n`);
  },
};

const history: Subcommand = {
  usage: '[--limit N] [--all] [--cursor C]',
  summary: 'every version of the policy set, newest first',
  options: { ...PAGING },
  async run(ctx) {
    const page = await listPages<PolicyVersion>(ctx.api(), '/api/v1/policies/versions', {}, pagingOf(ctx));
    printPage(ctx, page, (rows) => renderTable(rows, [
      { header: 'version', value: (v) => (v.builtIn ? `${v.version} (built-in)` : v.version) },
      { header: 'created', value: (v) => v.createdAt },
      { header: 'by', value: (v) => v.createdBy?.handle ?? null },
      { header: 'policies', value: (v) => v.policyIds.length },
      { header: 'sha256', value: (v) => v.sha256.slice(0, 16) },
      { header: 'comment', value: (v) => v.comment },
    ]));
  },
};

const schema: Subcommand = {
  usage: '',
  summary: 'print the Cedar schema policies are written against',
  async run(ctx) {
    const s = await ctx.api().get<{ text: string }>('/api/v1/policies/schema');
    ctx.out(ctx.json ? renderJson(s) : s.text);
  },
};

export const runPolicyCommand = commandGroup('policy', 'the Cedar policies every decision applies', { show, validate, apply, history, schema });

export const runAuthorizeCommand = singleCommand('authorize', {
  usage: '--person REF --action read|write|admin --resource REF [--ip ADDRESS] [--gateway NAME] [--at TIME]',
  summary: 'ask the authorizer whether a person may act on a resource now (or --at a time) and why; exit 0 allow, 1 deny',
  options: { person: { type: 'string' }, action: { type: 'string' }, resource: { type: 'string' }, ip: { type: 'string' }, gateway: { type: 'string' }, at: { type: 'string' } },
  async run(ctx) {
    const at = ctx.str('at');
    const body = {
      principal: ctx.need('person'), action: ctx.need('action'), resource: ctx.need('resource'),
      context: { sourceIp: ctx.str('ip'), gateway: ctx.str('gateway'), time: at === undefined ? undefined : parseTime(at, 'at') },
    };
    const d = await ctx.api().request<Decision>('POST', '/api/v1/authorize', { body });
    if (ctx.json) ctx.out(renderJson(d));
    else {
      ctx.out(`${d.decision.toUpperCase()}: ${d.principal?.handle ?? body.principal} ${d.action} ${d.resource?.name ?? body.resource}\n`);
      for (const r of d.reasons) ctx.out(`  because ${r}\n`);
      for (const m of d.missing) ctx.out(`  missing: ${m}\n`);
    }
    return d.decision === 'allow' ? 0 : 1;
  },
});

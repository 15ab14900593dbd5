/**
 * @module cli/repos — `palisade repo show|host|upstream|token`: how a git_repository resource is served by the
 * git gateway, and git tokens for developers. An upstream secret is read from the environment or stdin, never
 * from the command line (where `ps` and shell history would keep it).
 */
import { UsageError } from './client.ts';
import { commandGroup, type Context, type Subcommand } from './command.ts';
import { personId, seg } from './flags.ts';
import { renderJson, renderRecord } from './table.ts';

interface GitRepository {
  resourceId: string;
  name: string;
  mode: string;
  path: string;
  upstreamUrl: string | null;
  upstreamUsername: string | null;
  hasUpstreamSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

function printRepository(ctx: Context, r: GitRepository): void {
  ctx.out(ctx.json ? renderJson(r) : renderRecord([
    ['name', r.name], ['mode', r.mode], ['clone path', r.path], ['upstream', r.upstreamUrl], ['upstream user', r.upstreamUsername],
    ['upstream secret', r.hasUpstreamSecret ? 'set (sealed)' : null], ['resource', r.resourceId], ['updated', r.updatedAt],
  ]));
}

const path = (ref: string) => `/api/v1/git/repositories/${seg(ref)}`;

async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer | string>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks).toString('utf8').trim();
}

const show: Subcommand = {
  usage: 'REF',
  summary: 'how a git_repository resource is served (REF: name or id)',
  args: ['REF'],
  run: async (ctx) => printRepository(ctx, await ctx.api().get<GitRepository>(path(ctx.positionals[0]!))),
};

const host: Subcommand = {
  usage: 'REF',
  summary: 'serve the repository from this server\'s data folder (creates an empty bare repository if none)',
  args: ['REF'],
  run: async (ctx) => printRepository(ctx, await ctx.api().request<GitRepository>('PUT', path(ctx.positionals[0]!), { body: { mode: 'hosted' } })),
};

const upstream: Subcommand = {
  usage: 'REF --upstream-url https://host/owner/repo.git --username NAME   (secret from PALISADE_UPSTREAM_SECRET or stdin)',
  summary: 'relay the repository to an upstream git server with a credential Palisade keeps sealed',
  args: ['REF'],
  // Not --url: that flag names the Palisade server for every command.
  options: { 'upstream-url': { type: 'string' }, username: { type: 'string' } },
  async run(ctx) {
    const secret = process.env.PALISADE_UPSTREAM_SECRET || (await readStdin(ctx.io.stdin));
    if (!secret) throw new UsageError('give the upstream secret in PALISADE_UPSTREAM_SECRET or on stdin');
    const body = { mode: 'upstream', url: ctx.need('upstream-url'), username: ctx.need('username'), secret };
    printRepository(ctx, await ctx.api().request<GitRepository>('PUT', path(ctx.positionals[0]!), { body }));
  },
};

const token: Subcommand = {
  usage: '--person REF [--name N] [--expires-in-days D]',
  summary: 'issue a git-only token (admins: for --person); it expires no later than the person\'s latest git grant',
  options: { person: { type: 'string' }, name: { type: 'string' }, 'expires-in-days': { type: 'string' } },
  async run(ctx) {
    const api = ctx.api();
    const person = ctx.str('person');
    const body = { name: ctx.str('name') ?? 'git', scopes: ['git'], expiresInDays: ctx.int('expires-in-days'), personId: person && (await personId(api, person)) };
    const created = await api.request<{ token: string; meta: { id: string; expiresAt: string | null } }>('POST', '/api/v1/tokens', { body });
    if (ctx.json) return ctx.out(renderJson(created));
    ctx.io.stderr.write(
      `Git token (id ${created.meta.id}) expires ${created.meta.expiresAt ?? 'never'}. Use it as the password with the person's handle ` +
        'as user name (git clone https://HOST/git/<repository>.git). Shown this once:\n',
    );
    ctx.out(`${created.token}\n`);
  },
};

export const runRepoCommand = commandGroup('repo', 'git repositories behind the git gateway: hosted or upstream, git tokens', { show, host, upstream, token });

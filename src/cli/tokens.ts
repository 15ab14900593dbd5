/**
 * @module cli/tokens — `palisade token create|list|revoke|generate`. A new secret is printed once,
 * alone on stdout (notes go to stderr), so `TOKEN=$(palisade token create --name ci)` captures just it.
 */
import { generateToken } from '../core/secret-token.ts';
import { commandGroup, type Context, type Subcommand } from './command.ts';
import { personId } from './flags.ts';
import { renderJson, renderRecord, renderTable } from './table.ts';

interface TokenMeta {
  id: string;
  personId: string;
  name: string;
  hint: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function stateOf(t: TokenMeta, now = Date.now()): string {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return 'expired';
  return 'active';
}

function printMeta(ctx: Context, t: TokenMeta): void {
  ctx.out(ctx.json ? renderJson(t) : renderRecord([
    ['id', t.id], ['name', t.name], ['hint', `${t.hint}…`], ['status', stateOf(t)], ['person', t.personId],
    ['created', t.createdAt], ['expires', t.expiresAt ?? 'never'], ['last used', t.lastUsedAt], ['revoked', t.revokedAt],
  ]));
}

const create: Subcommand = {
  usage: '--name N [--expires-in-days D] [--person REF]',
  summary: 'issue a token (for yourself, or as an admin for --person); the secret is printed once',
  options: { name: { type: 'string' }, 'expires-in-days': { type: 'string' }, person: { type: 'string' } },
  async run(ctx) {
    const api = ctx.api();
    const person = ctx.str('person');
    const body = { name: ctx.need('name'), expiresInDays: ctx.int('expires-in-days'), personId: person && (await personId(api, person)) };
    const created = await api.request<{ token: string; meta: TokenMeta }>('POST', '/api/v1/tokens', { body });
    if (ctx.json) return ctx.out(renderJson(created));
    ctx.io.stderr.write(
      `Token "${created.meta.name}" (id ${created.meta.id}) expires ${created.meta.expiresAt ?? 'never'}.\n` +
        'The secret below is shown this once; Palisade keeps only its hash. Store it now:\n',
    );
    ctx.out(`${created.token}\n`);
  },
};

const list: Subcommand = {
  usage: '[--person REF]',
  summary: 'list your tokens (admins: anyone\'s with --person); never shows secrets',
  options: { person: { type: 'string' } },
  async run(ctx) {
    const api = ctx.api();
    const person = ctx.str('person');
    const page = await api.get<{ items: TokenMeta[] }>('/api/v1/tokens', { personId: person && (await personId(api, person)) });
    ctx.out(ctx.json ? renderJson(page.items) : renderTable(page.items, [
      { header: 'id', value: (t) => t.id },
      { header: 'name', value: (t) => t.name },
      { header: 'hint', value: (t) => `${t.hint}…` },
      { header: 'status', value: (t) => stateOf(t) },
      { header: 'created', value: (t) => t.createdAt },
      { header: 'expires', value: (t) => t.expiresAt ?? 'never' },
      { header: 'last used', value: (t) => t.lastUsedAt },
    ]));
  },
};

const revoke: Subcommand = {
  usage: 'ID',
  summary: 'revoke a token by its id (see token list)',
  args: ['ID'],
  run: async (ctx) => printMeta(ctx, await ctx.api().request<TokenMeta>('DELETE', `/api/v1/tokens/${encodeURIComponent(ctx.positionals[0]!)}`)),
};

const generate: Subcommand = {
  usage: '',
  summary: 'print a fresh random token without contacting any server (for PALISADE_BOOTSTRAP_TOKEN)',
  async run(ctx) {
    const token = generateToken();
    ctx.out(ctx.json ? renderJson({ token }) : `${token}\n`);
  },
};

export const runTokenCommand = commandGroup('token', 'API tokens', { create, list, revoke, generate });

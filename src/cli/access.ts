/**
 * @module cli/access — `palisade request …` (access requests and decisions), `palisade grant …`,
 * `palisade approver …` (designated approvers of a resource) and `palisade settings access`.
 */
import { listPages, UsageError, type ApiClient } from './client.ts';
import { commandGroup, PAGING, pagingOf, printPage, type Context, type Subcommand } from './command.ts';
import { personId, seg } from './flags.ts';
import { renderJson, renderRecord, renderTable } from './table.ts';

interface Decision { approverHandle: string; decision: string; comment: string | null; decidedAt: string }
interface AccessRequest {
  id: string; personHandle: string; engagementId: string; resourceName: string; permission: string; duration: string;
  justification: string; status: string; approvalsRequired: number; approvals: number;
  policy: { outcome: string; reasons: string[]; policyIds: string[] }; statusReason: string | null; requestedByHandle: string;
  createdAt: string; expiresAt: string; decidedAt: string | null; grantId: string | null; decisions: Decision[];
}
interface Grant {
  id: string; personHandle: string; engagementId: string; resourceName: string; permission: string; requestId: string | null;
  startsAt: string; endsAt: string; state: string; revokedAt: string | null; revokeReason: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const idOf = (what: string, v: string) => {
  if (!UUID.test(v)) throw new UsageError(`'${v}' is not a ${what} id`);
  return v.toLowerCase();
};

/**
 * A duration flag as ISO 8601: `8h`, `7d`, `30m`, `1w`, or ISO already (`PT8H`, `P1DT12H`).
 * @example toIsoDuration('8h') // 'PT8H'
 */
export function toIsoDuration(v: string, flag = 'duration'): string {
  const m = /^(\d{1,5})([mhdw])$/i.exec(v.trim());
  if (m) {
    const [n, unit] = [m[1]!, m[2]!.toLowerCase()];
    return unit === 'd' || unit === 'w' ? `P${n}${unit.toUpperCase()}` : `PT${n}${unit.toUpperCase()}`;
  }
  if (/^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/i.test(v.trim())) return v.trim().toUpperCase();
  throw new UsageError(`--${flag} '${v}': expected 30m, 8h, 7d, 2w or an ISO 8601 duration such as PT8H`);
}

async function resourceId(api: ApiClient, ref: string): Promise<string> {
  if (UUID.test(ref)) return ref.toLowerCase();
  return (await api.get<{ id: string }>(`/api/v1/resources/${seg(ref)}`)).id;
}

function printRequest(ctx: Context, r: AccessRequest): void {
  if (ctx.json) return ctx.out(renderJson(r));
  ctx.out(renderRecord([
    ['id', r.id], ['status', r.status], ['why', r.statusReason], ['developer', r.personHandle], ['requested by', r.requestedByHandle],
    ['resource', r.resourceName], ['permission', r.permission], ['duration', r.duration], ['justification', r.justification],
    ['policy', `${r.policy.outcome} (${r.policy.policyIds.join(', ')})`], ['reasons', r.policy.reasons],
    ['approvals', `${r.approvals} of ${r.approvalsRequired}`],
    ['decisions', r.decisions.map((d) => `${d.decision} by ${d.approverHandle} at ${d.decidedAt}${d.comment ? `: ${d.comment}` : ''}`)],
    ['engagement', r.engagementId], ['created', r.createdAt], ['expires', r.status === 'pending' ? r.expiresAt : null], ['decided', r.decidedAt], ['grant', r.grantId],
  ]));
}

const requestColumns = [
  { header: 'id', value: (r: AccessRequest) => r.id },
  { header: 'status', value: (r: AccessRequest) => r.status },
  { header: 'developer', value: (r: AccessRequest) => r.personHandle },
  { header: 'resource', value: (r: AccessRequest) => r.resourceName },
  { header: 'permission', value: (r: AccessRequest) => r.permission },
  { header: 'duration', value: (r: AccessRequest) => r.duration },
  { header: 'approvals', value: (r: AccessRequest) => `${r.approvals}/${r.approvalsRequired}` },
  { header: 'created', value: (r: AccessRequest) => r.createdAt },
];

const create: Subcommand = {
  usage: '--resource REF --permission read|write|admin --duration 8h|PT8H --justification TEXT --engagement ID [--person REF]',
  summary: 'request access; the policy denies it, approves it at once, or sends it to the approvers (--person: admins, for a developer)',
  options: { resource: { type: 'string' }, permission: { type: 'string' }, duration: { type: 'string' }, justification: { type: 'string' }, engagement: { type: 'string' }, person: { type: 'string' } },
  async run(ctx) {
    const api = ctx.api();
    const person = ctx.str('person');
    const body = {
      resource: ctx.need('resource'), permission: ctx.need('permission'), duration: toIsoDuration(ctx.need('duration')),
      justification: ctx.need('justification'), engagementId: idOf('engagement', ctx.need('engagement')),
      personId: person === undefined ? undefined : await personId(api, person),
    };
    const r = await api.request<AccessRequest>('POST', '/api/v1/access-requests', { body });
    printRequest(ctx, r);
    if (!ctx.json && r.status === 'denied') ctx.io.stderr.write('The request was denied; the reasons are above.\n');
  },
};

const list: Subcommand = {
  usage: '[--status pending|approved|denied|expired|cancelled] [--person REF] [--resource REF] [--engagement ID] [--inbox] [--mine] [--limit N] [--all] [--cursor C]',
  summary: 'list requests; --inbox: pending requests you may decide; --mine: requests for or by you',
  options: { status: { type: 'string' }, person: { type: 'string' }, resource: { type: 'string' }, engagement: { type: 'string' }, inbox: { type: 'boolean' }, mine: { type: 'boolean' }, ...PAGING },
  async run(ctx) {
    const api = ctx.api();
    const [person, resource, engagement] = [ctx.str('person'), ctx.str('resource'), ctx.str('engagement')];
    const query = {
      status: ctx.str('status'), pendingFor: ctx.bool('inbox') ? 'me' : undefined,
      personId: person && (await personId(api, person)), resourceId: resource && (await resourceId(api, resource)),
      engagementId: engagement && idOf('engagement', engagement),
    };
    const path = ctx.bool('mine') ? '/api/v1/me/access-requests' : '/api/v1/access-requests';
    printPage(ctx, await listPages<AccessRequest>(api, path, query, pagingOf(ctx)), (rows) => renderTable(rows, requestColumns));
  },
};

const requestPath = (ctx: Context, rest = '') => `/api/v1/access-requests/${idOf('request', ctx.positionals[0]!)}${rest}`;

const decide = (what: 'approve' | 'deny' | 'cancel', summary: string, flag: 'comment' | 'reason', required: boolean): Subcommand => ({
  usage: `ID ${required ? `--${flag} TEXT` : `[--${flag} TEXT]`}`,
  summary,
  args: ['ID'],
  options: { [flag]: { type: 'string' } },
  async run(ctx) {
    const text = required ? ctx.need(flag) : ctx.str(flag);
    printRequest(ctx, await ctx.api().request<AccessRequest>('POST', requestPath(ctx, `/${what}`), { body: text === undefined ? {} : { [flag]: text } }));
  },
});

export const runRequestCommand = commandGroup('request', 'access requests: ask, decide, follow', {
  create,
  list,
  show: { usage: 'ID', summary: 'a request with its decisions and history', args: ['ID'], run: async (ctx) => printRequest(ctx, await ctx.api().get<AccessRequest>(requestPath(ctx))) },
  approve: decide('approve', 'approve as the resource owner or a designated approver', 'comment', false),
  deny: decide('deny', 'deny, saying why; one denial denies the request', 'comment', true),
  cancel: decide('cancel', 'withdraw a pending request', 'reason', false),
});

function printGrant(ctx: Context, g: Grant): void {
  ctx.out(ctx.json ? renderJson(g) : renderRecord([
    ['id', g.id], ['state', g.state], ['developer', g.personHandle], ['resource', g.resourceName], ['permission', g.permission],
    ['starts', g.startsAt], ['ends', g.endsAt], ['revoked', g.revokedAt], ['reason', g.revokeReason], ['request', g.requestId], ['engagement', g.engagementId],
  ]));
}

const grantPath = (ctx: Context) => `/api/v1/grants/${idOf('grant', ctx.positionals[0]!)}`;

export const runGrantCommand = commandGroup('grant', 'grants: time-bound access that ends by itself', {
  list: {
    usage: '[--person REF] [--resource REF] [--engagement ID] [--state active|expired|revoked] [--limit N] [--all] [--cursor C]',
    summary: 'list grants (developers: their own)',
    options: { person: { type: 'string' }, resource: { type: 'string' }, engagement: { type: 'string' }, state: { type: 'string' }, ...PAGING },
    async run(ctx) {
      const api = ctx.api();
      const [person, resource, engagement] = [ctx.str('person'), ctx.str('resource'), ctx.str('engagement')];
      const query = {
        state: ctx.str('state'), personId: person && (await personId(api, person)), resourceId: resource && (await resourceId(api, resource)),
        engagementId: engagement && idOf('engagement', engagement),
      };
      printPage(ctx, await listPages<Grant>(api, '/api/v1/grants', query, pagingOf(ctx)), (rows) => renderTable(rows, [
        { header: 'id', value: (g) => g.id }, { header: 'state', value: (g) => g.state }, { header: 'developer', value: (g) => g.personHandle },
        { header: 'resource', value: (g) => g.resourceName }, { header: 'permission', value: (g) => g.permission }, { header: 'ends', value: (g) => g.endsAt },
      ]));
    },
  },
  show: { usage: 'ID', summary: 'one grant', args: ['ID'], run: async (ctx) => printGrant(ctx, await ctx.api().get<Grant>(grantPath(ctx))) },
  revoke: {
    usage: 'ID --reason TEXT',
    summary: 'end a grant now (admins, or the resource owner)',
    args: ['ID'],
    options: { reason: { type: 'string' } },
    run: async (ctx) => printGrant(ctx, await ctx.api().request<Grant>('DELETE', grantPath(ctx), { body: { reason: ctx.need('reason') } })),
  },
});

interface Approver { personId: string; handle: string; source: string; addedAt: string | null }
const printApprovers = (ctx: Context, r: { items: Approver[] }) =>
  ctx.out(ctx.json ? renderJson(r.items) : renderTable(r.items, [{ header: 'handle', value: (a) => a.handle }, { header: 'source', value: (a) => a.source }, { header: 'added', value: (a) => a.addedAt }]));
const approversPath = (ref: string, rest = '') => `/api/v1/resources/${seg(ref)}/approvers${rest}`;

export const runApproverCommand = commandGroup('approver', 'who approves access to a resource: its owner and designated approvers', {
  list: { usage: 'RESOURCE', summary: 'the owner and designated approvers', args: ['RESOURCE'], run: async (ctx) => printApprovers(ctx, await ctx.api().get<{ items: Approver[] }>(approversPath(ctx.positionals[0]!))) },
  add: {
    usage: 'RESOURCE PERSON', summary: 'designate an approver (an active member with the approver or admin role)', args: ['RESOURCE', 'PERSON'],
    run: async (ctx) => printApprovers(ctx, await ctx.api().request<{ items: Approver[] }>('POST', approversPath(ctx.positionals[0]!), { body: { person: ctx.positionals[1]! } })),
  },
  remove: {
    usage: 'RESOURCE PERSON', summary: 'remove a designated approver', args: ['RESOURCE', 'PERSON'],
    run: async (ctx) => printApprovers(ctx, await ctx.api().request<{ items: Approver[] }>('DELETE', approversPath(ctx.positionals[0]!, `/${seg(ctx.positionals[1]!)}`))),
  },
});

/**
 * `--set key=value` pairs of `palisade settings access` as the PATCH body.
 * @example settingsPatch(['max-duration.production=4h', 'references-required=2'])
 */
export function settingsPatch(pairs: string[]): Record<string, unknown> {
  const body: { maxDuration?: Record<string, string>; pendingTtl?: string; readiness?: Record<string, unknown> } = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set '${pair}': expected key=value`);
    const [key, value] = [pair.slice(0, eq), pair.slice(eq + 1)];
    const env = /^max-duration\.(production|staging|development)$/.exec(key);
    if (env) (body.maxDuration ??= {})[env[1]!] = toIsoDuration(value, 'set');
    else if (key === 'pending-ttl') body.pendingTtl = toIsoDuration(value, 'set');
    else if (key === 'required-training') (body.readiness ??= {}).requiredTraining = value === '' || value === 'none' ? [] : value.split(',').map((s) => s.trim());
    else if (key === 'references-required') {
      if (!/^\d{1,2}$/.test(value)) throw new UsageError('--set references-required=N takes a whole number');
      (body.readiness ??= {}).referencesRequired = Number(value);
    } else if (key === 'security-quiz') (body.readiness ??= {}).securityQuiz = value;
    else throw new UsageError(`--set: unknown key '${key}' (max-duration.production|staging|development, pending-ttl, required-training, references-required, security-quiz)`);
  }
  return body;
}

export const runSettingsCommand = commandGroup('settings', 'Palisade settings', {
  access: {
    usage: '[--set key=value]…',
    summary: 'show, or change with --set: max-duration.<env>=8h, pending-ttl=24h, required-training=a,b, references-required=N, security-quiz=NAME',
    options: { set: { type: 'string', multiple: true } },
    async run(ctx) {
      const pairs = ctx.strs('set');
      const s = pairs.length
        ? await ctx.api().request<Record<string, unknown>>('PATCH', '/api/v1/settings/access', { body: settingsPatch(pairs) })
        : await ctx.api().get<Record<string, unknown>>('/api/v1/settings/access');
      const v = s as { maxDuration: Record<string, string>; pendingTtl: string; readiness: { requiredTraining: string[]; referencesRequired: number; securityQuiz: string } };
      ctx.out(ctx.json ? renderJson(s) : renderRecord([
        ['max production', v.maxDuration.production], ['max staging', v.maxDuration.staging], ['max development', v.maxDuration.development],
        ['pending ttl', v.pendingTtl], ['required training', v.readiness.requiredTraining], ['references required', v.readiness.referencesRequired],
        ['security quiz', v.readiness.securityQuiz],
      ]));
    },
  },
});

/** @module cli/alerts — `palisade alert list|show|ack|assign|resolve` and the notification channels (`channels`, `channel-add`, `channel-show`, `channel-remove`). */
import { listPages, UsageError } from './client.ts';
import { commandGroup, PAGING, pagingOf, printPage, type Context, type Subcommand } from './command.ts';
import { parseTime, personId, seg } from './flags.ts';
import { renderJson, renderRecord, renderTable } from './table.ts';

interface Alert {
  id: string; ruleId: string; title: string; severity: string; status: string; subject: string;
  developer: { id: string; handle: string | null } | null; engagementId: string | null; assignee: { id: string; handle: string | null } | null;
  firstSeenAt: string; lastSeenAt: string; count: number; tags: string[]; resolution: string | null;
  events?: { eventId: string; leafIndex: number; type: string; occurredAt: string }[];
}

interface Channel {
  id: string; name: string; kind: string; minSeverity: string; destination: string; status: string;
  pending: number; delivered: number; lastError: string | null; createdAt: string; secret?: string;
}

function printAlert(ctx: Context, a: Alert): void {
  if (ctx.json) return ctx.out(renderJson(a));
  ctx.out(renderRecord([
    ['title', a.title], ['severity', a.severity], ['status', a.status], ['subject', a.subject], ['rule', a.ruleId],
    ['developer', a.developer?.handle ?? a.developer?.id ?? null], ['engagement', a.engagementId], ['assignee', a.assignee?.handle ?? null],
    ['first seen', a.firstSeenAt], ['last seen', a.lastSeenAt], ['count', a.count], ['tags', a.tags.join(', ') || null],
    ['resolution', a.resolution], ['id', a.id],
  ]));
  if (a.events?.length) {
    ctx.out('\nevents (prove one is in the log: palisade audit proof EVENT_ID):\n');
    ctx.out(renderTable(a.events, [
      { header: 'leaf', value: (e) => e.leafIndex }, { header: 'type', value: (e) => e.type },
      { header: 'occurred', value: (e) => e.occurredAt }, { header: 'event id', value: (e) => e.eventId },
    ]));
  }
}

const path = (id: string) => `/api/v1/alerts/${seg(id)}`;

const list: Subcommand = {
  usage: '[--status open|acknowledged|resolved] [--severity S] [--rule ID] [--developer REF] [--engagement ID] [--assignee REF] [--since T] [--until T] [--limit N] [--all] [--cursor C]',
  summary: 'list alerts, oldest first; --severity means that severity and above; times as ISO or a duration ago (24h)',
  options: {
    status: { type: 'string' }, severity: { type: 'string' }, rule: { type: 'string' }, developer: { type: 'string' },
    engagement: { type: 'string' }, assignee: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, ...PAGING,
  },
  async run(ctx) {
    const api = ctx.api();
    const dev = ctx.str('developer');
    const assignee = ctx.str('assignee');
    const since = ctx.str('since');
    const until = ctx.str('until');
    const query = {
      status: ctx.str('status'), severity: ctx.str('severity'), ruleId: ctx.str('rule'), engagementId: ctx.str('engagement'),
      developerId: dev && (await personId(api, dev)), assigneeId: assignee && (await personId(api, assignee)),
      since: since && parseTime(since, 'since'), until: until && parseTime(until, 'until'),
    };
    const page = await listPages<Alert>(api, '/api/v1/alerts', query, pagingOf(ctx));
    printPage(ctx, page, (rows) => renderTable(rows, [
      { header: 'id', value: (a) => a.id },
      { header: 'severity', value: (a) => a.severity },
      { header: 'status', value: (a) => a.status },
      { header: 'title', value: (a) => a.title },
      { header: 'subject', value: (a) => a.subject },
      { header: 'count', value: (a) => a.count },
      { header: 'last seen', value: (a) => a.lastSeenAt },
      { header: 'assignee', value: (a) => a.assignee?.handle ?? null },
    ]));
  },
};

const show: Subcommand = {
  usage: 'ID',
  summary: 'show an alert with the events that caused it and their log positions',
  args: ['ID'],
  run: async (ctx) => printAlert(ctx, await ctx.api().get<Alert>(path(ctx.positionals[0]!))),
};

const ack: Subcommand = {
  usage: 'ID [--comment TEXT]',
  summary: 'acknowledge an alert (someone is on it)',
  args: ['ID'],
  options: { comment: { type: 'string' } },
  run: async (ctx) => printAlert(ctx, await ctx.api().request<Alert>('POST', `${path(ctx.positionals[0]!)}/acknowledge`, { body: { comment: ctx.str('comment') } })),
};

const assign: Subcommand = {
  usage: 'ID ADMIN|none',
  summary: 'assign an alert to an admin (handle or id), or "none" to unassign',
  args: ['ID', 'ADMIN'],
  async run(ctx) {
    const who = ctx.positionals[1]!;
    const body = { assignee: who === 'none' ? null : who };
    printAlert(ctx, await ctx.api().request<Alert>('POST', `${path(ctx.positionals[0]!)}/assign`, { body }));
  },
};

const resolve: Subcommand = {
  usage: 'ID --resolution TEXT',
  summary: 'resolve an alert, saying what was found and done (final)',
  args: ['ID'],
  options: { resolution: { type: 'string' } },
  run: async (ctx) => printAlert(ctx, await ctx.api().request<Alert>('POST', `${path(ctx.positionals[0]!)}/resolve`, { body: { resolution: ctx.need('resolution') } })),
};

function printChannel(ctx: Context, c: Channel): void {
  if (ctx.json) return ctx.out(renderJson(c));
  ctx.out(renderRecord([
    ['name', c.name], ['kind', c.kind], ['min severity', c.minSeverity], ['destination', c.destination], ['status', c.status],
    ['pending', c.pending], ['delivered', c.delivered], ['last error', c.lastError], ['id', c.id], ['created', c.createdAt],
  ]));
  if (c.secret) ctx.out(`\nWebhook secret (shown this once; verify X-Palisade-Signature with it):\n\n    ${c.secret}\n`);
}

const channels: Subcommand = {
  usage: '[--status active|removed] [--limit N] [--all] [--cursor C]',
  summary: 'list notification channels with their pending and delivered counts',
  options: { status: { type: 'string' }, ...PAGING },
  async run(ctx) {
    const page = await listPages<Channel>(ctx.api(), '/api/v1/alerts/channels', { status: ctx.str('status') }, pagingOf(ctx));
    printPage(ctx, page, (rows) => renderTable(rows, [
      { header: 'name', value: (c) => c.name }, { header: 'kind', value: (c) => c.kind }, { header: 'min severity', value: (c) => c.minSeverity },
      { header: 'destination', value: (c) => c.destination }, { header: 'status', value: (c) => c.status },
      { header: 'pending', value: (c) => c.pending }, { header: 'delivered', value: (c) => c.delivered },
    ]));
  },
};

const channelAdd: Subcommand = {
  usage: '--name N --kind webhook|slack|email [--min-severity S] [--url URL] [--secret-env VAR] | email: --host H [--port P] [--tls starttls|implicit|none] --from ADDR --to ADDR… [--username U --password-env VAR]',
  summary: 'add a channel; secrets come from environment variables (never flags); a webhook without --secret-env gets a generated secret, shown once',
  options: {
    name: { type: 'string' }, kind: { type: 'string' }, 'min-severity': { type: 'string' }, url: { type: 'string' }, 'secret-env': { type: 'string' },
    host: { type: 'string' }, port: { type: 'string' }, tls: { type: 'string' }, from: { type: 'string' }, to: { type: 'string', multiple: true },
    username: { type: 'string' }, 'password-env': { type: 'string' },
  },
  async run(ctx) {
    const fromEnv = (flag: string) => {
      const name = ctx.str(flag);
      if (name === undefined) return undefined;
      const v = process.env[name];
      if (!v) throw new UsageError(`--${flag} ${name}: that environment variable is empty or not set`);
      return v;
    };
    const kind = ctx.need('kind');
    const body: Record<string, unknown> = { kind, name: ctx.need('name'), minSeverity: ctx.str('min-severity') };
    if (kind === 'webhook' || kind === 'slack') {
      body.url = ctx.need('url');
      if (kind === 'webhook') body.secret = fromEnv('secret-env');
    } else if (kind === 'email') {
      const port = ctx.str('port');
      Object.assign(body, {
        host: ctx.need('host'), port: port === undefined ? undefined : Number(port), tls: ctx.str('tls'), from: ctx.need('from'), to: ctx.strs('to'),
        username: ctx.str('username'), password: fromEnv('password-env'),
      });
    } else {
      throw new UsageError('--kind must be webhook, slack or email');
    }
    printChannel(ctx, await ctx.api().request<Channel>('POST', '/api/v1/alerts/channels', { body }));
  },
};

const channelShow: Subcommand = {
  usage: 'REF',
  summary: 'show a channel (REF: name or id)',
  args: ['REF'],
  run: async (ctx) => printChannel(ctx, await ctx.api().get<Channel>(`/api/v1/alerts/channels/${seg(ctx.positionals[0]!)}`)),
};

const channelRemove: Subcommand = {
  usage: 'REF',
  summary: 'remove a channel; its undelivered alerts are cancelled (the alerts stay)',
  args: ['REF'],
  run: async (ctx) => printChannel(ctx, await ctx.api().request<Channel>('DELETE', `/api/v1/alerts/channels/${seg(ctx.positionals[0]!)}`)),
};

export const runAlertCommand = commandGroup('alert', 'alerts raised by the detection engine, and where they are sent', {
  list, show, ack, assign, resolve, channels, 'channel-add': channelAdd, 'channel-show': channelShow, 'channel-remove': channelRemove,
});

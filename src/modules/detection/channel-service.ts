/**
 * @module detection/channel-service — notification channels: a signed JSON webhook, a Slack-compatible
 * incoming webhook, or email over SMTP, each with the least severity it receives. Secrets are sealed
 * (channel-secrets.ts) and never returned, except a generated webhook secret, shown once.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { newId, UUID_PATTERN } from '../../core/ids.ts';
import { decodeCursor, toPage, type Page } from '../../core/pagination.ts';
import type { Database } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import type { ChannelSealer } from './channel-secrets.ts';
import * as store from './channel-store.ts';
import type { Channel, CreateChannelInput, ListChannelsQuery } from './detection-types.ts';

export interface ChannelService {
  create(actor: AnyActor, input: CreateChannelInput): Promise<Channel & { secret?: string }>;
  list(actor: AnyActor, query: ListChannelsQuery): Promise<Page<Channel>>;
  /** By id or (active) name. */
  get(actor: AnyActor, ref: string): Promise<Channel>;
  /** Stop sending to a channel; its pending deliveries are cancelled. */
  remove(actor: AnyActor, ref: string): Promise<Channel>;
}

/** Where a channel sends, for people: no query strings, no Slack token path, no password. */
export function destinationOf(row: Pick<store.ChannelRow, 'kind' | 'config'>): string {
  if (row.kind === 'webhook') {
    const u = new URL(String(row.config.url));
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  }
  if (row.kind === 'slack') return String(row.config.urlHint);
  const c = row.config as { host: string; port: number; tls: string; to: string[] };
  return `smtp${c.tls === 'implicit' ? 's' : ''}://${c.host}:${c.port} → ${c.to.join(', ')}`;
}

const view = (r: store.ChannelRow): Channel => ({
  id: r.id, name: r.name, kind: r.kind, minSeverity: r.minSeverity, destination: destinationOf(r), status: r.status,
  pending: r.pending, delivered: r.delivered, lastError: r.lastError, createdAt: r.createdAt, updatedAt: r.updatedAt,
});

/** @example const channels = createChannelService({ db, clock, audit, sealer }); await channels.create(actor, { kind: 'webhook', … }); */
export function createChannelService(deps: { db: Database; clock: Clock; audit: AuditService; sealer: ChannelSealer }): ChannelService {
  const { db, clock, audit, sealer } = deps;

  const load = async (ref: string) => {
    const row = UUID_PATTERN.test(ref) ? await store.findChannel(db, ref) : await store.findActiveChannelByName(db, ref);
    if (!row) throw new NotFoundError(`channel ${ref} not found`);
    return row;
  };

  return {
    async create(actor, input) {
      assertPermitted(actor, 'alerts.channels.write');
      const now = clock.now();
      let config: Record<string, unknown>;
      let secret: string | null = null;
      let generated: string | undefined;
      if (input.kind === 'webhook') {
        config = { url: input.url };
        secret = input.secret ?? (generated = randomBytes(32).toString('base64url'));
      } else if (input.kind === 'slack') {
        // The URL's path is the credential: show only the host.
        config = { urlHint: `${new URL(input.url).origin}/…` };
        secret = input.url;
      } else {
        config = { host: input.host, port: input.port, tls: input.tls, from: input.from, to: input.to, ...(input.username ? { username: input.username } : {}) };
        secret = input.password ?? null;
      }
      const row: store.ChannelRow = {
        id: newId(), name: input.name, kind: input.kind, minSeverity: input.minSeverity, config,
        sealedSecret: secret === null ? null : sealer.seal(secret), status: 'active', createdAt: now, updatedAt: now, pending: 0, delivered: 0, lastError: null,
      };
      return db.transaction(async (tx) => {
        if (await store.findActiveChannelByName(tx, input.name)) throw new ConflictError(`an active channel is already called "${input.name}"`);
        await store.insertChannel(tx, row, actor.kind === 'person' ? actor.personId : null);
        await audit.record(tx, actor, {
          type: 'notification_channel.created', outcome: 'success', target: { type: 'notification_channel', id: row.id },
          details: { name: row.name, kind: row.kind, minSeverity: row.minSeverity, destination: destinationOf(row), secretGenerated: generated !== undefined },
        });
        return { ...view(row), ...(generated ? { secret: generated } : {}) };
      });
    },

    async list(actor, query) {
      assertPermitted(actor, 'alerts.channels.read');
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (after !== null && (typeof after !== 'string' || !UUID_PATTERN.test(after))) throw new ValidationError('invalid cursor');
      const page = toPage(await store.listChannels(db, query, after), query.limit, (r) => r.id);
      return { items: page.items.map(view), nextCursor: page.nextCursor };
    },

    async get(actor, ref) {
      assertPermitted(actor, 'alerts.channels.read');
      return view(await load(ref));
    },

    async remove(actor, ref) {
      assertPermitted(actor, 'alerts.channels.write');
      const row = await load(ref);
      if (row.status === 'removed') return view(row);
      return db.transaction(async (tx) => {
        await store.removeChannel(tx, row.id, clock.now());
        await audit.record(tx, actor, {
          type: 'notification_channel.removed', outcome: 'success', target: { type: 'notification_channel', id: row.id },
          details: { name: row.name, kind: row.kind, cancelledDeliveries: row.pending },
        });
        return view((await store.findChannel(tx, row.id))!);
      });
    },
  };
}

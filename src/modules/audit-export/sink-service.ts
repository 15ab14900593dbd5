/**
 * @module audit-export/sink-service — export sinks configured through the API: an HTTP endpoint
 * (batched NDJSON POSTs) or a syslog collector (RFC 5424 over TCP or TLS). Creating and removing a
 * sink are audited; header values (credentials of a collector) are sealed and never shown again.
 */
import { hostname } from 'node:os';
import type { Clock } from '../../core/clock.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.ts';
import { newId, UUID_PATTERN } from '../../core/ids.ts';
import { decodeCursor, toPage, type Page } from '../../core/pagination.ts';
import type { Database } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import type { CreateSinkInput, ListSinksQuery, Sink } from './export-types.ts';
import type { SecretSealer } from './sealed-secrets.ts';
import * as store from './sink-store.ts';

export const HEADERS_PURPOSE = 'palisade:audit-sink-headers';

export interface AuditSinkService {
  create(actor: AnyActor, input: CreateSinkInput): Promise<Sink>;
  list(actor: AnyActor, query: ListSinksQuery): Promise<Page<Sink>>;
  get(actor: AnyActor, id: string): Promise<Sink>;
  /** Stop delivering to a sink (a status change: the row and its position stay). */
  remove(actor: AnyActor, id: string): Promise<Sink>;
}

/** Where a sink delivers, for people: the URL without its query string, or the syslog address. */
export function destinationOf(row: store.SinkRow): string {
  if (row.kind === 'http') {
    const u = new URL(row.config.url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  }
  const host = row.config.host.includes(':') ? `[${row.config.host}]` : row.config.host;
  return `syslog+${row.config.tls ? 'tls' : 'tcp'}://${host}:${row.config.port}`;
}

function view(row: store.SinkRow, size: number): Sink {
  return {
    id: row.id, name: row.name, kind: row.kind, format: row.format, status: row.status,
    destination: destinationOf(row),
    headerNames: row.kind === 'http' ? row.config.headerNames : [],
    batchSize: row.config.batchSize,
    position: row.position,
    lag: row.status === 'active' ? Math.max(0, size - 1 - row.position) : 0,
    delivered: row.delivered, failures: row.failures, nextAttemptAt: row.nextAttemptAt,
    lastError: row.lastError, lastErrorAt: row.lastErrorAt, lastDeliveredAt: row.lastDeliveredAt,
    createdAt: row.createdAt, updatedAt: row.updatedAt,
  };
}

/**
 * The sink service.
 * @example const sinks = createAuditSinkService({ db, clock, audit, secrets }); await sinks.create(actor, { kind: 'syslog', … });
 */
export function createAuditSinkService(deps: { db: Database; clock: Clock; audit: AuditService; secrets: SecretSealer }): AuditSinkService {
  const { db, clock, audit, secrets } = deps;

  const load = async (id: string) => {
    if (!UUID_PATTERN.test(id)) throw new NotFoundError('sink not found');
    const row = await store.findSink(db, id);
    if (!row) throw new NotFoundError('sink not found');
    return row;
  };

  return {
    async create(actor, input) {
      assertPermitted(actor, 'audit.sinks.write');
      const now = clock.now();
      return db.transaction(async (tx) => {
        if (await store.activeNameTaken(tx, input.name)) throw new ConflictError(`an active sink is already called "${input.name}"`);
        const size = await store.logSize(tx);
        const position = input.startAt === 'now' ? size - 1 : -1;
        const common = { id: newId(), name: input.name, format: input.format, status: 'active' as const, position, delivered: 0, failures: 0,
          nextAttemptAt: null, lastError: null, lastErrorAt: null, lastDeliveredAt: null, createdAt: now, updatedAt: now };
        let row: store.SinkRow;
        if (input.kind === 'http') {
          const headers = input.headers ?? {};
          const names = Object.keys(headers);
          if (names.some((n) => ['content-type', 'content-length', 'host'].includes(n.toLowerCase()))) {
            throw new ValidationError('Palisade sets Content-Type, Content-Length and Host itself', [{ path: 'headers', message: 'not allowed' }]);
          }
          row = {
            ...common, kind: 'http', config: { url: input.url, batchSize: input.batchSize, headerNames: names },
            sealedHeaders: names.length > 0 ? secrets.seal(JSON.stringify(headers), HEADERS_PURPOSE) : null,
          };
        } else {
          const { kind: _k, name: _n, format: _f, startAt: _s, ...config } = input;
          row = { ...common, kind: 'syslog', config: { ...config, hostname: config.hostname ?? (hostname().replace(/[^\x21-\x7e]/g, '') || '-') }, sealedHeaders: null };
        }
        await store.insertSink(tx, row, actor.kind === 'person' ? actor.personId : null);
        await audit.record(tx, actor, {
          type: 'audit_sink.created',
          outcome: 'success',
          target: { type: 'audit_sink', id: row.id },
          details: {
            name: row.name, kind: row.kind, format: row.format, destination: destinationOf(row),
            headerNames: row.kind === 'http' ? row.config.headerNames : [], startAt: input.startAt, position,
          },
        });
        return view(row, size);
      });
    },

    async list(actor, query) {
      assertPermitted(actor, 'audit.sinks.read');
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
      if (after !== null && (typeof after !== 'string' || !UUID_PATTERN.test(after))) throw new ValidationError('invalid cursor');
      const size = await store.logSize(db);
      const page = toPage(await store.listSinks(db, query, after), query.limit, (r) => r.id);
      return { items: page.items.map((r) => view(r, size)), nextCursor: page.nextCursor };
    },

    async get(actor, id) {
      assertPermitted(actor, 'audit.sinks.read');
      return view(await load(id), await store.logSize(db));
    },

    async remove(actor, id) {
      assertPermitted(actor, 'audit.sinks.write');
      const before = await load(id);
      if (before.status === 'removed') return view(before, 0);
      const now = clock.now();
      return db.transaction(async (tx) => {
        await store.markRemoved(tx, id, now);
        await audit.record(tx, actor, {
          type: 'audit_sink.removed',
          outcome: 'success',
          target: { type: 'audit_sink', id },
          details: { name: before.name, position: before.position, delivered: before.delivered },
        });
        return view({ ...before, status: 'removed', updatedAt: now }, 0);
      });
    },
  };
}

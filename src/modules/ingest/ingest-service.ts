/**
 * @module ingest/ingest-service — events from outside become ordinary audit events: the accepted
 * events are written with one `audit.recordMany` in the request's one transaction, together with their
 * source-event key (so a re-send finds it) and the source's counters. Every line or event that is
 * refused is counted and reported with its position; nothing is dropped silently.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.ts';
import { ValidationError } from '../../core/errors.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { SecretSealer } from '../audit-export/sealed-secrets.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { Actor, AnyActor, RequestOrigin } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { readGenericEvents } from './generic-events.ts';
import { readGithubEvents } from './github-events.ts';
import { verifyGithubSignature } from './github-signature.ts';
import type { IngestItem, IngestSource, ReadResult } from './ingest-items.ts';
import * as store from './ingest-store.ts';
import { SOURCES, type IngestReport, type IngestStats } from './ingest-types.ts';
import { splitJsonBody } from './json-values.ts';
import { readSshdLines } from './sshd-lines.ts';

export const MAX_SSHD_LINES = 20_000;
export const MAX_JSON_EVENTS = 5_000;
const REPORTED_ERRORS = 100;

export interface SshdIngestOptions {
  host: string;
  year?: number | undefined;
  tz: string;
}

export interface IngestService {
  /** An auth.log / journal text body from one host. */
  sshd(actor: AnyActor, opts: SshdIngestOptions, body: Buffer): Promise<IngestReport>;
  /** GitHub audit log events. The webhook route calls it as the system actor after checking the signature. */
  github(actor: AnyActor, body: Buffer): Promise<IngestReport>;
  /** Generic events in Palisade's JSON shape. */
  events(actor: AnyActor, body: Buffer): Promise<IngestReport>;
  stats(actor: AnyActor): Promise<IngestStats>;
  /** Set the GitHub webhook secret; without one, a random secret is generated and returned once. */
  setGithubSecret(actor: AnyActor, secret: string | undefined): Promise<{ configured: true; updatedAt: Date; secret?: string }>;
  removeGithubSecret(actor: AnyActor): Promise<{ configured: false; updatedAt: null }>;
  /**
   * Whether `signature` (the X-Hub-Signature-256 header) signs `body` with the configured secret,
   * and if not, why. Called before any actor exists, by the webhook route only.
   */
  checkGithubSignature(body: Buffer, signature: string | undefined): Promise<'valid' | 'invalid' | 'no secret configured' | 'secret unreadable'>;
}

type Person = store.KnownPerson;

/** The actor recorded for an ingested event: the Palisade person behind it, or just where it came from. */
function eventActor(item: IngestItem, person: Person | null, requestId: string | null): AnyActor | RequestOrigin {
  if (!person) return { ip: item.actor.ip, userAgent: item.actor.userAgent, requestId };
  // Attributed from the source event, not authenticated through a token: no token id, no scopes.
  const attributed: Actor = {
    kind: 'person', personId: person.id, handle: person.handle, role: person.role, tokenId: '', scopes: [],
    ip: item.actor.ip, userAgent: item.actor.userAgent, requestId,
  };
  return attributed;
}

const SECRET_PURPOSE = 'palisade:github-webhook-secret';

/**
 * The ingestion service; `secrets` seals the GitHub webhook secret under the master key.
 * @example const ingest = createIngestService({ db, clock, audit, secrets }); await ingest.sshd(actor, { host: 'web-1', tz: 'UTC' }, body);
 */
export function createIngestService(deps: { db: Database; clock: Clock; audit: AuditService; secrets: SecretSealer }): IngestService {
  const { db, clock, audit, secrets } = deps;

  /** Record the items of one request, skipping keys already ingested, in one transaction. */
  const ingest = async (actor: AnyActor, source: IngestSource, read: ReadResult): Promise<IngestReport> => {
    const now = clock.now();
    const by = actor.kind === 'person' ? actor.handle : 'github-webhook';
    const unique = new Map<string, IngestItem>();
    for (const item of read.items) if (!unique.has(item.sourceKey)) unique.set(item.sourceKey, item);
    const skippedCount = Object.values(read.skipped).reduce((a, b) => a + b, 0);
    return db.transaction(async (tx) => {
      const claimed = await store.claimKeys(tx, source, [...unique.keys()], now);
      const fresh = [...unique.values()].filter((i) => claimed.has(i.sourceKey));
      const people = await resolvePeople(tx, fresh);
      const resources = await resolveResources(tx, fresh);
      const events = fresh.map((item) => {
        const byKey = item.actor.sshFingerprint ? people.byFingerprint.get(item.actor.sshFingerprint) : undefined;
        const byHandle = item.actor.handle ? people.byHandle.get(item.actor.handle) : undefined;
        const person = byKey ?? byHandle ?? null;
        const resourceId = item.resource ? resources.get(`${item.resource.kind}\n${item.resource.name}`) : undefined;
        const details: Record<string, unknown> = { ...item.details };
        const ingestInfo: Record<string, unknown> = {
          source,
          sourceKey: item.sourceKey,
          sourceTime: item.sourceTime.toISOString(),
          by,
          actorMatch: byKey ? 'ssh-key' : byHandle ? 'handle' : null,
          ...item.ingest,
        };
        // A source field that happens to be called "ingest" is kept, inside ours.
        if ('ingest' in details) ingestInfo.sourceField = details.ingest;
        details.ingest = ingestInfo;
        return {
          actor: eventActor(item, person, actor.requestId),
          event: {
            type: item.type,
            outcome: item.outcome,
            target: resourceId ? { type: 'resource', id: resourceId } : (item.target ?? undefined),
            details,
          },
        };
      });
      // One statement for the whole request (a round trip per event was most of its time).
      const ids = await audit.recordMany(tx, events);
      await store.setEventIds(tx, source, fresh.map((i) => i.sourceKey), ids);
      const counts = { accepted: fresh.length, duplicates: read.items.length - fresh.length, rejected: read.errors.length, skipped: skippedCount };
      const at = now.toISOString();
      await store.addCounts(tx, source, counts, now, read.errors.map((e) => ({ ...e, at, requestId: actor.requestId })));
      return {
        source,
        ...counts,
        skippedReasons: read.skipped,
        errors: read.errors.slice(0, REPORTED_ERRORS),
        errorsTruncated: read.errors.length > REPORTED_ERRORS,
      };
    });
  };

  const resolvePeople = async (tx: Queryable, items: IngestItem[]) => {
    const fingerprints = [...new Set(items.flatMap((i) => (i.actor.sshFingerprint ? [i.actor.sshFingerprint] : [])))];
    const handles = [...new Set(items.flatMap((i) => (i.actor.handle ? [i.actor.handle] : [])))];
    return { byFingerprint: await store.personsByFingerprint(tx, fingerprints), byHandle: await store.personsByHandle(tx, handles) };
  };

  const resolveResources = async (tx: Queryable, items: IngestItem[]) => {
    const found = new Map<string, string>();
    for (const kind of ['ssh_host', 'git_repository'] as const) {
      const names = [...new Set(items.flatMap((i) => (i.resource?.kind === kind ? [i.resource.name] : [])))];
      for (const [name, id] of await store.resourcesByName(tx, kind, names)) found.set(`${kind}\n${name}`, id);
    }
    return found;
  };

  const jsonValues = (body: Buffer) => {
    const split = splitJsonBody(body);
    if (split.values.length + split.errors.length > MAX_JSON_EVENTS) {
      throw new ValidationError(`at most ${MAX_JSON_EVENTS} events per request; send the rest in another request`);
    }
    return split;
  };

  return {
    async sshd(actor, opts, body) {
      assertPermitted(actor, 'ingest.write');
      const read = readSshdLines(body, { host: opts.host, timeZone: opts.tz, year: opts.year, now: clock.now() });
      const lines = read.items.length + read.errors.length + Object.values(read.skipped).reduce((a, b) => a + b, 0);
      if (lines > MAX_SSHD_LINES) throw new ValidationError(`at most ${MAX_SSHD_LINES} lines per request; send the rest in another request`);
      return ingest(actor, 'sshd', read);
    },

    async github(actor, body) {
      assertPermitted(actor, 'ingest.write');
      const split = jsonValues(body);
      const read = readGithubEvents(split.values);
      return ingest(actor, 'github', { ...read, errors: [...split.errors, ...read.errors] });
    },

    async events(actor, body) {
      assertPermitted(actor, 'ingest.write');
      const split = jsonValues(body);
      const read = readGenericEvents(split.values);
      return ingest(actor, 'events', { ...read, errors: [...split.errors, ...read.errors] });
    },

    async stats(actor) {
      assertPermitted(actor, 'ingest.read');
      const rows = new Map((await store.readSources(db)).map((r) => [r.source, r]));
      const sources = SOURCES.map((source) => rows.get(source) ?? {
        source, requests: 0, accepted: 0, duplicates: 0, rejected: 0, skipped: 0,
        lastReceivedAt: null, lastAcceptedAt: null, lastRejectedAt: null, lastRejections: [],
      });
      return { sources, githubWebhookSecretConfigured: (await store.readSetting(db, 'github_webhook_secret')) !== null };
    },

    async setGithubSecret(actor, secret) {
      assertPermitted(actor, 'ingest.write');
      const generated = secret === undefined;
      const value = secret ?? randomBytes(32).toString('hex');
      const now = clock.now();
      await db.transaction(async (tx) => {
        const replaced = await store.writeSetting(tx, 'github_webhook_secret', secrets.seal(value, SECRET_PURPOSE), now, actor.kind === 'person' ? actor.personId : null);
        // The secret itself is never part of an event.
        await audit.record(tx, actor, {
          type: 'github_webhook_secret.set',
          outcome: 'success',
          target: { type: 'ingest_setting', id: 'github_webhook_secret' },
          details: { generated, replaced },
        });
      });
      return { configured: true, updatedAt: now, ...(generated ? { secret: value } : {}) };
    },

    async removeGithubSecret(actor) {
      assertPermitted(actor, 'ingest.write');
      await db.transaction(async (tx) => {
        const removed = await store.deleteSetting(tx, 'github_webhook_secret');
        if (removed) {
          await audit.record(tx, actor, {
            type: 'github_webhook_secret.removed',
            outcome: 'success',
            target: { type: 'ingest_setting', id: 'github_webhook_secret' },
            details: {},
          });
        }
      });
      return { configured: false, updatedAt: null };
    },

    async checkGithubSignature(body, signature) {
      const stored = await store.readSetting(db, 'github_webhook_secret');
      if (!stored) return 'no secret configured';
      let secret: string;
      try {
        secret = secrets.open(stored.sealed, SECRET_PURPOSE);
      } catch {
        // Sealed under another master key or damaged: the operator must set the secret again.
        return 'secret unreadable';
      }
      return verifyGithubSignature(secret, body, signature) ? 'valid' : 'invalid';
    },
  };
}

/** @module git-gateway/git-events.test — an event that cannot be written now is retried, then spooled, never dropped. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import { boundLists, createGitEventRecorder, MAX_LISTED } from './git-events.ts';

/** A database that fails while `down` is true, and an audit service that remembers what it wrote. */
function fakes() {
  const written: string[] = [];
  const state = { down: false };
  const db = { transaction: async (fn: (tx: unknown) => Promise<unknown>) => {
    if (state.down) throw new Error('connection refused');
    return fn({});
  } } as unknown as Database;
  const audit = {
    record: async (_tx: unknown, _a: unknown, e: { type: string }) => void written.push(e.type),
    recordMany: async (_tx: unknown, items: { event: { type: string } }[]) => void written.push(...items.map((i) => i.event.type)),
  } as unknown as AuditService;
  return { db, audit, written, state };
}

describe('createGitEventRecorder', () => {
  it('spools an event the database refuses after retries, and writes it with the next event that gets through', async () => {
    const { db, audit, written, state } = fakes();
    const spoolFile = join(mkdtempSync(join(tmpdir(), 'palisade-spool-')), 'sub', 'events.jsonl');
    const errors: string[] = [];
    const events = createGitEventRecorder({ db, audit, spoolFile, onError: (_e, what) => errors.push(what) });
    state.down = true;
    await events.record({ ip: '10.0.0.1', userAgent: null, requestId: 'r1' }, { type: 'git.clone', outcome: 'success', details: { repository: 'app' } });
    expect(written).toEqual([]);
    expect(readFileSync(spoolFile, 'utf8')).toContain('"git.clone"');
    expect(errors).toEqual(['git event could not be recorded; spooled']);
    state.down = false;
    await events.record({ ip: '10.0.0.1', userAgent: null, requestId: 'r2' }, { type: 'git.fetch', outcome: 'success', details: {} });
    await events.settled();
    expect(written).toEqual(['git.fetch', 'git.clone']);
    expect(existsSync(spoolFile)).toBe(false);
  }, 10_000);

  it('after a restart writes what an earlier process spooled, including a drain that a crash interrupted', async () => {
    const { db, audit, written } = fakes();
    const dir = join(mkdtempSync(join(tmpdir(), 'palisade-spool-')), 'sub');
    mkdirSync(dir);
    const spoolFile = join(dir, 'events.jsonl');
    const line = (type: string) => JSON.stringify({ actor: { ip: null, userAgent: null, requestId: null }, event: { type, outcome: 'success', details: {} } }) + '\n';
    // The earlier process had taken one batch to drain when it died, and spooled another afterwards.
    writeFileSync(`${spoolFile}.draining`, line('git.clone'));
    writeFileSync(spoolFile, line('git.push'));
    const events = createGitEventRecorder({ db, audit, spoolFile });
    expect(await events.drainSpool()).toBe(1);
    expect(await events.drainSpool()).toBe(1);
    expect(written).toEqual(['git.clone', 'git.push']);
    expect(existsSync(spoolFile) || existsSync(`${spoolFile}.draining`)).toBe(false);
  });

  it('lists at most a thousand refs of a huge push, and says how many it left out, so the log never refuses the event', async () => {
    const { db, audit } = fakes();
    const refs = Array.from({ length: 1500 }, (_, i) => ({ ref: `refs/tags/v${i}`, oldOid: '0'.repeat(40), newOid: 'a'.repeat(40) }));
    const recorded: Record<string, unknown>[] = [];
    const capturing = { ...audit, record: async (_tx: unknown, _a: unknown, e: { type: string; details: Record<string, unknown> }) => void recorded.push(e.details) } as unknown as AuditService;
    const bounded = createGitEventRecorder({ db, audit: capturing, spoolFile: null });
    await bounded.record({ ip: null, userAgent: null, requestId: null }, { type: 'git.push', outcome: 'success', details: { refs, repository: 'app' } });
    expect((recorded[0]!.refs as unknown[]).length).toBe(MAX_LISTED);
    expect(recorded[0]).toMatchObject({ refsOmitted: 500, repository: 'app' });
    expect(boundLists({ refs: refs.slice(0, 3) })).toEqual({ refs: refs.slice(0, 3) });
  });
});

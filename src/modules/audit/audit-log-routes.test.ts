/**
 * The log through the HTTP API: what the server hands out verifies offline with the tlog verifiers
 * alone (checkpoint signatures, inclusion proofs, consistency proofs, a bundle written from the export).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';
import { decodeBase64 } from './tlog/base64.ts';
import {
  encodeEntry, hashLeaf, openCheckpoint, parseVerifierKey, verifyBundle, verifyConsistency, verifyEventProof, writeBundle, type AuditLogEntry,
} from './tlog/index.ts';

let t: TestApp;
let auditor: string;
let firstCheckpoint: { treeSize: number; note: string };
beforeAll(async () => {
  t = await createTestApp();
  auditor = (await t.personWithRole('auditor')).token;
});
afterAll(() => t.close());

const get = (url: string) => t.call(auditor, { url });
const vendor = async (name: string) => (await t.call(t.adminToken, { method: 'POST', url: '/api/v1/vendors', payload: { name } })).json().id as string;
const eventOf = async (targetId: string) =>
  (await get(`/api/v1/audit/events?targetId=${targetId}`)).json().items[0] as { id: string; leafIndex: number | null };

describe('the audit log API', () => {
  it('says there is no checkpoint before the sequencer has run', async () => {
    const res = await get('/api/v1/audit/checkpoint');
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toMatch(/no signed checkpoint yet/);
  });

  it('serves a signed checkpoint that the verifier key it serves opens', async () => {
    await t.services.auditSequencer.runOnce();
    const key = (await get('/api/v1/audit/verifier-key')).json();
    expect(key).toMatchObject({ origin: 'palisade.test/audit', algorithm: 'ed25519', keyId: expect.stringMatching(/^[0-9a-f]{8}$/) });
    const cp = (await get('/api/v1/audit/checkpoint')).json();
    firstCheckpoint = cp;
    const opened = openCheckpoint(cp.note, parseVerifierKey(key.verifierKey));
    expect({ size: opened.size, origin: opened.origin }).toEqual({ size: cp.treeSize, origin: cp.origin });
    expect(Buffer.from(opened.rootHash).toString('base64')).toBe(cp.rootHash);
  });

  it('shows each event with its leaf index once integrated', async () => {
    const id = await vendor('Leaf Index Ltd');
    expect((await eventOf(id)).leafIndex).toBeNull();
    await t.services.auditSequencer.runOnce();
    expect((await eventOf(id)).leafIndex).toEqual(expect.any(Number));
  });

  it('proves an event against the latest checkpoint, and the proof verifies offline', async () => {
    const event = await eventOf(await vendor('Proven GmbH'));
    const pending = (await get(`/api/v1/audit/events/${event.id}`)).json();
    expect(pending).toMatchObject({ status: 'pending', proof: null });
    await t.services.auditSequencer.runOnce();
    const res = (await get(`/api/v1/audit/events/${event.id}`)).json();
    expect(res.status).toBe('proven');
    expect(res.event.id).toBe(event.id);
    const { verifierKey } = (await get('/api/v1/audit/verifier-key')).json();
    expect(verifyEventProof({ verifierKey, checkpoint: res.checkpoint.note, proof: res.proof })).toEqual({ ok: true, index: res.event.leafIndex, treeSize: res.checkpoint.treeSize });
    // The same proof with the event altered, or against another checkpoint, fails.
    const forged = { ...res.proof, entry: { ...res.proof.entry, details: { ...res.proof.entry.details, name: 'Someone Else' } } };
    expect(verifyEventProof({ verifierKey, checkpoint: res.checkpoint.note, proof: forged })).toMatchObject({ ok: false, problem: 'not-included' });
  });

  it('proves against an older checkpoint on request, and refuses sizes that were never signed or do not hold the event', async () => {
    const first = (await get('/api/v1/audit/checkpoint')).json();
    const event = await eventOf(await vendor('Later AG'));
    await t.services.auditSequencer.runOnce();
    const early = (await get(`/api/v1/audit/events/${(await get('/api/v1/audit/events?limit=1')).json().items[0].id}?treeSize=${first.treeSize}`)).json();
    expect(early.proof.treeSize).toBe(first.treeSize);
    expect((await get(`/api/v1/audit/events/${event.id}?treeSize=${first.treeSize}`)).statusCode).toBe(400);
    expect((await get(`/api/v1/audit/events/${event.id}?treeSize=999999`)).statusCode).toBe(404);
    expect((await get('/api/v1/audit/events/0193a3b4-0000-7000-8000-000000000001')).statusCode).toBe(404);
  });

  it('proves that a later checkpoint extends an earlier one', async () => {
    const old = (await get(`/api/v1/audit/checkpoint?atMost=${firstCheckpoint.treeSize}`)).json();
    expect(old.note).toBe(firstCheckpoint.note);
    await vendor('Consistent Co');
    await t.services.auditSequencer.runOnce();
    const res = (await get(`/api/v1/audit/consistency?from=${old.treeSize}`)).json();
    expect(res.fromCheckpoint.note).toBe(old.note);
    const key = parseVerifierKey((await get('/api/v1/audit/verifier-key')).json().verifierKey);
    const root = (note: string) => openCheckpoint(note, key).rootHash;
    expect(verifyConsistency(res.from, res.to, res.proof.map((h: string) => decodeBase64(h)!), root(old.note), root(res.toCheckpoint.note))).toBe(true);
    expect((await get(`/api/v1/audit/consistency?from=${res.to + 1}`)).statusCode).toBe(400);
  });

  it('exports every entry with its stored leaf hash in pages, which make a bundle that verifies', async () => {
    const cp = (await get('/api/v1/audit/checkpoint')).json();
    const entries: AuditLogEntry[] = [];
    const leaves: Uint8Array[] = [];
    for (let from: number | null = 0; from !== null;) {
      const page: { items: { entry: AuditLogEntry; leafHash: string }[]; nextIndex: number | null } = (await get(`/api/v1/audit/export/entries?fromIndex=${from}&toIndex=${cp.treeSize}&limit=4`)).json();
      expect(page.items.length).toBeLessThanOrEqual(4);
      for (const item of page.items) {
        entries.push(item.entry);
        leaves.push(decodeBase64(item.leafHash)!);
        expect(Buffer.from(hashLeaf(encodeEntry(item.entry))).toString('base64')).toBe(item.leafHash);
      }
      from = page.nextIndex;
    }
    expect(entries.map((e) => e.index)).toEqual(entries.map((_, i) => i));
    const dir = path.join(await mkdtemp(path.join(tmpdir(), 'palisade-bundle-')), 'b');
    const { verifierKey } = (await get('/api/v1/audit/verifier-key')).json();
    await writeBundle(dir, { verifierKey, entries, leafHashes: leaves, checkpoints: [cp.note] });
    const report = await verifyBundle(dir, { verifierKey, strict: true });
    expect(report.problems).toEqual([]);
    expect(report.verifiedSize).toBe(cp.treeSize);
    expect((await get(`/api/v1/audit/export/entries?toIndex=${cp.treeSize + 1000}`)).statusCode).toBe(409);
  });
});

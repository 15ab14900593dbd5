import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../auth/actor.ts';
import { startAuditSequencer } from '../audit/sequencer-runner.ts';
import { createDetectionFixture, type DetectionFixture } from './detection.test-support.ts';
import { startDetection } from './detection-runner.ts';

let fx: DetectionFixture;
beforeAll(async () => {
  fx = await createDetectionFixture(new Date('2026-03-02T17:00:00Z'));
});
afterAll(() => fx.close());

describe('background detection', () => {
  it('turns a committed event into a delivered webhook within a second, woken by the log growing', async () => {
    const received: { at: number; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ at: performance.now(), body });
        res.end('ok');
      });
    });
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
    const { services } = fx;
    await services.alertChannels.create(systemActor, { kind: 'webhook', name: 'soc', minSeverity: 'low', url: `http://127.0.0.1:${port}/`, secret: 'runner-test-secret-0123456789' });
    const dev = await fx.developer('yuki', 'Asia/Tokyo');

    // Slow polls: only the notifications can make this fast.
    const sequencer = startAuditSequencer({ db: services.db, sequencer: services.auditSequencer }, { pollMs: 10_000 });
    const detection = startDetection({ db: services.db, engine: services.detection, dispatcher: services.alertDispatcher }, { pollMs: 10_000, deliveryPollMs: 10_000 });
    try {
      await expect.poll(() => detection.isLeader).toBe(true);
      const start = performance.now();
      await services.db.transaction((tx) => services.audit.record(tx, dev, { type: 'git.clone', outcome: 'success' }));
      await expect.poll(() => received.length, { timeout: 3000, interval: 10 }).toBe(1);
      const elapsed = received[0]!.at - start;
      expect(elapsed).toBeLessThan(1000);
      expect(JSON.parse(received[0]!.body)).toMatchObject({ alert: { ruleId: 'palisade-off-hours-access', subject: 'yuki' } });
    } finally {
      await detection.stop();
      await sequencer.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('keeps raising and delivering alerts while a channel hangs, and the hung deliveries stay pending', async () => {
    const hung = createServer(() => undefined); // takes the request, never answers
    const port = await new Promise<number>((resolve) => hung.listen(0, '127.0.0.1', () => resolve((hung.address() as AddressInfo).port)));
    const { services } = fx;
    await services.db.query("UPDATE notification_channels SET status = 'removed'");
    await services.alertChannels.create(systemActor, { kind: 'webhook', name: 'hung', minSeverity: 'low', url: `http://127.0.0.1:${port}/`, secret: 'hung-receiver-secret-0123456789' });
    const got: string[] = [];
    const healthy = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        got.push((JSON.parse(body) as { alert: { subject: string } }).alert.subject);
        res.end('ok');
      });
    });
    const healthyPort = await new Promise<number>((resolve) => healthy.listen(0, '127.0.0.1', () => resolve((healthy.address() as AddressInfo).port)));
    await services.alertChannels.create(systemActor, { kind: 'webhook', name: 'healthy', minSeverity: 'low', url: `http://127.0.0.1:${healthyPort}/`, secret: 'healthy-receiver-secret-0123456' });
    const sequencer = startAuditSequencer({ db: services.db, sequencer: services.auditSequencer });
    const detection = startDetection({ db: services.db, engine: services.detection, dispatcher: services.alertDispatcher });
    const alertsOf = async (handle: string) => (await services.db.query("SELECT id FROM alerts WHERE subject = $1 AND rule_id = 'palisade-off-hours-access'", [handle])).length;
    try {
      await expect.poll(() => detection.isLeader).toBe(true);
      for (const handle of ['hiro', 'aiko', 'ren']) {
        const dev = await fx.developer(handle, 'Asia/Tokyo');
        await services.db.transaction((tx) => services.audit.record(tx, dev, { type: 'git.clone', outcome: 'success' }));
        await expect.poll(() => alertsOf(handle), { timeout: 1500, interval: 20 }).toBe(1);
        // The healthy channel gets each alert although the hung one still holds the first.
        await expect.poll(() => got.includes(handle), { timeout: 1500, interval: 20 }).toBe(true);
      }
      const [pending] = await services.db.query<{ n: number }>("SELECT count(*)::int AS n FROM alert_deliveries d JOIN notification_channels c ON c.id = d.channel_id WHERE c.name = 'hung' AND d.status = 'pending'");
      expect(pending!.n).toBe(3);
    } finally {
      hung.closeAllConnections();
      await detection.stop();
      await sequencer.stop();
      await new Promise<void>((resolve) => hung.close(() => resolve()));
      await new Promise<void>((resolve) => healthy.close(() => resolve()));
    }
  });

  it('has exactly one server evaluating per PostgreSQL database', async () => {
    if (fx.services.db.dialect !== 'postgres') return; // PGlite is one process with one connection: nothing to elect
    const { services } = fx;
    const a = startDetection({ db: services.db, engine: services.detection, dispatcher: services.alertDispatcher }, { electionMs: 50 });
    await expect.poll(() => a.isLeader).toBe(true);
    const b = startDetection({ db: services.db, engine: services.detection, dispatcher: services.alertDispatcher }, { electionMs: 50 });
    await new Promise((r) => setTimeout(r, 200));
    expect(b.isLeader).toBe(false);
    await a.stop();
    await expect.poll(() => b.isLeader, { timeout: 2000 }).toBe(true);
    await b.stop();
  });
});

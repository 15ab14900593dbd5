import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../auth/actor.ts';
import { createDetectionEngine } from './detection-engine.ts';
import { createDetectionFixture, type DetectionFixture } from './detection.test-support.ts';
import { signatureOf } from './channel-senders.ts';
import { builtinRules } from './builtin-rules.ts';

interface Received { headers: IncomingHttpHeaders; body: string }

/** An HTTP receiver on loopback that records what it takes; `status` is what it answers. */
function receiver() {
  const got: Received[] = [];
  const state = { status: 200 };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (state.status === 200) got.push({ headers: req.headers, body });
      res.writeHead(state.status).end(state.status === 200 ? 'ok' : 'down');
    });
  });
  return { got, state, server };
}
const listen = (s: Server, port = 0) => new Promise<number>((resolve) => s.listen(port, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)));
const close = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));

let fx: DetectionFixture;
const mails: { from: string; to: string[]; data: string }[] = [];
let smtp: SMTPServer;
let smtpPort: number;

beforeAll(async () => {
  fx = await createDetectionFixture();
  // A real SMTP server on loopback (no TLS on loopback; the channel asks for tls: 'none').
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  smtpPort = await new Promise<number>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve((smtp.server.address() as AddressInfo).port)));
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await fx.close();
});

async function raiseOffHoursAlert(handle: string): Promise<string> {
  const dev = await fx.developer(handle, 'Asia/Tokyo');
  fx.clock.set(new Date('2026-03-02T17:00:00Z'));
  await fx.record(dev, { type: 'git.clone', outcome: 'success' });
  const engine = createDetectionEngine({ db: fx.services.db, clock: fx.clock, audit: fx.services.audit, rules: builtinRules() });
  const run = await engine.runOnce();
  expect(run.raised).toHaveLength(1);
  return run.raised[0]!;
}

describe('alert delivery', () => {
  it('sends a signed webhook, a Slack message and an email, routed by severity; a channel that is down gets the alert once it is up', async () => {
    const hook = receiver();
    const hookPort = await listen(hook.server);
    const slack = receiver();
    const slackPort = await listen(slack.server);
    // The second webhook's receiver is not listening yet: connection refused.
    const late = receiver();
    const latePort = await listen(late.server);
    await close(late.server);

    const channels = fx.services.alertChannels;
    const created = await channels.create(systemActor, { kind: 'webhook', name: 'soc', minSeverity: 'medium', url: `http://127.0.0.1:${hookPort}/alerts`, secret: 'a-webhook-secret-of-32-characters' });
    await channels.create(systemActor, { kind: 'slack', name: 'slack', minSeverity: 'high', url: `http://127.0.0.1:${slackPort}/services/T/B/X` });
    await channels.create(systemActor, { kind: 'email', name: 'mail', minSeverity: 'low', host: '127.0.0.1', port: smtpPort, tls: 'none', from: 'palisade@example.test', to: ['soc@example.test'] });
    await channels.create(systemActor, { kind: 'webhook', name: 'late', minSeverity: 'informational', url: `http://127.0.0.1:${latePort}/x`, secret: 'another-secret-of-enough-length' });
    await channels.create(systemActor, { kind: 'webhook', name: 'critical-only', minSeverity: 'critical', url: `http://127.0.0.1:${hookPort}/critical`, secret: 'a-third-secret-of-enough-length!' });
    expect(created.kind).toBe('webhook');

    const alertId = await raiseOffHoursAlert('hana');
    const first = await fx.services.alertDispatcher.runOnce();
    expect(first).toEqual({ delivered: 3, failed: 1 });

    // Webhook: JSON, signed over "<timestamp>.<body>".
    expect(hook.got).toHaveLength(1);
    const { headers, body } = hook.got[0]!;
    expect(headers['x-palisade-signature']).toBe(signatureOf('a-webhook-secret-of-32-characters', String(headers['x-palisade-timestamp']), body));
    expect(JSON.parse(body)).toMatchObject({ type: 'palisade.alert', alert: { id: alertId, severity: 'high', subject: 'hana', events: [expect.objectContaining({ leafIndex: expect.any(Number) })] } });
    // Slack: { text, blocks }.
    expect(JSON.parse(slack.got[0]!.body)).toMatchObject({ text: expect.stringContaining('hana'), blocks: expect.any(Array) });
    // Email through the real SMTP server.
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ from: 'palisade@example.test', to: ['soc@example.test'] });
    expect(mails[0]!.data).toContain("Access outside the developer's working hours");

    // Not due again before the backoff; then the receiver comes up and gets it.
    expect(await fx.services.alertDispatcher.runOnce()).toEqual({ delivered: 0, failed: 0 });
    await listen(late.server, latePort);
    fx.clock.advance(1000);
    expect(await fx.services.alertDispatcher.runOnce()).toEqual({ delivered: 1, failed: 0 });
    expect(JSON.parse(late.got[0]!.body).alert.id).toBe(alertId);
    const late2 = await channels.get(systemActor, 'late');
    expect(late2).toMatchObject({ pending: 0, delivered: 1, lastError: expect.stringContaining('fetch failed') });
    await Promise.all([close(hook.server), close(slack.server), close(late.server)]);
  });

  it('backs off exponentially while a receiver answers errors, and never gives up on the alert', async () => {
    const flaky = receiver();
    flaky.state.status = 503;
    const port = await listen(flaky.server);
    await fx.services.db.query("UPDATE notification_channels SET status = 'removed'");
    await fx.services.alertChannels.create(systemActor, { kind: 'webhook', name: 'flaky', minSeverity: 'low', url: `http://127.0.0.1:${port}/`, secret: 'flaky-secret-of-enough-length-1' });
    await raiseOffHoursAlert('sora');
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      expect(await fx.services.alertDispatcher.runOnce()).toEqual({ delivered: 0, failed: 1 });
      const next = await fx.services.alertDispatcher.nextDueAt();
      waits.push(next!.getTime() - fx.clock.now().getTime());
      fx.clock.set(next!);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000]);
    flaky.state.status = 200;
    expect(await fx.services.alertDispatcher.runOnce()).toEqual({ delivered: 1, failed: 0 });
    await close(flaky.server);
  });
});

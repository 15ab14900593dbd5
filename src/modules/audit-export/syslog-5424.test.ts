import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../audit/audit-types.ts';
import { encodeEvent } from './export-events.ts';
import { sendFrames } from './sink-delivery.ts';
import { formatSyslog, frame } from './syslog-5424.ts';
import { parseRfc5424, splitFrames, startCollector, type Collector } from './syslog-test-listener.test-support.ts';

const event = (over: Partial<AuditEvent> = {}): AuditEvent => ({
  seq: 7, id: '0193a3b4-0000-7000-8000-000000000007', occurredAt: new Date('2026-03-02T10:00:00.123Z'), type: 'ssh.login', outcome: 'failure',
  actor: { id: null, handle: null, role: null, ip: '203.0.113.7', userAgent: null }, target: { type: 'ssh_host', id: 'web-1' },
  engagementId: null, requestId: 'req-1', details: { user: 'root', line: 'multi\nline "quoted" ]' }, leafIndex: 6, ...over,
});
const opts = { facility: 13, hostname: 'palisade-1', appName: 'palisade', procId: '4242', sdId: 'palisade@32473' };

let collector: Collector;
beforeAll(async () => {
  collector = await startCollector();
});
afterAll(() => collector.close());

describe('RFC 5424 syslog', () => {
  it('writes the header, one structured-data element and a BOM-prefixed JSON message', () => {
    const e = event();
    const m = parseRfc5424(formatSyslog(e, encodeEvent(e, 'jsonl'), opts));
    // facility 13 (log audit) * 8 + severity 5 (notice, a failure) = 109
    expect(m).toMatchObject({ pri: 109, version: 1, timestamp: '2026-03-02T10:00:00.123Z', hostname: 'palisade-1', appName: 'palisade', procId: '4242', msgId: 'ssh.login', sdId: 'palisade@32473', hadBom: true });
    expect(m.params).toEqual({ id: e.id, leafIndex: '6', type: 'ssh.login', outcome: 'failure', ip: '203.0.113.7', target: 'ssh_host/web-1', requestId: 'req-1' });
    expect(JSON.parse(m.msg)).toEqual(JSON.parse(encodeEvent(e, 'jsonl')));
  });

  it('escapes ", \\ and ] in parameter values and keeps header fields printable and bounded', () => {
    const e = event({ outcome: 'denied', type: 'external.some_system.a_very_long_event_type_name', actor: { id: 'p', handle: 'we"ird]\\name', role: 'admin', ip: null, userAgent: null } });
    const raw = formatSyslog(e, '{}', { ...opts, hostname: 'host with spaces' });
    const m = parseRfc5424(raw);
    expect(m.params.actor).toBe('we"ird]\\name');
    expect(m.pri).toBe(13 * 8 + 4);
    expect(m.msgId).toBe('external.some_system.a_very_long');
    expect(m.hostname).toBe('host_with_spaces');
  });

  it('frames messages by octet count, so newlines and multi-byte characters inside survive', () => {
    const e = event({ details: { note: 'zwei\nZeilen — ünïcödé 😀' } });
    const a = formatSyslog(e, encodeEvent(e, 'ocsf'), opts);
    const b = formatSyslog(event({ id: '0193a3b4-0000-7000-8000-000000000008' }), '{"n":2}', opts);
    const frames = splitFrames(Buffer.concat([frame(a), frame(b)]));
    expect(frames.map((f) => f.equals(a) || f.equals(b))).toEqual([true, true]);
    expect(frame(Buffer.from('<14>1 - - - - - -')).toString()).toBe('17 <14>1 - - - - - -');
  });

  it('delivers frames to a real TCP collector, which reads them to the end before closing', async () => {
    const events = [event(), event({ id: '0193a3b4-0000-7000-8000-000000000009', leafIndex: 7, outcome: 'success' })];
    await sendFrames({ host: '127.0.0.1', port: collector.port, tls: false }, events.map((e) => frame(formatSyslog(e, encodeEvent(e, 'ocsf'), opts))));
    expect(collector.messages.map((m) => m.params.leafIndex)).toEqual(['6', '7']);
    expect(JSON.parse(collector.messages[1]!.msg).metadata.uid).toBe('0193a3b4-0000-7000-8000-000000000009');
  });

  it('fails a delivery the collector did not take: refused, dropped or unanswered', async () => {
    collector.refuse = true;
    await expect(sendFrames({ host: '127.0.0.1', port: collector.port, tls: false }, [frame(Buffer.from('<14>1 - - - - - -'))])).rejects.toThrow(/syslog 127\.0\.0\.1/);
    collector.refuse = false;
    await expect(sendFrames({ host: '127.0.0.1', port: 1, tls: false }, [frame(Buffer.from('x'))])).rejects.toThrow(/ECONNREFUSED/);
    // A collector that reads but never closes: the batch is not counted as taken.
    const silent = net.createServer({ allowHalfOpen: true }, (socket) => socket.on('data', () => undefined).on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    await expect(sendFrames({ host: '127.0.0.1', port, tls: false }, [frame(Buffer.from('x'))], 300)).rejects.toThrow(/did not take the batch/);
    silent.close();
  });

  it('delivers over TLS (RFC 5425) to a collector whose certificate is trusted, and refuses one that is not', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'palisade-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    const received: Buffer[] = [];
    const server = tls.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (d: Buffer) => chunks.push(d));
      socket.on('end', () => {
        received.push(...splitFrames(Buffer.concat(chunks)));
        socket.end();
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const e = event();
    const message = formatSyslog(e, encodeEvent(e, 'jsonl'), opts);
    await sendFrames({ host: 'localhost', port, tls: true, caCert: cert }, [frame(message)]);
    expect(received.map((m) => parseRfc5424(m).params.id)).toEqual([e.id]);
    await expect(sendFrames({ host: 'localhost', port, tls: true }, [frame(message)])).rejects.toThrow(/SELF_SIGNED|certificate/i);
    expect(received).toHaveLength(1);
    server.close();
  });
});

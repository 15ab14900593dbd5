/**
 * @module ingest/sshd-lines — an auth.log or journal text body to ingest items. Each line's raw
 * bytes are hashed as sent (attacker-controlled text may not even be UTF-8); the stored line is
 * escaped and bounded. The key of a line is SHA-256 over host, resolved time, the raw line's hash
 * and the line's occurrence among identical lines of the same request — so a re-sent file collapses
 * onto what is there, while the same message logged twice in one second stays two events.
 */
import { createHash } from 'node:crypto';
import type { IngestItem, ItemError, ReadResult } from './ingest-items.ts';
import { skip } from './ingest-items.ts';
import { escapeLogText, safeField } from './log-text.ts';
import { addressOf, parseSshMessage, parseSyslogBody, type SshMessage } from './sshd-parse.ts';
import { parseStamp, type TimeContext } from './sshd-time.ts';

export const MAX_LINE_BYTES = 8192;
const STORED_LINE_CHARS = 2048;
const FIELD_CHARS = 256;
const REASON_CHARS = 512;

const utf8 = new TextDecoder('utf-8');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

export interface SshdOptions extends TimeContext {
  /** The host the log is from, as the sender names it (`--host`). */
  host: string;
}

function detailsOf(opts: SshdOptions, logHost: string, program: string, pid: number | null, m: SshMessage): Record<string, unknown> {
  const { ip, host: sourceHost } = addressOf(m.source);
  const d: Record<string, unknown> = {
    host: opts.host,
    user: m.user === null ? null : safeField(m.user, FIELD_CHARS),
    sourceIp: ip,
    sourcePort: m.port,
    method: m.method,
    keyFingerprint: m.keyFingerprint,
    program,
    pid,
  };
  if (logHost !== opts.host) d.logHost = safeField(logHost, FIELD_CHARS);
  if (sourceHost !== null) d.sourceHost = safeField(sourceHost, FIELD_CHARS);
  if (m.invalidUser) d.invalidUser = true;
  if (m.userState) d.userState = m.userState;
  if (m.keyType) d.keyType = safeField(m.keyType, 64);
  if (m.protocol) d.protocol = m.protocol;
  if (m.certificate) {
    d.certificate = {
      id: safeField(m.certificate.id, FIELD_CHARS), serial: m.certificate.serial,
      caKeyType: safeField(m.certificate.caKeyType, 64), caFingerprint: safeField(m.certificate.caFingerprint, 128),
    };
  }
  if (m.reason !== null) d.reason = safeField(m.reason, REASON_CHARS);
  if (m.reasonCode !== null) d.reasonCode = m.reasonCode;
  if (m.preauth) d.preauth = true;
  if (m.repeatCount !== null) d.repeatCount = m.repeatCount;
  return d;
}

/**
 * Read every line of an sshd log body.
 * @example readSshdLines(Buffer.from('Mar  2 10:00:01 web-1 sshd[42]: Invalid user admin from 203.0.113.9 port 4100\n'), { host: 'web-1', timeZone: 'UTC', year: 2026, now })
 */
export function readSshdLines(body: Buffer, opts: SshdOptions): ReadResult {
  const items: IngestItem[] = [];
  const errors: ItemError[] = [];
  const skipped: Record<string, number> = {};
  const occurrences = new Map<string, number>();
  let start = 0;
  let line = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end < 0) end = body.length;
    line += 1;
    let raw = body.subarray(start, end);
    start = end + 1;
    if (raw.length > 0 && raw[raw.length - 1] === 0x0d) raw = raw.subarray(0, -1);
    if (raw.length > MAX_LINE_BYTES) {
      errors.push({ line, message: `line is longer than ${MAX_LINE_BYTES} bytes` });
      continue;
    }
    const text = utf8.decode(raw);
    if (text.trim() === '') {
      skip(skipped, 'blank line');
      continue;
    }
    // journalctl's own markers: "-- Logs begin at …", "-- Boot 1a2b… --", "-- No entries --".
    if (text.startsWith('-- ')) {
      skip(skipped, 'journal marker');
      continue;
    }
    const stamp = parseStamp(text, opts);
    if (!stamp.ok) {
      errors.push({ line, message: stamp.reason });
      continue;
    }
    const body2 = parseSyslogBody(stamp.rest);
    if (body2.kind === 'malformed') {
      errors.push({ line, message: body2.reason });
      continue;
    }
    if (body2.kind === 'other-program') {
      skip(skipped, 'not an sshd line');
      continue;
    }
    const message = parseSshMessage(body2.message);
    const rawSha256 = sha256(raw);
    const time = stamp.time.toISOString();
    const identity = `${time}\n${rawSha256}`;
    const occurrence = occurrences.get(identity) ?? 0;
    occurrences.set(identity, occurrence + 1);
    const stored = escapeLogText(text, STORED_LINE_CHARS);
    const details = detailsOf(opts, body2.logHost, body2.program, body2.pid, message);
    if (message.type === 'ssh.message') details.message = safeField(message.message, STORED_LINE_CHARS);
    details.line = stored.text;
    if (stored.truncated) details.lineTruncated = true;
    details.rawSha256 = rawSha256;
    items.push({
      position: { line },
      sourceKey: sha256(`${opts.host}\n${time}\n${rawSha256}\n${occurrence}`),
      type: message.type,
      outcome: message.outcome,
      sourceTime: stamp.time,
      actor: {
        sshFingerprint: message.keyFingerprint?.startsWith('SHA256:') ? message.keyFingerprint : undefined,
        // An account that does not exist on the host is a name anyone may type: never attributed.
        handle: message.user !== null && !message.invalidUser ? message.user : undefined,
        ip: addressOf(message.source).ip,
        userAgent: null,
      },
      target: { type: 'ssh_host', id: opts.host },
      resource: { kind: 'ssh_host', name: opts.host },
      details,
      ingest: { occurrence, sourceTimeText: stamp.text },
    });
  }
  return { items, errors, skipped };
}

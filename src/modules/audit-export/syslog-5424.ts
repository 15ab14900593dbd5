/**
 * @module audit-export/syslog-5424 — one audit event as an RFC 5424 syslog message, framed for TCP
 * with RFC 6587 octet counting (`MSG-LEN SP SYSLOG-MSG`), so a message may hold any byte, newlines
 * included. The structured data names the event; the message body is the event as JSON (JSONL or
 * OCSF, as the sink is configured), UTF-8 with the BOM that RFC 5424 §6.4 asks for.
 */
import type { AuditEvent } from '../audit/audit-types.ts';

export interface SyslogOptions {
  /** RFC 5424 §6.2.1 facility, 0–23; default 13 (log audit). */
  facility: number;
  /** HOSTNAME field: this server's name. */
  hostname: string;
  appName: string;
  procId: string;
  /** SD-ID of the structured-data element, `name@<private enterprise number>`. */
  sdId: string;
}

export const DEFAULT_SD_ID = 'palisade@32473';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Severity (RFC 5424 §6.2.1): success 6 informational, failure 5 notice, denied 4 warning. */
export function severityOf(e: AuditEvent): number {
  return e.outcome === 'success' ? 6 : e.outcome === 'failure' ? 5 : 4;
}

/** PRINTUSASCII (33–126) only, at most `max` characters, or the NILVALUE. */
function printable(s: string, max: number): string {
  const cleaned = s.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return cleaned === '' ? '-' : cleaned;
}

/** PARAM-VALUE (§6.3.3): '"', '\' and ']' escaped with a backslash. */
function paramValue(s: string): string {
  return s.replace(/["\\\]]/g, '\\$&');
}

/**
 * The structured-data element of an event: id, log position, type, outcome and who/what, each
 * only when known.
 * @example structuredData(e, 'palisade@32473') // '[palisade@32473 id="…" leafIndex="41" type="ssh.login" outcome="failure" ip="203.0.113.7"]'
 */
export function structuredData(e: AuditEvent, sdId: string): string {
  const params: [string, string | number | null | undefined][] = [
    ['id', e.id], ['leafIndex', e.leafIndex], ['type', e.type], ['outcome', e.outcome],
    ['actor', e.actor.handle], ['ip', e.actor.ip], ['target', e.target.type && e.target.id ? `${e.target.type}/${e.target.id}` : null],
    ['engagement', e.engagementId], ['requestId', e.requestId],
  ];
  const body = params.filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => ` ${k}="${paramValue(String(v))}"`).join('');
  return `[${printable(sdId, 32)}${body}]`;
}

/**
 * The RFC 5424 message of an event with `payload` (one JSON line, without a newline) as MSG.
 * @example formatSyslog(e, JSON.stringify(toOcsf(e)), opts).toString()
 *   // '<110>1 2026-03-02T10:00:00.000Z web-1 palisade 4242 ssh.login [palisade@32473 …] \uFEFF{…}'
 */
export function formatSyslog(e: AuditEvent, payload: string, o: SyslogOptions): Buffer {
  const pri = o.facility * 8 + severityOf(e);
  const header = `<${pri}>1 ${e.occurredAt.toISOString()} ${printable(o.hostname, 255)} ${printable(o.appName, 48)} ${printable(o.procId, 128)} ${printable(e.type, 32)}`;
  return Buffer.concat([Buffer.from(`${header} ${structuredData(e, o.sdId)} `, 'utf8'), BOM, Buffer.from(payload, 'utf8')]);
}

/**
 * RFC 6587 §3.4.1 octet-counting frame: the message's length in bytes, a space, the message.
 * @example frame(Buffer.from('<14>1 - - - - - -')) // '17 <14>1 - - - - - -'
 */
export function frame(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}

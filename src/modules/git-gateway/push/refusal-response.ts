/**
 * @module git-gateway/push/refusal-response — the receive-pack response that tells the git client, per ref,
 * why its push was refused: `remote:` lines on side-band 2 and the report-status (`unpack ok`, one
 * `ng <ref> <reason>` per ref, flush) on side-band 1 when the client asked for side-band-64k, the plain
 * report-status otherwise (gitprotocol-pack "Report Status", gitprotocol-common side-band).
 */
import { encodePktLine, encodeSideBand, FLUSH_PKT, MAX_PKT_PAYLOAD } from '../protocol/pkt-line.ts';

export interface RefusalReport {
  /** The client's capabilities from the first command line. */
  capabilities: readonly string[];
  /** One entry per ref of the push, in the order the client sent them. */
  refused: readonly { ref: string; reason: string }[];
  /** Lines shown as `remote: …` (only with side-band). */
  messages: readonly string[];
}

/**
 * Text safe to print on the developer's terminal: control characters (which could move the cursor or
 * recolour the screen — file names in a push are chosen by the pusher) become `?`, and it is cut to `max`.
 * @example terminalSafe('a\u001b[2Jb') // 'a?[2Jb'
 */
export function terminalSafe(text: string, max = 300): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return clean.length > max ? clean.slice(0, max - 1) + '…' : clean;
}

/**
 * The complete response body (Content-Type `application/x-git-receive-pack-result`).
 * @example buildRefusalBody({ capabilities: ['report-status'], refused: [{ ref: 'refs/heads/main', reason: 'protected ref' }], messages: [] })
 *   // '000eunpack ok\n' + '0025ng refs/heads/main protected ref\n' + '0000'
 */
export function buildRefusalBody(report: RefusalReport): Buffer {
  const caps = new Set(report.capabilities);
  const wantsStatus = caps.has('report-status') || caps.has('report-status-v2');
  const status = wantsStatus
    ? Buffer.concat([
        encodePktLine('unpack ok\n'),
        ...report.refused.map((r) => encodePktLine(`ng ${r.ref} ${terminalSafe(r.reason, 200)}\n`)),
        FLUSH_PKT,
      ])
    : Buffer.alloc(0);
  if (!caps.has('side-band-64k') && !caps.has('side-band')) return status;
  // side-band (without -64k) allows 1000-byte packets: one band byte and 995 bytes of data.
  const maxData = caps.has('side-band-64k') ? MAX_PKT_PAYLOAD - 1 : 995;
  const out: Buffer[] = [];
  for (const message of report.messages) {
    const line = Buffer.from(terminalSafe(message, Math.min(maxData, 1000) - 1) + '\n', 'utf8');
    out.push(encodeSideBand(2, line.subarray(0, maxData)));
  }
  for (let at = 0; at < status.length; at += maxData) out.push(encodeSideBand(1, status.subarray(at, at + maxData)));
  out.push(FLUSH_PKT);
  return Buffer.concat(out);
}

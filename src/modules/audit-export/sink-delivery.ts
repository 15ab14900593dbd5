/**
 * @module audit-export/sink-delivery — sending one batch to a sink; a batch counts as delivered
 * only when the receiver has taken all of it: an HTTP 2xx answer, or, for syslog over TCP (which
 * has no acknowledgement), the collector closing the connection after reading to our end of stream.
 * Anything else throws, and the exporter sends the same batch again later.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { SyslogSinkConfig } from './export-types.ts';

export const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * POST the lines as NDJSON. Redirects are not followed: the sink's headers (credentials) go only
 * to the configured URL.
 * @example await postNdjson('https://siem.example/ingest', { authorization: 'Bearer …' }, lines)
 */
export async function postNdjson(url: string, headers: Record<string, string>, lines: string[], timeoutMs = DELIVERY_TIMEOUT_MS): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/x-ndjson', 'user-agent': 'palisade-exporter/0.1' },
    body: lines.map((l) => `${l}\n`).join(''),
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  // Read the answer to the end so the connection can be reused; keep a little of it for the error.
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status > 299) {
    throw new Error(`HTTP ${res.status}${text ? `: ${text.replace(/\s+/g, ' ').slice(0, 200)}` : ''}`);
  }
}

/** How long to watch a new connection before writing: a collector at its session limit closes at once. */
export const SETTLE_MS = 50;

/**
 * Open a TCP (or TLS) connection, make sure the collector keeps it open, write the frames, end our
 * side, and wait for the collector to close its side: then it has read everything we sent. TCP
 * syslog has no acknowledgement (RFC 6587), so this is the strongest evidence it offers.
 * @example await sendFrames({ host: 'siem', port: 6514, tls: true }, frames)
 */
export function sendFrames(
  cfg: Pick<SyslogSinkConfig, 'host' | 'port' | 'tls' | 'caCert'>,
  frames: Buffer[],
  timeoutMs = DELIVERY_TIMEOUT_MS,
  settleMs = SETTLE_MS,
): Promise<void> {
  const where = `syslog ${cfg.host}:${cfg.port}`;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let written = false;
    let settleTimer: NodeJS.Timeout | undefined;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(settleTimer);
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    const onConnect = () => {
      settleTimer = setTimeout(() => {
        written = true;
        socket.end(Buffer.concat(frames));
      }, settleMs);
    };
    const socket: net.Socket = cfg.tls
      ? tls.connect({ host: cfg.host, port: cfg.port, servername: net.isIP(cfg.host) ? undefined : cfg.host, ...(cfg.caCert ? { ca: [...tls.rootCertificates, cfg.caCert] } : {}) }, onConnect)
      : net.connect({ host: cfg.host, port: cfg.port }, onConnect);
    const timer = setTimeout(() => finish(new Error(`${where}: the collector did not take the batch within ${timeoutMs / 1000} s`)), timeoutMs);
    socket.on('error', (err) => finish(new Error(`${where}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    socket.on('data', () => undefined);
    // 'end' is the collector's FIN: after our data it means it read up to our end and closed.
    socket.on('end', () => finish(written ? undefined : new Error(`${where}: the collector closed the connection before we sent anything (session limit?)`)));
    socket.on('close', () => finish(new Error(`${where}: the connection closed before the collector finished reading`)));
  });
}

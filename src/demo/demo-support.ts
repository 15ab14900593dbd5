/**
 * @module demo/demo-support — the moving parts of `palisade demo`: a real `palisade serve` child
 * process on a fresh data folder, a small API client, a webhook receiver that checks Palisade's
 * signature, running the real `git` and `palisade` commands, and the time zone where it is 2 AM now.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/palisade.mjs', import.meta.url));

export interface DemoServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Start `palisade serve` on a free loopback port with `adminToken` as the first admin's token.
 * @example const server = await startServer('/tmp/demo', token);
 */
export async function startServer(dataDir: string, adminToken: string): Promise<DemoServer> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', dataDir, '--port', '0', '--log-level', 'warn'], {
    env: { ...process.env, PALISADE_BOOTSTRAP_TOKEN: adminToken, DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within 60 s\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^Palisade listening on (\S+)/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}) before listening\n${err}`));
    });
  });
  const stop = () => new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return { url, child, stop };
}

/** A JSON API client for one token; a non-2xx answer throws with the problem's detail. */
export function apiAs(baseUrl: string, token: string) {
  return async <T = Record<string, unknown>>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(new URL(url, baseUrl), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
}

export interface Delivery {
  body: { alert?: Record<string, unknown> } & Record<string, unknown>;
  signatureValid: boolean;
  receivedAt: Date;
}

/**
 * An HTTP receiver on loopback that records each POST and checks `X-Palisade-Signature`
 * (`sha256=` HMAC of `<timestamp>.<body>` with the channel's secret, see docs/detection.md).
 */
export async function startWebhookReceiver(): Promise<{ url: string; deliveries: Delivery[]; setSecret(s: string): void; close(): Promise<void> }> {
  const deliveries: Delivery[] = [];
  let secret = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      deliveries.push({ body: safeJson(raw), signatureValid: signatureValid(secret, req.headers, raw), receivedAt: new Date() });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/palisade-alerts`,
    deliveries,
    setSecret: (s) => (secret = s),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function safeJson(raw: Buffer): Delivery['body'] {
  try {
    return JSON.parse(raw.toString('utf8')) as Delivery['body'];
  } catch {
    return {};
  }
}

function signatureValid(secret: string, headers: Record<string, string | string[] | undefined>, raw: Buffer): boolean {
  const given = String(headers['x-palisade-signature'] ?? '');
  const timestamp = String(headers['x-palisade-timestamp'] ?? '');
  if (!secret || !given.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest('hex');
  const a = Buffer.from(given.slice('sha256='.length));
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Run a program; resolves with its output, rejects with it on a non-zero exit. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(new Error(`${path.basename(cmd)} ${args.join(' ')} failed: ${stderr || error.message}`), { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

/** Run the `palisade` command against a server; resolves with its exit code and output. */
export function palisade(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * An IANA time zone where the local time at `now` is between 02:00 and 02:59 — a real city when
 * one is there, else the fixed-offset `Etc/GMT±N` zone.
 * @example zoneWhereItIs2Am(new Date('2026-11-21T16:30:00Z')) // 'Australia/Brisbane' (02:30 there)
 */
export function zoneWhereItIs2Am(now: Date): string {
  const hourIn = (zone: string) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', hourCycle: 'h23' }).format(now));
  // Well-known cities first (one per hour of offset, roughly), then any other city.
  const known = ['Europe/London', 'Europe/Berlin', 'Europe/Kyiv', 'Europe/Istanbul', 'Asia/Dubai', 'Asia/Karachi', 'Asia/Kolkata', 'Asia/Dhaka',
    'Asia/Bangkok', 'Asia/Singapore', 'Asia/Tokyo', 'Australia/Brisbane', 'Australia/Sydney', 'Pacific/Noumea', 'Pacific/Auckland', 'Pacific/Tongatapu', 'Pacific/Kiritimati',
    'Pacific/Pago_Pago', 'Pacific/Honolulu', 'America/Anchorage', 'America/Los_Angeles', 'America/Denver', 'America/Chicago', 'America/New_York',
    'America/Halifax', 'America/Sao_Paulo', 'America/Noronha', 'Atlantic/Azores'];
  const cities = [...known, ...Intl.supportedValuesOf('timeZone').filter((z) => z.includes('/') && !z.startsWith('Etc/') && !z.startsWith('Antarctica/'))];
  const city = cities.find((z) => hourIn(z) === 2);
  if (city) return city;
  // Etc/GMT-N is UTC+N (POSIX signs). Offsets from -12 to +14 cover every hour of the day.
  let offset = 2 - now.getUTCHours();
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** The local "HH:MM" and weekday of `now` in `zone`, for the narrative. */
export function localTime(now: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(now);
}

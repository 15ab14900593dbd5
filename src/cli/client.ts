/**
 * @module cli/client — the CLI's HTTP client: where the server is (PALISADE_URL or --url), who is
 * calling (PALISADE_TOKEN, never printed), problem+json errors, and the three ways a call can fail.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { isIP } from 'node:net';
import { rootCertificates } from 'node:tls';
import { isWellFormedToken } from '../core/secret-token.ts';

export const DEFAULT_URL = 'http://127.0.0.1:7443';
const TIMEOUT_MS = 30_000;
const USER_AGENT = 'palisade-cli/0.1';

/** The command line is wrong or incomplete (exit code 2). */
export class UsageError extends Error {}

/** The environment (PALISADE_URL, PALISADE_TOKEN, PALISADE_CA_CERT) is wrong (exit code 2, no usage text). */
export class ConfigError extends UsageError {}

/** RFC 9457 problem document as the server sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
}

/** The server answered with an error (exit code 1). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(formatProblem(status, problem));
  }
}

/** The server could not be reached, or not securely (exit code 3). */
export class UnreachableError extends Error {}

/**
 * One line saying what went wrong: title, detail, field errors, request id.
 * @example formatProblem(404, { title: 'Not found', detail: 'person bob not found', requestId: 'r1' })
 *   // 'Not found (404): person bob not found [request r1]'
 */
export function formatProblem(status: number, p: Problem | null): string {
  if (!p) return `the server answered HTTP ${status}`;
  let line = `${p.title ?? 'Error'} (${status})`;
  if (p.detail) line += `: ${p.detail}`;
  if (p.errors?.length) line += ` — ${p.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`;
  if (status === 401) line += ' — check PALISADE_TOKEN (expired, revoked, or for another server?)';
  if (p.requestId) line += ` [request ${p.requestId}]`;
  return line.replace(/[\r\n]+/g, ' ');
}

/**
 * 127.0.0.0/8, ::1 and localhost. The same rule as core/config.ts isLoopbackHost, kept here because
 * importing config.ts loads zod, which costs about 0.3 s on every start of the CLI.
 */
function isLoopback(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return isIP(bare) === 6 && (bare === '::1' || bare === '0:0:0:0:0:0:0:1');
}

export interface ClientConfig {
  baseUrl: URL;
  token: string;
  /** PEM file with extra CA certificates to trust for https (PALISADE_CA_CERT). */
  caFile: string | undefined;
}

/**
 * Where and as whom to call, from `--url` and the environment. Refuses plain http to another
 * machine (the token would cross the network readable) unless PALISADE_INSECURE_HTTP=1.
 * @example resolveClientConfig(undefined, { PALISADE_URL: 'https://palisade.example', PALISADE_TOKEN: 'pal_…' })
 */
export function resolveClientConfig(urlFlag: string | undefined, env: NodeJS.ProcessEnv): ClientConfig {
  const raw = urlFlag ?? (env.PALISADE_URL || DEFAULT_URL);
  let baseUrl: URL;
  try {
    baseUrl = new URL(raw);
  } catch {
    throw new ConfigError(`PALISADE_URL / --url is not a URL: ${raw}`);
  }
  if (baseUrl.protocol !== 'http:' && baseUrl.protocol !== 'https:') throw new ConfigError('PALISADE_URL must start with http:// or https://');
  if (baseUrl.username || baseUrl.password) throw new ConfigError('PALISADE_URL must not contain credentials; use PALISADE_TOKEN');
  if (baseUrl.protocol === 'http:' && !isLoopback(baseUrl.hostname) && env.PALISADE_INSECURE_HTTP !== '1') {
    throw new ConfigError(`refusing to send the token over plain http to ${baseUrl.host}; use https (or set PALISADE_INSECURE_HTTP=1 on a trusted network)`);
  }
  const token = env.PALISADE_TOKEN?.trim();
  if (!token) throw new ConfigError('set PALISADE_TOKEN to your API token (pal_…)');
  // Checked offline so a copy-paste slip is caught before it reaches the server; the value is never echoed.
  if (!isWellFormedToken(token)) throw new ConfigError('PALISADE_TOKEN is not a well-formed Palisade token (pal_ + 49 characters with a valid checksum)');
  return { baseUrl, token, caFile: env.PALISADE_CA_CERT || undefined };
}

type QueryValue = string | number | boolean | string[] | undefined | null;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  /** JSON body. */
  body?: unknown;
  /** Raw body (document upload) with its content type. */
  raw?: { bytes: Uint8Array; contentType: string };
}

interface Wire {
  status: number;
  contentType: string;
  location: string | null;
  text: string;
}
type Transport = (url: URL, init: { method: string; headers: Record<string, string>; body: Uint8Array | string | undefined }) => Promise<Wire>;

export interface ApiClient {
  readonly baseUrl: URL;
  request<T>(method: string, path: string, opts?: RequestOptions): Promise<T>;
  get<T>(path: string, query?: Record<string, QueryValue>): Promise<T>;
}

const fetchTransport: Transport = async (url, init) => {
  // Redirects are not followed: the token must go only to the URL the user configured.
  const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', location: res.headers.get('location'), text: await res.text() };
};

/**
 * node:https with the system roots plus the PALISADE_CA_CERT file. Global fetch cannot take a
 * CA per call on Node 20 (that needs undici's Agent, which Node does not expose).
 */
function caTransport(caFile: string): Transport {
  let ca: string;
  try {
    ca = readFileSync(caFile, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read PALISADE_CA_CERT ${caFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const agent = new https.Agent({ ca: [...rootCertificates, ca] });
  return (url, init) =>
    new Promise<Wire>((resolve, reject) => {
      const req = https.request(url, { method: init.method, headers: init.headers, agent, timeout: TIMEOUT_MS }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            location: res.headers.location ?? null,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(init.body);
    });
}

/** Turn a network-level failure into a one-line UnreachableError. */
function unreachable(origin: string, err: unknown): UnreachableError {
  const e = err as { name?: string; code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.code === 'ETIMEDOUT') return new UnreachableError(`no answer from ${origin} within ${TIMEOUT_MS / 1000} s`);
  const code = e.cause?.code ?? e.code;
  const why = code ?? e.cause?.message ?? e.message ?? String(err);
  const certificate = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(why);
  return new UnreachableError(
    `cannot reach ${origin}: ${why}` +
      (certificate ? " — the server's certificate is not trusted; set PALISADE_CA_CERT to the CA certificate (PEM)" : ''),
  );
}

function urlFor(base: URL, path: string, query: Record<string, QueryValue> | undefined): URL {
  const url = new URL(base.pathname.replace(/\/$/, '') + path, base);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    for (const item of Array.isArray(v) ? v : [String(v)]) url.searchParams.append(k, item);
  }
  return url;
}

/**
 * A client for the configured server.
 * @example const api = createApiClient(resolveClientConfig(undefined, process.env)); await api.get('/api/v1/me');
 */
export function createApiClient(cfg: ClientConfig): ApiClient {
  const transport = cfg.caFile && cfg.baseUrl.protocol === 'https:' ? caTransport(cfg.caFile) : fetchTransport;
  const request = async <T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${cfg.token}`,
      accept: 'application/json, application/problem+json',
      'user-agent': USER_AGENT,
    };
    let body: Uint8Array | string | undefined;
    if (opts.raw) {
      headers['content-type'] = opts.raw.contentType;
      body = opts.raw.bytes;
    } else if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    let wire: Wire;
    try {
      wire = await transport(urlFor(cfg.baseUrl, path, opts.query), { method, headers, body });
    } catch (err) {
      throw unreachable(cfg.baseUrl.origin, err);
    }
    const parsed = /json/.test(wire.contentType) ? safeJson(wire.text) : undefined;
    if (wire.status >= 200 && wire.status < 300) return (parsed ?? null) as T;
    if (wire.status >= 300 && wire.status < 400) {
      throw new ApiError(wire.status, { title: 'Redirected', detail: `the server redirects to ${wire.location ?? '?'}; set PALISADE_URL to the final address` });
    }
    throw new ApiError(wire.status, isProblem(parsed) ? parsed : null);
  };
  return { baseUrl: cfg.baseUrl, request, get: (path, query) => request('GET', path, { query }) };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isProblem(v: unknown): v is Problem {
  return typeof v === 'object' && v !== null && ('title' in v || 'detail' in v);
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * One page of a list endpoint, or every page when `all` (following `nextCursor`).
 * @example await listPages(api, '/api/v1/people', { kind: 'external' }, { all: true })
 */
export async function listPages<T>(
  api: ApiClient,
  path: string,
  query: Record<string, QueryValue>,
  opts: { all: boolean; limit: number | undefined; cursor: string | undefined },
): Promise<Page<T>> {
  // With --all, fetch in the largest pages the API allows unless --limit sets the page size.
  const limit = opts.limit ?? (opts.all ? 200 : undefined);
  const items: T[] = [];
  let cursor = opts.cursor;
  for (;;) {
    const page = await api.get<Page<T>>(path, { ...query, limit, cursor });
    items.push(...page.items);
    if (!opts.all || !page.nextCursor) return { items, nextCursor: page.nextCursor };
    cursor = page.nextCursor;
  }
}

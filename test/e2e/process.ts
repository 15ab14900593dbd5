/**
 * @module test/e2e/process — run real `palisade serve` processes for whole-system tests: spawn
 * `node bin/palisade.mjs serve`, read the printed URL and first-admin token, stop with a signal.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmptyPostgresDatabase } from '../../src/db/test-db.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/palisade.mjs');

/** Where one server keeps its data: a fresh PGlite folder, or a fresh PostgreSQL database when DATABASE_URL is set. */
export interface DataStore {
  dataDir: string;
  /** Environment for servers on this store (DATABASE_URL of the fresh database, or none). */
  env: Record<string, string>;
  dialect: 'pglite' | 'postgres';
  remove(): Promise<void>;
}

/**
 * A new, empty data store for one server (or several, on PostgreSQL).
 * @example const store = await createDataStore(); afterAll(() => store.remove());
 */
export async function createDataStore(): Promise<DataStore> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'palisade-e2e-'));
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    return { dataDir, env: {}, dialect: 'pglite', remove: () => rm(dataDir, { recursive: true, force: true }) };
  }
  const db = await createEmptyPostgresDatabase(serverUrl);
  return {
    dataDir,
    env: { DATABASE_URL: db.url },
    dialect: 'postgres',
    remove: async () => {
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  child: ChildProcess;
  /** Everything written so far (the buffers grow while the process runs). */
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** Resolve when stdout matches `pattern`; reject if the process exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Send a signal (SIGTERM by default) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

export interface RunningServer extends ServerProcess {
  url: string;
  /** The first admin's token if this start printed one. */
  printedToken: string | undefined;
}

/** Children still running, so that a failed test leaves no server behind (see killLeftovers). */
const live = new Set<ChildProcess>();

/**
 * Kill every child still running; call it in `afterAll` of each file that spawns servers.
 * @example afterAll(killLeftovers);
 */
export async function killLeftovers(): Promise<void> {
  await Promise.all(
    [...live].map((child) => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    })),
  );
}

/** The environment of a child: ours without any Palisade or database settings, plus `env`. */
function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('PALISADE_') && k !== 'DATABASE_URL' && v !== undefined) out[k] = v;
  }
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * Spawn `palisade <args>` without waiting for anything.
 * @example const p = spawnPalisade(['serve', '--host', '0.0.0.0']); await p.exited;
 */
export function spawnPalisade(args: string[], env: Record<string, string | undefined> = {}): ServerProcess {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    for (const w of waiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    live.delete(child);
    for (const w of waiters) w();
  });

  const waitFor: ServerProcess['waitFor'] = (pattern, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${pattern}\nstdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
      const check = () => {
        const m = pattern.exec(out);
        if (m) done(null, m);
        else if (hasExited) done(new Error(`palisade exited before printing ${pattern}\nstdout:\n${out}\nstderr:\n${err}`));
      };
      const done = (e: Error | null, m?: RegExpMatchArray) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (e) reject(e);
        else resolve(m!);
      };
      waiters.add(check);
      check();
    });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor,
    stop: async (signal = 'SIGTERM') => {
      if (!hasExited) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Start `palisade serve --port 0 --data <dir> …` on a store and wait until it prints its URL.
 * @example const s = await startPalisade(store); await fetch(`${s.url}/healthz`); await s.stop();
 */
export async function startPalisade(
  store: DataStore,
  opts: { args?: string[]; env?: Record<string, string | undefined> } = {},
): Promise<RunningServer> {
  const p = spawnPalisade(
    ['serve', '--port', '0', '--data', store.dataDir, '--log-level', 'warn', ...(opts.args ?? [])],
    { ...store.env, ...opts.env },
  );
  try {
    const [, url] = await p.waitFor(/^Palisade listening on (\S+)/m);
    const token = /^ {4}(pal_[0-9A-Za-z]+)$/m.exec(p.stdout())?.[1];
    return { ...p, url: url!, printedToken: token };
  } catch (err) {
    await p.stop('SIGKILL');
    throw err;
  }
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json(): any;
}

/**
 * One HTTP(S) request sent exactly as given: the path is not normalised (so `..`, `%00` and broken
 * percent-encoding reach the server), the body may be any bytes, and no connection is kept alive.
 * @example const res = await request(server, { path: '/api/v1/me', token });
 */
export function request(
  server: { url: string },
  opts: { method?: string; path: string; token?: string | null; headers?: Record<string, string>; body?: string | Buffer; json?: unknown; ca?: Buffer },
): Promise<HttpResponse> {
  const url = new URL(server.url);
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] ??= 'application/json';
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      { host: url.hostname, port: url.port, method: opts.method ?? 'GET', path: opts.path, headers, agent: false, ...(opts.ca ? { ca: opts.ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

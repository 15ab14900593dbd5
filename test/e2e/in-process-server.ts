/**
 * @module test/e2e/in-process-server — a real Palisade server started in the test's own process (so the
 * `palisade` command can be run against it as a child): PGlite in a fresh temporary folder, or a fresh
 * PostgreSQL database when DATABASE_URL is set; the first admin's token preset, logs silent.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/core/config.ts';
import { createEmptyPostgresDatabase } from '../../src/db/test-db.ts';
import { startServer, type RunningServer } from '../../src/server.ts';

export interface InProcessServer {
  server: RunningServer;
  /** The temporary folder (the data folder, or its parent when `dataSubdir` was given). */
  dir: string;
  /** Stop the server, drop the PostgreSQL database, remove the folder. */
  close(): Promise<void>;
}

/**
 * @example const s = await startInProcessServer('palisade-cli-e2e-', adminToken); … await s.close();
 */
export async function startInProcessServer(
  prefix: string, adminToken: string, opts: { env?: NodeJS.ProcessEnv; dataSubdir?: string } = {},
): Promise<InProcessServer> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const env: NodeJS.ProcessEnv = { PALISADE_BOOTSTRAP_TOKEN: adminToken, ...opts.env };
  let dropDatabase: (() => Promise<void>) | undefined;
  if (process.env.DATABASE_URL) {
    const db = await createEmptyPostgresDatabase(process.env.DATABASE_URL);
    env.DATABASE_URL = db.url;
    dropDatabase = db.drop;
  }
  const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
  const data = opts.dataSubdir ? path.join(dir, opts.dataSubdir) : dir;
  const server = await startServer(loadConfig({ data, host: '127.0.0.1', port: '0', logLevel: 'silent' }, env), quiet);
  return {
    server,
    dir,
    async close() {
      await server.close();
      await dropDatabase?.();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const BIN = fileURLToPath(new URL('../../bin/palisade.mjs', import.meta.url));

export interface CliRun { code: number; stdout: string; stderr: string }

/**
 * `palisade …` as a child process with only what a user would set: PATH, HOME, PALISADE_URL and
 * PALISADE_TOKEN (`defaultToken` unless another is given).
 * @example const cli = palisadeCli(() => server.url, adminToken); await cli(['whoami'], devToken);
 */
export function palisadeCli(url: () => string, defaultToken: string): (args: string[], token?: string) => Promise<CliRun> {
  return (args, token = defaultToken) => {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, PALISADE_URL: url(), PALISADE_TOKEN: token } as NodeJS.ProcessEnv;
    return new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env, timeout: 20_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr }));
    });
  };
}

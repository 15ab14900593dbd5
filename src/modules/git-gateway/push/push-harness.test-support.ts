/**
 * @module git-gateway/push/push-harness.test-support — a tiny smart-HTTP git server for the push inspector's
 * tests: `git http-backend` (CGI) for a temporary bare repository, with every receive-pack request passed
 * through the inspector first — refused pushes answer with its refusal body, accepted ones are replayed to
 * http-backend. Not the gateway (that is H1's); only enough to drive the real `git` client.
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { PushInspection, PushInspector } from './inspect-push.ts';

export interface HarnessOptions {
  /** The bare repository served as `/<basename>`. */
  repoDir: string;
  inspector: PushInspector;
  resource: { id: string; name: string };
  pusher: () => { id: string; handle: string; kind: 'member' | 'external' };
  maxBodyBytes?: number;
}

export interface Harness {
  /** Clone/push URL of the repository. */
  url: string;
  /** What each receive-pack POST produced: the inspection (or the error) and the body as received. */
  pushes: { inspection: PushInspection | null; error: unknown; received: Buffer; replayed: Buffer | null }[];
  close(): Promise<void>;
}

/** Runs http-backend for one request and copies its CGI response to `res`. */
function cgi(req: IncomingMessage, res: ServerResponse, repoDir: string, body: Readable | null, user: string): void {
  const url = new URL(req.url!, 'http://x');
  const child = spawn('git', ['http-backend'], {
    env: {
      ...process.env,
      GIT_PROJECT_ROOT: dirname(repoDir),
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: url.pathname,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method!,
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: user,
      REMOTE_ADDR: '127.0.0.1',
      ...(typeof req.headers['git-protocol'] === 'string' ? { GIT_PROTOCOL: req.headers['git-protocol'] } : {}),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  if (body) body.pipe(child.stdin);
  else child.stdin.end();
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end === -1) return;
    headersDone = true;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const [name, ...rest] = line.split(':');
      const value = rest.join(':').trim();
      if (name!.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
      else res.setHeader(name!, value);
    }
    res.writeHead(status);
    res.write(head.subarray(end + 4));
  });
  child.stdout.on('end', () => res.end());
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * Starts the server on a free loopback port.
 * @example const h = await startPushHarness({ repoDir, inspector, resource, pusher: () => ann }); git('push', h.url, 'main')
 */
export async function startPushHarness(opts: HarnessOptions): Promise<Harness> {
  const name = basename(opts.repoDir);
  const pushes: Harness['pushes'] = [];
  const server: Server = createServer((req, res) => {
    const pusher = opts.pusher();
    if (!req.url!.startsWith(`/${name}/`)) return void res.writeHead(404).end();
    const raw = req.headers['content-encoding'] === 'gzip' ? req.pipe(createGunzip()) : req;
    if (req.method !== 'POST' || !req.url!.endsWith('/git-receive-pack')) return cgi(req, res, opts.repoDir, req.method === 'POST' ? raw : null, pusher.handle);
    // Keep a copy of what arrived, to check that the replay is the same bytes.
    const tee = new PassThrough();
    const copy: Buffer[] = [];
    raw.on('data', (c: Buffer) => copy.push(c));
    raw.pipe(tee);
    const record: Harness['pushes'][number] = { inspection: null, error: null, received: Buffer.alloc(0), replayed: null };
    pushes.push(record);
    opts.inspector
      .inspect({ resource: opts.resource, baseRepoDir: opts.repoDir, pusher, body: tee, maxBodyBytes: opts.maxBodyBytes ?? 64 << 20 })
      .then(async (inspection) => {
        record.inspection = inspection;
        record.received = Buffer.concat(copy);
        if (inspection.refused.length > 0) {
          res.writeHead(200, { 'content-type': 'application/x-git-receive-pack-result', 'cache-control': 'no-cache' });
          res.end(inspection.refusalBody());
          await inspection.cleanup();
          return;
        }
        record.replayed = await collect(inspection.replay());
        const replay = inspection.replay();
        res.on('close', () => void inspection.cleanup());
        cgi(req, res, opts.repoDir, replay as Readable, pusher.handle);
      })
      .catch((error: unknown) => {
        record.error = error;
        raw.resume();
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`${(error as Error).message}\n`);
      });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${name}`,
    pushes,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/**
 * `git` in `cwd` with a fixed identity and no user or system configuration; resolves with the exit code and
 * stdout + stderr. Asynchronous: the harness answers in this same process.
 */
export function runGit(cwd: string, args: string[], opts: { allowFail?: boolean; input?: string } = {}): Promise<{ code: number; out: string }> {
  return new Promise((done, fail) => {
    const child = spawn('git', args, {
      cwd,
      env: {
        ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: cwd, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C',
        GIT_AUTHOR_NAME: 'Ann', GIT_AUTHOR_EMAIL: 'ann@example.test', GIT_COMMITTER_NAME: 'Ann', GIT_COMMITTER_EMAIL: 'ann@example.test',
      },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stdin.on('error', () => {}); // git may exit without reading it
    child.stdin.end(opts.input ?? '');
    child.on('close', (code) => {
      if (code !== 0 && !opts.allowFail) fail(new Error(`git ${args.join(' ')} failed (${code}):\n${out}`));
      else done({ code: code ?? -1, out });
    });
  });
}

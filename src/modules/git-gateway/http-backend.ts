/**
 * @module git-gateway/http-backend — runs the machine's `git http-backend` as a CGI program (RFC 3875) for one
 * request: request body streamed to its stdin, its CGI headers parsed, its output streamed to the client with
 * backpressure. Nothing is buffered beyond one chunk, so a clone of any size runs in flat memory.
 */
import { spawn } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { HOSTED_CONFIG } from './git-repository-service.ts';

export interface CgiRequest {
  /** The folder `PATH_INFO` is resolved in (the repositories folder). */
  projectRoot: string;
  /** `/<name>.git/info/refs` — built from a resolved resource name, never from the client's path. */
  pathInfo: string;
  queryString: string;
  method: 'GET' | 'POST';
  contentType: string | null;
  /** The client's `Git-Protocol` header (e.g. `version=2`), already checked to be harmless. */
  gitProtocol: string | null;
  remoteUser: string;
  remoteAddr: string;
  /** Decompressed request body; null for GET. */
  body: Readable | Buffer | null;
}

export interface RelayResult {
  status: number;
  /** Response body bytes written to the client. */
  bytesOut: number;
  /** False when the client went away or the program failed before the response was complete. */
  complete: boolean;
  /** The program's complaint, when it wrote one (first 2 KiB of its stderr). */
  stderr: string;
}

/** Largest CGI header block accepted from the program. */
const MAX_HEADER_BYTES = 16 * 1024;
/** A `Git-Protocol` header value passed on to git (`version=2`, `version=2:object-format=sha256`). */
export const GIT_PROTOCOL_HEADER = /^[A-Za-z0-9=:._-]{1,200}$/;

/** Git configuration every hosted repository is served with, as `GIT_CONFIG_COUNT` entries (no file edits). */
function configEnv(): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(HOSTED_CONFIG.length) };
  HOSTED_CONFIG.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/**
 * Parses a CGI header block (`Status: 404 Not Found`, `Content-Type: …`), lines ending in CRLF or LF.
 * @example parseCgiHeaders('Status: 404 Not Found\r\nContent-Type: text/plain\r\n') // { status: 404, headers: { 'content-type': 'text/plain' } }
 */
export function parseCgiHeaders(block: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'status') status = Number.parseInt(value, 10) || 500;
    else if (/^[a-z0-9-]+$/.test(name) && !/[\r\n]/.test(value)) headers[name] = value;
  }
  return { status, headers };
}

/**
 * Serves one smart-HTTP request through `git http-backend`, writing the response to `res`.
 * @example await runHttpBackend({ projectRoot: '/data/repos', pathInfo: '/app.git/info/refs', queryString: 'service=git-upload-pack', method: 'GET', contentType: null, gitProtocol: null, remoteUser: 'alice', remoteAddr: '10.0.0.1', body: null }, res);
 */
export function runHttpBackend(req: CgiRequest, res: ServerResponse): Promise<RelayResult> {
  const child = spawn('git', ['http-backend'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...(process.env.HOME ? { HOME: process.env.HOME } : {}),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_PROJECT_ROOT: req.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: req.pathInfo,
      QUERY_STRING: req.queryString,
      REQUEST_METHOD: req.method,
      GATEWAY_INTERFACE: 'CGI/1.1',
      ...(req.contentType ? { CONTENT_TYPE: req.contentType } : {}),
      ...(req.gitProtocol ? { GIT_PROTOCOL: req.gitProtocol } : {}),
      // REMOTE_USER also switches receive-pack on (http.receivepack defaults to "authenticated users").
      REMOTE_USER: req.remoteUser,
      REMOTE_ADDR: req.remoteAddr,
      ...configEnv(),
    },
  });
  return new Promise((done) => {
    let head = Buffer.alloc(0);
    let status = 0;
    let bytesOut = 0;
    let stderr = '';
    let settled = false;
    const finish = (complete: boolean) => {
      if (settled) return;
      settled = true;
      done({ status: status || 500, bytesOut, complete, stderr });
    };
    const fail = (why: string) => {
      stderr ||= why;
      if (!res.headersSent) {
        status = 500;
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('git http-backend failed\n');
      } else {
        res.destroy();
      }
      child.kill('SIGKILL');
      finish(false);
    };
    child.on('error', (err) => fail(`cannot run git http-backend: ${err.message}`));
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 2048) stderr += chunk.toString('utf8').slice(0, 2048 - stderr.length);
    });
    // The program may stop reading early (e.g. it refused the request): that is not our error.
    child.stdin.on('error', () => undefined);
    const onHead = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      let end = head.indexOf('\r\n\r\n');
      let sep = 4;
      if (end < 0) {
        end = head.indexOf('\n\n');
        sep = 2;
      }
      if (end < 0) {
        if (head.length > MAX_HEADER_BYTES) fail('git http-backend sent an oversized header block');
        return;
      }
      child.stdout.off('data', onHead);
      child.stdout.pause();
      const parsed = parseCgiHeaders(head.subarray(0, end).toString('latin1'));
      status = parsed.status;
      res.writeHead(status, parsed.headers);
      const rest = head.subarray(end + sep);
      bytesOut += rest.length;
      if (rest.length > 0) res.write(rest);
      child.stdout.on('data', (c: Buffer) => {
        bytesOut += c.length;
      });
      child.stdout.pipe(res);
    };
    child.stdout.on('data', onHead);
    child.on('close', (code) => {
      if (!res.headersSent) return fail(`git http-backend exited with ${code} before answering`);
      // pipe() ends the response once stdout ends; wait for it to be flushed.
      if (res.writableFinished) finish(code === 0);
      else res.once('finish', () => finish(code === 0));
    });
    res.once('close', () => {
      if (!res.writableFinished) {
        child.kill('SIGKILL');
        finish(false);
      }
    });
    if (req.body === null) child.stdin.end();
    else if (Buffer.isBuffer(req.body)) child.stdin.end(req.body);
    else {
      req.body.on('error', (err) => fail(`request body: ${err.message}`));
      req.body.pipe(child.stdin);
    }
  });
}


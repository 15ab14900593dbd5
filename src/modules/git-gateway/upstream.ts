/**
 * @module git-gateway/upstream — relays a smart-HTTP exchange to an upstream git server with the credential
 * Palisade holds (the developer never sees it), streaming both ways, and keeps a local mirror of the upstream
 * for push inspection (the base objects a pushed thin pack refers to).
 */
import { execFile } from 'node:child_process';
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { RelayResult } from './http-backend.ts';

const run = promisify(execFile);

export interface UpstreamTarget {
  /** Base URL of the upstream repository, without a trailing slash. */
  url: string;
  /** `Basic …` for the upstream. */
  authorization: string;
}

export interface UpstreamRequest {
  /** `info/refs`, `git-upload-pack` or `git-receive-pack`. */
  endpoint: string;
  queryString: string;
  method: 'GET' | 'POST';
  contentType: string | null;
  gitProtocol: string | null;
  userAgent: string | null;
  body: Readable | Buffer | null;
}

/** Response headers passed from the upstream to the client; nothing else (cookies, auth challenges …) is. */
const RELAYED = ['content-type', 'cache-control', 'expires', 'pragma'];
const TIMEOUT_MS = 30_000;

/**
 * Relays one request to the upstream and streams its answer to `res`. An upstream that refuses our credential,
 * redirects or fails answers the client 502: its own words (and challenges) are not passed on.
 * @example await relayToUpstream({ url: 'https://github.com/acme/app.git', authorization }, { endpoint: 'info/refs', … }, res);
 */
export function relayToUpstream(target: UpstreamTarget, req: UpstreamRequest, res: ServerResponse): Promise<RelayResult> {
  const url = new URL(`${target.url}/${req.endpoint}${req.queryString ? `?${req.queryString}` : ''}`);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((done) => {
    let bytesOut = 0;
    let settled = false;
    const finish = (status: number, complete: boolean, stderr = '') => {
      if (settled) return;
      settled = true;
      done({ status, bytesOut, complete, stderr });
    };
    const badGateway = (why: string) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('the upstream repository is not available\n');
        finish(502, false, why);
      } else {
        res.destroy();
        finish(res.statusCode, false, why);
      }
    };
    const upstream = send(url, {
      method: req.method,
      timeout: TIMEOUT_MS,
      headers: {
        authorization: target.authorization,
        // Some hosts (GitHub) speak the smart protocol only to user agents starting with "git/".
        'user-agent': req.userAgent?.startsWith('git/') ? req.userAgent : 'git/palisade',
        accept: '*/*',
        ...(req.gitProtocol ? { 'git-protocol': req.gitProtocol } : {}),
        ...(req.contentType ? { 'content-type': req.contentType } : {}),
        ...(Buffer.isBuffer(req.body) ? { 'content-length': String(req.body.length) } : {}),
      },
    });
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timed out')));
    upstream.on('error', (err) => badGateway(`upstream: ${err.message}`));
    upstream.on('response', (answer: IncomingMessage) => {
      const status = answer.statusCode ?? 502;
      if (status >= 300 && status < 400) return badGateway(`upstream redirected (${status})`), answer.resume();
      if (status === 401 || status === 403 || status === 407) return badGateway(`upstream refused the credential (${status})`), answer.resume();
      if (status === 404) return badGateway('upstream has no such repository (404)'), answer.resume();
      const headers: Record<string, string> = {};
      for (const name of RELAYED) {
        const v = answer.headers[name];
        if (typeof v === 'string') headers[name] = v;
      }
      res.writeHead(status, headers);
      answer.on('data', (c: Buffer) => {
        bytesOut += c.length;
      });
      answer.pipe(res);
      answer.on('error', (err) => badGateway(`upstream: ${err.message}`));
      res.once('finish', () => finish(status, status < 400));
    });
    res.once('close', () => {
      if (!res.writableFinished) {
        upstream.destroy();
        finish(res.statusCode, false, 'client went away');
      }
    });
    if (req.body === null) upstream.end();
    else if (Buffer.isBuffer(req.body)) upstream.end(req.body);
    else {
      req.body.on('error', (err) => upstream.destroy(err));
      req.body.pipe(upstream);
    }
  });
}

/** Per mirror folder: the fetch in progress, so concurrent pushes share one. */
const fetching = new Map<string, Promise<void>>();

/**
 * Brings the local mirror (`<data folder>/mirrors/<name>.git`) up to date with the upstream's branches and tags.
 * The credential goes to git through its environment (`http.extraHeader`), never on a command line or on disk.
 * @example await refreshMirror('/data/mirrors/app.git', { url, authorization });
 */
export function refreshMirror(mirrorDir: string, target: UpstreamTarget): Promise<void> {
  const running = fetching.get(mirrorDir);
  if (running) return running;
  const env = {
    ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.extraHeader', GIT_CONFIG_VALUE_0: `Authorization: ${target.authorization}`,
  };
  const work = (async () => {
    const exists = await stat(mirrorDir).then((s) => s.isDirectory(), () => false);
    if (!exists) {
      await mkdir(dirname(mirrorDir), { recursive: true });
      await run('git', ['init', '--bare', '--quiet', mirrorDir]);
    }
    await run('git', ['-C', mirrorDir, 'fetch', '--quiet', '--prune', '--no-write-fetch-head', target.url, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'], { env, timeout: 10 * 60_000 });
  })().finally(() => fetching.delete(mirrorDir));
  fetching.set(mirrorDir, work);
  return work;
}

/**
 * @module test/e2e/git-http-server — a minimal smart-HTTP git server without Palisade: node:http around
 * `git http-backend` (CGI), optionally demanding HTTP Basic. The upstream of the proxy-mode tests and the
 * "direct" side of bench/git/clone.ts.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlainGitServer {
  /** `http://127.0.0.1:<port>`; repositories are at `/<path under root>`. */
  base: string;
  /** Requests seen, with whether they carried the expected credential. */
  seen: { method: string; url: string; authorized: boolean }[];
  close(): Promise<void>;
}

/**
 * Serves every bare repository under `root`. With `basic`, requests without that user and password get 401.
 * @example const upstream = await startPlainGitServer('/tmp/up', { user: 'bot', password: 's3cret' });
 */
export async function startPlainGitServer(root: string, basic?: { user: string; password: string }): Promise<PlainGitServer> {
  const seen: PlainGitServer['seen'] = [];
  const expected = basic ? 'Basic ' + Buffer.from(`${basic.user}:${basic.password}`).toString('base64') : null;
  const server: Server = createServer((req, res) => {
    const authorized = expected === null || req.headers.authorization === expected;
    seen.push({ method: req.method!, url: req.url!, authorized });
    if (!authorized) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="upstream"' });
      res.end();
      req.resume();
      return;
    }
    const url = new URL(req.url!, 'http://x');
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH!, GIT_PROJECT_ROOT: root, GIT_HTTP_EXPORT_ALL: '1', PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1), REQUEST_METHOD: req.method!, CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: basic?.user ?? 'anonymous', REMOTE_ADDR: '127.0.0.1', GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'uploadpack.allowFilter', GIT_CONFIG_VALUE_0: 'true',
        ...(typeof req.headers['content-encoding'] === 'string' ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
        ...(typeof req.headers['git-protocol'] === 'string' ? { GIT_PROTOCOL: req.headers['git-protocol'] } : {}),
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(child.stdin);
    child.stdin.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      child.stdout.off('data', onData);
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const i = line.indexOf(':');
        const name = line.slice(0, i).trim().toLowerCase();
        const value = line.slice(i + 1).trim();
        if (name === 'status') status = Number.parseInt(value, 10);
        else if (name) headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
      child.stdout.pipe(res);
    };
    child.stdout.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

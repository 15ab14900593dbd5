import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../core/secret-token.ts';
import { ApiError, ConfigError, createApiClient, formatProblem, resolveClientConfig, UnreachableError } from './client.ts';

const token = generateToken();
const seen: { url: string; authorization: string | undefined }[] = [];

function handler(req: IncomingMessage, res: ServerResponse) {
  seen.push({ url: req.url ?? '', authorization: req.headers.authorization });
  if (req.url === '/redirect') return res.writeHead(302, { location: '/elsewhere' }).end();
  if (req.url === '/html') return res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>');
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, url: req.url }));
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return String((server.address() as AddressInfo).port);
}

let http: Server;
let tls: Server;
let httpPort: string;
let httpsPort: string;
let caFile: string;

beforeAll(async () => {
  // A throw-away self-signed certificate for 127.0.0.1, made by the real openssl.
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-ca-'));
  caFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=palisade-test', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'), '-out', caFile,
  ], { stdio: 'ignore' });
  http = createHttpServer(handler);
  tls = createHttpsServer({ key: readFileSync(path.join(dir, 'key.pem')), cert: readFileSync(caFile) }, handler);
  httpPort = await listen(http);
  httpsPort = await listen(tls);
});
afterAll(() => {
  http.close();
  tls.close();
});

describe('client configuration', () => {
  it('defaults to the local server and reads the token from PALISADE_TOKEN', () => {
    const cfg = resolveClientConfig(undefined, { PALISADE_TOKEN: token });
    expect(cfg.baseUrl.href).toBe('http://127.0.0.1:7443/');
    expect(cfg.token).toBe(token);
  });

  it('refuses plain http to another machine, credentials in the URL, and missing or mistyped tokens', () => {
    expect(() => resolveClientConfig('http://palisade.example', { PALISADE_TOKEN: token })).toThrow(/plain http/);
    expect(() => resolveClientConfig('http://10.0.0.7:7443', { PALISADE_TOKEN: token })).toThrow(/plain http/);
    for (const local of ['http://localhost:7443', 'http://127.0.0.2:7443', 'http://[::1]:7443']) {
      expect(resolveClientConfig(local, { PALISADE_TOKEN: token }).baseUrl.protocol).toBe('http:');
    }
    expect(resolveClientConfig('http://palisade.example', { PALISADE_TOKEN: token, PALISADE_INSECURE_HTTP: '1' }).baseUrl.host).toBe('palisade.example');
    expect(() => resolveClientConfig('https://u:p@palisade.example', { PALISADE_TOKEN: token })).toThrow(/credentials/);
    expect(() => resolveClientConfig(undefined, {})).toThrow(ConfigError);
    const typo = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
    try {
      resolveClientConfig(undefined, { PALISADE_TOKEN: typo });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).not.toContain(typo.slice(4, 20));
    }
  });
});

describe('problem messages', () => {
  it('fit title, detail, field errors and request id on one line', () => {
    const line = formatProblem(400, {
      title: 'Invalid request', detail: 'invalid body', requestId: 'req-1',
      errors: [{ path: 'body.name', message: "'..' segments\nare not allowed" }, { path: 'ownerId', message: 'no such person' }],
    });
    expect(line).toBe("Invalid request (400): invalid body — body.name: '..' segments are not allowed; ownerId: no such person [request req-1]");
    expect(formatProblem(401, { title: 'Authentication required' })).toMatch(/check PALISADE_TOKEN/);
  });
});

describe('calls', () => {
  it('send the bearer token and percent-encode query values', async () => {
    const api = createApiClient(resolveClientConfig(`http://127.0.0.1:${httpPort}`, { PALISADE_TOKEN: token }));
    const res = await api.get<{ url: string }>('/api/v1/x', { label: ['team=a b', 'pci'], q: undefined });
    expect(res.url).toBe('/api/v1/x?label=team%3Da+b&label=pci');
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${token}`);
  });

  it('do not follow redirects, so the token goes nowhere else', async () => {
    const api = createApiClient(resolveClientConfig(`http://127.0.0.1:${httpPort}`, { PALISADE_TOKEN: token }));
    const before = seen.length;
    await expect(api.get('/redirect')).rejects.toThrow(/redirects to \/elsewhere/);
    expect(seen.slice(before).map((s) => s.url)).toEqual(['/redirect']);
  });

  it('report a non-problem error page by its status', async () => {
    const api = createApiClient(resolveClientConfig(`http://127.0.0.1:${httpPort}`, { PALISADE_TOKEN: token }));
    const err = await api.get('/html').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe('the server answered HTTP 502');
  });

  it('trust a private CA only when PALISADE_CA_CERT names it', async () => {
    const url = `https://127.0.0.1:${httpsPort}`;
    const untrusted = createApiClient(resolveClientConfig(url, { PALISADE_TOKEN: token }));
    const err = await untrusted.get('/api/v1/me').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreachableError);
    expect((err as Error).message).toMatch(/PALISADE_CA_CERT/);
    const trusted = createApiClient(resolveClientConfig(url, { PALISADE_TOKEN: token, PALISADE_CA_CERT: caFile }));
    expect(await trusted.get('/api/v1/me')).toEqual({ ok: true, url: '/api/v1/me' });
  });

  it('report a closed port as unreachable', async () => {
    const closed = createHttpServer();
    const port = await listen(closed);
    closed.close();
    const api = createApiClient(resolveClientConfig(`http://127.0.0.1:${port}`, { PALISADE_TOKEN: token }));
    await expect(api.get('/api/v1/me')).rejects.toThrow(/cannot reach .*ECONNREFUSED/);
  });
});

/**
 * Whole-system tests of `palisade serve` as a real process: first start and restart, the bootstrap
 * token, plain-HTTP refusal, HTTPS, graceful shutdown, logs, malformed requests, and (on PostgreSQL)
 * two servers sharing one database. PGlite by default; PostgreSQL when DATABASE_URL is set.
 *
 * A first start on a fresh PGlite folder is the slow part (~10 s), so two servers are started once,
 * together, and shared: `first` (first start, prints its token) and `preset` (PALISADE_BOOTSTRAP_TOKEN).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect as netConnect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer, type SecureVersion } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, TOKEN_PATTERN } from '../../src/core/secret-token.ts';
import {
  createDataStore, killLeftovers, request, spawnPalisade, startPalisade,
  type DataStore, type HttpResponse, type RunningServer, type ServerProcess,
} from './process.ts';

const ON_POSTGRES = Boolean(process.env.DATABASE_URL);
const SECURITY_HEADERS = [
  'x-content-type-options', 'x-frame-options', 'content-security-policy', 'referrer-policy',
  'cross-origin-opener-policy', 'cross-origin-resource-policy', 'permissions-policy', 'cache-control',
];

/** The response is an RFC 9457 problem with the request id, and carries the security headers. */
function expectProblem(res: HttpResponse, status: number) {
  expect(res.status, res.body).toBe(status);
  expect(res.headers['content-type'], res.body).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^urn:palisade:problem:/), title: expect.any(String) });
  expect(body.requestId).toEqual(expect.any(String));
  expect(res.headers['x-request-id']).toBe(body.requestId);
  for (const h of SECURITY_HEADERS) expect(res.headers[h], h).toBeTruthy();
  return body as { detail?: string; errors?: { path: string; message: string }[] };
}

/** Send raw bytes on a TCP connection and return whatever comes back before the server closes it. */
function rawExchange(server: { url: string }, bytes: string): Promise<string> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = netConnect(Number(url.port), url.hostname, () => socket.write(bytes));
    let text = '';
    socket.setEncoding('utf8').on('data', (c: string) => (text += c));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(text) : reject(e)));
    socket.on('close', () => resolve(text));
  });
}

/** Parse raw HTTP/1.1 responses, one after the other on a connection (bodies framed by Content-Length). */
function parseRawResponses(raw: string): HttpResponse[] {
  const out: HttpResponse[] = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine = '', ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    const bytes = Buffer.from(rest.slice(end + 4), 'utf8');
    const length = Number(headers['content-length'] ?? bytes.length);
    const body = bytes.subarray(0, length).toString('utf8');
    rest = bytes.subarray(length).toString('utf8');
    out.push({ status: Number(statusLine.split(' ')[1]), headers, body, json: () => JSON.parse(body) });
  }
  return out;
}

const parseRaw = (raw: string): HttpResponse => parseRawResponses(raw)[0]!;

const newPerson = (handle: string) => ({ handle, name: `Person ${handle}`, email: `${handle}@example.test`, kind: 'external' });

let firstStore: DataStore;
let presetStore: DataStore;
let first: RunningServer;
let preset: RunningServer;
let adminToken: string;
const presetToken = generateToken();
/** The first attempt on `firstStore`, on a port that another process holds. */
let busyPortAttempt: ServerProcess;

beforeAll(async () => {
  [firstStore, presetStore] = await Promise.all([createDataStore(), createDataStore()]);
  const startFirst = async () => {
    const holder = createNetServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const busyPort = String((holder.address() as { port: number }).port);
    busyPortAttempt = spawnPalisade(['serve', '--port', busyPort, '--data', firstStore.dataDir], firstStore.env);
    await busyPortAttempt.exited;
    holder.close();
    // Debug: the graceful-shutdown test waits for a request's arrival line.
    return startPalisade(firstStore, { args: ['--log-level', 'debug'] });
  };
  [first, preset] = await Promise.all([
    startFirst(),
    startPalisade(presetStore, { args: ['--log-level', 'info'], env: { PALISADE_BOOTSTRAP_TOKEN: presetToken } }),
  ]);
  adminToken = first.printedToken!;
}, 180_000);

afterAll(async () => {
  await killLeftovers();
  await Promise.all([firstStore?.remove(), presetStore?.remove()]);
});

describe('the first start', () => {
  it('that cannot listen says why, exits non-zero, and leaves the first admin to the next start', async () => {
    expect((await busyPortAttempt.exited).code).toBe(1);
    expect(busyPortAttempt.stderr()).toMatch(/^palisade: could not start: .*EADDRINUSE/m);
    expect(busyPortAttempt.stdout()).not.toMatch(/pal_|First start/);
    expect(first.stdout()).toMatch(/First start: created the admin "admin"/);
  });

  it('prints the loopback URL it listens on and the first admin token, once', async () => {
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(adminToken).toMatch(TOKEN_PATTERN);
    expect(first.stdout().split(adminToken).length - 1).toBe(1);
    const me = await request(first, { path: '/api/v1/me', token: adminToken });
    expect(me.status).toBe(200);
    expect(me.json()).toMatchObject({ handle: 'admin', role: 'admin', status: 'active' });
    for (const h of SECURITY_HEADERS) expect(me.headers[h], h).toBeTruthy();
    expect(me.headers['strict-transport-security']).toBeUndefined(); // HSTS only over HTTPS
  });

  it('uses PALISADE_BOOTSTRAP_TOKEN as the admin token without printing it', async () => {
    expect(preset.printedToken).toBeUndefined();
    expect(preset.stdout()).toMatch(/created the admin "admin" with the token from PALISADE_BOOTSTRAP_TOKEN/);
    expect(preset.stdout() + preset.stderr()).not.toContain(presetToken);
    const me = await request(preset, { path: '/api/v1/me', token: presetToken });
    expect(me.status).toBe(200);
    expect(me.json().role).toBe('admin');
  });

  it('refuses to start with a malformed PALISADE_BOOTSTRAP_TOKEN, saying why', async () => {
    const store = await createDataStore();
    try {
      const p = spawnPalisade(['serve', '--port', '0', '--data', store.dataDir], { ...store.env, PALISADE_BOOTSTRAP_TOKEN: 'pal_too-short' });
      const exit = await p.exited;
      expect(exit.code).not.toBe(0);
      expect(exit.code).not.toBeNull();
      expect(p.stderr()).toMatch(/PALISADE_BOOTSTRAP_TOKEN is not a Palisade token/);
      expect(p.stdout()).not.toMatch(/listening/);
      expect(await readdir(store.dataDir)).toEqual([]); // refused before any data was touched
    } finally {
      await store.remove();
    }
  });
});

describe('malformed requests to a running server', () => {
  const as = (opts: Parameters<typeof request>[1]) => request(first, { token: adminToken, ...opts });

  it('answer invalid JSON, wrong media types and oversized bodies with problems', async () => {
    expectProblem(await as({ method: 'PATCH', path: '/api/v1/me', headers: { 'content-type': 'application/json' }, body: '{"name": ' }), 400);
    expectProblem(await as({ method: 'PATCH', path: '/api/v1/me', headers: { 'content-type': 'application/json' }, body: '' }), 400);
    expectProblem(await as({ method: 'PATCH', path: '/api/v1/me', headers: { 'content-type': 'text/plain' }, body: 'name=x' }), 400);
    expectProblem(await as({ method: 'PATCH', path: '/api/v1/me', headers: { 'content-type': 'application/xml' }, body: '<name/>' }), 415);
    const huge = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
    expectProblem(await as({ method: 'PATCH', path: '/api/v1/me', json: undefined, headers: { 'content-type': 'application/json' }, body: huge }), 413);
  });

  it('refuse deeply nested JSON and prototype-poisoning keys', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expectProblem(await as({ method: 'PATCH', path: '/api/v1/me', headers: { 'content-type': 'application/json' }, body: deep }), 400);
    const deepObject = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);
    expectProblem(await as({ method: 'POST', path: '/api/v1/people', headers: { 'content-type': 'application/json' }, body: deepObject }), 400);
    for (const body of ['{"__proto__": {"role": "admin"}, "name": "x"}', '{"constructor": {"prototype": {"role": "admin"}}}']) {
      const p = expectProblem(await as({ method: 'PATCH', path: '/api/v1/me', headers: { 'content-type': 'application/json' }, body }), 400);
      expect(p.detail).toMatch(/__proto__|constructor/);
    }
  });

  it('refuse bodies that are not valid UTF-8, and strings PostgreSQL cannot store', async () => {
    const invalidUtf8 = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const p = expectProblem(await as({ method: 'PATCH', path: '/api/v1/me', headers: { 'content-type': 'application/json' }, body: invalidUtf8 }), 400);
    expect(p.detail).toMatch(/UTF-8/);
    const nul = expectProblem(await as({ method: 'PATCH', path: '/api/v1/me', json: { name: 'a\u0000b' } }), 400);
    expect(nul.errors).toEqual([expect.objectContaining({ path: 'body.name' })]);
    const lone = expectProblem(await as({ method: 'PATCH', path: '/api/v1/me', headers: { 'content-type': 'application/json' }, body: '{"name":"x\\ud800y"}' }), 400);
    expect(lone.errors).toEqual([expect.objectContaining({ path: 'body.name' })]);
    expect((await as({ path: '/api/v1/me' })).json().name).toBe('Palisade administrator');
  });

  it('answer broken URLs, odd paths and bad query values with problems', async () => {
    expectProblem(await as({ path: '/api/v1/people/%E0%A4%A' }), 400);
    expectProblem(await as({ path: '/api/v1/people/a%00b' }), 400);
    expectProblem(await as({ path: '/api/v1/people?q=a%00b' }), 400);
    expectProblem(await as({ path: '/api/v1/people/..%2F..%2Fetc%2Fpasswd' }), 404);
    expectProblem(await as({ path: '/api/v1/people/../../../etc/passwd' }), 404);
    expectProblem(await as({ path: `/api/v1/people/${'a'.repeat(500)}` }), 414);
    expectProblem(await as({ path: `/api/v1/people?q=${'a'.repeat(20_000)}` }), 431);
    const limit = expectProblem(await as({ path: '/api/v1/people?limit=lots' }), 400);
    expect(limit.errors).toEqual([expect.objectContaining({ path: 'querystring.limit' })]);
    expectProblem(await as({ path: '/api/v1/people?limit=100000' }), 400);
    expectProblem(await as({ path: '/api/v1/people?cursor=not-a-cursor' }), 400);
  });

  it('answer unknown routes with 404, or 401 before authentication, and wrong methods with 404', async () => {
    expectProblem(await request(first, { path: '/no/such/thing' }), 404);
    expectProblem(await request(first, { path: '/api/v1/no-such-thing' }), 401);
    expectProblem(await as({ path: '/api/v1/no-such-thing' }), 404);
    expectProblem(await as({ method: 'PUT', path: '/api/v1/people' }), 404);
    expectProblem(await as({ method: 'DELETE', path: '/api/v1/me' }), 404);
    expectProblem(await as({ method: 'POST', path: '/healthz' }), 404);
  });

  it('decide authentication by the route that matched, not by the raw URL', async () => {
    for (const p of ['/%61pi/v1/me', '/%61pi/v1/people', '/api/v1/m%65', '/%61pi/v1/audit/events']) {
      expectProblem(await request(first, { path: p }), 401);
      expect((await request(first, { path: p, token: adminToken })).status, p).toBe(200);
    }
    expectProblem(await request(first, { path: '/%61pi/v1/no-such-thing' }), 401);
  });

  it('answer a garbled request line with a problem and keep serving', async () => {
    const res = parseRaw(await rawExchange(first, 'GARBAGE\x01 / HTTP/1.1\r\n\r\n'));
    expectProblem(res, 400);
    const health = await request(first, { path: '/healthz' });
    expect(health.status).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
  });
});

describe('logs', () => {
  it('are JSON lines that never contain a token, whatever header or query it came in', async () => {
    const issued = await request(preset, { method: 'POST', path: '/api/v1/tokens', token: presetToken, json: { name: 'ci' } });
    expect(issued.status).toBe(201);
    const secondToken: string = issued.json().token;
    const unknownToken = generateToken();
    const tokens = [presetToken, secondToken, unknownToken];
    for (const token of tokens) {
      await request(preset, { path: '/api/v1/me', token });
      await request(preset, { path: '/api/v1/me', headers: { authorization: `Basic ${Buffer.from(`admin:${token}`).toString('base64')}` } });
      await request(preset, { path: '/api/v1/me', headers: { authorization: `Bearer ${token.slice(0, -1)}` } });
      await request(preset, { path: '/api/v1/me', headers: { 'x-api-key': token, cookie: `session=${token}` } });
      await request(preset, { path: `/api/v1/me?token=${token}` });
      await request(preset, { path: `/api/v1/people/${token}`, token: presetToken });
    }
    expect(await preset.stop()).toEqual({ code: 0, signal: null });
    const output = preset.stdout() + preset.stderr();
    for (const token of tokens) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(token.slice(4, 30));
    }
    const logLines = preset.stdout().split('\n').filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(tokens.length * 6);
    for (const line of logLines) expect(JSON.parse(line)).toMatchObject({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) });
    // Everything else on stdout is the short human banner.
    const human = preset.stdout().split('\n').filter((l) => l.trim() && !l.startsWith('{'));
    expect(human.every((l) => /^(Starting Palisade|First start|Created the master key|Audit log|Palisade listening|Received SIGTERM)/.test(l)), human.join('\n')).toBe(true);
  });
});

describe.skipIf(ON_POSTGRES)('the embedded data folder (PGlite only: on PostgreSQL, servers share the database)', () => {
  it('serves one process at a time: a second server on it refuses to start', async () => {
    const second = spawnPalisade(['serve', '--port', '0', '--data', firstStore.dataDir]);
    const outcome = await Promise.race([second.exited.then(() => 'exited'), second.waitFor(/^Palisade listening/m).then(() => 'listening')]);
    await second.stop('SIGKILL');
    expect(outcome, second.stdout()).toBe('exited');
    expect((await second.exited).code).toBe(1);
    expect(second.stderr()).toMatch(/data folder .* is in use by another Palisade process \(pid \d+\)/);
    expect((await request(first, { path: '/api/v1/me', token: adminToken })).status).toBe(200);
  });
});

describe('a start that cannot succeed', () => {
  it('says why in words, without a stack trace, and exits non-zero', async () => {
    const missing = path.join(tmpdir(), 'palisade-no-such-dir', 'cert.pem');
    const noCert = spawnPalisade(['serve', '--port', '0', '--data', presetStore.dataDir, '--tls-cert', missing, '--tls-key', missing]);
    const unknownFlag = spawnPalisade(['serve', '--prot', '8080']);
    expect((await noCert.exited).code).toBe(1);
    expect(noCert.stderr()).toMatch(/^palisade: could not start: .*no such file or directory.*palisade-no-such-dir/m);
    expect((await unknownFlag.exited).code).toBe(2);
    expect(unknownFlag.stderr()).toMatch(/Unknown option '--prot'/);
    expect(unknownFlag.stderr()).toMatch(/--port PORT/);
    for (const p of [noCert, unknownFlag]) expect(p.stderr()).not.toMatch(/^\s+at /m);
  });
});

describe('plain HTTP on a network address', () => {
  it('is refused in words, with a non-zero exit', async () => {
    const p = spawnPalisade(['serve', '--host', '0.0.0.0', '--port', '0', '--data', presetStore.dataDir], presetStore.env);
    const exit = await p.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(p.stderr()).toMatch(/Refusing to serve plain HTTP on 0\.0\.0\.0: API tokens and audit data would cross the network unencrypted/);
    expect(p.stderr()).toMatch(/--behind-tls-proxy/);
  });

  it('is allowed with --behind-tls-proxy', async () => {
    expect(preset.child.exitCode).not.toBeNull(); // the PGlite folder is free again
    const proxied = await startPalisade(presetStore, { args: ['--host', '0.0.0.0', '--behind-tls-proxy'] });
    try {
      expect(proxied.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      const port = new URL(proxied.url).port;
      const health = await request({ url: `http://127.0.0.1:${port}` }, { path: '/healthz' });
      expect(health.status).toBe(200);
    } finally {
      expect(await proxied.stop()).toEqual({ code: 0, signal: null });
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight at SIGTERM, answers a request arriving after it with a 503 problem, then exits 0', async () => {
    const created = await request(first, { method: 'POST', path: '/api/v1/people', token: adminToken, json: newPerson('carol') });
    expect(created.status).toBe(201);
    // On one connection: the headers of a PATCH now; its body, and a second request pipelined
    // behind it, only once the server has begun stopping.
    const body = JSON.stringify({ name: 'Carol, renamed during shutdown' });
    const url = new URL(first.url);
    const socket = netConnect(Number(url.port), url.hostname);
    let raw = '';
    socket.setEncoding('utf8').on('data', (c: string) => (raw += c));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      `PATCH /api/v1/people/carol HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${adminToken}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
    );
    await first.waitFor(/"method":"PATCH","url":"\/api\/v1\/people\/carol"/);
    first.child.kill('SIGTERM');
    await first.waitFor(/Received SIGTERM/);
    await new Promise((r) => setTimeout(r, 300));
    socket.write(`${body}GET /api/v1/me HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${adminToken}\r\n\r\n`);
    await closed;
    const [patched, late] = parseRawResponses(raw);
    expect(patched!.status, raw).toBe(200);
    expect(patched!.json().name).toBe('Carol, renamed during shutdown');
    expectProblem(late!, 503);
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.stdout()).toMatch(/Received SIGTERM: finishing requests in flight and stopping/);
  });
});

describe('a stop requested while the server is starting', () => {
  it('lets the start finish, then stops cleanly with exit code 0', async () => {
    const p = spawnPalisade(['serve', '--port', '0', '--data', firstStore.dataDir, '--log-level', 'warn'], firstStore.env);
    try {
      await p.waitFor(/^Starting Palisade/m);
      p.child.kill('SIGTERM');
      expect(await p.exited).toEqual({ code: 0, signal: null });
      expect(p.stdout()).toMatch(/Received SIGTERM/);
    } finally {
      await p.stop('SIGKILL');
    }
  });
});

describe('a restart on the same data', () => {
  it('keeps all data and prints no token', async () => {
    const again = await startPalisade(firstStore);
    try {
      expect(again.printedToken).toBeUndefined();
      expect(again.stdout()).not.toMatch(/First start/);
      const carol = await request(again, { path: '/api/v1/people/carol', token: adminToken });
      expect(carol.status).toBe(200);
      expect(carol.json().name).toBe('Carol, renamed during shutdown');
      const events = await request(again, { path: '/api/v1/audit/events?type=system.bootstrapped', token: adminToken });
      expect(events.json().items).toHaveLength(1);
    } finally {
      expect(await again.stop()).toEqual({ code: 0, signal: null });
    }
  });
});

describe('HTTPS with --tls-cert and --tls-key', () => {
  let dir: string;
  let cert: Buffer;
  let tls: RunningServer;
  let port: number;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'palisade-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    cert = await readFile(path.join(dir, 'cert.pem'));
    tls = await startPalisade(firstStore, { args: ['--tls-cert', path.join(dir, 'cert.pem'), '--tls-key', path.join(dir, 'key.pem')] });
    port = Number(new URL(tls.url).port);
  }, 60_000);
  afterAll(async () => {
    await tls?.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  /** Complete a TLS handshake limited to the given versions; resolve the negotiated protocol or the error code. */
  const handshake = (p: number, minVersion: SecureVersion, maxVersion: SecureVersion) =>
    new Promise<string>((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port: p, servername: 'localhost', ca: cert, minVersion, maxVersion, ciphers: 'DEFAULT@SECLEVEL=0' }, () => {
        resolve(s.getProtocol() ?? 'none');
        s.end();
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });

  it('prints an https:// URL and answers over TLS with HSTS and the security headers', async () => {
    expect(tls.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await request(tls, { path: '/healthz', ca: cert });
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d{8,}/);
    for (const h of SECURITY_HEADERS) expect(health.headers[h], h).toBeTruthy();
    const me = await request(tls, { path: '/api/v1/me', token: adminToken, ca: cert });
    expect(me.status).toBe(200);
  });

  it('puts HSTS and the security headers on 404s and problems too', async () => {
    for (const [p, status] of [['/nowhere', 404], ['/api/v1/me', 401], ['/api/v1/people/%E0%A4%A', 400]] as const) {
      const res = await request(tls, { path: p, ca: cert, token: p === '/api/v1/me' ? null : adminToken });
      expectProblem(res, status);
      expect(res.headers['strict-transport-security'], p).toMatch(/max-age=/);
    }
  });

  it('does not speak plain HTTP on its port', async () => {
    await expect(request({ url: `http://127.0.0.1:${port}` }, { path: '/healthz' })).rejects.toThrow();
  });

  it('accepts TLS 1.2 and 1.3 and refuses TLS 1.1', async () => {
    expect(await handshake(port, 'TLSv1.2', 'TLSv1.2')).toBe('TLSv1.2');
    expect(await handshake(port, 'TLSv1.3', 'TLSv1.3')).toBe('TLSv1.3');
    // A control server proves this client really offers TLS 1.1, so the refusal below is the server's.
    const key = await readFile(path.join(dir, 'key.pem'));
    const control = createTlsServer({ key, cert, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, (s) => s.end());
    await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
    try {
      const controlPort = (control.address() as { port: number }).port;
      expect(await handshake(controlPort, 'TLSv1.1', 'TLSv1.1')).toBe('TLSv1.1');
    } finally {
      control.close();
    }
    expect(await handshake(port, 'TLSv1.1', 'TLSv1.1')).toMatch(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|WRONG_VERSION/);
  });
});

describe.skipIf(!ON_POSTGRES)('two servers on one PostgreSQL database (skipped without DATABASE_URL: PGlite is one process)', () => {
  it('bootstrap exactly one admin and serve the same data', async () => {
    const store = await createDataStore();
    const [a, b] = await Promise.all([startPalisade(store), startPalisade(store)]);
    try {
      const printed = [a.printedToken, b.printedToken].filter((t): t is string => t !== undefined);
      expect(printed).toHaveLength(1);
      const token = printed[0]!;
      for (const s of [a, b]) expect((await request(s, { path: '/api/v1/me', token })).status).toBe(200);
      expect((await request(a, { method: 'POST', path: '/api/v1/people', token, json: newPerson('dana') })).status).toBe(201);
      const dana = await request(b, { path: '/api/v1/people/dana', token });
      expect(dana.status).toBe(200);
      const admins = await request(b, { path: '/api/v1/people?role=admin', token });
      expect(admins.json().items).toHaveLength(1);
    } finally {
      expect(await Promise.all([a.stop(), b.stop()])).toEqual([{ code: 0, signal: null }, { code: 0, signal: null }]);
      await store.remove();
    }
  });
});

/** @module git-gateway/http-backend.test — CGI headers from git http-backend, and a real run of it. */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCgiHeaders, runHttpBackend } from './http-backend.ts';
import { parsePktLines } from './protocol/pkt-line.ts';

describe('parseCgiHeaders', () => {
  it('reads Status and keeps other headers, dropping malformed ones', () => {
    expect(parseCgiHeaders('Status: 404 Not Found\r\nContent-Type: text/plain\r\nBad Header: x\r\nExpires: Fri, 01 Jan 1980 00:00:00 GMT')).toEqual({
      status: 404, headers: { 'content-type': 'text/plain', expires: 'Fri, 01 Jan 1980 00:00:00 GMT' },
    });
    expect(parseCgiHeaders('Content-Type: application/x-git-upload-pack-advertisement\n').status).toBe(200);
  });
});

describe('runHttpBackend', () => {
  it('serves the ref advertisement of a bare repository and counts the bytes sent', async () => {
    const root = mkdtempSync(join(tmpdir(), 'palisade-cgi-'));
    execFileSync('git', ['init', '--bare', '-q', join(root, 'app.git')]);
    let result: Awaited<ReturnType<typeof runHttpBackend>> | null = null;
    const server = createServer((_req, res) => {
      void runHttpBackend({
        projectRoot: root, pathInfo: '/app.git/info/refs', queryString: 'service=git-upload-pack', method: 'GET',
        contentType: null, gitProtocol: null, remoteUser: 'alice', remoteAddr: '127.0.0.1', body: null,
      }, res).then((r) => (result = r));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const bytes = Buffer.from(await res.arrayBuffer());
    server.close();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement');
    expect(parsePktLines(bytes)[0]).toEqual({ type: 'data', payload: Buffer.from('# service=git-upload-pack\n') });
    await new Promise((r) => setTimeout(r, 50));
    expect(result).toMatchObject({ status: 200, bytesOut: bytes.length, complete: true });
  });
});

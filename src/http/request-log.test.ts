import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/test-app.ts';
import { createLogger } from '../core/logger.ts';
import { buildApp } from './app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** An application on the test's services whose logs land in `lines`, parsed. */
async function loggedApp(level = 'info') {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  const app = await buildApp({ services: t.services, logger: createLogger(level, stream) });
  await app.ready();
  return { app, lines };
}

describe('the request log', () => {
  it('writes one line per request, when it completes, with what the arrival line used to say', async () => {
    const { app, lines } = await loggedApp();
    const res = await app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${t.adminToken}`, 'x-request-id': 'req-one-line-1' } });
    expect(res.statusCode).toBe(200);
    const own = lines.filter((l) => l.reqId === 'req-one-line-1');
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ level: 30, msg: 'request completed', req: { method: 'GET', url: '/api/v1/me', remoteAddress: '127.0.0.1' }, res: { statusCode: 200 } });
    expect(typeof own[0]!.responseTime).toBe('number');
    expect(JSON.stringify(lines)).not.toContain(t.adminToken);
    await app.close();
  });

  it('logs refused requests too, with their status, and never a token from the path', async () => {
    const { app, lines } = await loggedApp();
    await app.inject({ method: 'GET', url: `/api/v1/people?token=${t.adminToken}`, headers: { 'x-request-id': 'req-one-line-2' } });
    const own = lines.filter((l) => l.reqId === 'req-one-line-2');
    expect(own.map((l) => [l.msg, l.res?.statusCode])).toEqual([['request completed', 401]]);
    expect(JSON.stringify(own)).not.toContain(t.adminToken.slice(4));
    await app.close();
  });
});

describe('the request log at debug level', () => {
  it('also notes each arrival, before the request completes', async () => {
    const { app, lines } = await loggedApp('debug');
    await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'req-debug-arrival' } });
    expect(lines.filter((l) => l.reqId === 'req-debug-arrival').map((l) => [l.level, l.msg, l.req?.url])).toEqual([
      [20, 'incoming request', '/healthz'],
      [30, 'request completed', '/healthz'],
    ]);
    await app.close();
  });
});

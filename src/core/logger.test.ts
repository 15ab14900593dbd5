import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';
import { generateToken, scrubTokens } from './secret-token.ts';

/** A logger writing into an array of parsed lines. */
function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger('info', stream), lines };
}

describe('the logger', () => {
  it('writes JSON lines and redacts credentials by path', () => {
    const { log, lines } = capture();
    log.info({ req: { headers: { authorization: 'Bearer x', cookie: 'c' } }, token: 't', user: { password: 'p' } }, 'hello');
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: 30, msg: 'hello', service: 'palisade', token: '[redacted]', user: { password: '[redacted]' } });
    expect(entry.req.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]' });
  });

  it('scrubs anything shaped like a token, wherever it appears', () => {
    const token = generateToken();
    const { log, lines } = capture();
    log.info({ req: { url: `/api/v1/me?token=${token}` } }, `saw ${token.slice(0, 30)} in a path`);
    expect(lines.join('\n')).not.toContain(token.slice(4, 24));
    expect(JSON.parse(lines[0]!).req.url).toBe('/api/v1/me?token=pal_[redacted]');
    // The short hint shown in listings stays readable.
    expect(scrubTokens(`hint ${token.slice(0, 10)}`)).toBe(`hint ${token.slice(0, 10)}`);
  });

  it('logs database errors without parameter values, offending rows or raw request bytes', () => {
    const { log, lines } = capture();
    const err = Object.assign(new Error('duplicate key value violates unique constraint "people_email_key"'), {
      code: '23505',
      constraint: 'people_email_key',
      query: 'INSERT INTO people (email) VALUES ($1)',
      params: ['alice@example.test'],
      detail: 'Key (lower(email))=(alice@example.test) already exists.',
      where: 'unnamed portal parameter $1 = \'alice@example.test\'',
      rawPacket: Buffer.from('GET / HTTP/1.1\r\nAuthorization: Bearer secret\r\n'),
    });
    log.error({ err }, 'internal error');
    expect(lines[0]).not.toContain('alice@example.test');
    expect(lines[0]).not.toContain('secret');
    expect(JSON.parse(lines[0]!).err).toMatchObject({ code: '23505', constraint: 'people_email_key', message: expect.stringContaining('people_email_key') });
  });
});

describe('the process logger', () => {
  it('writes every line it was given before the process exits, even on an immediate process.exit', async () => {
    const { execFile } = await import('node:child_process');
    const child = new URL('./logger-exit-child.ts', import.meta.url).pathname;
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', child, '5000'], { maxBuffer: 64 << 20 }, (err, out) => (err ? reject(err) : resolve(out)));
    });
    const lines = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { i: number });
    expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});

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

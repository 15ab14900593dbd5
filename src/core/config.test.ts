import { describe, expect, it } from 'vitest';
import { isLoopbackHost, loadConfig, plainHttpRefusal } from './config.ts';
import { ValidationError } from './errors.ts';
import { generateToken } from './secret-token.ts';

describe('loadConfig', () => {
  it('defaults to a loopback address and ./.palisade', () => {
    const cfg = loadConfig({}, {});
    expect(cfg.host).toBe('127.0.0.1');
    expect(cfg.dataDir.endsWith('.palisade')).toBe(true);
    expect(cfg.databaseUrl).toBeUndefined();
  });

  it('prefers flags over environment variables', () => {
    const cfg = loadConfig({ port: '9000', data: '/tmp/x' }, { PALISADE_PORT: '8000', PALISADE_DATA: '/tmp/y' });
    expect(cfg.port).toBe(9000);
    expect(cfg.dataDir).toBe('/tmp/x');
  });

  it('rejects a bad port and a non-postgres DATABASE_URL with field messages', () => {
    expect(() => loadConfig({ port: 'eighty' }, {})).toThrow(ValidationError);
    expect(() => loadConfig({}, { DATABASE_URL: 'mysql://x' })).toThrow(ValidationError);
  });

  it('refuses a malformed PALISADE_BOOTSTRAP_TOKEN before anything is opened, and accepts a real one', () => {
    expect(() => loadConfig({}, { PALISADE_BOOTSTRAP_TOKEN: 'pal_too-short' })).toThrow(/PALISADE_BOOTSTRAP_TOKEN is not a Palisade token/);
    const token = generateToken();
    const typo = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
    expect(() => loadConfig({}, { PALISADE_BOOTSTRAP_TOKEN: typo })).toThrow(ValidationError);
    expect(loadConfig({}, { PALISADE_BOOTSTRAP_TOKEN: token }).bootstrapToken).toBe(token);
  });

  it('requires the TLS certificate and key together', () => {
    expect(() => loadConfig({ tlsCert: 'c.pem' }, {})).toThrow(/together/);
  });
});

describe('plain HTTP refusal', () => {
  it('knows loopback addresses', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.8.0.1')).toBe(true);
    expect(isLoopbackHost('::1')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('0.0.0.0')).toBe(false);
    expect(isLoopbackHost('10.0.0.5')).toBe(false);
  });

  it('refuses plain HTTP on a public address unless TLS or a proxy is declared', () => {
    expect(plainHttpRefusal(loadConfig({ host: '0.0.0.0' }, {}))).toMatch(/Refusing to serve plain HTTP/);
    expect(plainHttpRefusal(loadConfig({ host: '0.0.0.0', behindTlsProxy: true }, {}))).toBeNull();
    expect(plainHttpRefusal(loadConfig({ host: '0.0.0.0', tlsCert: 'c', tlsKey: 'k' }, {}))).toBeNull();
    expect(plainHttpRefusal(loadConfig({}, {}))).toBeNull();
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from './client.ts';
import { formatHours, parseHours, parseLabels, parseTime, readPublicKeys } from './flags.ts';

describe('--hours', () => {
  it('reads day ranges, lists and week-wrapping ranges', () => {
    expect(parseHours('mon-fri@09:00-17:00')).toEqual({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' });
    expect(parseHours('mon,wed,fri@08:00-12:00').days).toEqual(['mon', 'wed', 'fri']);
    expect(parseHours('sun-tue@22:00-06:00')).toEqual({ days: ['mon', 'tue', 'sun'], start: '22:00', end: '06:00' });
  });

  it('refuses anything else as a usage error', () => {
    for (const bad of ['mon-fri', 'mon-fri@9-17', 'xyz@09:00-17:00', 'mon-fri@25:00-26:00', 'mon-tue-wed@09:00-10:00']) {
      expect(() => parseHours(bad), bad).toThrow(UsageError);
    }
  });

  it('print back to the same days and times', () => {
    const day = fc.constantFrom('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun');
    fc.assert(
      fc.property(fc.uniqueArray(day, { minLength: 1, maxLength: 7 }), (days) => {
        const h = parseHours(`${days.join(',')}@09:00-17:00`);
        expect(parseHours(formatHours(h))).toEqual(h);
      }),
    );
    expect(formatHours(parseHours('mon-fri@09:00-17:00'))).toBe('mon-fri@09:00-17:00');
  });
});

describe('--label and --since', () => {
  it('split labels at the first "=" and refuse a missing key', () => {
    expect(parseLabels(['team=ops', 'expr=a=b', 'empty='])).toEqual({ team: 'ops', expr: 'a=b', empty: '' });
    expect(() => parseLabels(['=x'])).toThrow(UsageError);
    expect(() => parseLabels(['novalue'])).toThrow(UsageError);
  });

  it('take ISO times and durations ago', () => {
    const now = new Date('2026-03-02T10:00:00Z');
    expect(parseTime('24h', 'since', now)).toBe('2026-03-01T10:00:00.000Z');
    expect(parseTime('30m', 'since', now)).toBe('2026-03-02T09:30:00.000Z');
    expect(parseTime('2026-03-01', 'since', now)).toBe('2026-03-01T00:00:00.000Z');
    expect(parseTime('2026-03-01T08:00:00+02:00', 'since', now)).toBe('2026-03-01T06:00:00.000Z');
    expect(() => parseTime('yesterday', 'since', now)).toThrow(/--since/);
  });
});

describe('--ssh-key-file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-keys-'));

  it('reads every key line and skips comments', () => {
    const f = path.join(dir, 'keys.pub');
    writeFileSync(f, '# laptop\nssh-ed25519 AAAAC3Nza a@b\n\nssh-ed25519 AAAAC3Nzb c@d\n');
    expect(readPublicKeys([f])).toEqual(['ssh-ed25519 AAAAC3Nza a@b', 'ssh-ed25519 AAAAC3Nzb c@d']);
  });

  it('refuses a private key before anything is sent', () => {
    const f = path.join(dir, 'id_ed25519');
    writeFileSync(f, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n');
    expect(() => readPublicKeys([f])).toThrow(/private key/);
    expect(() => readPublicKeys([path.join(dir, 'missing.pub')])).toThrow(/ENOENT/);
  });
});

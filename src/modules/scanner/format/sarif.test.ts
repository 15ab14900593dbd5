/** @module scanner/format/sarif.test — SARIF output validates against the official SARIF 2.1.0 schema and never leaks a secret. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createScanner } from '../scanner.ts';
import { fillTemplate } from '../testing/fake.ts';
import { seededRandom } from '../testing/random.ts';
import { formatJson } from './json.ts';
import { formatSarif } from './sarif.ts';
import { formatTable } from './table.ts';

// Both packages are CommonJS with `module.exports = fn`; require() gives the function itself under NodeNext typing.
const require = createRequire(import.meta.url);
const Ajv = require('ajv-draft-04') as typeof import('ajv-draft-04').default;
const addFormats = require('ajv-formats') as typeof import('ajv-formats').default;
const schema = JSON.parse(readFileSync(new URL('../../../../test/fixtures/scanner/sarif-schema-2.1.0.json', import.meta.url), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false }) // the schema's language pattern is not valid with the u flag;
addFormats(ajv);
const validate = ajv.compile(schema);

const scanner = createScanner({ personalData: true });
const { text, secrets } = fillTemplate('token: «ghp_{alnum:36}»\nkey = "«{pem:RSA PRIVATE KEY}»"\nmail: «jane.roe@acme-mail.de»\n', seededRandom(5));
const findings = scanner.scanText(text, 'dir with space/app.yml');
const report = { findings, suppressed: 0, stats: { files: 1, bytes: text.length, skippedBinary: 0, skippedLarge: 0, commits: 0 }, rules: scanner.rules };

describe('output formats', () => {
  it('finds what the fixture plants', () => {
    expect(findings.map((f) => f.ruleId)).toEqual(['github-pat', 'private-key', 'pii-email-address']);
  });

  it('SARIF is valid against the SARIF 2.1.0 schema', () => {
    const log = JSON.parse(formatSarif(report));
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(log.runs[0].results).toHaveLength(3);
    expect(log.runs[0].results[0].partialFingerprints['palisade/v1']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('SARIF with an empty result list and with history findings is valid too', () => {
    expect(validate(JSON.parse(formatSarif({ ...report, findings: [] })))).toBe(true);
    const withCommit = findings.map((f) => ({ ...f, commit: { commit: 'a'.repeat(40), author: 'Ann', email: 'ann@acme.io', date: '2024-01-01T00:00:00Z' } }));
    expect(validate(JSON.parse(formatSarif({ ...report, findings: withCommit })))).toBe(true);
  });

  it.each([
    ['table', formatTable],
    ['json', formatJson],
    ['sarif', formatSarif],
  ] as const)('%s output never contains a secret unless asked', (_, format) => {
    const out = format(report, {});
    for (const secret of secrets) {
      expect(out).not.toContain(secret);
      for (const line of secret.split('\n')) if (line.length >= 8) expect(out).not.toContain(line);
    }
    expect(format(report, { showSecrets: true })).toContain(secrets[0]);
  });
});

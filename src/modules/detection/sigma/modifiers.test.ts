/** @module detection/sigma/modifiers.test — value matching and every supported modifier. */
import { describe, expect, it } from 'vitest';
import { selects } from './testing.ts';

describe('plain values', () => {
  it('match a whole string, case-insensitively', () => {
    expect(selects({ action: 'Repo.Destroy' }, { action: 'repo.destroy' })).toBe(true);
    expect(selects({ action: 'repo.destroy' }, { action: 'repo.destroyed' })).toBe(false);
  });
  it('a map is an AND of its fields, a list of values an OR', () => {
    expect(selects({ a: 'x', b: ['y', 'z'] }, { a: 'x', b: 'z' })).toBe(true);
    expect(selects({ a: 'x', b: ['y', 'z'] }, { a: 'q', b: 'z' })).toBe(false);
  });
  it('a list of maps is an OR of the maps', () => {
    const sel = [{ a: '1', b: '2' }, { c: '3' }];
    expect(selects(sel, { c: '3' })).toBe(true);
    expect(selects(sel, { a: '1', b: '2' })).toBe(true);
    expect(selects(sel, { a: '1' })).toBe(false);
  });
  it('wildcards * and ? match runs and single characters; backslash escapes them', () => {
    expect(selects({ path: 'src/*/secret?.txt' }, { path: 'SRC/a/b/secret1.txt' })).toBe(true);
    expect(selects({ path: 'src/*/secret?.txt' }, { path: 'src/a/secret12.txt' })).toBe(false);
    expect(selects({ q: 'what\\?' }, { q: 'what?' })).toBe(true);
    expect(selects({ q: 'what\\?' }, { q: 'whatX' })).toBe(false);
    expect(selects({ q: 'a\\*b' }, { q: 'a*b' })).toBe(true);
    expect(selects({ q: 'a\\*b' }, { q: 'axxb' })).toBe(false);
    expect(selects({ q: 'c:\\\\*' }, { q: 'c:\\windows' })).toBe(true);
    expect(selects({ q: 'c:\\windows' }, { q: 'c:\\windows' })).toBe(true);
  });
  it('numbers and booleans match their text, in numeric or string fields', () => {
    expect(selects({ code: 404 }, { code: 404 })).toBe(true);
    expect(selects({ code: 404 }, { code: '404' })).toBe(true);
    expect(selects({ code: 404 }, { code: 4040 })).toBe(false);
    expect(selects({ ok: true }, { ok: true })).toBe(true);
    expect(selects({ ok: true }, { ok: false })).toBe(false);
  });
  it('null means the field is absent (or null)', () => {
    expect(selects({ user: null }, {})).toBe(true);
    expect(selects({ user: null }, { user: null })).toBe(true);
    expect(selects({ user: null }, { user: 'mona' })).toBe(false);
    expect(selects({ user: [null, 'mona'] }, { user: 'mona' })).toBe(true);
  });
  it('dotted names reach nested objects, and flat keys with dots', () => {
    expect(selects({ 'actor_location.country_code': 'de' }, { actor_location: { country_code: 'DE' } })).toBe(true);
    expect(selects({ 'actor_location.country_code': 'de' }, { 'actor_location.country_code': 'DE' })).toBe(true);
    expect(selects({ 'actor_location.country_code': 'de' }, { actor_location: 'DE' })).toBe(false);
  });
  it('a list in the event matches when any item does', () => {
    expect(selects({ tags: 'prod' }, { tags: ['dev', 'PROD'] })).toBe(true);
    expect(selects({ tags: 'prod' }, { tags: ['dev'] })).toBe(false);
  });
  it('a field that is an object matches no string', () => {
    expect(selects({ a: '*' }, { a: { b: 1 } })).toBe(false);
  });
});

describe('contains, startswith, endswith, all, cased', () => {
  it('contains', () => {
    expect(selects({ 'cmd|contains': 'CLONE' }, { cmd: 'git clone x' })).toBe(true);
    expect(selects({ 'cmd|contains': 'clone' }, { cmd: 'git pull' })).toBe(false);
  });
  it('startswith and endswith', () => {
    expect(selects({ 'ref|startswith': 'refs/heads/' }, { ref: 'refs/heads/main' })).toBe(true);
    expect(selects({ 'ref|startswith': 'refs/heads/' }, { ref: 'x/refs/heads/main' })).toBe(false);
    expect(selects({ 'file|endswith': '.pem' }, { file: 'keys/id.PEM' })).toBe(true);
    expect(selects({ 'file|endswith': '.pem' }, { file: 'keys/id.pem.bak' })).toBe(false);
  });
  it('wildcards still work inside contains', () => {
    expect(selects({ 'cmd|contains': 'rm -? /' }, { cmd: 'sudo rm -f /' })).toBe(true);
  });
  it('all requires every value', () => {
    expect(selects({ 'cmd|contains|all': ['curl', 'sh'] }, { cmd: 'curl x | sh' })).toBe(true);
    expect(selects({ 'cmd|contains|all': ['curl', 'bash'] }, { cmd: 'curl x | sh' })).toBe(false);
    expect(selects({ 'tags|all': ['a', 'b'] }, { tags: ['b', 'a'] })).toBe(true);
    expect(selects({ 'tags|all': ['a', 'b'] }, { tags: ['a'] })).toBe(false);
  });
  it('cased makes the comparison case-sensitive', () => {
    expect(selects({ 'name|cased': 'Admin' }, { name: 'Admin' })).toBe(true);
    expect(selects({ 'name|cased': 'Admin' }, { name: 'admin' })).toBe(false);
    expect(selects({ 'name|contains|cased': 'dm' }, { name: 'ADMIN' })).toBe(false);
  });
});

describe('re', () => {
  it('is case-sensitive, unanchored, with i, m and s sub-modifiers', () => {
    expect(selects({ 'ref|re': '^refs/tags/v[0-9]+$' }, { ref: 'refs/tags/v12' })).toBe(true);
    expect(selects({ 'ref|re': '^refs/tags/v[0-9]+$' }, { ref: 'REFS/tags/v12' })).toBe(false);
    expect(selects({ 'ref|re|i': '^refs/tags/v[0-9]+$' }, { ref: 'REFS/tags/v12' })).toBe(true);
    expect(selects({ 'msg|re': 'b$' }, { msg: 'ab\nc' })).toBe(false);
    expect(selects({ 'msg|re|m': 'b$' }, { msg: 'ab\nc' })).toBe(true);
    expect(selects({ 'msg|re': 'a.c' }, { msg: 'a\nc' })).toBe(false);
    expect(selects({ 'msg|re|s': 'a.c' }, { msg: 'a\nc' })).toBe(true);
    expect(selects({ 'msg|re': 'token' }, { msg: 'my token here' })).toBe(true);
  });
  it("accepts PCRE's leading (?i)", () => {
    expect(selects({ 'msg|re': '(?i)^ADMIN' }, { msg: 'admin login' })).toBe(true);
  });
  it('looks at the first 4,096 characters of a value only', () => {
    expect(selects({ 'msg|re': 'needle' }, { msg: `${'x'.repeat(5000)}needle` })).toBe(false);
    expect(selects({ 'msg|re': 'needle' }, { msg: `${'x'.repeat(4000)}needle` })).toBe(true);
  });
});

describe('cidr', () => {
  it('matches IPv4 ranges', () => {
    expect(selects({ 'ip|cidr': '10.0.0.0/8' }, { ip: '10.200.3.4' })).toBe(true);
    expect(selects({ 'ip|cidr': '10.0.0.0/8' }, { ip: '11.0.0.1' })).toBe(false);
    expect(selects({ 'ip|cidr': ['192.168.1.0/24', '172.16.0.0/12'] }, { ip: '172.31.255.255' })).toBe(true);
    expect(selects({ 'ip|cidr': '0.0.0.0/0' }, { ip: '8.8.8.8' })).toBe(true);
    expect(selects({ 'ip|cidr': '10.0.0.0/8' }, { ip: 'not an address' })).toBe(false);
  });
  it('matches IPv6 ranges, and IPv4-mapped addresses as IPv4', () => {
    expect(selects({ 'ip|cidr': '2001:db8::/32' }, { ip: '2001:db8:1::5' })).toBe(true);
    expect(selects({ 'ip|cidr': '2001:db8::/32' }, { ip: '2001:db9::5' })).toBe(false);
    expect(selects({ 'ip|cidr': 'fe80::/10' }, { ip: 'fe80::1%eth0' })).toBe(true);
    expect(selects({ 'ip|cidr': '::1/128' }, { ip: '::1' })).toBe(true);
    expect(selects({ 'ip|cidr': '10.0.0.0/8' }, { ip: '::ffff:10.1.2.3' })).toBe(true);
    expect(selects({ 'ip|cidr': '2001:db8::/32' }, { ip: '10.1.2.3' })).toBe(false);
  });
});

describe('exists and comparisons', () => {
  it('exists: true needs the field, false its absence', () => {
    expect(selects({ 'grant|exists': true }, { grant: 'g1' })).toBe(true);
    expect(selects({ 'grant|exists': true }, {})).toBe(false);
    expect(selects({ 'grant|exists': false }, {})).toBe(true);
    expect(selects({ 'grant|exists': false }, { grant: 0 })).toBe(false);
  });
  it('gt, gte, lt, lte compare numbers (numeric strings too)', () => {
    expect(selects({ 'bytes|gt': 100 }, { bytes: 101 })).toBe(true);
    expect(selects({ 'bytes|gt': 100 }, { bytes: 100 })).toBe(false);
    expect(selects({ 'bytes|gte': 100 }, { bytes: '100' })).toBe(true);
    expect(selects({ 'bytes|lt': 100 }, { bytes: 99.5 })).toBe(true);
    expect(selects({ 'bytes|lte': 100 }, { bytes: 101 })).toBe(false);
    expect(selects({ 'bytes|gt': 100 }, { bytes: 'many' })).toBe(false);
    expect(selects({ 'bytes|gt': 100 }, {})).toBe(false);
  });
});

describe('windash, base64, base64offset, fieldref', () => {
  it('windash accepts - / and the unicode dashes', () => {
    expect(selects({ 'cmd|windash|contains': ' -enc ' }, { cmd: 'powershell /enc abc' })).toBe(true);
    expect(selects({ 'cmd|windash|contains': ' -enc ' }, { cmd: 'powershell \u2013enc abc' })).toBe(true);
    expect(selects({ 'cmd|windash|contains': ' -enc ' }, { cmd: 'powershell enc abc' })).toBe(false);
  });
  it('base64 matches the encoded value (case-sensitive like the encoding)', () => {
    const enc = Buffer.from('curl http').toString('base64');
    expect(selects({ 'data|base64': 'curl http' }, { data: enc })).toBe(true);
  });
  it('base64offset|contains finds the value at any offset inside a base64 blob', () => {
    for (const prefix of ['', 'x', 'xy', 'xyz']) {
      const blob = Buffer.from(`${prefix}secret-token and more`).toString('base64');
      expect(selects({ 'data|base64offset|contains': 'secret-token' }, { data: blob })).toBe(true);
    }
    expect(selects({ 'data|base64offset|contains': 'secret-token' }, { data: Buffer.from('nothing here').toString('base64') })).toBe(false);
  });
  it('fieldref compares with another field of the same event', () => {
    expect(selects({ 'actor|fieldref': 'user' }, { actor: 'Mona', user: 'mona' })).toBe(true);
    expect(selects({ 'actor|fieldref': 'user' }, { actor: 'mona', user: 'octocat' })).toBe(false);
    expect(selects({ 'actor|fieldref': 'user' }, { actor: 'mona' })).toBe(false);
  });
});

describe('keywords', () => {
  it('search every string of the event, nested ones included, as substrings', () => {
    expect(selects(['Permission denied'], { msg: 'x: permission DENIED (publickey)' })).toBe(true);
    expect(selects(['Permission denied'], { detail: { lines: ['ok', 'permission denied'] } })).toBe(true);
    expect(selects(['Permission denied'], { msg: 'accepted' })).toBe(false);
  });
  it('|all requires every keyword somewhere in the event', () => {
    expect(selects({ '|all': ['clone', 'mirror'] }, { a: 'git clone', b: '--mirror' })).toBe(true);
    expect(selects({ '|all': ['clone', 'mirror'] }, { a: 'git clone' })).toBe(false);
  });
});

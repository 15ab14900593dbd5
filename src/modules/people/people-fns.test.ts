import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bech32 } from '@scure/base';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isValidAgeRecipient, isValidTimeZone, parseSshPublicKey } from './people-fns.ts';

/** Make a key pair with the real ssh-keygen and return the public line and ssh-keygen's fingerprint. */
function sshKeygen(type: string, bits?: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-key-'));
  const file = path.join(dir, 'id');
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', 'dev@laptop', '-f', file]);
  const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`]).toString().split(' ')[1]!;
  return { pub: readFileSync(`${file}.pub`, 'utf8'), priv: readFileSync(file, 'utf8'), fingerprint };
}

describe('time zones', () => {
  it('accept IANA names and refuse offsets and nonsense', () => {
    for (const tz of ['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata']) expect(isValidTimeZone(tz)).toBe(true);
    for (const tz of ['+05:30', 'Mars/Olympus', '', 'Europe/../etc', 'x'.repeat(80)]) expect(isValidTimeZone(tz)).toBe(false);
  });
});

describe('SSH public keys', () => {
  it('give the same SHA-256 fingerprint as ssh-keygen for ed25519, ECDSA and RSA keys', () => {
    for (const [type, bits] of [['ed25519'], ['ecdsa', 256], ['rsa', 3072]] as const) {
      const k = sshKeygen(type, bits);
      const parsed = parseSshPublicKey(k.pub);
      expect(typeof parsed, type).toBe('object');
      if (typeof parsed === 'string') return;
      expect(parsed.fingerprint).toBe(k.fingerprint);
      expect(parsed.comment).toBe('dev@laptop');
    }
  });

  it('refuse private keys, short RSA keys and garbage, saying why', () => {
    const k = sshKeygen('ed25519');
    expect(parseSshPublicKey(k.priv)).toMatch(/private key/);
    expect(parseSshPublicKey(sshKeygen('rsa', 1024).pub)).toMatch(/at least 2048 bits/);
    expect(parseSshPublicKey('ssh-ed25519 AAAAnotbase64!!')).toMatch(/not an OpenSSH public key/);
    expect(parseSshPublicKey(`${k.pub.trim()}\nssh-ed25519 AAAA`)).toMatch(/single-line/);
  });
});

describe('age recipients', () => {
  it('accept the age specification example and fresh Bech32 encodings of 32-byte keys', () => {
    expect(isValidAgeRecipient('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p')).toBe(true);
    expect(isValidAgeRecipient(bech32.encode('age', bech32.toWords(randomBytes(32))))).toBe(true);
  });

  it('refuse a wrong checksum, a wrong prefix and a wrong length', () => {
    expect(isValidAgeRecipient('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8q')).toBe(false);
    expect(isValidAgeRecipient(bech32.encode('agx', bech32.toWords(randomBytes(32))))).toBe(false);
    expect(isValidAgeRecipient(bech32.encode('age', bech32.toWords(randomBytes(31))))).toBe(false);
  });
});

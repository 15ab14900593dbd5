/** @module scanner/rules/keys — private keys (PEM, OpenSSH, PGP, PuTTY, age), JSON Web Tokens and 1Password secrets. */
import { defineRule } from './define.ts';
import { isJwt } from './validators.ts';
import type { Rule } from '../types.ts';

/** Key bodies are base64 (entropy near 6); a template such as `MIIE…XXXX` or `...` falls well below. */
const KEY_BODY_ENTROPY = 4.5;

export function keyRules(): Rule[] {
  return [
    defineRule({
      id: 'private-key',
      description: 'PEM private key (RSA, EC, DSA, PKCS#8, encrypted PKCS#8).',
      // `\\n` as well as real newlines: keys embedded in JSON (service-account files) keep escaped newlines.
      regex: /-----BEGIN (?!OPENSSH|PGP)[A-Z0-9 ]{0,40}PRIVATE KEY-----[\s\S]{64,16384}?-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----/,
      keywords: ['private key-----'],
      entropy: KEY_BODY_ENTROPY,
      scope: 'file',
      tags: ['private-key'],
    }),
    defineRule({
      id: 'openssh-private-key',
      description: 'OpenSSH private key.',
      regex: /-----BEGIN OPENSSH PRIVATE KEY-----[\s\S]{64,16384}?-----END OPENSSH PRIVATE KEY-----/,
      keywords: ['begin openssh private key'],
      entropy: KEY_BODY_ENTROPY,
      scope: 'file',
      tags: ['private-key', 'ssh'],
    }),
    defineRule({
      id: 'pgp-private-key',
      description: 'PGP / GnuPG private key block.',
      regex: /-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]{64,65536}?-----END PGP PRIVATE KEY BLOCK-----/,
      keywords: ['begin pgp private key block'],
      entropy: KEY_BODY_ENTROPY,
      scope: 'file',
      tags: ['private-key', 'pgp'],
    }),
    defineRule({
      id: 'putty-private-key',
      description: 'PuTTY private key file (.ppk).',
      regex: /PuTTY-User-Key-File-\d: [^\n]{1,64}\n[\s\S]{0,4096}?Private-Lines: \d{1,3}\r?\n([\s\S]{64,8192}?)\r?\nPrivate-MAC: [0-9a-f]{40,64}/,
      keywords: ['putty-user-key-file-'],
      entropy: KEY_BODY_ENTROPY,
      scope: 'file',
      tags: ['private-key', 'ssh'],
    }),
    defineRule({
      id: 'age-secret-key',
      description: 'age encryption identity (secret key).',
      regex: /\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b/,
      keywords: ['age-secret-key-1'],
      entropy: 3.5,
      tags: ['private-key', 'age'],
    }),
    defineRule({
      id: 'jwt',
      description: 'Signed JSON Web Token (a bearer credential until it expires).',
      regex: /\b(eyJ[A-Za-z0-9_-]{10,2000}\.eyJ[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{20,1000})(?![A-Za-z0-9_-])/,
      keywords: ['eyj'],
      entropy: 3.5,
      validate: isJwt,
      tags: ['jwt'],
    }),
    defineRule({
      id: '1password-service-account-token',
      description: '1Password service account token.',
      regex: /\b(ops_eyJ[A-Za-z0-9+/]{250,1000}={0,3})(?![A-Za-z0-9+/=])/,
      keywords: ['ops_eyj'],
      entropy: 4,
      tags: ['1password'],
    }),
    defineRule({
      id: '1password-secret-key',
      description: '1Password account Secret Key.',
      regex: /\b(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})\b/,
      keywords: ['a3-'],
      entropy: 3.8,
      tags: ['1password'],
    }),
  ];
}

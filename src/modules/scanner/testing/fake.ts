/**
 * @module scanner/testing/fake — fills templates with random but realistic-looking fake credentials, so tests
 * and the benchmark corpus never hold a literal secret (and push protection never trips on our own repo).
 *
 * `{alnum:36}` → 36 random letters and digits; `«…»` marks the part the scanner must report as the secret.
 * Classes: alnum, hex, HEX, b64, b64url, upper, lower, letters, digits, base32, lalnum, ualnum, bech32;
 * whole values: {uuid}, {palisade} (checksummed Palisade token), {jwt}, {pem:RSA PRIVATE KEY}, {pemjson:PRIVATE KEY}, {basic:user}.
 */
import { crc32 } from 'node:zlib';
import type { Random } from './random.ts';

const CLASSES: Record<string, string> = {
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  hex: '0123456789abcdef',
  HEX: '0123456789ABCDEF',
  b64: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  b64url: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  digits: '0123456789',
  base32: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  lalnum: 'abcdefghijklmnopqrstuvwxyz0123456789',
  ualnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  bech32: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
};
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export interface Filled {
  readonly text: string;
  /** The `«…»`-marked parts, in order. */
  readonly secrets: string[];
}

/**
 * Expands a template.
 * @example fillTemplate('token = «ghp_{alnum:36}»', seededRandom(1)).secrets[0] // 'ghp_…' (40 chars)
 */
export function fillTemplate(template: string, random: Random): Filled {
  const expanded = template.replace(/\{([A-Za-z0-9]+)(?::([^}]+))?\}/g, (whole, name: string, arg: string | undefined) => {
    const cls = CLASSES[name];
    if (cls !== undefined) return randomString(cls, Number(arg), random);
    switch (name) {
      case 'uuid':
        return uuid(random);
      case 'palisade':
        return palisadeToken(random);
      case 'jwt':
        return jwt(random);
      case 'pem':
        return pem(arg ?? 'PRIVATE KEY', random);
      case 'pemjson':
        // As inside a JSON string (service-account files): newlines escaped.
        return pem(arg ?? 'PRIVATE KEY', random).replace(/\n/g, '\\n');
      case 'basic':
        return Buffer.from(`${arg ?? 'deploy'}:${randomString(CLASSES.alnum!, 16, random)}`).toString('base64');
      default:
        return whole;
    }
  });
  const secrets: string[] = [];
  const text = expanded.replace(/«([\s\S]*?)»/g, (_, secret: string) => {
    secrets.push(secret);
    return secret;
  });
  return { text, secrets };
}

export function randomString(alphabet: string, length: number, random: Random): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[random.int(alphabet.length)]!;
  return out;
}

function uuid(random: Random): string {
  const h = randomString(CLASSES.hex!, 32, random);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

/** Same shape as core/secret-token: `pal_` + 43 base62 + 6-character base62 CRC-32 of the random part. */
function palisadeToken(random: Random): string {
  const body = randomString(BASE62, 43, random);
  let v = crc32(body);
  let checksum = '';
  for (let i = 0; i < 6; i++) {
    checksum = BASE62[v % 62]! + checksum;
    v = Math.floor(v / 62);
  }
  return `pal_${body}${checksum}`;
}

function jwt(random: Random): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const header = enc({ alg: 'HS256', typ: 'JWT' });
  const payload = enc({ sub: randomString(CLASSES.lalnum!, 12, random), iat: 1700000000 + random.int(1e7), role: 'service' });
  return `${header}.${payload}.${randomString(CLASSES.b64url!, 43, random)}`;
}

function pem(type: string, random: Random): string {
  const lines: string[] = [];
  for (let i = 0; i < 12; i++) lines.push(randomString(CLASSES.b64!, 64, random));
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----`;
}

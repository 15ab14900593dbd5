/**
 * @module core/secret-token — Palisade API tokens: `pal_` + 43 base62 characters (256 bits)
 * + a 6-character base62 CRC-32 checksum, so secret scanners can recognise them and reject typos offline.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 43 × log2(62) ≈ 256.1 bits of entropy. */
const RANDOM_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
export const TOKEN_PREFIX = 'pal_';
export const TOKEN_PATTERN = /^pal_[0-9A-Za-z]{49}$/;

function base62(n: number, width: number): string {
  let out = '';
  let v = n;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[v % 62]! + out;
    v = Math.floor(v / 62);
  }
  return out;
}

function checksumOf(random: string): string {
  return base62(crc32(random), CHECKSUM_LENGTH);
}

/**
 * A new random token. `randomInt` rejects bias, so each character is uniform over 62 symbols.
 * @example generateToken() // 'pal_3k9…'
 */
export function generateToken(): string {
  let random = '';
  for (let i = 0; i < RANDOM_LENGTH; i++) random += ALPHABET[randomInt(62)]!;
  return TOKEN_PREFIX + random + checksumOf(random);
}

/** True when the string has the token shape and its checksum matches (no database needed). */
export function isWellFormedToken(token: string): boolean {
  if (!TOKEN_PATTERN.test(token)) return false;
  const random = token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + RANDOM_LENGTH);
  return token.slice(TOKEN_PREFIX.length + RANDOM_LENGTH) === checksumOf(random);
}

/**
 * The stored form of a token: SHA-256 hex. Tokens carry 256 random bits, so a fast hash is
 * enough (no dictionary to attack) and lets the server look a token up by its hash.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests of equal length. */
export function digestsEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** The non-secret prefix shown in listings so people can tell tokens apart: `pal_AbCd…`. */
export function tokenHint(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}

/**
 * Anything shaped like a Palisade token, wherever it sits in a text (a URL, an error message). Twenty
 * characters and more: past the 10-character hint that listings show, short of any useful guess.
 */
const TOKEN_LIKE = new RegExp(`${TOKEN_PREFIX}[0-9A-Za-z]{16,}`, 'g');

/**
 * Replace token-shaped strings, for text that is logged or recorded (a token pasted into a URL).
 * @example scrubTokens('/api/v1/me?token=pal_3k9…') // '/api/v1/me?token=pal_[redacted]'
 */
export function scrubTokens(text: string): string {
  return text.replace(TOKEN_LIKE, `${TOKEN_PREFIX}[redacted]`);
}

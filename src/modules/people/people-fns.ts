/** @module people/people-fns — pure checks on a person's time zone, working hours, SSH and age keys. */
import { createHash } from 'node:crypto';
import { bech32 } from '@scure/base';
import ssh2 from 'ssh2';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WorkingHours {
  days: Weekday[];
  /** 'HH:MM' in the person's own time zone. */
  start: string;
  /** 'HH:MM'; earlier than `start` means the shift ends the next day. */
  end: string;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '17:00' };

/**
 * True for IANA zone names that this runtime knows (e.g. `Europe/Berlin`, `UTC`); offsets are refused.
 * @example isValidTimeZone('Asia/Kolkata') // true
 */
export function isValidTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface SshPublicKey {
  /** `SHA256:` + unpadded base64 of the key blob's SHA-256, as `ssh-keygen -l` prints it. */
  fingerprint: string;
  keyType: string;
  /** Normalised `type base64` (comment dropped). */
  publicKey: string;
  comment: string | null;
}

const ALLOWED_KEY_TYPES = new Set([
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
]);
const MIN_RSA_BITS = 2048;

/** Bit length of an RSA public key blob's modulus (RFC 4253 §6.6: string type, mpint e, mpint n). */
function rsaModulusBits(blob: Buffer): number {
  let off = 0;
  const next = () => {
    const len = blob.readUInt32BE(off);
    const v = blob.subarray(off + 4, off + 4 + len);
    off += 4 + len;
    return v;
  };
  next();
  next();
  let n = next();
  while (n.length > 0 && n[0] === 0) n = n.subarray(1);
  return n.length === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(n[0]!));
}

/**
 * Parse an OpenSSH public key line; returns an error message instead of throwing.
 * Refuses private keys, DSA, and RSA shorter than 2048 bits.
 * @example parseSshPublicKey('ssh-ed25519 AAAA… alice@laptop')
 */
export function parseSshPublicKey(line: string): SshPublicKey | string {
  const trimmed = line.trim();
  if (/PRIVATE KEY/.test(trimmed)) return 'this is a private key: send only the public key (the .pub file)';
  if (trimmed.length > 16_384 || /[\r\n]/.test(trimmed)) return 'not a single-line OpenSSH public key';
  const parsed = ssh2.utils.parseKey(trimmed);
  if (parsed instanceof Error || Array.isArray(parsed)) return 'not an OpenSSH public key';
  if (parsed.isPrivateKey()) return 'this is a private key: send only the public key (the .pub file)';
  if (!ALLOWED_KEY_TYPES.has(parsed.type)) return `key type ${parsed.type} is not accepted`;
  const blob = parsed.getPublicSSH();
  if (parsed.type === 'ssh-rsa' && rsaModulusBits(blob) < MIN_RSA_BITS) return `RSA keys must have at least ${MIN_RSA_BITS} bits`;
  const fingerprint = 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
  const comment = trimmed.split(/\s+/).slice(2).join(' ');
  return { fingerprint, keyType: parsed.type, publicKey: `${parsed.type} ${blob.toString('base64')}`, comment: comment || null };
}

/**
 * True for an age X25519 recipient: Bech32 (BIP 173) with HRP `age` and a 32-byte key.
 * @example isValidAgeRecipient('age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p') // true
 */
export function isValidAgeRecipient(s: string): boolean {
  if (!/^age1[02-9ac-hj-np-z]{58}$/.test(s)) return false;
  try {
    const { prefix, words } = bech32.decode(s as `${string}1${string}`);
    return prefix === 'age' && bech32.fromWords(words).length === 32;
  } catch {
    return false;
  }
}

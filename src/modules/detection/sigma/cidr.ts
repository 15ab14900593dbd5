/** @module detection/sigma/cidr — IPv4 and IPv6 CIDR ranges (`|cidr`), IPv4-mapped IPv6 addresses compared as IPv4. */
import { isIPv4, isIPv6 } from 'node:net';

/** An address as 32-bit words: one for IPv4, four for IPv6. */
type Words = number[];

/** A dotted quad already known to be valid IPv4, read digit by digit (no split: this runs per event). */
function v4Words(ip: string): Words {
  let word = 0;
  let octet = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      word = (word << 8) | octet;
      octet = 0;
    } else octet = octet * 10 + (c - 48);
  }
  return [((word << 8) | octet) >>> 0];
}

function v6Words(ip: string): Words {
  let text = ip;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // Embedded IPv4 (RFC 4291 §2.2, form 3) is the last two 16-bit groups.
    const w = v4Words(text.slice(lastColon + 1))[0]!;
    text = `${text.slice(0, lastColon + 1)}${(w >>> 16).toString(16)}:${(w & 0xffff).toString(16)}`;
  }
  const double = text.indexOf('::');
  const head = double < 0 ? text : text.slice(0, double);
  const rest = double < 0 ? '' : text.slice(double + 2);
  const headGroups = head === '' ? [] : head.split(':').map((g) => parseInt(g, 16));
  const restGroups = rest === '' ? [] : rest.split(':').map((g) => parseInt(g, 16));
  const fill = double < 0 ? 0 : 8 - headGroups.length - restGroups.length;
  const groups = [...headGroups, ...new Array<number>(fill).fill(0), ...restGroups];
  const words: Words = [];
  for (let i = 0; i < 8; i += 2) words.push(((groups[i]! << 16) | groups[i + 1]!) >>> 0);
  return words;
}

/** Parses an address; IPv4-mapped IPv6 (`::ffff:10.0.0.1`) becomes IPv4. Null when it is not an address. */
export function parseIp(text: string): Words | null {
  const ip = text.includes('%') ? text.slice(0, text.indexOf('%')) : text;
  if (isIPv4(ip)) return v4Words(ip);
  if (!isIPv6(ip)) return null;
  const w = v6Words(ip);
  if (w[0] === 0 && w[1] === 0 && w[2] === 0xffff) return [w[3]!];
  return w;
}

export interface CidrRange {
  words: Words;
  prefix: number;
}

/**
 * Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address (a /32 or /128). Throws with the reason when invalid.
 * @example parseCidr('192.168.0.0/16').prefix // 16
 */
export function parseCidr(text: string): CidrRange {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const words = isIPv4(addr) ? v4Words(addr) : isIPv6(addr) ? v6Words(addr) : null;
  if (!words) throw new Error(`'${text}' is not a CIDR range: '${addr}' is not an IPv4 or IPv6 address`);
  const max = words.length * 32;
  const prefixText = slash < 0 ? String(max) : text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    throw new Error(`'${text}' is not a CIDR range: the prefix length must be 0..${max}`);
  }
  return { words, prefix: Number(prefixText) };
}

/** Is the address inside the range? Families must agree. */
export function cidrContains(range: CidrRange, ip: Words): boolean {
  if (ip.length !== range.words.length) return false;
  let bits = range.prefix;
  for (let i = 0; i < ip.length && bits > 0; i++) {
    const take = Math.min(32, bits);
    const mask = take === 32 ? 0xffffffff : (~(0xffffffff >>> take)) >>> 0;
    if (((ip[i]! & mask) >>> 0) !== ((range.words[i]! & mask) >>> 0)) return false;
    bits -= take;
  }
  return true;
}

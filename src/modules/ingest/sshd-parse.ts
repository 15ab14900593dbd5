/**
 * @module ingest/sshd-parse — one OpenSSH server log message (after the timestamp) to a structured
 * record. OpenSSH writes user names, certificate IDs and disconnect reasons verbatim, and all of
 * them can be chosen by whoever connects, so fields are read from the end of a message where sshd's
 * own text is (the last " from ADDRESS port N"), never with a pattern an attacker's text can steer.
 */
import { isIP } from 'node:net';

export const SSHD_PROGRAMS = new Set(['sshd', 'sshd-session', 'sshd-auth']);

export type SshEventType = 'ssh.login' | 'ssh.invalid_user' | 'ssh.auth_attempts_exceeded' | 'ssh.disconnect' | 'ssh.message';

/** What one sshd message says. Strings are as logged (not yet escaped). */
export interface SshMessage {
  type: SshEventType;
  outcome: 'success' | 'failure' | 'denied';
  user: string | null;
  /** The account does not exist on the host (sshd's "invalid user"). */
  invalidUser: boolean;
  /** For disconnects: how far the connection had got. */
  userState: 'authenticated' | 'authenticating' | 'invalid' | null;
  /** Client address as logged: an IP address, or a host name when sshd runs with UseDNS. */
  source: string | null;
  port: number | null;
  method: string | null;
  protocol: string | null;
  keyType: string | null;
  keyFingerprint: string | null;
  certificate: { id: string; serial: string; caKeyType: string; caFingerprint: string } | null;
  /** sshd's reason, or the client's for "Received disconnect". */
  reason: string | null;
  reasonCode: number | null;
  preauth: boolean;
  /** rsyslog's "message repeated N times". */
  repeatCount: number | null;
  /** The message itself (after `program[pid]: `). */
  message: string;
}

export type SyslogParse =
  | { kind: 'sshd'; logHost: string; program: string; pid: number | null; message: string }
  | { kind: 'other-program'; program: string }
  | { kind: 'malformed'; reason: string };

const SYSLOG_BODY = /^(\S+) ([^\s[\]:]+)(?:\[(\d{1,10})\])?: ?(.*)$/s;

/**
 * Split `HOST PROGRAM[PID]: MESSAGE` (what follows the timestamp).
 * @example parseSyslogBody('web-1 sshd[4242]: Accepted …') // { kind: 'sshd', logHost: 'web-1', program: 'sshd', pid: 4242, message: 'Accepted …' }
 */
export function parseSyslogBody(rest: string): SyslogParse {
  const m = SYSLOG_BODY.exec(rest);
  if (!m) return { kind: 'malformed', reason: 'expected "HOST PROGRAM[PID]: MESSAGE" after the timestamp' };
  const program = m[2]!;
  if (!SSHD_PROGRAMS.has(program)) return { kind: 'other-program', program };
  return { kind: 'sshd', logHost: m[1]!, program, pid: m[3] ? Number(m[3]) : null, message: m[4]! };
}

const blank = (message: string): SshMessage => ({
  type: 'ssh.message', outcome: 'success', user: null, invalidUser: false, userState: null, source: null, port: null,
  method: null, protocol: null, keyType: null, keyFingerprint: null, certificate: null, reason: null, reasonCode: null,
  preauth: false, repeatCount: null, message,
});

function portOf(s: string | undefined): number | null {
  if (s === undefined) return null;
  const n = Number(s);
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : null;
}

/**
 * The last " from " in `text` after which `tail` matches; returns what comes before it and the match.
 * The user name comes first in sshd's messages, so the last candidate is sshd's own.
 */
function splitAtLastFrom(text: string, tail: RegExp): { head: string; m: RegExpExecArray } | null {
  for (let at = text.lastIndexOf(' from '); at >= 0; at = at === 0 ? -1 : text.lastIndexOf(' from ', at - 1)) {
    const m = tail.exec(text.slice(at + 6));
    if (m) return { head: text.slice(0, at), m };
  }
  return null;
}

function userOf(head: string): { user: string; invalidUser: boolean } {
  return head.startsWith('invalid user ') ? { user: head.slice(13), invalidUser: true } : { user: head, invalidUser: false };
}

const STATE: Record<string, SshMessage['userState']> = { 'authenticating user': 'authenticating', 'invalid user': 'invalid', user: 'authenticated' };

/** "Accepted publickey for alice from 192.0.2.7 port 50022 ssh2: ED25519 SHA256:…" and the Failed twin. */
function loginLine(msg: string, base: SshMessage): SshMessage | null {
  const m = /^(Accepted|Failed) (\S+) for (.*)$/s.exec(msg);
  if (!m) return null;
  let rest = m[3]!;
  let certificate: SshMessage['certificate'] = null;
  // Certificate logins end in "ID <key id> (serial N) CA <type> <fingerprint>"; the key id is the
  // signer's choice, so it is cut off first (from the right) before looking for " from ".
  const cert = / ID (.*) \(serial (\d+)\) CA (\S+) (\S+)$/s.exec(rest);
  if (cert) {
    certificate = { id: cert[1]!, serial: cert[2]!, caKeyType: cert[3]!, caFingerprint: cert[4]! };
    rest = rest.slice(0, cert.index);
  }
  const split = splitAtLastFrom(rest, /^(\S+) port (\d+)(?: (ssh\d?))?(?:: (\S+) (\S+))?$/);
  if (!split || portOf(split.m[2]) === null) return null;
  const { user, invalidUser } = userOf(split.head);
  return {
    ...base,
    type: 'ssh.login',
    outcome: m[1] === 'Accepted' ? 'success' : 'failure',
    user, invalidUser, source: split.m[1]!, port: portOf(split.m[2]), method: m[2]!, protocol: split.m[3] ?? null,
    keyType: split.m[4] ?? null, keyFingerprint: split.m[5] ?? null, certificate,
  };
}

function invalidUserLine(msg: string, base: SshMessage): SshMessage | null {
  if (!msg.startsWith('Invalid user ')) return null;
  const split = splitAtLastFrom(msg.slice('Invalid user '.length), /^(\S+)(?: port (\d+))?$/);
  if (!split) return null;
  return { ...base, type: 'ssh.invalid_user', outcome: 'failure', user: split.head, invalidUser: true, source: split.m[1]!, port: portOf(split.m[2]) };
}

function attemptsExceededLine(msg: string, base: SshMessage): SshMessage | null {
  const prefix = 'error: maximum authentication attempts exceeded for ';
  if (!msg.startsWith(prefix)) return null;
  const split = splitAtLastFrom(msg.slice(prefix.length), /^(\S+) port (\d+)(?: (ssh\d?))?$/);
  if (!split) return null;
  const { user, invalidUser } = userOf(split.head);
  return { ...base, type: 'ssh.auth_attempts_exceeded', outcome: 'failure', user, invalidUser, source: split.m[1]!, port: portOf(split.m[2]), protocol: split.m[3] ?? null };
}

function notAllowedLine(msg: string, base: SshMessage): SshMessage | null {
  if (!msg.startsWith('User ')) return null;
  const split = splitAtLastFrom(msg.slice(5), /^(\S+) not allowed because (.+)$/s);
  if (!split) return null;
  return { ...base, type: 'ssh.login', outcome: 'denied', user: split.head, source: split.m[1]!, reason: `not allowed because ${split.m[2]!}` };
}

/** The many ways sshd says a connection ended. */
function disconnectLine(msg: string, base: SshMessage): SshMessage | null {
  const d = (extra: Partial<SshMessage>): SshMessage => ({ ...base, type: 'ssh.disconnect', outcome: 'success', ...extra });
  let m = /^Received disconnect from (\S+) port (\d+):(\d+): ?(.*)$/s.exec(msg) ?? /^Received disconnect from (\S+?):? ()(\d+): ?(.*)$/s.exec(msg);
  if (m) return d({ source: m[1]!, port: portOf(m[2] || undefined), reasonCode: Number(m[3]), reason: m[4]! });
  m = /^(Disconnected from|Connection closed by|Connection reset by) (authenticating user|invalid user|user) (.*) (\S+) port (\d+)$/s.exec(msg);
  if (m) {
    const state = STATE[m[2]!]!;
    return d({ user: m[3]!, invalidUser: state === 'invalid', userState: state, source: m[4]!, port: portOf(m[5]), reason: m[1] === 'Connection reset by' ? 'connection reset' : null });
  }
  m = /^(Disconnected from|Connection closed by|Connection reset by) (\S+) port (\d+)$/.exec(msg);
  if (m) return d({ source: m[2]!, port: portOf(m[3]), reason: m[1] === 'Connection reset by' ? 'connection reset' : null });
  m = /^Disconnecting (authenticating user|invalid user|user) (.*) (\S+) port (\d+): (.*)$/s.exec(msg);
  if (m) {
    const state = STATE[m[1]!]!;
    return d({ user: m[2]!, invalidUser: state === 'invalid', userState: state, source: m[3]!, port: portOf(m[4]), reason: m[5]! });
  }
  m = /^Timeout before authentication for (\S+) port (\d+)$/.exec(msg);
  if (m) return d({ source: m[1]!, port: portOf(m[2]), reason: 'timeout before authentication' });
  return null;
}

const PARSERS = [loginLine, invalidUserLine, attemptsExceededLine, notAllowedLine, disconnectLine];

/**
 * Read one sshd message. Messages of no known kind become `ssh.message` (outcome failure for sshd's
 * `error:` and `fatal:` lines), so that keyword rules still see them.
 * @example parseSshMessage('Failed password for invalid user admin from 203.0.113.9 port 41000 ssh2')
 *   // { type: 'ssh.login', outcome: 'failure', user: 'admin', invalidUser: true, source: '203.0.113.9', port: 41000, method: 'password', … }
 */
export function parseSshMessage(message: string): SshMessage {
  let msg = message;
  let repeatCount: number | null = null;
  const repeated = /^message repeated (\d{1,9}) times: \[ ?(.*)\]$/s.exec(msg);
  if (repeated) {
    repeatCount = Number(repeated[1]);
    msg = repeated[2]!;
  }
  const preauth = msg.endsWith(' [preauth]');
  if (preauth) msg = msg.slice(0, -' [preauth]'.length);
  const base: SshMessage = { ...blank(message), preauth, repeatCount };
  for (const parse of PARSERS) {
    const parsed = parse(msg, base);
    if (parsed) return parsed;
  }
  return { ...base, outcome: /^(error|fatal):/.test(msg) ? 'failure' : 'success' };
}

/** An address as logged, split into an IP address or a host name (UseDNS). */
export function addressOf(source: string | null): { ip: string | null; host: string | null } {
  if (source === null) return { ip: null, host: null };
  // sshd may log IPv4-mapped IPv6 addresses; keep them as logged, they are still addresses.
  return isIP(source) ? { ip: source, host: null } : { ip: null, host: source };
}

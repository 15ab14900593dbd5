import { describe, expect, it } from 'vitest';
import { parseSshMessage, parseSyslogBody } from './sshd-parse.ts';

describe('sshd messages', () => {
  it('read an accepted public-key login with its key type and fingerprint', () => {
    expect(parseSshMessage('Accepted publickey for priya from 198.51.100.23 port 50122 ssh2: ED25519 SHA256:abcDEF012+/x')).toMatchObject({
      type: 'ssh.login', outcome: 'success', user: 'priya', invalidUser: false, source: '198.51.100.23', port: 50122,
      method: 'publickey', protocol: 'ssh2', keyType: 'ED25519', keyFingerprint: 'SHA256:abcDEF012+/x', certificate: null,
    });
  });

  it('read password logins, failed ones, and failures for accounts that do not exist, over IPv6 too', () => {
    expect(parseSshMessage('Accepted password for deploy from 2001:db8:85a3::8a2e:370:7334 port 61022 ssh2')).toMatchObject({
      type: 'ssh.login', outcome: 'success', user: 'deploy', source: '2001:db8:85a3::8a2e:370:7334', port: 61022, method: 'password', keyFingerprint: null,
    });
    expect(parseSshMessage('Failed password for invalid user admin from 203.0.113.77 port 40100 ssh2')).toMatchObject({
      type: 'ssh.login', outcome: 'failure', user: 'admin', invalidUser: true, source: '203.0.113.77', port: 40100,
    });
    expect(parseSshMessage('Failed publickey for root from 2001:db8::bad port 52000 ssh2: RSA SHA256:pV3m')).toMatchObject({
      type: 'ssh.login', outcome: 'failure', user: 'root', method: 'publickey', keyType: 'RSA', keyFingerprint: 'SHA256:pV3m',
    });
    expect(parseSshMessage('Accepted keyboard-interactive/pam for ann from 192.0.2.1 port 2222 ssh2').method).toBe('keyboard-interactive/pam');
  });

  it('read certificate logins, cutting off the certificate ID (the signer\'s text) first', () => {
    const m = parseSshMessage('Accepted publickey for priya from 198.51.100.23 port 50500 ssh2: ED25519-CERT SHA256:key1 ID x from 6.6.6.6 port 1 ssh2 (serial 42) CA ED25519 SHA256:ca1');
    expect(m).toMatchObject({
      user: 'priya', source: '198.51.100.23', port: 50500, keyType: 'ED25519-CERT', keyFingerprint: 'SHA256:key1',
      certificate: { id: 'x from 6.6.6.6 port 1 ssh2', serial: '42', caKeyType: 'ED25519', caFingerprint: 'SHA256:ca1' },
    });
  });

  it('take the address from sshd\'s own text when an attacker puts "from … port …" into the user name', () => {
    const m = parseSshMessage('Failed password for invalid user x from 10.9.9.9 port 1 ssh2 from 203.0.113.5 port 40000 ssh2');
    expect(m).toMatchObject({ user: 'x from 10.9.9.9 port 1 ssh2', invalidUser: true, source: '203.0.113.5', port: 40000 });
    const spaced = parseSshMessage('Invalid user  a b  from 203.0.113.6 port 40001');
    expect(spaced).toMatchObject({ type: 'ssh.invalid_user', user: ' a b ', source: '203.0.113.6', port: 40001 });
    expect(parseSshMessage('Invalid user bob from 203.0.113.7')).toMatchObject({ type: 'ssh.invalid_user', user: 'bob', port: null });
  });

  it('read too many authentication attempts and refused users', () => {
    expect(parseSshMessage('error: maximum authentication attempts exceeded for deploy from 203.0.113.77 port 40022 ssh2 [preauth]')).toMatchObject({
      type: 'ssh.auth_attempts_exceeded', outcome: 'failure', user: 'deploy', source: '203.0.113.77', port: 40022, preauth: true,
    });
    expect(parseSshMessage('error: maximum authentication attempts exceeded for invalid user pi from 192.0.2.9 port 1 ssh2 [preauth]')).toMatchObject({
      user: 'pi', invalidUser: true,
    });
    expect(parseSshMessage('User mallory from 192.0.2.200 not allowed because not listed in AllowUsers')).toMatchObject({
      type: 'ssh.login', outcome: 'denied', user: 'mallory', source: '192.0.2.200', reason: 'not allowed because not listed in AllowUsers',
    });
  });

  it('read every kind of disconnect', () => {
    expect(parseSshMessage('Received disconnect from 198.51.100.23 port 50122:11: disconnected by user')).toMatchObject({
      type: 'ssh.disconnect', source: '198.51.100.23', port: 50122, reasonCode: 11, reason: 'disconnected by user', preauth: false,
    });
    expect(parseSshMessage('Received disconnect from 2001:db8::1 port 4000:11: Bye Bye [preauth]')).toMatchObject({ source: '2001:db8::1', port: 4000, reason: 'Bye Bye', preauth: true });
    expect(parseSshMessage('Received disconnect from 192.0.2.4: 11: Bye Bye')).toMatchObject({ type: 'ssh.disconnect', source: '192.0.2.4', port: null, reasonCode: 11 });
    expect(parseSshMessage('Disconnected from user priya 198.51.100.23 port 50122')).toMatchObject({ user: 'priya', userState: 'authenticated', source: '198.51.100.23' });
    expect(parseSshMessage('Disconnected from invalid user oracle 203.0.113.90 port 41234 [preauth]')).toMatchObject({ user: 'oracle', invalidUser: true, userState: 'invalid', preauth: true });
    expect(parseSshMessage('Connection closed by authenticating user root 2001:db8::bad port 52000 [preauth]')).toMatchObject({ user: 'root', userState: 'authenticating', source: '2001:db8::bad', port: 52000 });
    expect(parseSshMessage('Connection closed by 192.0.2.3 port 22022 [preauth]')).toMatchObject({ type: 'ssh.disconnect', user: null, source: '192.0.2.3' });
    expect(parseSshMessage('Connection reset by 192.0.2.201 port 33000 [preauth]')).toMatchObject({ reason: 'connection reset' });
    expect(parseSshMessage('Disconnecting authenticating user deploy 203.0.113.77 port 40022: Too many authentication failures [preauth]')).toMatchObject({
      type: 'ssh.disconnect', user: 'deploy', reason: 'Too many authentication failures',
    });
    expect(parseSshMessage('Timeout before authentication for 192.0.2.202 port 33100')).toMatchObject({ type: 'ssh.disconnect', reason: 'timeout before authentication' });
  });

  it('unfold rsyslog\'s "message repeated N times"', () => {
    expect(parseSshMessage('message repeated 2 times: [ Failed password for root from 203.0.113.91 port 41300 ssh2]')).toMatchObject({
      type: 'ssh.login', outcome: 'failure', user: 'root', repeatCount: 2, port: 41300,
    });
  });

  it('keep other sshd messages as ssh.message, failures for error: and fatal:', () => {
    expect(parseSshMessage('Server listening on :: port 22.')).toMatchObject({ type: 'ssh.message', outcome: 'success', message: 'Server listening on :: port 22.' });
    expect(parseSshMessage('error: kex_exchange_identification: Connection closed by remote host')).toMatchObject({ type: 'ssh.message', outcome: 'failure' });
    expect(parseSshMessage('Failed password for root from 1.2.3.4 port 99999 ssh2').type, 'a port out of range is not a login line').toBe('ssh.message');
  });
});

describe('syslog lines', () => {
  it('split host, program and pid, and tell sshd from other programs', () => {
    expect(parseSyslogBody('web-1 sshd[4242]: Accepted x')).toEqual({ kind: 'sshd', logHost: 'web-1', program: 'sshd', pid: 4242, message: 'Accepted x' });
    expect(parseSyslogBody('web-1 sshd-session[7]: y')).toMatchObject({ kind: 'sshd', program: 'sshd-session', pid: 7 });
    expect(parseSyslogBody('web-1 sudo:    priya : TTY=pts/0')).toEqual({ kind: 'other-program', program: 'sudo' });
    expect(parseSyslogBody('garbage')).toMatchObject({ kind: 'malformed' });
  });
});

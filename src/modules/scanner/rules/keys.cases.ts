/** @module scanner/rules/keys.cases — examples for private keys, JWTs and 1Password secrets. */
import type { RuleCases } from '../testing/rule-cases.ts';

export const keyCases: RuleCases[] = [
  {
    rule: 'private-key',
    positive: [
      { text: '«{pem:RSA PRIVATE KEY}»\n', path: 'deploy/id_rsa.pem' },
      { text: '«{pem:PRIVATE KEY}»', path: 'certs/server.key' },
      { text: '{ "private_key": "«{pemjson:PRIVATE KEY}»" }', path: 'sa.json' },
    ],
    negative: [{ text: '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----', path: 'README.md' }, { text: '{pem:PUBLIC KEY}', path: 'certs/server.pub' }],
  },
  {
    rule: 'openssh-private-key',
    positive: [{ text: '«{pem:OPENSSH PRIVATE KEY}»\n', path: '.ssh/id_ed25519' }],
    negative: [{ text: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{b64:43} dev@laptop', path: '.ssh/id_ed25519.pub' }],
  },
  {
    rule: 'pgp-private-key',
    positive: [{ text: '«{pem:PGP PRIVATE KEY BLOCK}»', path: 'keys/release.asc' }],
    negative: [{ text: '{pem:PGP PUBLIC KEY BLOCK}', path: 'keys/release.pub.asc' }],
  },
  {
    rule: 'putty-private-key',
    positive: [
      {
        text: 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n{b64:64}\n{b64:20}\nPrivate-Lines: 1\n«{b64:64}\n{b64:40}»\nPrivate-MAC: {hex:64}\n',
        path: 'keys/deploy.ppk',
      },
    ],
    negative: [{ text: 'PuTTY-User-Key-File-3: ssh-ed25519\nPrivate-Lines: 1\n...\n', path: 'docs/ppk.md' }],
  },
  { rule: 'age-secret-key', positive: [{ text: '# created: 2024-01-01\n# public key: age1{lalnum:58}\n«AGE-SECRET-KEY-1{bech32:58}»', path: 'keys.txt' }], negative: ['AGE-SECRET-KEY-1...'] },
  {
    rule: 'jwt',
    positive: [{ text: 'const token = "«{jwt}»";', path: 'test/client.ts' }],
    negative: [{ text: 'const header = "eyJhbGciOiJIUzI1NiJ9"; // base64 of {"alg":"HS256"}', path: 'src/jwt.ts' }, 'data: eyJ{b64url:20}.eyJ{b64url:20}.{b64url:30}'],
  },
  { rule: '1password-service-account-token', positive: ['OP_SERVICE_ACCOUNT_TOKEN: «ops_eyJ{b64:300}»'], negative: ['OP_SERVICE_ACCOUNT_TOKEN: ops_...'] },
  { rule: '1password-secret-key', positive: ['secret_key: «A3-{ualnum:6}-{ualnum:11}-{ualnum:5}-{ualnum:5}-{ualnum:5}»'], negative: ['secret_key: A3-XXXXXX-XXXXXXXXXXX-XXXXX-XXXXX-XXXXX'] },
];

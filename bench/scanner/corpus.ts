/**
 * @module bench/scanner/corpus — writes the labelled precision/recall corpus to bench/.work/scanner-corpus
 * (git-ignored): realistic config and source files holding fake secrets (random, never real) at known
 * lines, mixed with hard negatives (placeholders, documented example keys, hashes, UUIDs, public keys,
 * test fixtures). Deterministic: the same seed writes the same files.
 *
 *   npx tsx bench/scanner/corpus.ts [outDir]
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fillTemplate } from '../../src/modules/scanner/testing/fake.ts';
import { seededRandom, type Random } from '../../src/modules/scanner/testing/random.ts';

/** A credential type: the setting name it usually sits under and a template of its value. */
interface Credential {
  readonly type: string;
  readonly name: string;
  readonly value: string;
}

const CREDENTIALS: Credential[] = [
  { type: 'aws-access-key-id', name: 'AWS_ACCESS_KEY_ID', value: 'AKIA{base32:16}' },
  { type: 'aws-secret-access-key', name: 'AWS_SECRET_ACCESS_KEY', value: '{b64:40}' },
  { type: 'github-pat', name: 'GITHUB_TOKEN', value: 'ghp_{alnum:36}' },
  { type: 'github-fine-grained', name: 'GH_PAT', value: 'github_pat_{alnum:22}_{alnum:59}' },
  { type: 'github-oauth', name: 'GITHUB_OAUTH_TOKEN', value: 'gho_{alnum:36}' },
  { type: 'gitlab-pat', name: 'GITLAB_TOKEN', value: 'glpat-{b64url:20}' },
  { type: 'slack-bot', name: 'SLACK_BOT_TOKEN', value: 'xoxb-{digits:12}-{digits:13}-{alnum:24}' },
  { type: 'slack-webhook', name: 'SLACK_WEBHOOK_URL', value: 'https://hooks.slack.com/services/T{ualnum:8}/B{ualnum:10}/{alnum:24}' },
  { type: 'stripe-live', name: 'STRIPE_SECRET_KEY', value: 'sk_live_{alnum:48}' },
  { type: 'stripe-test', name: 'STRIPE_TEST_KEY', value: 'sk_test_{alnum:48}' },
  { type: 'sendgrid', name: 'SENDGRID_API_KEY', value: 'SG.{b64url:22}.{b64url:43}' },
  { type: 'mailgun', name: 'MAILGUN_API_KEY', value: 'key-{hex:32}' },
  { type: 'npm', name: 'NPM_TOKEN', value: 'npm_{alnum:36}' },
  { type: 'pypi', name: 'PYPI_TOKEN', value: 'pypi-AgEIcHlwaS5vcmc{b64url:64}' },
  { type: 'gcp-api-key', name: 'GOOGLE_API_KEY', value: 'AIza{b64url:35}' },
  { type: 'gcp-oauth-secret', name: 'GOOGLE_CLIENT_SECRET', value: 'GOCSPX-{b64url:28}' },
  { type: 'azure-storage', name: 'AZURE_STORAGE_CONNECTION_STRING', value: 'DefaultEndpointsProtocol=https;AccountName=acme{lower:4};AccountKey={b64:86}==;EndpointSuffix=core.windows.net' },
  { type: 'digitalocean', name: 'DIGITALOCEAN_TOKEN', value: 'dop_v1_{hex:64}' },
  { type: 'twilio-auth', name: 'TWILIO_AUTH_TOKEN', value: '{hex:32}' },
  { type: 'openai', name: 'OPENAI_API_KEY', value: 'sk-proj-{b64url:48}T3BlbkFJ{b64url:48}' },
  { type: 'anthropic', name: 'ANTHROPIC_API_KEY', value: 'sk-ant-api03-{b64url:93}AA' },
  { type: 'huggingface', name: 'HF_TOKEN', value: 'hf_{letters:34}' },
  { type: 'docker-hub', name: 'DOCKERHUB_TOKEN', value: 'dckr_pat_{b64url:27}' },
  { type: 'shopify', name: 'SHOPIFY_ACCESS_TOKEN', value: 'shpat_{hex:32}' },
  { type: 'jwt', name: 'SERVICE_JWT', value: '{jwt}' },
  { type: 'postgres-url', name: 'DATABASE_URL', value: 'postgres://app_{lower:4}:{alnum:18}@db-{lower:5}.internal:5432/app' },
  { type: 'mongodb-url', name: 'MONGO_URL', value: 'mongodb+srv://svc:{alnum:16}@cluster0.{lalnum:5}.mongodb.net/prod' },
  { type: 'mysql-url', name: 'MYSQL_URL', value: 'mysql://report:{alnum:12}{digits:3}@10.0.{digits:1}.{digits:2}:3306/reports' },
  { type: 'password', name: 'DB_PASSWORD', value: '{alnum:10}{digits:2}!{upper:2}' },
  { type: 'password', name: 'ADMIN_PASSWORD', value: '{upper:1}{lower:6}{digits:4}#' },
  { type: 'generic-secret', name: 'SESSION_SECRET', value: '{alnum:40}' },
  { type: 'generic-secret', name: 'CLIENT_SECRET', value: '{b64url:32}' },
  { type: 'generic-api-key', name: 'PAYMENT_GATEWAY_API_KEY', value: '{hex:40}' },
  { type: 'generic-api-key', name: 'ALGOLIA_ADMIN_API_KEY', value: '{hex:32}' },
  { type: 'generic-token', name: 'SENTRY_AUTH_TOKEN', value: 'sntrys_{b64url:60}' },
  { type: 'generic-token', name: 'PAGERDUTY_TOKEN', value: '{b64url:20}' },
  { type: 'vault', name: 'VAULT_TOKEN', value: 'hvs.{b64url:94}' },
  { type: 'databricks', name: 'DATABRICKS_TOKEN', value: 'dapi{hex:32}' },
  { type: 'telegram', name: 'TELEGRAM_BOT_TOKEN', value: '{digits:10}:AA{b64url:33}' },
  { type: 'discord-webhook', name: 'DISCORD_WEBHOOK', value: 'https://discord.com/api/webhooks/{digits:18}/{b64url:68}' },
  { type: 'age', name: 'SOPS_AGE_KEY', value: 'AGE-SECRET-KEY-1{bech32:58}' },
  { type: 'square', name: 'SQUARE_ACCESS_TOKEN', value: 'EAAA{b64url:60}' },
  { type: 'palisade', name: 'PALISADE_TOKEN', value: '{palisade}' },
];

/** Line shapes by file kind: how a setting and its value are written. */
const FORMATS: { ext: string; dir: string; line: (name: string, value: string) => string; header: string[] }[] = [
  { ext: '.env', dir: 'services', line: (n, v) => `${n}=${v}`, header: ['# service configuration', 'NODE_ENV=production', 'PORT=8080', 'LOG_LEVEL=info'] },
  { ext: '.yaml', dir: 'deploy', line: (n, v) => `    ${n.toLowerCase()}: "${v}"`, header: ['apiVersion: v1', 'kind: ConfigMap', 'data:', '  app:', '    replicas: 3'] },
  { ext: '.json', dir: 'config', line: (n, v) => `  "${camel(n)}": "${v}",`, header: ['{', '  "name": "billing",', '  "timeoutMs": 3000,'] },
  { ext: '.ts', dir: 'src', line: (n, v) => `export const ${camel(n)} = '${v}';`, header: ["import { createClient } from './client.ts';", '', 'const retries = 3;'] },
  { ext: '.py', dir: 'app', line: (n, v) => `${n} = "${v}"`, header: ['import os', '', 'DEBUG = False', "ALLOWED_HOSTS = ['*']"] },
  { ext: '.properties', dir: 'resources', line: (n, v) => `app.${n.toLowerCase().replace(/_/g, '.')}=${v}`, header: ['spring.application.name=orders', 'server.port=8081'] },
  { ext: '.sh', dir: 'scripts', line: (n, v) => `export ${n}="${v}"`, header: ['#!/usr/bin/env bash', 'set -euo pipefail', 'cd "$(dirname "$0")"'] },
  { ext: '.tf', dir: 'infra', line: (n, v) => `  ${n.toLowerCase()} = "${v}"`, header: ['resource "aws_lambda_function" "api" {', '  function_name = "api"', '  runtime       = "nodejs20.x"'] },
];

/** Lines that look like secrets to a naive scanner but are not. */
const HARD_NEGATIVES: string[] = [
  'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
  'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}',
  'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  'API_KEY=your-api-key-here',
  'API_KEY=<your api key>',
  'SECRET_KEY=changeme',
  'DB_PASSWORD=${DB_PASSWORD}',
  'password: "********"',
  'DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev',
  'DATABASE_URL=postgres://user:password@localhost/db',
  'REDIS_URL=redis://localhost:6379/0',
  'STRIPE_PUBLISHABLE_KEY=pk_live_{alnum:24}',
  'TWILIO_ACCOUNT_SID=AC{hex:32}',
  'GOOGLE_CLIENT_ID={digits:12}-{lalnum:32}.apps.googleusercontent.com',
  '"integrity": "sha512-{b64:86}=="',
  'commit: {hex:40}',
  'checksum: sha256:{hex:64}',
  'md5: {hex:32}',
  'id: {uuid}',
  'requestId: "{uuid}"',
  'image: "data:image/png;base64,iVBORw0KGgo{b64:60}"',
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{b64:43} dev@laptop',
  'password_hash: "$2b$12${b64:53}"',
  'token_type: "Bearer"',
  'const token = await getToken(user);',
  'const secret = process.env.SESSION_SECRET;',
  'password: String(req.body.password),',
  'PASSWORD_MIN_LENGTH=12',
  'secretName: db-credentials',
  'tokenUrl: "https://auth.acme.io/oauth/token"',
  'const passwordRegex = /^(?=.*[A-Z])(?=.*\\d).{8,}$/;',
  'expect(hash).toBe("{hex:64}");',
  'version: "{digits:1}.{digits:2}.{digits:1}"',
  'color: "#{hex:6}"',
  'etag: "W/\\"{hex:32}\\""',
  'apiVersion: "2023-10-16"',
  '# Set SLACK_WEBHOOK_URL to https://hooks.slack.com/services/XXX/YYY/ZZZ',
  'OPENAI_API_KEY=sk-...',
  'secret: "{{ .Values.secret }}"',
];

function opensshKey(): string {
  const dir = mkdtempSync(join(tmpdir(), 'corpus-key-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'corpus', '-f', join(dir, 'k')]);
  const key = readFileSync(join(dir, 'k'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  return key;
}

function camel(name: string): string {
  return name.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

export interface Label {
  readonly file: string;
  readonly line: number;
  readonly type: string;
}

/**
 * Writes the corpus and returns its labels (also written to labels.json).
 * @example writeCorpus('bench/.work/scanner-corpus').length // >= 300
 */
export function writeCorpus(outDir: string, seed = 2024): Label[] {
  rmSync(outDir, { recursive: true, force: true });
  const random: Random = seededRandom(seed);
  const labels: Label[] = [];
  const write = (file: string, lines: string[]): void => {
    const path = join(outDir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, lines.join('\n') + '\n');
  };
  let fileNo = 0;
  // Positives: every credential type in every file format, each file also holding two hard negatives.
  for (const cred of CREDENTIALS) {
    for (const format of FORMATS) {
      const file = `${format.dir}/${cred.type}-${fileNo++}${format.ext}`;
      const lines = [...format.header];
      lines.push(fillTemplate(random.pick(HARD_NEGATIVES), random).text.replace(/^(\s*)/, format.ext === '.yaml' ? '    ' : ''));
      const value = fillTemplate(cred.value, random).text;
      lines.push(format.line(cred.name, value));
      labels.push({ file, line: lines.length, type: cred.type });
      lines.push(fillTemplate(random.pick(HARD_NEGATIVES), random).text.replace(/^(\s*)/, format.ext === '.yaml' ? '    ' : ''));
      if (format.ext === '.json') lines.push('  "enabled": true', '}');
      if (format.ext === '.tf') lines.push('}');
      write(file, lines);
    }
  }
  // Private keys in their own files: freshly generated throwaway keys (structurally valid, so scanners that
  // check key structure are treated fairly; they protect nothing). PGP blocks stay template-made.
  const keyMakers: [string, () => string][] = [
    ['private-key', () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()],
    ['private-key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
    ['private-key', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString()],
    ['openssh-private-key', opensshKey],
    ['pgp-private-key', () => fillTemplate('{pem:PGP PRIVATE KEY BLOCK}', random).text],
  ];
  for (const [type, make] of keyMakers) {
    for (let i = 0; i < 4; i++) {
      const file = `keys/${type}-${fileNo++}.pem`;
      write(file, [make().trimEnd()]);
      labels.push({ file, line: 1, type });
    }
  }
  // Hard-negative-only files: fixtures, lockfile fragments, docs with placeholders, public material.
  for (let i = 0; i < 60; i++) {
    const lines: string[] = [];
    for (let j = 0; j < 15; j++) lines.push(fillTemplate(random.pick(HARD_NEGATIVES), random).text);
    write(`fixtures/negatives-${i}.txt`, lines);
  }
  for (let i = 0; i < 10; i++) write(`certs/cert-${i}.pem`, [fillTemplate('{pem:CERTIFICATE}', random).text, fillTemplate('{pem:PUBLIC KEY}', random).text]);
  writeFileSync(join(outDir, 'labels.json'), JSON.stringify(labels, null, 2));
  return labels;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2] ?? 'bench/.work/scanner-corpus';
  const labels = writeCorpus(out);
  console.log(`wrote ${labels.length} labelled positives to ${out}`);
}

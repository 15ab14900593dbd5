/**
 * @module scanner/rules/generic — credentials identified by where they sit rather than by their shape:
 * connection strings and URLs with passwords, `password = "…"` / `secret: …` assignments, HTTP auth headers.
 */
import { defineRule, PLACEHOLDER_VALUES } from './define.ts';
import { isBasicAuthCredential, looksLikeCode, mixesCharacterClasses } from './validators.ts';
import type { Rule } from '../types.ts';

/** Passwords that tutorials and local development defaults use; reporting them is noise. */
const DEFAULT_PASSWORDS = /^(?:password|passwd|pass|pwd|secret|changeme|root|admin|postgres|mysql|redis|guest|user|test|pw|p[a@]ss(?:word)?\d*|\*+|x+|\.+)$/i;

/** Setting names that hold something about a secret, not the secret (`password_field`, `token_url`, `secret_name`). */
const NOT_A_SECRET_NAME =
  /(?:type|name|id|ids|field|label|hint|length|len|size|url|uri|endpoint|path|file|dir|prompt|policy|reset|confirm|pattern|regex|placeholder|format|header|param|count|expir\w*|ttl|timeout|hash|digest|salt|strategy|provider|version|mode|method|location|prefix|env|var|key_?ref|ref|enabled|required|min|max)["'`]?\s{0,3}(?::=|=>|=|:)/i;

const SECRET_NAMES = String.raw`(?:passw(?:or)?d|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|client[_.-]?secret|auth[_.-]?key|credentials?)`;
const SECRET_NAME_KEYWORDS = ['passwd', 'password', 'pwd', 'secret', 'token', 'api_key', 'api-key', 'api.key', 'apikey', 'access_key', 'access-key', 'accesskey', 'private_key', 'privatekey', 'auth_key', 'authkey', 'credential'];

/** Files whose `name = value` lines carry values without quotes. */
const CONFIG_FILE = /(?:^|\/)(?:\.env(?:\.[\w.-]+)?|[^/]*\.(?:env|ya?ml|properties|ini|cfg|conf|tfvars|sh|bash|zsh)|Dockerfile[^/]*|docker-compose[^/]*|\.?npmrc|\.pypirc|\.netrc)$/i;

function assignmentValue(value: string): boolean {
  return mixesCharacterClasses(value, 2) && !looksLikeCode(value) && !DEFAULT_PASSWORDS.test(value);
}

const PLACEHOLDER_ALLOW = { regexes: PLACEHOLDER_VALUES };
const DEFAULT_PASSWORD_ALLOW = { regexes: [DEFAULT_PASSWORDS] };

export function genericRules(): Rule[] {
  return [
    defineRule({
      id: 'database-connection-string',
      description: 'Database or message-broker URL with an embedded password.',
      regex:
        /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|clickhouse|cockroachdb|couchdb|neo4j(?:\+s)?|jdbc:[a-z]{2,12})(?:\+[a-z0-9]{2,12})?:\/\/[^\s:@/'"`<>]{1,64}:([^\s@/'"`<>]{3,128})@[A-Za-z0-9[]/i,
      keywords: ['postgres', 'mysql', 'mariadb', 'mongodb', 'redis', 'amqp', 'mssql', 'sqlserver', 'clickhouse', 'cockroachdb', 'couchdb', 'neo4j', 'jdbc:'],
      tags: ['database', 'generic'],
      allow: [PLACEHOLDER_ALLOW, DEFAULT_PASSWORD_ALLOW],
    }),
    defineRule({
      id: 'url-credentials',
      description: 'HTTP, FTP, SMTP or LDAP URL with an embedded password.',
      regex: /\b(?:https?|ftps?|sftp|smtps?|ldaps?):\/\/[^\s:@/'"`<>]{1,64}:([^\s@/'"`<>]{3,128})@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}\b/,
      keywords: ['http', 'ftp', 'smtp', 'ldap'],
      tags: ['generic'],
      allow: [PLACEHOLDER_ALLOW, DEFAULT_PASSWORD_ALLOW, { regexes: [/@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|localhost)\b/i], regexTarget: 'match' }],
    }),
    defineRule({
      id: 'connection-string-password',
      description: 'ADO.NET / ODBC connection string with a password.',
      regex: /(?:Server|Data Source|Host|Address)\s*=\s*[^;'"\n]{1,100};[^'"\n]{0,300}?\b(?:Password|Pwd)\s*=\s*([^;'"\s]{4,128})/i,
      keywords: ['password=', 'pwd=', 'password =', 'pwd ='],
      tags: ['database', 'generic'],
      allow: [PLACEHOLDER_ALLOW, DEFAULT_PASSWORD_ALLOW],
    }),
    defineRule({
      id: 'generic-secret-assignment',
      description: 'A quoted value assigned to a password, secret, token or API-key setting.',
      regex: new RegExp(
        String.raw`(?<![A-Za-z0-9])[A-Za-z0-9_.-]{0,30}?${SECRET_NAMES}[A-Za-z0-9_.-]{0,30}["'\x60]?\s{0,3}(?::=|=>|=|:)\s{0,3}[a-z]?["'\x60]([^"'\x60\s\\]{8,200})["'\x60]`,
        'i',
      ),
      secretGroup: 1,
      keywords: SECRET_NAME_KEYWORDS,
      entropy: 3,
      validate: assignmentValue,
      tags: ['generic'],
      allow: [PLACEHOLDER_ALLOW, { regexes: [NOT_A_SECRET_NAME], regexTarget: 'match' }],
    }),
    defineRule({
      id: 'generic-secret-config',
      description: 'An unquoted value assigned to a password, secret, token or API-key setting in a configuration file (.env, YAML, properties, INI, shell).',
      regex: new RegExp(
        String.raw`(?<![A-Za-z0-9])(?:export\s+)?[A-Za-z0-9_.-]{0,30}?${SECRET_NAMES}[A-Za-z0-9_.-]{0,30}[ \t]{0,3}(?:=|:)[ \t]{0,3}([^\s"'\x60#;,]{8,200})(?![^\s#;,])`,
        'i',
      ),
      secretGroup: 1,
      keywords: SECRET_NAME_KEYWORDS,
      entropy: 3,
      path: CONFIG_FILE,
      validate: (v) => assignmentValue(v) && !v.startsWith('$') && !v.startsWith('!'),
      tags: ['generic'],
      allow: [PLACEHOLDER_ALLOW, { regexes: [NOT_A_SECRET_NAME], regexTarget: 'match' }],
    }),
    defineRule({
      id: 'http-basic-auth',
      description: 'HTTP Basic credentials (base64 user:password) in an Authorization header.',
      regex: /\bAuthorization["']?\s{0,3}[:=,]\s{0,3}["']?Basic\s{1,3}([A-Za-z0-9+/]{12,512}={0,2})/i,
      keywords: ['authorization'],
      validate: isBasicAuthCredential,
      tags: ['http', 'generic'],
    }),
    defineRule({
      id: 'http-bearer-token',
      description: 'Bearer token in an Authorization header.',
      regex: /\bAuthorization["']?\s{0,3}[:=,]\s{0,3}["']?Bearer\s{1,3}([A-Za-z0-9._~+/-]{20,1024}=*)/i,
      keywords: ['authorization'],
      entropy: 3.5,
      validate: (v) => mixesCharacterClasses(v, 2),
      tags: ['http', 'generic'],
      allow: [PLACEHOLDER_ALLOW],
    }),
  ];
}

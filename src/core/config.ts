/** @module core/config — server configuration from flags and environment, validated once at start. */
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { ValidationError } from './errors.ts';
import { parseMasterKey } from './master-key.ts';
import { isWellFormedToken } from './secret-token.ts';

export interface ServerConfig {
  dataDir: string;
  host: string;
  port: number;
  databaseUrl: string | undefined;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  /** Set when a TLS-terminating proxy is in front: allows plain HTTP on non-loopback and trusts X-Forwarded-*. */
  behindTlsProxy: boolean;
  bootstrapToken: string | undefined;
  /** PALISADE_MASTER_KEY: base64 of 32 bytes; otherwise `<dataDir>/master.key` (core/master-key.ts). Secret. */
  masterKey: string | undefined;
  /** PALISADE_LOG_NAME: names a new audit log `palisade.<name>/audit` (default: the host name). */
  logName: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

const truthy = z
  .string()
  .transform((s) => ['1', 'true', 'yes', 'on'].includes(s.toLowerCase()));

const schema = z.object({
  dataDir: z.string().min(1),
  host: z.string().min(1),
  port: z.coerce.number().int().min(0).max(65535),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  tlsCertFile: z.string().min(1).optional(),
  tlsKeyFile: z.string().min(1).optional(),
  behindTlsProxy: z.union([z.boolean(), truthy]).default(false),
  bootstrapToken: z.string().optional(),
  masterKey: z.string().optional(),
  logName: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,62}$/, 'letters, digits, "." and "-", up to 63 characters').optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export const BOOTSTRAP_TOKEN_MESSAGE =
  'PALISADE_BOOTSTRAP_TOKEN is not a Palisade token (pal_ + 49 base62 characters with a valid checksum); create one with `palisade token generate`';

/** Flags as parsed by the CLI; each wins over its environment variable. */
export interface ConfigFlags {
  data?: string | undefined;
  host?: string | undefined;
  port?: string | undefined;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  behindTlsProxy?: boolean | undefined;
  logLevel?: string | undefined;
}

/**
 * Resolve the server configuration: flag, then environment variable, then default.
 * @example loadConfig({ port: '8080' }, process.env)
 */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv): ServerConfig {
  const raw = {
    dataDir: path.resolve(flags.data ?? env.PALISADE_DATA ?? '.palisade'),
    host: flags.host ?? env.PALISADE_HOST ?? '127.0.0.1',
    port: flags.port ?? env.PALISADE_PORT ?? '7443',
    databaseUrl: env.DATABASE_URL || undefined,
    tlsCertFile: flags.tlsCert ?? (env.PALISADE_TLS_CERT || undefined),
    tlsKeyFile: flags.tlsKey ?? (env.PALISADE_TLS_KEY || undefined),
    behindTlsProxy: flags.behindTlsProxy ?? env.PALISADE_BEHIND_TLS_PROXY ?? false,
    bootstrapToken: env.PALISADE_BOOTSTRAP_TOKEN || undefined,
    masterKey: env.PALISADE_MASTER_KEY || undefined,
    logName: env.PALISADE_LOG_NAME || undefined,
    logLevel: flags.logLevel ?? env.PALISADE_LOG_LEVEL ?? 'info',
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(
      'invalid configuration',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  const cfg = parsed.data;
  if (Boolean(cfg.tlsCertFile) !== Boolean(cfg.tlsKeyFile)) {
    throw new ValidationError('--tls-cert and --tls-key must be given together');
  }
  // Checked here, before the database is opened or created, so a typo costs nothing.
  if (cfg.bootstrapToken !== undefined && !isWellFormedToken(cfg.bootstrapToken)) {
    throw new ValidationError(BOOTSTRAP_TOKEN_MESSAGE);
  }
  if (cfg.masterKey !== undefined) parseMasterKey(cfg.masterKey);
  return {
    ...cfg, databaseUrl: cfg.databaseUrl, tlsCertFile: cfg.tlsCertFile, tlsKeyFile: cfg.tlsKeyFile, bootstrapToken: cfg.bootstrapToken,
    masterKey: cfg.masterKey, logName: cfg.logName,
  };
}

/** True for 127.0.0.0/8, ::1 and `localhost`: addresses no other machine can reach. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * Refuse plain HTTP where other machines could listen in, unless a TLS proxy is declared.
 * Returns the reason in words, or null when the setup is acceptable.
 */
export function plainHttpRefusal(cfg: ServerConfig): string | null {
  if (cfg.tlsCertFile || cfg.behindTlsProxy || isLoopbackHost(cfg.host)) return null;
  return (
    `Refusing to serve plain HTTP on ${cfg.host}: API tokens and audit data would cross the network unencrypted. ` +
    'Give --tls-cert and --tls-key to serve HTTPS, or --behind-tls-proxy (PALISADE_BEHIND_TLS_PROXY=1) ' +
    'if a TLS-terminating proxy sits in front of Palisade.'
  );
}

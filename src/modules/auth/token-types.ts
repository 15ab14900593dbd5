/** @module auth/token-types — API shapes of tokens; the secret itself appears only in the create response. */
import { z } from 'zod';

/** `api`: the HTTP API; `git`: only the git gateway (HTTP Basic password). A token may hold both. */
export const TOKEN_SCOPES = ['api', 'git'] as const;

export const tokenSchema = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  name: z.string(),
  hint: z.string().describe('first characters of the token, to tell tokens apart'),
  scopes: z.array(z.string()),
  createdAt: z.date(),
  createdBy: z.string().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
  lastUsedAt: z.date().nullable(),
});

export const createTokenSchema = z.object({
  name: z.string().trim().min(1).max(100),
  personId: z.uuid().optional().describe('whose token; admins only, defaults to the caller'),
  expiresInDays: z.number().int().min(1).max(366).optional().describe('default 90 days'),
  scopes: z.array(z.enum(TOKEN_SCOPES)).min(1).default(['api']),
});
export type CreateTokenInput = z.infer<typeof createTokenSchema>;

export const createdTokenSchema = z.object({
  token: z.string().describe('the secret, shown once: store it now'),
  meta: tokenSchema,
});

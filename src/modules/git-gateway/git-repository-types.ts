/** @module git-gateway/git-repository-types — API shapes of how a git_repository resource is served (hosted or upstream proxy). */
import { z } from 'zod';

export const GIT_MODES = ['hosted', 'upstream'] as const;
export type GitMode = (typeof GIT_MODES)[number];

/** An upstream smart-HTTP URL: http(s), no credentials, query or fragment in it (the credential is sent separately). */
export const upstreamUrlSchema = z
  .string()
  .max(500)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '' && u.search === '' && u.hash === '';
    } catch {
      return false;
    }
  }, 'an http(s) URL without credentials, query or fragment, e.g. https://github.com/acme/payments.git')
  .transform((s) => s.replace(/\/+$/, ''));

export const configureRepositorySchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('hosted') }).strict(),
  z.object({
    mode: z.literal('upstream'),
    url: upstreamUrlSchema,
    username: z.string().min(1).max(200).regex(/^[^:\s]+$/, 'no colon or whitespace').describe('for HTTP Basic towards the upstream (GitHub: any non-empty name with a token)'),
    secret: z.string().min(1).max(4096).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').describe('the upstream password or token; stored sealed, never shown again'),
  }).strict(),
]);
export type ConfigureRepositoryInput = z.infer<typeof configureRepositorySchema>;

export const gitRepositorySchema = z.object({
  resourceId: z.uuid(),
  name: z.string(),
  mode: z.enum(GIT_MODES),
  /** Where developers clone from: `/git/<name>.git` on this server. */
  path: z.string(),
  upstreamUrl: z.string().nullable(),
  upstreamUsername: z.string().nullable(),
  hasUpstreamSecret: z.boolean(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type GitRepository = z.infer<typeof gitRepositorySchema>;

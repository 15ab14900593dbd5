/** @module git-gateway/push/push-rules-types — API shapes of a repository's push rules and the push-scan allow list. */
import { z } from 'zod';
import { pathPatternProblem } from './allow-list.ts';
import { refPatternProblem } from './ref-rules.ts';

const refPattern = (contrib: boolean) =>
  z.string().max(255).superRefine((p, ctx) => {
    const problem = refPatternProblem(p, { contrib });
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const pushRulesSchema = z.object({
  resourceId: z.uuid(),
  resourceName: z.string(),
  protectedRefs: z.array(z.string()).describe('ref patterns external developers cannot update, delete or force-push; nobody deletes or force-pushes them'),
  contribPattern: z.string().nullable().describe('when set, the only refs external developers may push to; <handle> is their handle'),
  isDefault: z.boolean().describe('true while nobody has set rules for this repository (the defaults apply)'),
  updatedAt: z.date().nullable(),
  updatedBy: z.uuid().nullable(),
});
export type PushRules = z.infer<typeof pushRulesSchema>;

export const setPushRulesSchema = z.strictObject({
  protectedRefs: z
    .array(refPattern(false))
    .max(50)
    .refine((a) => new Set(a).size === a.length, 'patterns must not repeat')
    .describe('replaces the whole list; `*` matches one or more characters, "/" included (refs/tags/*)'),
  contribPattern: refPattern(true).nullable().describe('e.g. refs/heads/contrib/<handle>/*; null: no confinement'),
});
export type SetPushRulesInput = z.infer<typeof setPushRulesSchema>;

export const ALLOW_ENTRY_STATUSES = ['active', 'removed'] as const;

export const allowEntrySchema = z.object({
  id: z.uuid(),
  resourceId: z.uuid().nullable().describe('null: applies to every repository'),
  resourceName: z.string().nullable(),
  fingerprint: z.string().nullable(),
  pathPattern: z.string().nullable(),
  reason: z.string(),
  status: z.enum(ALLOW_ENTRY_STATUSES),
  createdAt: z.date(),
  createdBy: z.uuid().nullable(),
  createdByHandle: z.string().nullable(),
  removedAt: z.date().nullable(),
  removedBy: z.uuid().nullable(),
});
export type AllowEntry = z.infer<typeof allowEntrySchema>;

export const createAllowEntrySchema = z
  .strictObject({
    resource: z.string().min(1).max(100).nullable().optional().describe('repository id or name; omitted or null: every repository'),
    fingerprint: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'a finding fingerprint: 64 lowercase hex digits, as shown in the refusal')
      .optional(),
    pathPattern: z
      .string()
      .max(300)
      .superRefine((p, ctx) => {
        const problem = pathPatternProblem(p);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .describe('file path glob: * within a folder, ** across folders, ? one character (e.g. test/fixtures/**)'),
    reason: z.string().trim().min(3).max(500).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'one line without control characters'),
  })
  .refine((e) => e.fingerprint !== undefined || e.pathPattern !== undefined, {
    message: 'give a fingerprint, a path pattern, or both',
    path: ['fingerprint'],
  });
export type CreateAllowEntryInput = z.infer<typeof createAllowEntrySchema>;

export const listAllowEntriesQuerySchema = z.object({
  resource: z.string().min(1).max(100).optional().describe('entries for this repository (and those for every repository)'),
  status: z.enum(ALLOW_ENTRY_STATUSES).optional().describe('default: active'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListAllowEntriesQuery = z.infer<typeof listAllowEntriesQuerySchema>;

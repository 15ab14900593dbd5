/** @module resources/resource-types — API shapes of resources: what external developers may be given access to. */
import { z } from 'zod';
import { labelKeyProblem, labelValueProblem, LABELS_MAX, parseLabelSelector, resourceNameProblem } from './resource-fns.ts';

export const RESOURCE_KINDS = ['git_repository', 'ssh_host', 'database', 'file_vault', 'web_application'] as const;
export const ENVIRONMENTS = ['production', 'staging', 'development'] as const;
export const SENSITIVITIES = ['public', 'internal', 'confidential', 'restricted'] as const;
export const RESOURCE_STATUSES = ['active', 'retired'] as const;

export const resourceNameSchema = z
  .string()
  .superRefine((name, ctx) => {
    const problem = resourceNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe("1–100 characters: lowercase letters, digits, '.', '_', '-'; '/' groups (e.g. `payments/api`). " +
    "Each segment starts with a letter or digit and does not end in '.git'. Immutable.");

/** Labels: key → value; each problem is reported at `labels.<key>`. */
export const labelsSchema = z
  .record(z.string(), z.string())
  .superRefine((labels, ctx) => {
    const keys = Object.keys(labels);
    if (keys.length > LABELS_MAX) ctx.addIssue({ code: 'custom', message: `at most ${LABELS_MAX} labels` });
    for (const key of keys) {
      const keyProblem = labelKeyProblem(key);
      if (keyProblem) ctx.addIssue({ code: 'custom', path: [key], message: `invalid label key: ${keyProblem}` });
      const valueProblem = labelValueProblem(labels[key]!);
      if (valueProblem) ctx.addIssue({ code: 'custom', path: [key], message: valueProblem });
    }
  })
  .describe('key → value; keys like Kubernetes label keys (lowercase, ≤ 63 characters), values ≤ 200 characters, at most 50 labels');

// Newlines and tabs are fine in a description; other control characters could rewrite a terminal.
const description = z
  .string()
  .trim()
  .max(2000)
  .regex(/^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$/, 'control characters other than newline and tab are not allowed')
  .nullable();

export const resourceSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.enum(RESOURCE_KINDS),
  environment: z.enum(ENVIRONMENTS),
  sensitivity: z.enum(SENSITIVITIES),
  ownerId: z.uuid(),
  ownerHandle: z.string().describe('the owner\'s handle, for display'),
  labels: z.record(z.string(), z.string()),
  description: z.string().nullable(),
  status: z.enum(RESOURCE_STATUSES),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Resource = z.infer<typeof resourceSchema>;

export const createResourceSchema = z.object({
  name: resourceNameSchema,
  kind: z.enum(RESOURCE_KINDS),
  environment: z.enum(ENVIRONMENTS),
  sensitivity: z.enum(SENSITIVITIES),
  ownerId: z.uuid().describe('an active member (not an external developer)'),
  labels: labelsSchema.default({}),
  description: description.optional(),
});
export type CreateResourceInput = z.infer<typeof createResourceSchema>;

/** Name and kind are fixed at creation: audit events, URLs and grants refer to them. */
export const updateResourceSchema = z.strictObject(
  {
    environment: z.enum(ENVIRONMENTS).optional(),
    sensitivity: z.enum(SENSITIVITIES).optional(),
    ownerId: z.uuid().optional(),
    labels: labelsSchema.optional().describe('replaces the whole set'),
    description: description.optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `not accepted: ${issue.keys.join(', ')} (name and kind are fixed at creation)`
        : undefined,
  },
);
export type UpdateResourceInput = z.infer<typeof updateResourceSchema>;

const labelSelector = z.string().max(300).transform((s, ctx) => {
  const parsed = parseLabelSelector(s);
  if (typeof parsed !== 'string') return parsed;
  ctx.addIssue({ code: 'custom', message: parsed });
  return z.NEVER;
});

export const listResourcesQuerySchema = z.object({
  kind: z.enum(RESOURCE_KINDS).optional(),
  environment: z.enum(ENVIRONMENTS).optional(),
  sensitivity: z.enum(SENSITIVITIES).optional(),
  ownerId: z.uuid().optional(),
  status: z.enum(RESOURCE_STATUSES).optional(),
  label: z
    .union([z.string(), z.array(z.string()).max(10)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(labelSelector))
    .optional()
    .describe('repeatable: `label=key=value` (value must match) or `label=key` (label present); all must match'),
  q: z.string().max(100).optional().describe('substring of name or description'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListResourcesQuery = z.infer<typeof listResourcesQuerySchema>;

/** @module policy/policy-types — API shapes of Cedar policy sets, their versions and validation results. */
import { z } from 'zod';

/** A policy set is text; 256 KiB holds thousands of policies. */
export const MAX_POLICY_TEXT = 256 * 1024;

export const policyProblemSchema = z.object({
  policyId: z.string().nullable().describe('the policy (its @id, or policyN by position); null for the whole set'),
  line: z.number().int().nullable().describe('1-based line in the submitted text, when Cedar located it'),
  message: z.string().describe("Cedar's own message"),
  help: z.string().nullable(),
});

export const policyVersionSchema = z.object({
  version: z.number().int().describe('0 is the built-in default set, in force until an admin replaces it'),
  builtIn: z.boolean(),
  sha256: z.string().describe('SHA-256 of the text (UTF-8), hex'),
  policyIds: z.array(z.string()),
  comment: z.string().nullable(),
  createdAt: z.date().nullable(),
  createdBy: z.object({ id: z.uuid(), handle: z.string() }).nullable(),
});
export type PolicyVersion = z.infer<typeof policyVersionSchema>;

export const policySetSchema = policyVersionSchema.extend({
  active: z.boolean().describe('whether this version is in force'),
  text: z.string(),
});
export type PolicySetView = z.infer<typeof policySetSchema>;

const policyText = z.string().min(1).max(MAX_POLICY_TEXT).describe('a Cedar policy set (see GET /api/v1/policies/schema for what it may refer to)');

export const validatePolicySchema = z.object({ text: policyText }).strict();

export const validationResultSchema = z.object({
  valid: z.boolean(),
  policyIds: z.array(z.string()),
  errors: z.array(policyProblemSchema),
  warnings: z.array(policyProblemSchema).describe('Cedar validator warnings; they do not stop a replacement'),
});
export type ValidationResult = z.infer<typeof validationResultSchema>;

export const replacePolicySchema = z.object({
  text: policyText,
  comment: z.string().trim().min(1).max(500).regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'one line without control characters').optional()
    .describe('why the policies change (recorded with the version and in the policy.replaced event)'),
}).strict();
export type ReplacePolicyInput = z.infer<typeof replacePolicySchema>;

export const replaceResultSchema = policySetSchema.extend({ warnings: z.array(policyProblemSchema) });

export const policyHistoryQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type PolicyHistoryQuery = z.infer<typeof policyHistoryQuerySchema>;

export const versionParams = z.object({ version: z.coerce.number().int().min(0).max(2_147_483_647) });

export const schemaDocumentSchema = z.object({ format: z.literal('cedarschema'), text: z.string() });

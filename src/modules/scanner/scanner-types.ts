/** @module scanner/scanner-types — API shapes of scans: uploaded files and commit ranges of hosted repositories. */
import { z } from 'zod';
import { DEFAULT_MAX_FILE_BYTES } from './scanner.ts';

/** Uploads larger than this are refused (413): the same limit `palisade scan` applies to files. */
export const MAX_UPLOAD_BYTES = DEFAULT_MAX_FILE_BYTES;
export const UPLOAD_CONTENT_TYPE = 'application/octet-stream';
export const SARIF_MEDIA_TYPE = 'application/sarif+json';
export const SCAN_FORMATS = ['json', 'sarif'] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

const format = z
  .enum(SCAN_FORMATS)
  .optional()
  .describe(`json (default) or sarif; without it, \`Accept: ${SARIF_MEDIA_TYPE}\` asks for SARIF`);

export const scanFileQuerySchema = z.object({
  name: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[^\u0000-\u001f\u007f]+$/, 'control characters are not allowed')
    .default('upload')
    .describe('the file name (or relative path) to report and to match rules\' path filters against, e.g. `config/prod.env`'),
  pii: flag.describe('also report personal data (e-mail, phone, card, IBAN, SSN)'),
  format,
});
export type ScanFileQuery = z.infer<typeof scanFileQuerySchema>;

export const formatQuerySchema = z.object({ format });

/** A full object id: SHA-1 (40) or SHA-256 (64) hexadecimal digits; never a ref name or an option. */
const objectId = z
  .string()
  .regex(/^(?:[0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/, 'a full commit id: 40 (SHA-1) or 64 (SHA-256) hexadecimal digits')
  .transform((s) => s.toLowerCase());

export const scanCommitsSchema = z.strictObject({
  repository: z.string().min(1).max(100).describe('a git_repository resource, by id or name; scanned: its hosted repository `<data folder>/repos/<name>.git`'),
  from: objectId
    .nullable()
    .optional()
    .describe('exclusive start: scans from..to. All zeros (a new branch in a push): the commits reachable from `to` that no ref reaches yet. Absent or null: the whole history of `to`'),
  to: objectId.describe('the last commit to scan'),
  pii: z.boolean().default(false).describe('also report personal data'),
});
export type ScanCommitsInput = z.infer<typeof scanCommitsSchema>;

const findingSchema = z.object({
  ruleId: z.string(),
  description: z.string(),
  category: z.enum(['credential', 'pii']),
  tags: z.array(z.string()),
  file: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  endLine: z.number().int(),
  endColumn: z.number().int(),
  secret: z.string().describe('redacted: at most the first four characters, then *****'),
  match: z.string().describe('the text the rule matched, with the secret redacted'),
  entropy: z.number(),
  fingerprint: z.string().describe('SHA-256 of rule, file and secret: stable across line moves, for baselines'),
  redacted: z.boolean(),
  commit: z.string().optional(),
  author: z.string().optional(),
  email: z.string().optional(),
  date: z.string().optional(),
});

export const scanTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('file'), name: z.string(), bytes: z.number().int(), sha256: z.string() }),
  z.object({ kind: z.literal('commits'), repository: z.string(), resourceId: z.uuid(), from: z.string().nullable(), to: z.string() }),
]);
export type ScanTarget = z.infer<typeof scanTargetSchema>;

export const scanReportSchema = z.object({
  version: z.literal(1),
  tool: z.literal('palisade'),
  target: scanTargetSchema,
  findings: z.array(findingSchema),
  summary: z.object({
    findings: z.number().int(),
    suppressed: z.number().int(),
    files: z.number().int(),
    bytes: z.number().int().describe('bytes of text scanned'),
    skippedBinary: z.number().int(),
    skippedLarge: z.number().int(),
    commits: z.number().int(),
  }),
});

export const sarifLogSchema = z
  .object({ $schema: z.string(), version: z.literal('2.1.0'), runs: z.array(z.record(z.string(), z.unknown())) })
  .describe('a SARIF 2.1.0 log: one run, the rules that ran, one result per finding (secrets redacted)');

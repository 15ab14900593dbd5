/** @module audit/audit-log-types — API shapes of the tamper-evident log: checkpoints, keys, proofs, export pages. */
import { z } from 'zod';
import { auditEventSchema, OUTCOMES } from './audit-types.ts';

const base64Hash = z.string().describe('SHA-256 hash, standard base64 with padding');
const size = (what: string) => z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe(what);

export const logEntrySchema = z
  .object({
    index: z.number().int(),
    id: z.string(),
    occurredAt: z.string(),
    type: z.string(),
    outcome: z.enum(OUTCOMES),
    actor: z.object({ id: z.string().nullable(), handle: z.string().nullable(), role: z.string().nullable(), ip: z.string().nullable(), userAgent: z.string().nullable() }),
    target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
    engagementId: z.string().nullable(),
    requestId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .describe('the event as logged: its RFC 8785 (JCS) encoding plus "v":1 is the leaf entry (docs/audit-log-format.md §1)');

export const checkpointSchema = z.object({
  origin: z.string(),
  treeSize: z.number().int(),
  rootHash: base64Hash,
  note: z.string().describe('the C2SP signed note, verbatim (save it to verify against later)'),
  createdAt: z.date(),
});
export type CheckpointView = z.infer<typeof checkpointSchema>;

export const checkpointQuerySchema = z
  .object({
    treeSize: size('the checkpoint of exactly this tree size').optional(),
    atMost: size('the largest checkpoint of at most this tree size').optional(),
  })
  .refine((q) => q.treeSize === undefined || q.atMost === undefined, { message: 'give treeSize or atMost, not both', path: ['atMost'] });
export type CheckpointQuery = z.infer<typeof checkpointQuerySchema>;

export const verifierKeySchema = z.object({
  verifierKey: z.string().describe('C2SP note verifier key name+keyid+base64; pin it to verify offline'),
  origin: z.string(),
  keyId: z.string().describe('8 hex digits'),
  algorithm: z.literal('ed25519'),
  createdAt: z.date(),
});
export type VerifierKeyView = z.infer<typeof verifierKeySchema>;

export const inclusionSchema = z.object({
  entry: logEntrySchema,
  treeSize: z.number().int(),
  inclusionProof: z.array(base64Hash).describe('RFC 9162 §2.1.3 audit path, bottom-up'),
});

export const eventProofSchema = z.object({
  event: auditEventSchema,
  status: z.enum(['proven', 'pending']).describe('pending: not yet in a signed checkpoint (integration takes well under a second)'),
  proof: inclusionSchema.nullable().describe('verify with `palisade audit verify-event` or tlog verifyEventProof'),
  checkpoint: checkpointSchema.nullable(),
});
export type EventProofView = z.infer<typeof eventProofSchema>;

export const eventProofQuerySchema = z.object({ treeSize: size('prove against the checkpoint of this size (default: the latest)').optional() });

export const consistencyQuerySchema = z.object({
  from: size('the older tree size (e.g. of a checkpoint you saved)'),
  to: size('the newer tree size; must be a signed checkpoint (default: the latest)').optional(),
});

export const consistencySchema = z.object({
  from: z.number().int(),
  to: z.number().int(),
  proof: z.array(base64Hash).describe('RFC 9162 §2.1.4 consistency proof'),
  fromCheckpoint: checkpointSchema.nullable().describe('the signed checkpoint of size `from`, if one was signed'),
  toCheckpoint: checkpointSchema,
});
export type ConsistencyView = z.infer<typeof consistencySchema>;

export const MAX_EXPORT_PAGE = 10_000;

export const exportQuerySchema = z.object({
  fromIndex: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
  toIndex: size('end of the range (exclusive), usually the size of the checkpoint being exported'),
  limit: z.coerce.number().int().min(1).max(MAX_EXPORT_PAGE).default(1000),
});
export type ExportQuery = z.infer<typeof exportQuerySchema>;

export const exportPageSchema = z.object({
  items: z.array(z.object({ entry: logEntrySchema, leafHash: base64Hash.describe('the leaf hash the tree store holds') })),
  nextIndex: z.number().int().nullable().describe('pass as fromIndex for the next page; null when the range is done'),
});
export type ExportPage = z.infer<typeof exportPageSchema>;

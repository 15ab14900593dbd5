/** @module engagements/engagement-types — API shapes of engagements, their contract terms and signed documents. */
import { z } from 'zod';
import { CONTRACT_TERMS, DUTIES, ENGAGEMENT_STATUSES, TERM_SLUGS } from './engagement-fns.ts';

export const MAX_DEVELOPERS_AT_CREATE = 100;
/** Signed documents are PDFs or opaque bytes up to this size. */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
export const DOCUMENT_CONTENT_TYPES = ['application/pdf', 'application/octet-stream'] as const;

const calendarDate = z.iso.date().describe("calendar date 'YYYY-MM-DD'");
const name = z.string().trim().min(1).max(200);
const listOfNames = (max: number, itemMax: number, what: string) =>
  z
    .array(z.string().trim().min(1).max(itemMax))
    .max(max)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        if (seen.has(item.toLowerCase())) ctx.addIssue({ code: 'custom', path: [i], message: `the same ${what} appears twice` });
        seen.add(item.toLowerCase());
      });
    });

const permittedTools = listOfNames(100, 100, 'tool').describe('tools the contract permits, e.g. "GitHub", "JetBrains IDEs"');
const storageLocations = listOfNames(50, 300, 'location').describe('where project data may be stored, e.g. "company GitLab", "eu-central-1 S3"');
const incidentResponseHours = z.number().int().min(1).max(8760).describe('hours within which the contractor must report an incident');

export const signedTermSchema = z.object({
  sha256: z.string(),
  signer: z.string(),
  signedAt: z.string(),
  documentUploaded: z.boolean().describe('an uploaded document with this hash is stored'),
});
export type SignedTermView = z.infer<typeof signedTermSchema>;

export const engagementDeveloperSchema = z.object({
  id: z.uuid(),
  handle: z.string(),
  duty: z.enum(DUTIES).nullable().describe('the developer\'s role on this engagement; null when not stated'),
});

/** What leaves the server; an allow-list. */
export const engagementSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  vendorId: z.uuid().nullable().describe('null: a freelancer engagement'),
  status: z.enum(ENGAGEMENT_STATUSES),
  startDate: z.string(),
  endDate: z.string(),
  touchesPersonalData: z.boolean(),
  description: z.string().nullable(),
  contract: z.object({
    nda: signedTermSchema.nullable(),
    dpa: signedTermSchema.nullable(),
    ipOwnership: signedTermSchema.nullable(),
    permittedTools: z.array(z.string()),
    storageLocations: z.array(z.string()),
    incidentResponseHours: z.number().int().nullable(),
  }),
  developers: z.array(engagementDeveloperSchema).describe('the external developers on the engagement, in the order they were added'),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Engagement = z.infer<typeof engagementSchema>;

const contractInput = z
  .object({ permittedTools, storageLocations, incidentResponseHours: incidentResponseHours.nullable() })
  .partial()
  .strict()
  .describe('signed terms (NDA, DPA, IP ownership) are recorded with PUT /api/v1/engagements/{id}/contract/{term}');

export const createEngagementSchema = z
  .object({
    name,
    vendorId: z.uuid().nullable().describe('the vendor the developers work for; null for a freelancer engagement'),
    startDate: calendarDate,
    endDate: calendarDate,
    touchesPersonalData: z.boolean().describe('true requires a signed DPA before the engagement can be activated'),
    description: z.string().trim().max(2000).nullable().optional(),
    contract: contractInput.default({}),
    developerIds: z.array(z.uuid()).max(MAX_DEVELOPERS_AT_CREATE).default([]).describe('external developers to put on the engagement'),
  })
  .strict();
export type CreateEngagementInput = z.infer<typeof createEngagementSchema>;

export const updateEngagementSchema = z
  .object({
    name,
    vendorId: z.uuid().nullable().describe('only while draft'),
    startDate: calendarDate,
    endDate: calendarDate,
    touchesPersonalData: z.boolean(),
    description: z.string().trim().max(2000).nullable(),
    contract: contractInput,
  })
  .partial()
  .strict()
  .describe('status changes have their own routes: POST …/activate, POST …/suspend, DELETE (end)');
export type UpdateEngagementInput = z.infer<typeof updateEngagementSchema>;

export const signTermSchema = z
  .object({
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'expected the SHA-256 of the signed document: 64 hex characters')
      .transform((s) => s.toLowerCase())
      .describe('SHA-256 of the signed document, hex (stored lowercase)'),
    signer: z.string().trim().min(1).max(200).describe('who signed, e.g. "Jane Roe, CEO of Acme"'),
    signedAt: calendarDate,
  })
  .strict();
export type SignTermInput = z.infer<typeof signTermSchema>;

export const termParams = z.object({ id: z.uuid(), term: z.enum(TERM_SLUGS) });
export const developerParams = z.object({ id: z.uuid(), personId: z.uuid() });
export const addDeveloperSchema = z
  .object({ personId: z.uuid(), duty: z.enum(DUTIES).nullable().optional().describe('the developer\'s role on this engagement (policies use it)') })
  .strict();

export const developerDutySchema = z
  .object({ duty: z.enum(DUTIES).nullable().describe('the developer\'s role on this engagement (policies use it); null: not stated') })
  .strict();

export const documentSchema = z.object({
  term: z.enum(CONTRACT_TERMS),
  sha256: z.string(),
  size: z.number().int(),
  contentType: z.string(),
  uploadedAt: z.date(),
  uploadedBy: z.uuid().nullable(),
});
export type EngagementDocument = z.infer<typeof documentSchema>;

export const listEngagementsQuerySchema = z.object({
  status: z.enum(ENGAGEMENT_STATUSES).optional(),
  vendorId: z.uuid().optional(),
  developerId: z.uuid().optional().describe('engagements this person is on'),
  q: z.string().max(100).optional().describe('substring of the name, case-insensitive'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListEngagementsQuery = z.infer<typeof listEngagementsQuerySchema>;

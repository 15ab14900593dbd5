/** @module vendors/vendor-types — API shapes of vendors (the agencies external developers work for) and their contacts. */
import { z } from 'zod';
import { UUID_PATTERN } from '../../core/ids.ts';

export const VENDOR_STATUSES = ['active', 'archived'] as const;
export const MAX_CONTACTS = 20;

/**
 * Phone numbers in an E.164-like form: "+", a country code and up to 15 digits in all.
 * Spaces, dots, hyphens and parentheses are accepted for readability and dropped, so
 * "+49 (30) 1234-5678" is stored as "+493012345678".
 * @example normalizePhone('+1 (415) 555-0100') // '+14155550100'
 */
export function normalizePhone(raw: string): string | null {
  const compact = raw.trim().replace(/[\s().-]/g, '');
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : null;
}

const phoneSchema = z
  .string()
  .max(40)
  .refine((s) => normalizePhone(s) !== null, 'expected an international number such as +49 30 1234567 (E.164: "+", country code, up to 15 digits)')
  .transform((s) => normalizePhone(s)!);

export const vendorNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  // Names double as `:ref` in URLs, where a UUID means an id.
  .refine((s) => !UUID_PATTERN.test(s.toLowerCase()), 'a vendor name must not look like an id (UUID)');

const websiteSchema = z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }).max(2048);

export const contactSchema = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254),
  phone: phoneSchema.optional().describe('E.164-like, e.g. +49 30 1234567; stored without separators'),
  role: z.string().trim().min(1).max(100).optional().describe('free text, e.g. "account manager"'),
}).strict();
export type Contact = z.infer<typeof contactSchema>;

const contactsSchema = z
  .array(contactSchema)
  .max(MAX_CONTACTS)
  .superRefine((contacts, ctx) => {
    const seen = new Set<string>();
    contacts.forEach((c, i) => {
      const key = c.email.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [i, 'email'], message: 'the same email appears twice' });
      seen.add(key);
    });
  });

/** What leaves the server; an allow-list. */
export const vendorSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  website: z.string().nullable(),
  contacts: z.array(
    z.object({ name: z.string(), email: z.string(), phone: z.string().optional(), role: z.string().optional() }),
  ),
  status: z.enum(VENDOR_STATUSES),
  developerCount: z.number().int().describe('external people working for this vendor who are not offboarded'),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Vendor = z.infer<typeof vendorSchema>;

export const createVendorSchema = z
  .object({
    name: vendorNameSchema,
    website: websiteSchema.nullable().optional(),
    contacts: contactsSchema.default([]),
  })
  .strict();
export type CreateVendorInput = z.infer<typeof createVendorSchema>;

export const updateVendorSchema = z
  .object({
    name: vendorNameSchema,
    website: websiteSchema.nullable(),
    contacts: contactsSchema.describe('replaces the whole list'),
    status: z.literal('active').describe('restores an archived vendor; archiving is DELETE'),
  })
  .partial()
  .strict();
export type UpdateVendorInput = z.infer<typeof updateVendorSchema>;

export const listVendorsQuerySchema = z.object({
  status: z.enum(VENDOR_STATUSES).optional(),
  q: z.string().max(100).optional().describe('substring of the name, case-insensitive'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListVendorsQuery = z.infer<typeof listVendorsQuerySchema>;

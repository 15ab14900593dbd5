/** @module people/people-types — API shapes of people (members and external developers). */
import { z } from 'zod';
import { ROLES } from '../auth/actor.ts';
import { DEFAULT_WORKING_HOURS, isValidAgeRecipient, isValidTimeZone, WEEKDAYS } from './people-fns.ts';

export const PERSON_KINDS = ['member', 'external'] as const;
export const PERSON_STATUSES = ['active', 'suspended', 'offboarded'] as const;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour)');

export const workingHoursSchema = z
  .object({
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7).refine((d) => new Set(d).size === d.length, 'days must not repeat'),
    start: hhmm,
    end: hhmm,
  })
  .refine((w) => w.start !== w.end, { message: 'start and end must differ', path: ['end'] })
  .describe('declared working hours in the person\'s own time zone; end before start spans midnight');

export const handleSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,38}$/, 'lowercase letters, digits, ".", "_" or "-", 2 to 39 characters, starting with a letter or digit');
export const timeZoneSchema = z.string().max(64).refine(isValidTimeZone, 'not an IANA time zone name (e.g. Europe/Berlin)');
export const ageRecipientSchema = z.string().refine(isValidAgeRecipient, 'not an age X25519 recipient (age1…)');
const email = z.email().max(254);
const name = z.string().trim().min(1).max(200);

export const sshKeySchema = z.object({
  fingerprint: z.string(),
  keyType: z.string(),
  publicKey: z.string(),
  comment: z.string().nullable(),
});

export const personSchema = z.object({
  id: z.uuid(),
  handle: z.string(),
  name: z.string(),
  email: z.string(),
  kind: z.enum(PERSON_KINDS),
  role: z.enum(ROLES),
  vendorId: z.uuid().nullable(),
  timeZone: z.string(),
  workingHours: workingHoursSchema,
  sshPublicKeys: z.array(sshKeySchema),
  ageRecipient: z.string().nullable(),
  status: z.enum(PERSON_STATUSES),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Person = z.infer<typeof personSchema>;

export const createPersonSchema = z.object({
  handle: handleSchema,
  name,
  email,
  kind: z.enum(PERSON_KINDS),
  role: z.enum(ROLES).optional().describe('defaults to developer for external people and approver for members'),
  vendorId: z.uuid().nullable().optional().describe('the agency an external developer works for; null for a freelancer'),
  timeZone: timeZoneSchema.default('UTC'),
  workingHours: workingHoursSchema.default(DEFAULT_WORKING_HOURS),
  sshPublicKeys: z.array(z.string().max(16_384)).max(20).default([]),
  ageRecipient: ageRecipientSchema.nullable().optional(),
});
export type CreatePersonInput = z.infer<typeof createPersonSchema>;

/** Fields a person may change about themself. */
export const updateSelfSchema = z
  .object({
    name,
    timeZone: timeZoneSchema,
    workingHours: workingHoursSchema,
    sshPublicKeys: z.array(z.string().max(16_384)).max(20).describe('replaces the whole set'),
    ageRecipient: ageRecipientSchema.nullable(),
  })
  .partial()
  .strict();
export type UpdateSelfInput = z.infer<typeof updateSelfSchema>;

export const updatePersonSchema = updateSelfSchema
  .extend({
    email,
    role: z.enum(ROLES),
    vendorId: z.uuid().nullable(),
    status: z.enum(['active', 'suspended']).describe('offboarding is DELETE and cannot be undone'),
  })
  .partial()
  .strict();
export type UpdatePersonInput = z.infer<typeof updatePersonSchema>;

export const listPeopleQuerySchema = z.object({
  kind: z.enum(PERSON_KINDS).optional(),
  role: z.enum(ROLES).optional(),
  status: z.enum(PERSON_STATUSES).optional(),
  vendorId: z.uuid().optional(),
  q: z.string().max(100).optional().describe('substring of handle, name or email'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type ListPeopleQuery = z.infer<typeof listPeopleQuerySchema>;

/** @module vetting/readiness-types — API shape of readiness: ready or not, and every unmet requirement in words. */
import { z } from 'zod';
import { REQUIREMENTS } from './readiness-fns.ts';

export const readinessSchema = z.object({
  personId: z.uuid(),
  handle: z.string(),
  engagementId: z.uuid(),
  ready: z.boolean().describe('true when nothing is unmet; no grant becomes active otherwise'),
  unmet: z.array(z.object({ requirement: z.enum(REQUIREMENTS), message: z.string() })),
});

export const engagementReadinessSchema = z.object({
  engagementId: z.uuid(),
  developers: z.array(readinessSchema).describe('every developer on the engagement (a developer asking sees only themself)'),
});

export const readinessParams = z.object({ id: z.uuid(), personRef: z.string().min(1).max(100) });

/**
 * @module access/settings-types — the access settings: maximum grant duration per environment, how
 * long a request may wait for approval, and what readiness requires. Stored per key in `settings`
 * (seconds and plain JSON); the API speaks ISO 8601 durations.
 */
import { z } from 'zod';
import { ENVIRONMENTS } from '../resources/resource-types.ts';
import { parseIsoDuration } from './duration-fns.ts';

export type Environment = (typeof ENVIRONMENTS)[number];

export interface AccessSettings {
  /** Longest grant per resource environment, in seconds. */
  maxDurationSeconds: Record<Environment, number>;
  /** How long a request stays pending before it expires, in seconds. */
  pendingTtlSeconds: number;
  readiness: {
    requiredTraining: string[];
    referencesRequired: number;
    securityQuiz: string;
  };
}

const HOUR = 3600;
const DAY = 24 * HOUR;

export const DEFAULT_ACCESS_SETTINGS: AccessSettings = {
  maxDurationSeconds: { production: 8 * HOUR, staging: 7 * DAY, development: 30 * DAY },
  pendingTtlSeconds: 24 * HOUR,
  readiness: { requiredTraining: ['security-awareness'], referencesRequired: 1, securityQuiz: 'security-awareness' },
};

/** The `settings` keys and how each maps onto AccessSettings. */
export const SETTING_KEYS = {
  maxDuration: 'access.maxDuration',
  pendingTtl: 'access.pendingTtl',
  requiredTraining: 'readiness.requiredTraining',
  referencesRequired: 'readiness.referencesRequired',
  securityQuiz: 'readiness.securityQuiz',
} as const;

/** A duration between `min` and `max` seconds, given as ISO 8601; becomes seconds. */
export const isoDuration = (min: number, max: number, what: string) =>
  z
    .string()
    .max(40)
    .transform((s, ctx) => {
      const seconds = parseIsoDuration(s);
      if (seconds === null) {
        ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 duration such as PT8H, P7D, PT30M or P1DT12H (no years or months)' });
        return z.NEVER;
      }
      if (seconds < min || seconds > max) {
        ctx.addIssue({ code: 'custom', message: `${what} must be between ${min / 60} minutes and ${max / DAY} days` });
        return z.NEVER;
      }
      return seconds;
    });

export const moduleName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,99}$/, 'lowercase letters, digits, ".", "_" or "-", up to 100 characters, e.g. security-awareness');

export const accessSettingsSchema = z.object({
  maxDuration: z.object({ production: z.string(), staging: z.string(), development: z.string() }).describe('longest grant per environment (ISO 8601)'),
  pendingTtl: z.string().describe('how long a request waits for approval before it expires (ISO 8601)'),
  readiness: z.object({
    requiredTraining: z.array(z.string()).describe('training modules every developer must have completed, unexpired'),
    referencesRequired: z.number().int().describe('passed reference checks required'),
    securityQuiz: z.string().describe('the quiz whose latest attempt must reach its pass mark'),
  }),
});
export type AccessSettingsView = z.infer<typeof accessSettingsSchema>;

const maxGrant = isoDuration(60, 366 * DAY, 'a maximum duration');
export const updateAccessSettingsSchema = z
  .object({
    maxDuration: z.object({ production: maxGrant, staging: maxGrant, development: maxGrant }).partial().strict(),
    pendingTtl: isoDuration(5 * 60, 30 * DAY, 'the pending time'),
    readiness: z
      .object({
        requiredTraining: z.array(moduleName).max(50).refine((a) => new Set(a).size === a.length, 'modules must not repeat'),
        referencesRequired: z.number().int().min(0).max(10),
        securityQuiz: moduleName,
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();
export type UpdateAccessSettingsInput = z.infer<typeof updateAccessSettingsSchema>;

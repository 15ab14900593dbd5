import { describe, expect, it } from 'vitest';
import { settingsPatch, toIsoDuration } from './access.ts';
import { UsageError } from './client.ts';

describe('--duration', () => {
  it('turns 30m, 8h, 7d and 2w into ISO 8601 and passes ISO through', () => {
    expect(['30m', '8h', '7d', '2w', 'PT8H', 'p1dt12h'].map((v) => toIsoDuration(v))).toEqual(['PT30M', 'PT8H', 'P7D', 'P2W', 'PT8H', 'P1DT12H']);
  });

  it('refuses anything else before calling the server', () => {
    for (const v of ['8', '8 hours', 'P', 'PT', '1y', 'P1M2']) expect(() => toIsoDuration(v), v).toThrow(UsageError);
  });
});

describe('palisade settings access --set', () => {
  it('builds the PATCH body from key=value pairs', () => {
    expect(settingsPatch(['max-duration.production=4h', 'pending-ttl=12h', 'required-training=security-awareness, gdpr', 'references-required=2', 'security-quiz=sec-2026'])).toEqual({
      maxDuration: { production: 'PT4H' },
      pendingTtl: 'PT12H',
      readiness: { requiredTraining: ['security-awareness', 'gdpr'], referencesRequired: 2, securityQuiz: 'sec-2026' },
    });
    expect(settingsPatch(['required-training=none'])).toEqual({ readiness: { requiredTraining: [] } });
  });

  it('refuses unknown keys and malformed values', () => {
    expect(() => settingsPatch(['max-duration.qa=4h'])).toThrow(/unknown key/);
    expect(() => settingsPatch(['references-required=two'])).toThrow(UsageError);
    expect(() => settingsPatch(['pending-ttl'])).toThrow(/expected key=value/);
  });
});

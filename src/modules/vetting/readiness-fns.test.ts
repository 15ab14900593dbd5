import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openWindow } from '../../core/time-window.ts';
import { computeReadiness, narrowToReadiness, REQUIREMENTS, type ReadinessFacts } from './readiness-fns.ts';

const now = new Date('2026-03-02T10:00:00Z');

/** Facts of a developer who meets every requirement. */
function ready(): ReadinessFacts {
  return {
    person: { id: 'p1', handle: 'priya', status: 'active' },
    engagement: {
      id: 'e1', name: 'Checkout rewrite', status: 'active', startDate: '2026-03-01', endDate: '2026-12-31',
      touchesPersonalData: true, ndaSigned: true, dpaSigned: true, ipOwnershipSigned: true,
    },
    onEngagement: true,
    backgroundCheck: { status: 'clear', provider: 'Sterling', checkedOn: '2026-02-20' },
    referencesPassed: 2,
    referencesRequired: 2,
    securityQuiz: 'security-awareness',
    quizResult: { score: 85, passMark: 80, takenOn: '2026-02-25' },
    blockingRedFlags: [],
    requiredTraining: ['security-awareness', 'secure-coding'],
    training: [
      { module: 'security-awareness', completedAt: new Date('2026-02-01T00:00:00Z'), expiresAt: new Date('2027-02-01T00:00:00Z') },
      { module: 'secure-coding', completedAt: new Date('2026-02-01T00:00:00Z'), expiresAt: null },
    ],
  };
}

describe('computeReadiness', () => {
  it('finds a developer who meets every requirement ready, with nothing unmet', () => {
    expect(computeReadiness(ready(), now)).toEqual({ personId: 'p1', handle: 'priya', engagementId: 'e1', ready: true, unmet: [] });
  });

  it('lists every requirement in plain words when nothing is in place', () => {
    const f = ready();
    f.person.status = 'suspended';
    f.onEngagement = false;
    f.engagement = { ...f.engagement, status: 'draft', startDate: '2026-04-01', ndaSigned: false, dpaSigned: false, ipOwnershipSigned: false };
    f.backgroundCheck = null;
    f.referencesPassed = 1;
    f.quizResult = null;
    f.blockingRedFlags = [{ id: 'f1', description: 'gave a false employer', decision: null }];
    f.training = [];
    const r = computeReadiness(f, now);
    expect(r.ready).toBe(false);
    expect(new Set(r.unmet.map((u) => u.requirement))).toEqual(new Set(REQUIREMENTS));
    expect(r.unmet.map((u) => u.message)).toEqual([
      'priya is suspended.',
      'priya is not a developer on the engagement "Checkout rewrite".',
      'The engagement "Checkout rewrite" is draft, not active.',
      'The engagement "Checkout rewrite" starts on 2026-04-01; today is 2026-03-02.',
      'The NDA is not signed.',
      'The IP-ownership clause is not signed.',
      'The DPA is not signed, and the engagement touches personal data.',
      'No background check is recorded for priya.',
      '2 passed reference checks are required; priya has 1.',
      'priya has not taken the security-awareness quiz.',
      "A red flag on priya awaits a reviewer's decision: gave a false employer",
      'priya has not completed the required training "security-awareness".',
      'priya has not completed the required training "secure-coding".',
    ]);
  });

  it('asks for a DPA only when the engagement touches personal data', () => {
    const f = ready();
    f.engagement.dpaSigned = false;
    expect(computeReadiness(f, now).unmet.map((u) => u.requirement)).toEqual(['dpa']);
    f.engagement.touchesPersonalData = false;
    expect(computeReadiness(f, now).ready).toBe(true);
  });

  it('counts only a clear background check, and says what happened to the others', () => {
    for (const [status, words] of [['pending', 'is still pending'], ['flagged', 'was flagged'], ['failed', 'failed']] as const) {
      const f = ready();
      f.backgroundCheck = { status, provider: 'Sterling', checkedOn: '2026-02-20' };
      expect(computeReadiness(f, now).unmet).toEqual([{ requirement: 'background_check', message: `The background check of priya (Sterling, 2026-02-20) ${words}.` }]);
    }
  });

  it('fails a quiz scored below its own pass mark and passes one exactly at it', () => {
    const f = ready();
    f.quizResult = { score: 79, passMark: 80, takenOn: '2026-02-25' };
    expect(computeReadiness(f, now).unmet[0]!.message).toBe('priya scored 79 on the security-awareness quiz (2026-02-25); the pass mark is 80.');
    f.quizResult.score = 80;
    expect(computeReadiness(f, now).ready).toBe(true);
  });

  it('blocks on an upheld red flag as on a pending one', () => {
    const f = ready();
    f.blockingRedFlags = [{ id: 'f1', description: 'shared credentials in a past job', decision: 'upheld' }];
    expect(computeReadiness(f, now).unmet).toEqual([{ requirement: 'red_flags', message: 'A red flag on priya was upheld: shared credentials in a past job' }]);
  });

  it('treats training as expired from its expiry instant on', () => {
    const f = ready();
    f.training[0]!.expiresAt = new Date('2026-03-02T10:00:00Z');
    expect(computeReadiness(f, now).unmet).toEqual([{ requirement: 'training', message: 'The training "security-awareness" of priya expired on 2026-03-02.' }]);
    expect(computeReadiness(f, new Date(now.getTime() - 1)).ready).toBe(true);
  });

  it('accepts the first and the last day of the engagement (UTC dates) and nothing outside', () => {
    const f = ready();
    expect(computeReadiness(f, new Date('2026-03-01T00:00:00Z')).ready).toBe(true);
    expect(computeReadiness(f, new Date('2026-02-28T23:59:59Z')).unmet.map((u) => u.requirement)).toEqual(['engagement_dates']);
    f.training = f.training.map((t) => ({ ...t, expiresAt: null }));
    expect(computeReadiness(f, new Date('2026-12-31T23:59:59Z')).ready).toBe(true);
    expect(computeReadiness(f, new Date('2027-01-01T00:00:00Z')).unmet).toEqual([
      { requirement: 'engagement_dates', message: 'The engagement "Checkout rewrite" ended on 2026-12-31; today is 2027-01-01.' },
    ]);
  });
});

describe('narrowToReadiness', () => {
  const DAY = 86_400_000;
  const base = Date.parse('2026-03-02T00:00:00Z');
  const instant = fc.integer({ min: base - 3 * DAY, max: base + 3 * DAY });

  it('bounds a window in which the answer is the same at every moment (random expiries, dates and times)', () => {
    fc.assert(fc.property(
      fc.array(fc.option(instant, { nil: null }), { minLength: 2, maxLength: 2 }),
      fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 }),
      instant, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 5 }),
      (expiries, startOffset, endOffset, at, fractions) => {
        const f = ready();
        f.engagement.startDate = new Date(base + startOffset * DAY).toISOString().slice(0, 10);
        f.engagement.endDate = new Date(base + endOffset * DAY).toISOString().slice(0, 10);
        f.training = f.training.map((t, i) => ({ ...t, expiresAt: expiries[i] === null ? null : new Date(expiries[i]!) }));
        const w = openWindow(at);
        narrowToReadiness(f, w);
        // Never wider than the day: readiness messages name today.
        expect(w.from).toBeGreaterThanOrEqual(Math.floor(at / DAY) * DAY);
        expect(w.until).toBeLessThanOrEqual(Math.floor(at / DAY) * DAY + DAY);
        const answer = computeReadiness(f, new Date(at));
        for (const moment of [w.from, w.until - 1, ...fractions.map((x) => Math.floor(w.from + x * (w.until - 1 - w.from)))]) {
          expect(computeReadiness(f, new Date(moment))).toEqual(answer);
        }
      },
    ));
  });

  it('ends the window at a training expiry inside the day', () => {
    const f = ready();
    const expiry = Date.parse('2026-03-02T15:30:00Z');
    f.training[1]!.expiresAt = new Date(expiry);
    const w = openWindow(now.getTime());
    narrowToReadiness(f, w);
    expect(w).toEqual({ at: now.getTime(), from: Date.parse('2026-03-02T00:00:00Z'), until: expiry });
    expect(computeReadiness(f, new Date(expiry - 1)).ready).toBe(true);
    expect(computeReadiness(f, new Date(expiry)).ready).toBe(false);
  });
});

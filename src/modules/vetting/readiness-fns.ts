/**
 * @module vetting/readiness-fns — the readiness gate as a pure function: given the facts about one
 * developer on one engagement, every requirement that is not met, in plain words. Nothing is
 * granted while this list is not empty (request policy, approval, authorizer all call it).
 */
import { changeAt, type TimeWindow } from '../../core/time-window.ts';
import { utcDate } from '../engagements/engagement-fns.ts';

export const REQUIREMENTS = [
  'person_active',
  'on_engagement',
  'engagement_active',
  'engagement_dates',
  'nda',
  'ip_ownership',
  'dpa',
  'background_check',
  'references',
  'security_quiz',
  'red_flags',
  'training',
] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

export type BackgroundStatus = 'pending' | 'clear' | 'flagged' | 'failed';

/** Everything readiness depends on, loaded by readiness-store.ts (or built by hand in tests). */
export interface ReadinessFacts {
  person: { id: string; handle: string; status: 'active' | 'suspended' | 'offboarded' };
  engagement: {
    id: string;
    name: string;
    status: 'draft' | 'active' | 'suspended' | 'ended';
    /** 'YYYY-MM-DD', inclusive. */
    startDate: string;
    endDate: string;
    touchesPersonalData: boolean;
    ndaSigned: boolean;
    dpaSigned: boolean;
    ipOwnershipSigned: boolean;
  };
  onEngagement: boolean;
  /** The latest background check (by checked date, then recording order), or null. */
  backgroundCheck: { status: BackgroundStatus; provider: string; checkedOn: string } | null;
  referencesPassed: number;
  referencesRequired: number;
  /** The name of the quiz that counts (setting readiness.securityQuiz). */
  securityQuiz: string;
  /** The latest attempt at that quiz, or null. */
  quizResult: { score: number; passMark: number; takenOn: string } | null;
  /** Red flags that are pending or upheld (cleared ones do not block). */
  blockingRedFlags: { id: string; description: string; decision: 'upheld' | null }[];
  requiredTraining: string[];
  /** Per module, the completion that lasts longest (null expiry = never expires). */
  training: { module: string; completedAt: Date; expiresAt: Date | null }[];
}

export interface UnmetRequirement {
  requirement: Requirement;
  /** One sentence a developer or admin can act on. */
  message: string;
}

export interface Readiness {
  personId: string;
  handle: string;
  engagementId: string;
  ready: boolean;
  unmet: UnmetRequirement[];
}

const BACKGROUND_WORDS: Record<Exclude<BackgroundStatus, 'clear'>, string> = {
  pending: 'is still pending',
  flagged: 'was flagged',
  failed: 'failed',
};

/**
 * Every unmet requirement of a developer on an engagement at `now`, in a fixed order.
 * Dates are compared as UTC calendar dates, like the engagement's own rules.
 * @example computeReadiness(facts, new Date()).unmet.map((u) => u.message) // ['The NDA is not signed.', …]
 */
export function computeReadiness(f: ReadinessFacts, now: Date): Readiness {
  const unmet: UnmetRequirement[] = [];
  const add = (requirement: Requirement, message: string) => unmet.push({ requirement, message });
  const e = f.engagement;
  const who = f.person.handle;

  if (f.person.status !== 'active') add('person_active', `${who} is ${f.person.status}.`);
  if (!f.onEngagement) add('on_engagement', `${who} is not a developer on the engagement "${e.name}".`);
  if (e.status !== 'active') add('engagement_active', `The engagement "${e.name}" is ${e.status}, not active.`);
  const today = utcDate(now);
  if (today < e.startDate) add('engagement_dates', `The engagement "${e.name}" starts on ${e.startDate}; today is ${today}.`);
  else if (today > e.endDate) add('engagement_dates', `The engagement "${e.name}" ended on ${e.endDate}; today is ${today}.`);
  if (!e.ndaSigned) add('nda', 'The NDA is not signed.');
  if (!e.ipOwnershipSigned) add('ip_ownership', 'The IP-ownership clause is not signed.');
  if (e.touchesPersonalData && !e.dpaSigned) add('dpa', 'The DPA is not signed, and the engagement touches personal data.');

  const bc = f.backgroundCheck;
  if (!bc) add('background_check', `No background check is recorded for ${who}.`);
  else if (bc.status !== 'clear') add('background_check', `The background check of ${who} (${bc.provider}, ${bc.checkedOn}) ${BACKGROUND_WORDS[bc.status]}.`);

  if (f.referencesPassed < f.referencesRequired) {
    add('references', `${f.referencesRequired} passed reference check${f.referencesRequired === 1 ? ' is' : 's are'} required; ${who} has ${f.referencesPassed}.`);
  }

  const q = f.quizResult;
  if (!q) add('security_quiz', `${who} has not taken the ${f.securityQuiz} quiz.`);
  else if (q.score < q.passMark) add('security_quiz', `${who} scored ${q.score} on the ${f.securityQuiz} quiz (${q.takenOn}); the pass mark is ${q.passMark}.`);

  for (const flag of f.blockingRedFlags) {
    add('red_flags', flag.decision === 'upheld'
      ? `A red flag on ${who} was upheld: ${flag.description}`
      : `A red flag on ${who} awaits a reviewer's decision: ${flag.description}`);
  }

  for (const module of f.requiredTraining) {
    const done = f.training.find((t) => t.module === module);
    if (!done) add('training', `${who} has not completed the required training "${module}".`);
    else if (done.expiresAt !== null && done.expiresAt.getTime() <= now.getTime()) {
      add('training', `The training "${module}" of ${who} expired on ${done.expiresAt.toISOString().slice(0, 10)}.`);
    }
  }

  return { personId: f.person.id, handle: who, engagementId: e.id, ready: unmet.length === 0, unmet };
}

const DAY_MS = 86_400_000;

/**
 * Narrow `w` to the moments at which `computeReadiness(f, ·)` answers as it does at `w.at`. It reads
 * the time only as today's UTC date and against training expiry, so the answer holds until the next
 * midnight UTC or expiry. Keep this in step with computeReadiness (a property test compares them).
 * @example const w = openWindow(now.getTime()); narrowToReadiness(facts, w);
 */
export function narrowToReadiness(f: ReadinessFacts, w: TimeWindow): void {
  const midnight = Math.floor(w.at / DAY_MS) * DAY_MS;
  changeAt(w, midnight);
  changeAt(w, midnight + DAY_MS);
  for (const t of f.training) if (t.expiresAt !== null) changeAt(w, t.expiresAt.getTime());
}

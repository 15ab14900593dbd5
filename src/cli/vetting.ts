/**
 * @module cli/vetting — `palisade vetting …` (background checks, references, the security quiz, red
 * flags and their decisions) and `palisade training record`.
 */
import { UsageError } from './client.ts';
import { commandGroup, type Context, type Subcommand } from './command.ts';
import { seg } from './flags.ts';
import { renderJson, renderRecord, renderTable } from './table.ts';

const base = (ctx: Context, rest = '') => `/api/v1/people/${seg(ctx.positionals[0]!)}${rest}`;

function printRecord(ctx: Context, r: Record<string, unknown>): void {
  ctx.out(ctx.json ? renderJson(r) : renderRecord(Object.entries(r)));
}

/** A whole number flag that may be 0 (ctx.int refuses 0). */
function count(ctx: Context, flag: string): number {
  const v = ctx.need(flag);
  if (!/^\d{1,4}$/.test(v)) throw new UsageError(`--${flag} must be a whole number`);
  return Number(v);
}

const post = (path: string, summary: string, usage: string, options: NonNullable<Subcommand['options']>, body: (ctx: Context) => Record<string, unknown>): Subcommand => ({
  usage: `PERSON ${usage}`,
  summary,
  args: ['PERSON'],
  options,
  run: async (ctx) => printRecord(ctx, await ctx.api().request<Record<string, unknown>>('POST', base(ctx, path), { body: body(ctx) })),
});

interface Vetting {
  handle: string;
  backgroundChecks: { status: string; provider: string; reference: string | null; checkedOn: string }[];
  referenceChecks: { refereeName: string; outcome: string; checkedOn: string }[];
  quizResults: { quiz: string; score: number; passMark: number; passed: boolean; takenOn: string }[];
  redFlags: { id: string; description: string; decision: string | null; decisionComment: string | null }[];
  training: { module: string; completedAt: string; expiresAt: string | null }[];
}

const show: Subcommand = {
  usage: 'PERSON',
  summary: 'every vetting record and training completion of a person (newest first)',
  args: ['PERSON'],
  async run(ctx) {
    const v = await ctx.api().get<Vetting>(base(ctx, '/vetting'));
    if (ctx.json) return ctx.out(renderJson(v));
    const section = (title: string, body: string) => ctx.out(`${title}\n${body}\n`);
    section('BACKGROUND CHECKS (the first counts)', renderTable(v.backgroundChecks, [{ header: 'status', value: (c) => c.status }, { header: 'provider', value: (c) => c.provider }, { header: 'reference', value: (c) => c.reference }, { header: 'checked', value: (c) => c.checkedOn }]));
    section('REFERENCES', renderTable(v.referenceChecks, [{ header: 'referee', value: (c) => c.refereeName }, { header: 'outcome', value: (c) => c.outcome }, { header: 'checked', value: (c) => c.checkedOn }]));
    section('QUIZZES (the latest attempt counts)', renderTable(v.quizResults, [{ header: 'quiz', value: (q) => q.quiz }, { header: 'score', value: (q) => `${q.score}/${q.passMark}` }, { header: 'passed', value: (q) => q.passed }, { header: 'taken', value: (q) => q.takenOn }]));
    section('RED FLAGS', renderTable(v.redFlags, [{ header: 'id', value: (f) => f.id }, { header: 'decision', value: (f) => f.decision ?? 'pending' }, { header: 'description', value: (f) => f.description }, { header: 'comment', value: (f) => f.decisionComment }]));
    section('TRAINING', renderTable(v.training, [{ header: 'module', value: (t) => t.module }, { header: 'completed', value: (t) => t.completedAt }, { header: 'expires', value: (t) => t.expiresAt ?? 'never' }]));
  },
};

export const runVettingCommand = commandGroup('vetting', 'vetting of external developers', {
  background: post('/vetting/background-checks', 'record a background check (the latest one counts)', '--status pending|clear|flagged|failed --provider P [--reference R] --checked-on YYYY-MM-DD',
    { status: { type: 'string' }, provider: { type: 'string' }, reference: { type: 'string' }, 'checked-on': { type: 'string' } },
    (ctx) => ({ status: ctx.need('status'), provider: ctx.need('provider'), reference: ctx.str('reference'), checkedOn: ctx.need('checked-on') })),
  reference: post('/vetting/reference-checks', 'record a reference check', '--referee NAME [--contact C] --outcome passed|failed [--notes N] --checked-on YYYY-MM-DD',
    { referee: { type: 'string' }, contact: { type: 'string' }, outcome: { type: 'string' }, notes: { type: 'string' }, 'checked-on': { type: 'string' } },
    (ctx) => ({ refereeName: ctx.need('referee'), refereeContact: ctx.str('contact'), outcome: ctx.need('outcome'), notes: ctx.str('notes'), checkedOn: ctx.need('checked-on') })),
  quiz: post('/vetting/quiz-results', 'record a quiz attempt (passed when score ≥ pass mark)', '[--quiz security-awareness] --score N --pass-mark N --taken-on YYYY-MM-DD',
    { quiz: { type: 'string' }, score: { type: 'string' }, 'pass-mark': { type: 'string' }, 'taken-on': { type: 'string' } },
    (ctx) => ({ quiz: ctx.str('quiz'), score: count(ctx, 'score'), passMark: count(ctx, 'pass-mark'), takenOn: ctx.need('taken-on') })),
  'red-flag': post('/vetting/red-flags', 'raise a red flag (blocks readiness until cleared)', '--description TEXT',
    { description: { type: 'string' } }, (ctx) => ({ description: ctx.need('description') })),
  'decide-flag': {
    usage: 'FLAG_ID --decision cleared|upheld --comment TEXT',
    summary: 'clear or uphold a red flag, saying why',
    args: ['FLAG_ID'],
    options: { decision: { type: 'string' }, comment: { type: 'string' } },
    run: async (ctx) => printRecord(ctx, await ctx.api().request<Record<string, unknown>>('POST', `/api/v1/vetting/red-flags/${seg(ctx.positionals[0]!)}/decision`, {
      body: { decision: ctx.need('decision'), comment: ctx.need('comment') },
    })),
  },
  show,
});

export const runTrainingCommand = commandGroup('training', 'training completions', {
  record: post('/training', 'record a completed training module', '--module M --completed-at DATE|TIME [--expires-at DATE|TIME] [--score N]',
    { module: { type: 'string' }, 'completed-at': { type: 'string' }, 'expires-at': { type: 'string' }, score: { type: 'string' } },
    (ctx) => ({ module: ctx.need('module'), completedAt: ctx.need('completed-at'), expiresAt: ctx.str('expires-at'), score: ctx.str('score') === undefined ? undefined : count(ctx, 'score') })),
});

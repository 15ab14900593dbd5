/** @module vetting/vetting-types — API shapes of vetting records (background, references, quiz, red flags) and training completions. */
import { z } from 'zod';
import { moduleName } from '../access/settings-types.ts';

export const BACKGROUND_STATUSES = ['pending', 'clear', 'flagged', 'failed'] as const;
export const REFERENCE_OUTCOMES = ['passed', 'failed'] as const;
export const RED_FLAG_DECISIONS = ['cleared', 'upheld'] as const;

const calendarDate = z.iso.date().describe("calendar date 'YYYY-MM-DD'");
// Free text: newlines and tabs are fine; other control characters could rewrite a terminal.
const text = (max: number) => z.string().trim().min(1).max(max).regex(/^[^\u0000-\u0008\u000b-\u001f\u007f-\u009f]*$/, 'control characters other than newline and tab are not allowed');

export const backgroundCheckSchema = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  status: z.enum(BACKGROUND_STATUSES),
  provider: z.string(),
  reference: z.string().nullable().describe("the provider's case or report reference"),
  checkedOn: z.string(),
  recordedBy: z.uuid().nullable(),
  recordedAt: z.date(),
});
export type BackgroundCheck = z.infer<typeof backgroundCheckSchema>;

export const recordBackgroundCheckSchema = z.object({
  status: z.enum(BACKGROUND_STATUSES),
  provider: text(200),
  reference: text(200).nullable().optional(),
  checkedOn: calendarDate,
}).strict();
export type RecordBackgroundCheckInput = z.infer<typeof recordBackgroundCheckSchema>;

export const referenceCheckSchema = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  refereeName: z.string(),
  refereeContact: z.string().nullable(),
  outcome: z.enum(REFERENCE_OUTCOMES),
  notes: z.string().nullable(),
  checkedOn: z.string(),
  recordedBy: z.uuid().nullable(),
  recordedAt: z.date(),
});
export type ReferenceCheck = z.infer<typeof referenceCheckSchema>;

export const recordReferenceCheckSchema = z.object({
  refereeName: text(200),
  refereeContact: text(300).nullable().optional().describe('e-mail or phone of the referee'),
  outcome: z.enum(REFERENCE_OUTCOMES),
  notes: text(2000).nullable().optional(),
  checkedOn: calendarDate,
}).strict();
export type RecordReferenceCheckInput = z.infer<typeof recordReferenceCheckSchema>;

export const quizResultSchema = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  quiz: z.string(),
  score: z.number().int(),
  passMark: z.number().int(),
  passed: z.boolean().describe('score ≥ passMark'),
  takenOn: z.string(),
  recordedBy: z.uuid().nullable(),
  recordedAt: z.date(),
});
export type QuizResult = z.infer<typeof quizResultSchema>;

export const recordQuizResultSchema = z.object({
  quiz: moduleName.default('security-awareness'),
  score: z.number().int().min(0).max(1000),
  passMark: z.number().int().min(0).max(1000),
  takenOn: calendarDate,
}).strict();
export type RecordQuizResultInput = z.infer<typeof recordQuizResultSchema>;

export const redFlagSchema = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  description: z.string(),
  raisedBy: z.uuid().nullable(),
  raisedAt: z.date(),
  decision: z.enum(RED_FLAG_DECISIONS).nullable().describe('null: pending — a pending or upheld flag blocks readiness'),
  decidedBy: z.uuid().nullable(),
  decidedAt: z.date().nullable(),
  decisionComment: z.string().nullable(),
});
export type RedFlag = z.infer<typeof redFlagSchema>;

export const raiseRedFlagSchema = z.object({ description: text(2000) }).strict();
export type RaiseRedFlagInput = z.infer<typeof raiseRedFlagSchema>;

export const decideRedFlagSchema = z.object({
  decision: z.enum(RED_FLAG_DECISIONS),
  comment: text(2000).describe('why: the reviewer\'s reasoning is part of the record'),
}).strict();
export type DecideRedFlagInput = z.infer<typeof decideRedFlagSchema>;

export const trainingCompletionSchema = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  module: z.string(),
  completedAt: z.date(),
  expiresAt: z.date().nullable(),
  score: z.number().int().nullable(),
  recordedBy: z.uuid().nullable(),
  recordedAt: z.date(),
});
export type TrainingCompletion = z.infer<typeof trainingCompletionSchema>;

export const recordTrainingSchema = z.object({
  module: moduleName,
  completedAt: z.iso.datetime({ offset: true }).or(calendarDate).describe('ISO 8601 time, or a date (midnight UTC)'),
  expiresAt: z.iso.datetime({ offset: true }).or(calendarDate).nullable().optional().describe('null or absent: does not expire'),
  score: z.number().int().min(0).max(1000).nullable().optional(),
}).strict();
export type RecordTrainingInput = z.infer<typeof recordTrainingSchema>;

/** Everything vetting knows about a person. */
export const vettingRecordSchema = z.object({
  personId: z.uuid(),
  handle: z.string(),
  backgroundChecks: z.array(backgroundCheckSchema).describe('newest first; the first one counts'),
  referenceChecks: z.array(referenceCheckSchema),
  quizResults: z.array(quizResultSchema).describe('newest first; per quiz, the latest attempt counts'),
  redFlags: z.array(redFlagSchema),
  training: z.array(trainingCompletionSchema),
});
export type VettingRecord = z.infer<typeof vettingRecordSchema>;

export const personParams = z.object({ ref: z.string().min(1).max(100) });
export const flagParams = z.object({ id: z.uuid() });

/**
 * @module test/helpers/vetting — makes a developer pass the readiness gate's vetting and training
 * requirements through the API, for end-to-end tests against a listening server.
 */

/** The calendar date `offset` days from today (UTC), as the API takes dates. @example day(-5) // '2026-11-16' */
export const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * Background check clear, one reference passed, the security-awareness quiz passed (all five days ago), and
 * security-awareness training valid for 300 more days. `api` answers with the parsed body and fails on any
 * status other than `status`.
 * @example await vetAndTrain(api, dev.id);
 */
export async function vetAndTrain(
  api: (method: 'POST', url: string, payload: unknown, status?: number) => Promise<unknown>,
  personId: string,
): Promise<void> {
  const vetting = `/api/v1/people/${personId}/vetting`;
  await api('POST', `${vetting}/background-checks`, { status: 'clear', provider: 'Sterling', reference: 'ST-1', checkedOn: day(-5) }, 201);
  await api('POST', `${vetting}/reference-checks`, { refereeName: 'Lead', refereeContact: 'lead@old.example', outcome: 'passed', checkedOn: day(-5) }, 201);
  await api('POST', `${vetting}/quiz-results`, { quiz: 'security-awareness', score: 90, passMark: 80, takenOn: day(-5) }, 201);
  await api('POST', `/api/v1/people/${personId}/training`, { module: 'security-awareness', completedAt: day(-5), expiresAt: day(300) }, 201);
}

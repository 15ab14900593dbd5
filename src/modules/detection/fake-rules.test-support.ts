/**
 * @module detection/fake-rules.test-support — a TINY FAKE rule set, standing in for the Sigma engine
 * in tests of the detection service (runner, positions, grouping, channels). Not Sigma: two rules
 * written in TypeScript with the same match shape the Sigma engine returns.
 */
import type { RuleSet, RuleSetFactory, SigmaEvent, SigmaMatch } from './rule-set.ts';

const get = (fields: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), fields);

export const FAKE_BURST_SPAN_MS = 60_000;

/**
 * `fake-off-hours` (high): a git.* event outside the developer's working hours.
 * `fake-failure-burst` (medium, correlation): 3 or more failed events from one source.ip within 60 s.
 */
export function fakeRuleSetFactory(): RuleSetFactory & { evaluatedIds: string[] } {
  const evaluatedIds: string[] = [];
  return {
    maxTimespanMs: FAKE_BURST_SPAN_MS,
    evaluatedIds,
    create(): RuleSet {
      const windows = new Map<string, { id: string; t: number }[]>();
      return {
        evaluate(e: SigmaEvent): SigmaMatch[] {
          evaluatedIds.push(e.id);
          const out: SigmaMatch[] = [];
          const f = e.fields;
          if (e.logsource.product === 'palisade' && String(f.type).startsWith('git.') && get(f, 'developer.withinWorkingHours') === false) {
            out.push({ ruleId: 'fake-off-hours', title: 'Fake off-hours git access', level: 'high', kind: 'detection', eventIds: [e.id], groupBy: {}, tags: ['fake'] });
          }
          const ip = get(f, 'source.ip');
          if (f.outcome === 'failure' && typeof ip === 'string') {
            const t = e.time.getTime();
            const w = (windows.get(ip) ?? []).filter((x) => x.t > t - FAKE_BURST_SPAN_MS);
            w.push({ id: e.id, t });
            windows.set(ip, w);
            if (w.length >= 3) {
              out.push({ ruleId: 'fake-failure-burst', title: 'Fake failure burst', level: 'medium', kind: 'correlation', eventIds: w.map((x) => x.id), groupBy: { 'source.ip': ip }, tags: [] });
            }
          }
          return out;
        },
      };
    },
  };
}

/**
 * @module scanner/format/sarif — SARIF 2.1.0 (OASIS), the format code-scanning dashboards import.
 * One run; every rule that ran is described in `tool.driver.rules`; each finding is a result with its
 * location, a redacted snippet and the fingerprint under `partialFingerprints`.
 */
import { visibleFindings, type FormatOptions, type ScanReport } from './report.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * The report as a SARIF 2.1.0 log.
 * @example JSON.parse(formatSarif(report)).version // '2.1.0'
 */
export function formatSarif(report: ScanReport, options: FormatOptions = {}): string {
  const findings = visibleFindings(report, options);
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'palisade',
            rules: report.rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.description },
              defaultConfiguration: { level: r.category === 'pii' ? 'warning' : 'error' },
              properties: { tags: [...r.tags] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId)! } : {}),
          level: f.category === 'pii' ? 'warning' : 'error',
          message: { text: `${f.description} (${f.ruleId})` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.file) },
                region: {
                  startLine: f.line,
                  startColumn: f.column,
                  endLine: f.endLine,
                  endColumn: f.endColumn + 1,
                  snippet: { text: f.secret },
                },
              },
            },
          ],
          partialFingerprints: { 'palisade/v1': f.fingerprint },
          properties: {
            redacted: f.redacted,
            entropy: f.entropy,
            ...(f.commit ? { commit: f.commit.commit, author: f.commit.author, email: f.commit.email, date: f.commit.date } : {}),
          },
        })),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

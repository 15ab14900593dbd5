/**
 * @module bench/scanner/quality — precision and recall on the labelled corpus for Palisade's default rules,
 * the stock gitleaks rule file loaded into Palisade, and secretlint (recommended preset).
 *
 *   npx tsx bench/scanner/quality.ts
 *
 * A finding counts by file and line: a labelled line reported by any rule is a true positive; a reported
 * line without a label is a false positive.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createScanner } from '../../src/modules/scanner/scanner.ts';
import { loadGitleaksToml } from '../../src/modules/scanner/gitleaks/load.ts';
import { writeCorpus, type Label } from './corpus.ts';

const CORPUS = resolve('bench/.work/scanner-corpus');
const GITLEAKS = resolve('../shared/testdata/gitleaks/gitleaks.toml');

interface Score {
  tool: string;
  positives: number;
  truePositives: number;
  falsePositives: number;
  precision: number;
  recall: number;
  missedTypes: Record<string, number>;
  falsePositiveSamples: string[];
}

function score(tool: string, labels: Label[], reported: Set<string>, reasons: Map<string, string>): Score {
  const labelled = new Set(labels.map((l) => `${l.file}:${l.line}`));
  const tp = labels.filter((l) => reported.has(`${l.file}:${l.line}`)).length;
  const fps = [...reported].filter((k) => !labelled.has(k));
  const missedTypes: Record<string, number> = {};
  for (const l of labels) if (!reported.has(`${l.file}:${l.line}`)) missedTypes[l.type] = (missedTypes[l.type] ?? 0) + 1;
  return {
    tool,
    positives: labels.length,
    truePositives: tp,
    falsePositives: fps.length,
    precision: tp + fps.length === 0 ? 0 : tp / (tp + fps.length),
    recall: tp / labels.length,
    missedTypes,
    falsePositiveSamples: fps.slice(0, 8).map((k) => `${k} ${reasons.get(k) ?? ''}`),
  };
}

async function palisade(labels: Label[], tool: string, options: Parameters<typeof createScanner>[0]): Promise<Score> {
  const { findings } = await createScanner(options).scanPath(CORPUS);
  const reported = new Set<string>();
  const reasons = new Map<string, string>();
  for (const f of findings) {
    if (f.file === 'labels.json') continue;
    reported.add(`${f.file}:${f.line}`);
    reasons.set(`${f.file}:${f.line}`, f.ruleId);
  }
  return score(tool, labels, reported, reasons);
}

function secretlint(labels: Label[]): Score {
  const rc = resolve('bench/.work/secretlintrc.json');
  writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  const output = resolve('bench/.work/secretlint-corpus.json');
  spawnSync('npx', ['secretlint', '--secretlintrc', rc, '--format', 'json', '--output', output, `${CORPUS}/**/*`], { stdio: 'ignore' });
  const results = JSON.parse(readFileSync(output, 'utf8')) as { filePath: string; messages: { ruleId: string; loc: { start: { line: number } } }[] }[];
  const reported = new Set<string>();
  const reasons = new Map<string, string>();
  for (const r of results) {
    const file = relative(CORPUS, r.filePath);
    if (file === 'labels.json') continue;
    for (const m of r.messages) {
      const key = `${file}:${m.loc.start.line}`;
      reported.add(key);
      reasons.set(key, m.ruleId);
    }
  }
  return score('secretlint 12 (preset-recommend)', labels, reported, reasons);
}

const labels = writeCorpus(CORPUS);
const gitleaks = loadGitleaksToml(readFileSync(GITLEAKS, 'utf8'));
const scores = [
  await palisade(labels, 'Palisade default rules', {}),
  await palisade(labels, 'gitleaks.toml (222 rules) in Palisade', { rules: gitleaks.rules, globalAllowlists: gitleaks.globalAllowlists }),
  secretlint(labels),
];
for (const s of scores) {
  console.log(`\n${s.tool}: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)} (TP ${s.truePositives}/${s.positives}, FP ${s.falsePositives})`);
  console.log('  missed by type:', JSON.stringify(s.missedTypes));
  console.log('  false positives (sample):', s.falsePositiveSamples.join('; '));
}
writeFileSync(join('bench/.work', 'scanner-quality.json'), JSON.stringify(scores, null, 2));

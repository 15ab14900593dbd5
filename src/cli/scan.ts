/**
 * @module cli/scan — `palisade scan`: finds secrets (and, with --pii, personal data) in files and folders,
 * a repository's history, or standard input. Runs locally; no server needed.
 * Exit codes: 0 nothing found, 1 findings reported, 2 usage or runtime error.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  applyBaseline,
  createScanner,
  defaultRules,
  formatJson,
  formatSarif,
  formatTable,
  loadGitleaksToml,
  parseBaseline,
  writeBaseline,
  type AllowList,
  type Finding,
  type Rule,
  type ScanResult,
} from '../modules/scanner/index.ts';

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin: NodeJS.ReadableStream };

export const SCAN_EXIT = { clean: 0, findings: 1, error: 2 } as const;

const HELP = `palisade scan — find secrets and personal data

Usage:
  palisade scan PATH            a file or folder (honours .gitignore and .palisadeignore)
  palisade scan --git REPO      every line ever added in the repository's history, by commit
  palisade scan -               standard input

Options:
  --format table|json|sarif     output format (default: table)
  --rules FILE                  also load a gitleaks-format rule file (repeatable)
  --no-default-rules            run only the rules from --rules
  --pii                         also report personal data (e-mail, phone, card, IBAN, SSN)
  --baseline FILE               do not report findings accepted in this baseline
  --write-baseline FILE         write all current findings to FILE as accepted, and exit 0
  --show-secrets, --no-redact   print secrets in clear (they are masked by default)
  --no-ignore                   do not honour ignore files
  --stdin-name NAME             file name to report for standard input (default: stdin)
  --max-file-mb N               skip files larger than N MiB (default: 25)
  -h, --help

Exit codes: 0 nothing found, 1 findings reported, 2 error.
`;

/** A usage or input problem reported with exit code 2. */
class ScanUsageError extends Error {}

/**
 * Runs `palisade scan` with the arguments after `scan`, returning the exit code.
 * @example await runScanCommand(['--format', 'json', '.'], { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin })
 */
export async function runScanCommand(argv: string[], io: Io): Promise<number> {
  try {
    return await run(argv, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`palisade scan: ${message}\n`);
    if (error instanceof ScanUsageError) io.stderr.write('Run palisade scan --help for usage.\n');
    return SCAN_EXIT.error;
  }
}

async function run(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', default: 'table' },
        git: { type: 'string' },
        rules: { type: 'string', multiple: true },
        'no-default-rules': { type: 'boolean' },
        pii: { type: 'boolean' },
        baseline: { type: 'string' },
        'write-baseline': { type: 'string' },
        'show-secrets': { type: 'boolean' },
        'no-redact': { type: 'boolean' },
        'no-ignore': { type: 'boolean' },
        'stdin-name': { type: 'string' },
        'max-file-mb': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new ScanUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(HELP);
    return SCAN_EXIT.clean;
  }
  const format = values.format;
  if (format !== 'table' && format !== 'json' && format !== 'sarif') throw new ScanUsageError(`unknown --format ${format}`);
  if (values.git !== undefined && positionals.length > 0) throw new ScanUsageError('give either --git REPO or a PATH, not both');
  if (values.git === undefined && positionals.length !== 1) throw new ScanUsageError('give one PATH, - for standard input, or --git REPO');
  let maxFileBytes: number | undefined;
  if (values['max-file-mb'] !== undefined) {
    const mb = Number(values['max-file-mb']);
    if (!Number.isFinite(mb) || mb <= 0) throw new ScanUsageError('--max-file-mb must be a positive number');
    maxFileBytes = Math.floor(mb * 1024 * 1024);
  }

  const rules: Rule[] = values['no-default-rules'] ? [] : defaultRules({ personalData: values.pii ?? false });
  const globalAllowlists: AllowList[] = [];
  for (const file of values.rules ?? []) {
    const loaded = loadGitleaksToml(await readText(file, 'rule file'));
    for (const r of loaded.rejected) io.stderr.write(`palisade scan: ${file}: rule ${r.ruleId} not loaded: ${r.reason}\n`);
    for (const w of loaded.warnings) io.stderr.write(`palisade scan: ${file}: ${w}\n`);
    const taken = new Set(rules.map((r) => r.id));
    for (const rule of loaded.rules) {
      // A gitleaks rule whose id clashes with one of ours keeps its own, prefixed id.
      rules.push(taken.has(rule.id) ? { ...rule, id: `gitleaks:${rule.id}` } : rule);
    }
    globalAllowlists.push(...loaded.globalAllowlists);
  }
  if (rules.length === 0) throw new ScanUsageError('no rules to run (--no-default-rules without --rules)');

  const scanner = createScanner({
    rules,
    globalAllowlists,
    useIgnoreFiles: !values['no-ignore'],
    ...(maxFileBytes === undefined ? {} : { maxFileBytes }),
  });
  let result: ScanResult;
  if (values.git !== undefined) {
    result = await scanner.scanGitHistory(values.git);
  } else if (positionals[0] === '-') {
    const content = await readAll(io.stdin);
    const findings = scanner.scanBuffer(content, values['stdin-name'] ?? 'stdin');
    result = { findings, stats: { files: 1, bytes: content.length, skippedBinary: 0, skippedLarge: 0, commits: 0 } };
  } else {
    result = await scanner.scanPath(positionals[0]!).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' ? new ScanUsageError(`no such file or folder: ${positionals[0]}`) : error;
    });
  }

  if (values['write-baseline'] !== undefined) {
    await writeFile(values['write-baseline'], writeBaseline(result.findings));
    io.stderr.write(`palisade scan: wrote ${result.findings.length} accepted findings to ${values['write-baseline']}\n`);
    return SCAN_EXIT.clean;
  }
  let reported: Finding[] = result.findings;
  let suppressed = 0;
  if (values.baseline !== undefined) {
    const split = applyBaseline(result.findings, parseBaseline(await readText(values.baseline, 'baseline')));
    reported = split.reported;
    suppressed = split.suppressed.length;
  }
  const report = { findings: reported, suppressed, stats: result.stats, rules };
  const options = { showSecrets: Boolean(values['show-secrets'] || values['no-redact']) };
  const text = format === 'json' ? formatJson(report, options) : format === 'sarif' ? formatSarif(report, options) : formatTable(report, options);
  io.stdout.write(text);
  return reported.length > 0 ? SCAN_EXIT.findings : SCAN_EXIT.clean;
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ScanUsageError(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

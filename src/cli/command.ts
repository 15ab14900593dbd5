/**
 * @module cli/command — what every client command shares: strict flag parsing (node:util parseArgs),
 * `--url`, `--json` and `--help`, one help text per group, and the exit codes:
 * 0 success, 1 the server refused or failed, 2 usage error, 3 the server cannot be reached.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ApiError, ConfigError, createApiClient, resolveClientConfig, UnreachableError, UsageError, type ApiClient } from './client.ts';

export type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin: NodeJS.ReadableStream };
export type Command = (argv: string[], io: Io) => Promise<number>;
type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export const EXIT = { ok: 0, api: 1, usage: 2, unreachable: 3 } as const;

/** What a subcommand's `run` receives. */
export interface Context {
  io: Io;
  json: boolean;
  positionals: string[];
  /** The API client (created on first use, so offline commands need no token). */
  api(): ApiClient;
  /** A string flag, or undefined. */
  str(name: string): string | undefined;
  /** A string flag that must be given. */
  need(name: string): string;
  /** Every value of a repeatable string flag. */
  strs(name: string): string[];
  bool(name: string): boolean;
  /** A positive integer flag, or undefined. */
  int(name: string): number | undefined;
  out(s: string): void;
}

export interface Subcommand {
  /** Arguments after `palisade <group> <sub>`, for help and usage errors, e.g. `REF [--json]`. */
  usage: string;
  summary: string;
  options?: Options;
  /** Names of required positional arguments. */
  args?: string[];
  /** Resolves to the exit code when it is not 0 by success (e.g. a verification that found problems). */
  run(ctx: Context): Promise<void | number>;
}

const COMMON: Options = {
  url: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const COMMON_HELP = `
Common options: --url URL (default: $PALISADE_URL), --json (machine-readable output), -h/--help.
Environment: PALISADE_URL, PALISADE_TOKEN (never pass a token as a flag), PALISADE_CA_CERT.
Exit codes: 0 ok, 1 error from the server, 2 usage error, 3 server unreachable.
`;

/** Help text of a group: one line per subcommand. */
function groupHelp(group: string, summary: string, subs: Record<string, Subcommand>): string {
  const lines = Object.entries(subs).map(([name, s]) => `  palisade ${group} ${name} ${s.usage}`.trimEnd() + `\n      ${s.summary}`);
  return `palisade ${group} — ${summary}\n\n${lines.join('\n')}\n${COMMON_HELP}`;
}

/** The first sentence of a parseArgs error, e.g. "Unknown option '--bogus'". */
function parseArgsMessage(err: Error): string {
  return err.message.split(/\. |\n/)[0]!.replace(/\.$/, '');
}

function contextFor(values: Values, positionals: string[], io: Io): Context {
  let client: ApiClient | undefined;
  const str = (name: string) => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  return {
    io,
    json: values.json === true,
    positionals,
    api: () => (client ??= createApiClient(resolveClientConfig(str('url'), process.env))),
    str,
    need(name) {
      const v = str(name);
      if (v === undefined || v === '') throw new UsageError(`--${name} is required`);
      return v;
    },
    strs: (name) => {
      const v = values[name];
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
    },
    bool: (name) => values[name] === true,
    int(name) {
      const v = str(name);
      if (v === undefined) return undefined;
      if (!/^\d{1,9}$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} must be a positive whole number`);
      return Number(v);
    },
    out: (s) => void io.stdout.write(s),
  };
}

/** Run one subcommand with its flags and map every failure to a message and an exit code. */
async function runSub(path: string, sub: Subcommand, argv: string[], io: Io, help: string): Promise<number> {
  const usage = (msg: string) => {
    io.stderr.write(`palisade ${path}: ${msg}\nusage: ${`palisade ${path} ${sub.usage}`.trimEnd()}\nRun 'palisade ${path.split(' ')[0]} --help' for details.\n`);
    return EXIT.usage;
  };
  let ctx: Context;
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON, ...sub.options }, strict: true, allowPositionals: true });
    if (values.help) {
      io.stdout.write(help);
      return EXIT.ok;
    }
    const wanted = sub.args ?? [];
    if (positionals.length < wanted.length) return usage(`missing ${wanted.slice(positionals.length).join(' ')}`);
    if (positionals.length > wanted.length) return usage(`unexpected argument '${positionals[wanted.length]}'`);
    ctx = contextFor(values as Values, positionals, io);
  } catch (err) {
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) return usage(parseArgsMessage(err));
    throw err;
  }
  try {
    const code: unknown = await sub.run(ctx);
    return typeof code === 'number' ? code : EXIT.ok;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`palisade ${path}: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) return usage(err.message);
    if (err instanceof ApiError) {
      io.stderr.write(`palisade ${path}: ${err.message}\n`);
      return EXIT.api;
    }
    if (err instanceof UnreachableError) {
      io.stderr.write(`palisade ${path}: ${err.message}\n`);
      return EXIT.unreachable;
    }
    throw err;
  }
}

/**
 * A command group such as `palisade people <list|get|…>`.
 * @example const runPeopleCommand = commandGroup('people', 'members and external developers', { list, get });
 */
export function commandGroup(group: string, summary: string, subs: Record<string, Subcommand>): Command {
  const help = groupHelp(group, summary, subs);
  return async (argv, io) => {
    const [name, ...rest] = argv;
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      (name ? io.stdout : io.stderr).write(help);
      return name ? EXIT.ok : EXIT.usage;
    }
    const sub = Object.hasOwn(subs, name) ? subs[name] : undefined;
    if (!sub) {
      io.stderr.write(`palisade ${group}: unknown subcommand '${name}'\n\n${help}`);
      return EXIT.usage;
    }
    return runSub(`${group} ${name}`, sub, rest, io, help);
  };
}

/**
 * A command without subcommands, such as `palisade me`.
 * @example const runMeCommand = singleCommand('me', { usage: '', summary: 'who you are', run });
 */
export function singleCommand(name: string, sub: Subcommand): Command {
  const help = `palisade ${name} ${sub.usage}\n  ${sub.summary}\n${COMMON_HELP}`;
  return (argv, io) => runSub(name, sub, argv, io, help);
}

/**
 * Print a page of rows as a table, or with --json as a JSON array of the items (so
 * `palisade people list --json | jq '.[].handle'` works). When more pages exist, the cursor goes to
 * stderr in both modes, keeping stdout parseable.
 */
export function printPage<T>(ctx: Context, page: { items: T[]; nextCursor: string | null }, table: (rows: T[]) => string): void {
  ctx.out(ctx.json ? JSON.stringify(page.items, null, 2) + '\n' : table(page.items));
  if (page.nextCursor) ctx.io.stderr.write(`(more results: add --all, or --cursor ${page.nextCursor})\n`);
}

/** Options every list subcommand takes. */
export const PAGING: Options = {
  limit: { type: 'string' },
  all: { type: 'boolean' },
  cursor: { type: 'string' },
};

/** The paging flags of a list subcommand, validated. */
export function pagingOf(ctx: Context): { all: boolean; limit: number | undefined; cursor: string | undefined } {
  return { all: ctx.bool('all'), limit: ctx.int('limit'), cursor: ctx.str('cursor') };
}

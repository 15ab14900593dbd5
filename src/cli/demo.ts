/** @module cli/demo — `palisade demo [--data DIR] [--keep]`: the whole product end to end (demo/demo.ts). */
import { parseArgs } from 'node:util';
import { DEMO_HELP, runDemo } from '../demo/demo.ts';

/**
 * Parse the options and run the demo. Exit codes: 0 every step worked, 1 a step failed, 2 usage.
 * @example process.exitCode = await runDemoCommand(['--keep'], io);
 */
export async function runDemoCommand(argv: string[], io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): Promise<number> {
  let values: { data?: string | undefined; keep?: boolean | undefined; help?: boolean | undefined };
  try {
    values = parseArgs({ args: argv, options: { data: { type: 'string' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n\n${DEMO_HELP}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(DEMO_HELP);
    return 0;
  }
  return runDemo({ ...(values.data === undefined ? {} : { dataDir: values.data }), keep: values.keep ?? false }, io);
}

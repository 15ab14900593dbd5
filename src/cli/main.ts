/** @module cli/main — the `palisade` command: dispatches to one module per command group. */
import { runServe } from './serve.ts';

const HELP = `palisade — security control plane for external developers

Usage: palisade <command> [options]

  serve                 start the server (palisade serve --help)

Client commands talk to a running server: set PALISADE_URL and PALISADE_TOKEN.
`;

type Io = { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin: NodeJS.ReadableStream };
type Command = (argv: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  serve: runServe,
};

/** Run the CLI and return its exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(HELP);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`unknown command: ${name}\n\n${HELP}`);
    return 2;
  }
  return command(rest, io);
}

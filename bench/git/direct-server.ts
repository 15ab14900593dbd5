/**
 * @module bench/git/direct-server — `git http-backend` behind a minimal node:http server, no Palisade: the
 * baseline of bench/git/clone.ts. Runs as its own process so its memory and CPU are not the gateway's.
 * Usage: node --import tsx bench/git/direct-server.ts <repositories folder>   (prints the base URL)
 */
import { startPlainGitServer } from '../../test/e2e/git-http-server.ts';

const root = process.argv[2];
if (!root) throw new Error('usage: direct-server.ts <repositories folder>');
const server = await startPlainGitServer(root);
process.stdout.write(`${server.base}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));

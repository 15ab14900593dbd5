/** @module core/logger-exit-child — a process that logs many lines and exits at once, for logger.test.ts. */
import { createLogger } from './logger.ts';

const log = createLogger('info');
const lines = Number(process.argv[2] ?? 1000);
for (let i = 0; i < lines; i++) log.info({ i, pad: 'x'.repeat(200) }, 'line');
process.exit(0);

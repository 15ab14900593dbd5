/**
 * @module bench/audit/cpu — CPU seconds used by this process and by the PostgreSQL server behind a
 * connection (its postmaster's children, read from /proc): on a shared machine, work per CPU-second
 * says more than work per wall-clock second.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { Database } from '../../src/db/database.ts';

const TICK = 100; // USER_HZ on Linux

function ticksOf(pid: number, withChildren: boolean): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14-17 (utime, stime, cutime, cstime) are 11-14 after the command name.
    return Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
}

/**
 * A meter over the PostgreSQL server of `db` (undefined for PGlite, which runs in this process).
 * @example const m = await serverCpuMeter(db); … const s = m.seconds();
 */
export async function serverCpuMeter(db: Database): Promise<{ seconds(): number } | undefined> {
  if (db.dialect !== 'postgres') return undefined;
  const [{ pid }] = (await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
  const postmaster = parentOf(pid);
  const total = () => {
    let ticks = ticksOf(postmaster, true);
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        if (parentOf(Number(name)) === postmaster) ticks += ticksOf(Number(name), false);
      } catch {
        // the process ended meanwhile
      }
    }
    return ticks;
  };
  const start = total();
  return { seconds: () => (total() - start) / TICK };
}

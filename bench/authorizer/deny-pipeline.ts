/**
 * @module bench/authorizer/deny-pipeline — what denials cost the embedded database's server after they
 * are answered: group commits of `authz.denied` events, the audit sequencer integrating them and
 * signing checkpoints, detection reading them. The process's CPU time per second while 300 denials a
 * second arrive, committed every 50 ms (15 at a time) and every 200 ms (60 at a time), each on a fresh
 * PGlite data folder on disk, after a warm-up.
 *
 *   npx tsx bench/authorizer/deny-pipeline.ts        # WARM_MS=20000 RUN_MS=6000 to change the timing
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../../src/core/clock.ts';
import { createServices } from '../../src/composition.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openPglite } from '../../src/db/pglite.ts';
import { systemActor } from '../../src/modules/auth/actor.ts';
import { startAuditSequencer } from '../../src/modules/audit/sequencer-runner.ts';
import { startDetection } from '../../src/modules/detection/detection-runner.ts';

const WARM_MS = Number(process.env.WARM_MS ?? 20_000);
const RUN_MS = Number(process.env.RUN_MS ?? 6_000);

const denial = (i: number) => ({
  type: 'authz.denied', outcome: 'denied' as const, target: { type: 'resource', id: `res-${i % 1000}` },
  details: { principal: { handle: `dev-${i % 500}` }, action: 'write', gateway: 'git', reasons: ['change freeze 7 (policy gen-7-freeze)'], policyIds: ['gen-7-freeze'], missing: [] },
});

/** CPU milliseconds per second of wall time while `perCommit` denials are committed every `everyMs`. */
async function measure(perCommit: number, everyMs: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'palisade-deny-pipeline-'));
  const db = await openPglite(path.join(dir, 'db'));
  await migrate(db);
  const services = createServices({ db, clock: systemClock, dataDir: dir, auditLogKey: { masterKey: randomBytes(32), origin: 'bench.example/audit' } });
  await services.auditSequencer.open();
  const sequencer = startAuditSequencer({ db, sequencer: services.auditSequencer });
  const detection = startDetection({ db, engine: services.detection, dispatcher: services.alertDispatcher });
  let n = 0;
  const run = async (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const next = performance.now() + everyMs;
      await db.transaction((tx) => services.audit.recordMany(tx, Array.from({ length: perCommit }, () => ({ actor: systemActor, event: denial(n++) }))));
      await sleep(Math.max(0, next - performance.now()));
    }
  };
  await run(WARM_MS);
  const n0 = n;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run(RUN_MS);
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  await sequencer.stop();
  await detection.stop();
  await db.close();
  return { commitEveryMs: everyMs, denialsPerCommit: perCommit, denialsPerSecond: Math.round((n - n0) / seconds), cpuMsPerSecond: Math.round((cpu.user + cpu.system) / 1000 / seconds) };
}

const load0 = loadavg()[0]!;
const runs = [await measure(15, 50), await measure(60, 200)];
console.log(JSON.stringify({ runs, loadavg_1m: [load0, loadavg()[0]!].map((l) => Number(l.toFixed(2))) }, null, 2));

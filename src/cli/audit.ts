/**
 * @module cli/audit — `palisade audit …`: query events; the signed log (checkpoint, verifier-key,
 * proof, consistency, export) from the server; offline verification (verify, verify-event).
 */
import { listPages } from './client.ts';
import { commandGroup, PAGING, pagingOf, printPage, type Subcommand } from './command.ts';
import { parseTime, personId } from './flags.ts';
import { renderTable } from './table.ts';
import { exportBundle } from './audit-export.ts';
import { auditExportCommands } from './audit-events.ts';
import { checkpoint, consistency, proof, verifierKey } from './audit-log.ts';
import { verify, verifyEvent } from './audit-verify.ts';

interface AuditEvent {
  seq: number;
  occurredAt: string;
  type: string;
  outcome: string;
  actor: { id: string | null; handle: string | null; ip: string | null };
  target: { type: string | null; id: string | null };
  engagementId: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  leafIndex: number | null;
}

const events: Subcommand = {
  usage: '[--type T|prefix.*] [--actor REF] [--target-type T] [--target-id ID] [--engagement ID] [--outcome success|failure|denied] [--since TIME|24h] [--until TIME] [--limit N] [--all] [--cursor C]',
  summary: 'audit events in log order; --since/--until take ISO times or durations ago (30m, 24h, 7d)',
  options: {
    type: { type: 'string' }, actor: { type: 'string' }, 'target-type': { type: 'string' }, 'target-id': { type: 'string' },
    engagement: { type: 'string' }, outcome: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, ...PAGING,
  },
  async run(ctx) {
    const api = ctx.api();
    const [since, until, actor] = [ctx.str('since'), ctx.str('until'), ctx.str('actor')];
    const query = {
      type: ctx.str('type'), targetType: ctx.str('target-type'), targetId: ctx.str('target-id'),
      engagementId: ctx.str('engagement'), outcome: ctx.str('outcome'),
      since: since && parseTime(since, 'since'), until: until && parseTime(until, 'until'),
      actorId: actor && (await personId(api, actor)),
    };
    const page = await listPages<AuditEvent>(api, '/api/v1/audit/events', query, pagingOf(ctx));
    printPage(ctx, page, (rows) => renderTable(rows, [
      { header: 'seq', value: (e) => e.seq },
      { header: 'leaf', value: (e) => e.leafIndex },
      { header: 'time', value: (e) => e.occurredAt },
      { header: 'type', value: (e) => e.type },
      { header: 'outcome', value: (e) => e.outcome },
      { header: 'actor', value: (e) => e.actor.handle ?? e.actor.ip },
      { header: 'target', value: (e) => (e.target.type ? `${e.target.type}/${e.target.id}` : null) },
    ]));
  },
};

export const runAuditCommand = commandGroup('audit', 'the tamper-evident audit log', {
  events, checkpoint, 'verifier-key': verifierKey, proof, consistency, export: exportBundle, verify, 'verify-event': verifyEvent,
  ...auditExportCommands,
});

/** @module audit-export/export-service — exporting the log's events as JSONL or OCSF, for admins and auditors. */
import type { Database } from '../../db/database.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { exportLines } from './export-events.ts';
import type { ExportQuery } from './export-types.ts';

export interface AuditExportService {
  /** NDJSON lines of the matching integrated events, in log order; permission is checked before the first line. */
  events(actor: AnyActor, query: ExportQuery): AsyncGenerator<string>;
}

/**
 * The export service.
 * @example for await (const line of exports.events(actor, { format: 'ocsf', afterIndex: -1 })) out.write(line);
 */
export function createAuditExportService(deps: { db: Database }): AuditExportService {
  return {
    events(actor, query) {
      assertPermitted(actor, 'audit.read');
      return exportLines(deps.db, query);
    },
  };
}

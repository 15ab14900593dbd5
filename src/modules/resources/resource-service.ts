/** @module resources/resource-service — placeholder until the module is written. */
import type { Clock } from '../../core/clock.ts';
import type { Database } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ResourceService {}

export function createResourceService(_deps: { db: Database; clock: Clock; audit: AuditService }): ResourceService {
  return {};
}

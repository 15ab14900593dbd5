/**
 * @module composition — the composition root: one line per module, each service receiving its
 * dependencies as an object. Transports (HTTP, CLI) receive `Services` and nothing else.
 */
import type { Clock } from './core/clock.ts';
import type { Database } from './db/database.ts';
import { createAuditService, type AuditService } from './modules/audit/audit-service.ts';
import { createTokenService, type TokenService } from './modules/auth/token-service.ts';
import { createEngagementService, type EngagementService } from './modules/engagements/engagement-service.ts';
import { createPeopleService, type PeopleService } from './modules/people/people-service.ts';
import { createResourceService, type ResourceService } from './modules/resources/resource-service.ts';
import { createVendorService, type VendorService } from './modules/vendors/vendor-service.ts';

export interface Services {
  db: Database;
  clock: Clock;
  audit: AuditService;
  tokens: TokenService;
  people: PeopleService;
  vendors: VendorService;
  engagements: EngagementService;
  resources: ResourceService;
}

export function createServices(deps: { db: Database; clock: Clock }): Services {
  const { db, clock } = deps;
  const audit = createAuditService({ db, clock });
  const tokens = createTokenService({ db, clock, audit });
  const people = createPeopleService({ db, clock, audit });
  const vendors = createVendorService({ db, clock, audit });
  const engagements = createEngagementService({ db, clock, audit });
  const resources = createResourceService({ db, clock, audit });
  return { db, clock, audit, tokens, people, vendors, engagements, resources };
}

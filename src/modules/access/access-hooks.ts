/**
 * @module access/access-hooks — the hooks that end access when its basis goes away, plugged into
 * the engagement and people services by the composition root: an engagement suspended or ended,
 * a developer taken off an engagement, a person suspended or offboarded, a resource retired. Each runs in the
 * transaction of that change, so the change and every revocation commit together.
 */
import type { DeveloperRemovedHook, StatusChangeHook } from '../engagements/engagement-service.ts';
import type { PersonStatusHook } from '../people/people-service.ts';
import type { ResourceRetiredHook } from '../resources/resource-service.ts';
import type { EndAccess } from './access-revocation.ts';

export interface AccessHooks {
  onEngagementStatusChange: StatusChangeHook;
  onDeveloperRemoved: DeveloperRemovedHook;
  onPersonStatusChange: PersonStatusHook;
  onResourceRetired: ResourceRetiredHook;
}

/**
 * Hooks over an `endAccess` function (access-revocation.ts).
 * @example const hooks = createAccessHooks(createEndAccess({ clock, audit }));
 */
export function createAccessHooks(endAccess: EndAccess): AccessHooks {
  return {
    async onEngagementStatusChange(tx, actor, { engagement, to }) {
      if (to !== 'suspended' && to !== 'ended') return;
      return endAccess(tx, actor, { engagementId: engagement.id }, `the engagement "${engagement.name}" was ${to}`);
    },
    async onDeveloperRemoved(tx, actor, { engagement, personId }) {
      return endAccess(tx, actor, { engagementId: engagement.id, personId }, `the developer was taken off the engagement "${engagement.name}"`);
    },
    async onPersonStatusChange(tx, actor, { person, to }) {
      if (to !== 'suspended' && to !== 'offboarded') return;
      return endAccess(tx, actor, { personId: person.id }, `${person.handle} was ${to}`);
    },
    async onResourceRetired(tx, actor, resource) {
      return endAccess(tx, actor, { resourceId: resource.id }, `the resource "${resource.name}" was retired`);
    },
  };
}

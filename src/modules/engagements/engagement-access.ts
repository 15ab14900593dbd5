/**
 * @module engagements/engagement-access — loading an engagement the way every operation must:
 * readers see only what their role allows (developers: the engagements they are on), writers
 * hold the row lock and respect "ended is final".
 */
import { ConflictError, NotFoundError } from '../../core/errors.ts';
import type { Queryable } from '../../db/database.ts';
import type { AnyActor } from '../auth/actor.ts';
import { isPermitted } from '../auth/permissions.ts';
import * as store from './engagement-store.ts';
import type { Engagement } from './engagement-types.ts';

/**
 * The person whose engagements the actor may see, or null when the actor may see all of them.
 * @example visibleTo(developerActor) // developerActor.personId
 */
export function visibleTo(actor: AnyActor): string | null {
  return actor.kind === 'person' && !isPermitted(actor, 'engagements.read.all') ? actor.personId : null;
}

/**
 * The engagement if the actor may see it. An engagement a developer is not on is "not found",
 * exactly like one that does not exist, so ids cannot be probed.
 * @example const e = await loadVisible(db, actor, id);
 */
export async function loadVisible(q: Queryable, actor: AnyActor, id: string): Promise<Engagement> {
  const e = await store.findEngagementById(q, id);
  const who = visibleTo(actor);
  if (!e || (who !== null && !e.developers.some((d) => d.id === who))) throw new NotFoundError(`engagement ${id} not found`);
  return e;
}

/**
 * The engagement, locked for the rest of the transaction. Unless `allowEnded`, an ended
 * engagement is refused: it is a closed record.
 * @example const before = await loadForChange(tx, id);
 */
export async function loadForChange(tx: Queryable, id: string, opts: { allowEnded?: boolean } = {}): Promise<Engagement> {
  const e = await store.findEngagementById(tx, id, true);
  if (!e) throw new NotFoundError(`engagement ${id} not found`);
  if (e.status === 'ended' && !opts.allowEnded) throw new ConflictError(`engagement "${e.name}" has ended; an ended engagement cannot be changed`);
  return e;
}

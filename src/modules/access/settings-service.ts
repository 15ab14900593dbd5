/**
 * @module access/settings-service — read and change the access settings (admins change, members
 * read). Every change and its `settings.updated` event commit in one transaction.
 */
import type { Clock } from '../../core/clock.ts';
import { changedFields } from '../../core/diff.ts';
import type { Database } from '../../db/database.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { AnyActor } from '../auth/actor.ts';
import { assertPermitted } from '../auth/permissions.ts';
import { formatIsoDuration } from './duration-fns.ts';
import { loadAccessSettings, lockSettings, upsertSetting } from './settings-store.ts';
import { SETTING_KEYS, type AccessSettings, type AccessSettingsView, type UpdateAccessSettingsInput } from './settings-types.ts';

export interface SettingsService {
  getAccess(actor: AnyActor): Promise<AccessSettingsView>;
  updateAccess(actor: AnyActor, input: UpdateAccessSettingsInput): Promise<AccessSettingsView>;
}

/**
 * The API view of the settings: durations as ISO 8601.
 * @example toView(DEFAULT_ACCESS_SETTINGS).maxDuration.production // 'PT8H'
 */
export function toView(s: AccessSettings): AccessSettingsView {
  return {
    maxDuration: {
      production: formatIsoDuration(s.maxDurationSeconds.production),
      staging: formatIsoDuration(s.maxDurationSeconds.staging),
      development: formatIsoDuration(s.maxDurationSeconds.development),
    },
    pendingTtl: formatIsoDuration(s.pendingTtlSeconds),
    readiness: { ...s.readiness },
  };
}

/** @example const settings = createSettingsService({ db, clock, audit }); await settings.getAccess(actor); */
export function createSettingsService(deps: { db: Database; clock: Clock; audit: AuditService }): SettingsService {
  const { db, clock, audit } = deps;
  return {
    async getAccess(actor) {
      assertPermitted(actor, 'settings.read');
      return toView(await loadAccessSettings(db));
    },

    async updateAccess(actor, input) {
      assertPermitted(actor, 'settings.write');
      return db.transaction(async (tx) => {
        await lockSettings(tx);
        const before = await loadAccessSettings(tx);
        const after: AccessSettings = {
          maxDurationSeconds: { ...before.maxDurationSeconds, ...input.maxDuration },
          pendingTtlSeconds: input.pendingTtl ?? before.pendingTtlSeconds,
          readiness: { ...before.readiness, ...input.readiness },
        };
        const flat = (s: AccessSettings) => {
          const v = toView(s);
          return { maxDuration: v.maxDuration, pendingTtl: v.pendingTtl, ...v.readiness };
        };
        const changes = changedFields(flat(before), flat(after), ['maxDuration', 'pendingTtl', 'requiredTraining', 'referencesRequired', 'securityQuiz']);
        if (Object.keys(changes).length === 0) return toView(before);
        const now = clock.now();
        const by = actor.kind === 'person' ? actor.personId : null;
        const values: Record<keyof typeof SETTING_KEYS, unknown> = {
          maxDuration: after.maxDurationSeconds,
          pendingTtl: after.pendingTtlSeconds,
          requiredTraining: after.readiness.requiredTraining,
          referencesRequired: after.readiness.referencesRequired,
          securityQuiz: after.readiness.securityQuiz,
        };
        for (const name of Object.keys(changes) as (keyof typeof SETTING_KEYS)[]) await upsertSetting(tx, SETTING_KEYS[name], values[name], now, by);
        await audit.record(tx, actor, { type: 'settings.updated', outcome: 'success', target: { type: 'settings', id: 'access' }, details: { changes } });
        return toView(after);
      });
    },
  };
}

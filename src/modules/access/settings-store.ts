/** @module access/settings-store — SQL for the `settings` table (key → jsonb) and the access settings read from it. */
import type { Queryable } from '../../db/database.ts';
import { DEFAULT_ACCESS_SETTINGS, SETTING_KEYS, type AccessSettings } from './settings-types.ts';

const json = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

/**
 * The access settings in force: stored values over the built-in defaults.
 * @example const s = await loadAccessSettings(tx); s.maxDurationSeconds.production // 28800
 */
export async function loadAccessSettings(q: Queryable): Promise<AccessSettings> {
  const rows = await q.query<{ key: string; value: unknown }>('SELECT key, value FROM settings WHERE key = ANY($1::text[])', [Object.values(SETTING_KEYS)]);
  const v = new Map(rows.map((r) => [r.key, json(r.value)]));
  const d = DEFAULT_ACCESS_SETTINGS;
  return {
    maxDurationSeconds: { ...d.maxDurationSeconds, ...((v.get(SETTING_KEYS.maxDuration) as object | undefined) ?? {}) },
    pendingTtlSeconds: (v.get(SETTING_KEYS.pendingTtl) as number | undefined) ?? d.pendingTtlSeconds,
    readiness: {
      requiredTraining: (v.get(SETTING_KEYS.requiredTraining) as string[] | undefined) ?? d.readiness.requiredTraining,
      referencesRequired: (v.get(SETTING_KEYS.referencesRequired) as number | undefined) ?? d.readiness.referencesRequired,
      securityQuiz: (v.get(SETTING_KEYS.securityQuiz) as string | undefined) ?? d.readiness.securityQuiz,
    },
  };
}

/** Insert or replace one setting. */
export async function upsertSetting(q: Queryable, key: string, value: unknown, at: Date, by: string | null): Promise<void> {
  await q.query(
    `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
    [key, JSON.stringify(value), at, by],
  );
}

/**
 * Serialize changes to settings: a row lock cannot cover a key that does not exist yet, and a
 * table lock needs no advisory-lock number (those are shared by the whole database). Readers are
 * not blocked.
 */
export async function lockSettings(q: Queryable): Promise<void> {
  await q.query('LOCK TABLE settings IN SHARE ROW EXCLUSIVE MODE');
}

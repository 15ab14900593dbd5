/**
 * @module auth/token-cache — remembers which token hash belongs to whom, for as long as the authz
 * epoch does not move. Revoking a token, changing its expiry or scopes, and any change to a person
 * bump the epoch in the same transaction (migrations 0005 and 0010), so a remembered answer is never
 * used after a change that made it wrong — on this server or on another one sharing the database.
 * Only tokens that resolved are remembered: unknown tokens cannot fill the memory.
 */
import type { EpochWatcher } from '../authorizer/authz-epoch.ts';
import type { TokenWithHolder } from './token-store.ts';

/** Enough for every active token of a large company; beyond it the oldest entries go first. */
const MAX_ENTRIES = 10_000;
/** The last-used time is written at most this often per token and server. */
const TOUCH_EVERY_MS = 60_000;

export interface TokenCache {
  /**
   * The token row for `hash`: remembered when the epoch has not moved since, else from `load`
   * (after an epoch read that started now, so what is loaded is at least as new as that epoch).
   */
  lookup(hash: string, load: () => Promise<TokenWithHolder | null>): Promise<TokenWithHolder | null>;
  /** True when the token's last use should be written now (once a minute per token). */
  shouldTouch(tokenId: string, nowMs: number): boolean;
}

/** @example const cache = createTokenCache(epochWatcher); const found = await cache.lookup(hash, () => store.findTokenByHash(db, hash)); */
export function createTokenCache(epoch: EpochWatcher): TokenCache {
  const entries = new Map<string, { epoch: number; found: TokenWithHolder }>();
  const touched = new Map<string, number>();

  const remember = <V>(map: Map<string, V>, key: string, value: V) => {
    map.delete(key);
    map.set(key, value);
    // Maps iterate in insertion order: the first key is the least recently stored.
    if (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
  };

  return {
    async lookup(hash, load) {
      const current = epoch.known() ?? (await epoch.read());
      const hit = entries.get(hash);
      if (hit && hit.epoch === current) return hit.found;
      const found = await load();
      if (found) remember(entries, hash, { epoch: current, found });
      else entries.delete(hash);
      return found;
    },
    shouldTouch(tokenId, nowMs) {
      const last = touched.get(tokenId);
      if (last !== undefined && nowMs - last < TOUCH_EVERY_MS && nowMs >= last) return false;
      remember(touched, tokenId, nowMs);
      return true;
    },
  };
}

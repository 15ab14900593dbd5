import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../db/test-db.ts';
import { createEpochWatcher } from './authz-epoch.ts';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe('the epoch watcher', () => {
  it('answers `since` from a read that started at that time or later, and reads again for a later time', async () => {
    const watcher = createEpochWatcher(t.db);
    try {
      const arrived = performance.now();
      const first = await watcher.read();
      expect(watcher.stats().reads).toBe(1);
      // The read above started after `arrived`: it will do.
      expect(await watcher.since(arrived)).toBe(first);
      expect(watcher.stats().reads).toBe(1);
      // A question that arrived after that read started needs a read of its own, which sees a bump.
      await t.db.query('UPDATE authz_epoch SET version = version + 1 WHERE id = 1');
      const later = performance.now();
      expect(await watcher.since(later)).toBe(first + 1);
      expect(watcher.stats().reads).toBe(2);
      // While a read is on its way, a question that arrived before it started shares it.
      const before = performance.now();
      const inFlight = watcher.read();
      expect(await watcher.since(before)).toBe(await inFlight);
      expect(watcher.stats().reads).toBe(3);
    } finally {
      await watcher.close();
    }
  });
});

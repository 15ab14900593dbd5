import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/helpers/test-app.ts';

describe('the health check', () => {
  it('answers ok while the database answers, and 503 problem+json once it does not', async () => {
    const other = await createTestApp();
    expect((await other.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    await other.database.db.close();
    const res = await other.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    await other.app.close();
    await other.database.drop().catch(() => undefined);
  });
});

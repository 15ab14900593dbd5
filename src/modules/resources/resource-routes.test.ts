import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.ts';

let t: TestApp;
let owner: { id: string; handle: string; token: string };
let auditor: { id: string; handle: string; token: string };

const base = { kind: 'git_repository', environment: 'staging', sensitivity: 'internal' } as const;

async function create(body: Record<string, unknown>) {
  return t.call(t.adminToken, { method: 'POST', url: '/api/v1/resources', payload: { ...base, ownerId: owner.id, ...body } });
}

async function eventsOf(type: string, targetId: string) {
  return t.database.db.query<{ details: Record<string, unknown>; actor_handle: string }>(
    'SELECT details, actor_handle FROM audit_events WHERE type = $1 AND target_id = $2 ORDER BY seq',
    [type, targetId],
  );
}

beforeAll(async () => {
  t = await createTestApp();
  owner = await t.personWithRole('approver', 'olivia');
  auditor = await t.personWithRole('auditor');
});
afterAll(() => t.close());

describe('creating a resource', () => {
  it('returns 201 with the resource, its owner handle, and writes resource.created', async () => {
    const res = await create({ name: 'payments/api', labels: { team: 'payments', tier: '1' }, description: 'Payments API' });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({ name: 'payments/api', ownerId: owner.id, ownerHandle: 'olivia', status: 'active', labels: { team: 'payments', tier: '1' } });
    const [event] = await eventsOf('resource.created', r.id);
    expect(event?.actor_handle).toBe('admin');
    expect(event?.details).toMatchObject({ name: 'payments/api', kind: 'git_repository', ownerId: owner.id });
  });

  it('refuses terminal escape sequences in the description', async () => {
    const res = await create({ name: 'escapes', description: 'red \u001b[31m text' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toBe('body.description');
  });

  it('refuses a name that is taken, even by a retired resource', async () => {
    expect((await create({ name: 'payments/api' })).statusCode).toBe(409);
  });

  it('reports path-traversal and malformed names at body.name', async () => {
    for (const name of ['../x', '/abs', 'a//b', 'a/..', 'A', '-x', 'x.git', '']) {
      const res = await create({ name });
      expect(res.statusCode, name).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json().errors.map((e: { path: string }) => e.path), name).toContain('body.name');
    }
  });

  it('reports each bad label at body.labels.<key>', async () => {
    const res = await create({ name: 'bad-labels', labels: { Team: 'x', ok: 'v'.repeat(201) } });
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['body.labels.Team', 'body.labels.ok']));
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect((await create({ name: 'many-labels', labels: many })).json().errors[0].message).toMatch(/at most 50/);
  });

  it('requires the owner to be an active member, not an external developer', async () => {
    const dev = await t.personWithRole('developer');
    const gone = await t.personWithRole('approver');
    await t.call(t.adminToken, { method: 'DELETE', url: `/api/v1/people/${gone.id}` });
    for (const [ownerId, why] of [[dev.id, /external developer/], [gone.id, /offboarded/], ['0193a3b4-0000-7000-8000-00000000abcd', /no such person/]] as const) {
      const res = await create({ name: 'owned', ownerId });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'ownerId', message: expect.stringMatching(why) }]);
    }
  });
});

describe('reading resources', () => {
  it('finds a resource by id and by percent-encoded name', async () => {
    const id = (await create({ name: 'infra/db-main', kind: 'database' })).json().id;
    expect((await t.call(auditor.token, { url: `/api/v1/resources/${id}` })).json().name).toBe('infra/db-main');
    const byName = await t.call(auditor.token, { url: '/api/v1/resources/infra%2Fdb-main' });
    expect(byName.statusCode).toBe(200);
    expect(byName.json().id).toBe(id);
    expect((await t.call(auditor.token, { url: '/api/v1/resources/nope' })).statusCode).toBe(404);
  });

  it('keeps developers out', async () => {
    const dev = await t.personWithRole('developer');
    expect((await t.call(dev.token, { url: '/api/v1/resources' })).statusCode).toBe(403);
  });
});

describe('listing resources', () => {
  beforeAll(async () => {
    await create({ name: 'list/prod-ssh', kind: 'ssh_host', environment: 'production', sensitivity: 'restricted', labels: { team: 'ops', pci: 'yes' } });
    await create({ name: 'list/stage-web', kind: 'web_application', labels: { team: 'ops' }, description: 'Staging shop front' });
    await create({ name: 'list/dev-vault', kind: 'file_vault', environment: 'development', labels: { team: 'data' } });
  });

  const names = async (query: string) => {
    const res = await t.call(auditor.token, { url: `/api/v1/resources?${query}` });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as { name: string }[]).map((r) => r.name);
  };

  it('filters by kind, environment, sensitivity, owner and status', async () => {
    expect(await names('kind=ssh_host')).toEqual(['list/prod-ssh']);
    expect(await names('environment=development')).toEqual(['list/dev-vault']);
    expect(await names('sensitivity=restricted')).toEqual(['list/prod-ssh']);
    expect(await names(`ownerId=${owner.id}&q=list/`)).toHaveLength(3);
    expect(await names('status=retired&q=list/')).toEqual([]);
  });

  it('filters by labels: every label=key=value must match, a bare key must be present', async () => {
    expect(await names('label=team=ops')).toEqual(['list/prod-ssh', 'list/stage-web']);
    expect(await names('label=team=ops&label=pci=yes')).toEqual(['list/prod-ssh']);
    expect(await names('label=pci')).toEqual(['list/prod-ssh']);
    expect(await names('label=team=ops&label=team=data')).toEqual([]);
  });

  it('searches name and description with q, treating % and _ literally', async () => {
    expect(await names('q=shop%20front')).toEqual(['list/stage-web']);
    expect(await names('q=%25')).toEqual([]);
  });

  it('rejects a malformed label selector at querystring.label', async () => {
    const res = await t.call(auditor.token, { url: '/api/v1/resources?label=Bad=x' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].path).toMatch(/^querystring\.label/);
  });

  it('pages with limit and cursor in creation order without repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.call(auditor.token, { url: `/api/v1/resources?q=list/&limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      const page = res.json() as { items: { name: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((r) => r.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['list/prod-ssh', 'list/stage-web', 'list/dev-vault']);
    expect((await t.call(auditor.token, { url: '/api/v1/resources?cursor=garbage' })).statusCode).toBe(400);
  });
});

describe('updating a resource', () => {
  it('changes mutable fields and records exactly what changed', async () => {
    const r = (await create({ name: 'upd/app', labels: { team: 'a' } })).json();
    const other = await t.personWithRole('admin');
    const res = await t.call(t.adminToken, {
      method: 'PATCH', url: '/api/v1/resources/upd%2Fapp',
      payload: { sensitivity: 'confidential', ownerId: other.id, labels: { team: 'b' }, environment: 'staging' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ sensitivity: 'confidential', ownerId: other.id, ownerHandle: other.handle, labels: { team: 'b' } });
    const [event] = await eventsOf('resource.updated', r.id);
    expect(event?.details).toEqual({
      name: 'upd/app',
      changes: {
        sensitivity: { from: 'internal', to: 'confidential' },
        ownerId: { from: owner.id, to: other.id },
        labels: { from: { team: 'a' }, to: { team: 'b' } },
      },
    });
  });

  it('refuses to rename or change the kind', async () => {
    for (const payload of [{ name: 'renamed' }, { kind: 'database' }]) {
      const res = await t.call(t.adminToken, { method: 'PATCH', url: '/api/v1/resources/upd%2Fapp', payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].message).toMatch(/fixed at creation/);
    }
  });

  it('writes no event when nothing changes', async () => {
    const r = (await create({ name: 'upd/same' })).json();
    await t.call(t.adminToken, { method: 'PATCH', url: `/api/v1/resources/${r.id}`, payload: { environment: 'staging' } });
    expect(await eventsOf('resource.updated', r.id)).toHaveLength(0);
  });

  it('is for admins only', async () => {
    const res = await t.call(owner.token, { method: 'PATCH', url: '/api/v1/resources/upd%2Fapp', payload: { description: 'x' } });
    expect(res.statusCode).toBe(403);
  });
});

describe('retiring a resource', () => {
  it('sets status retired, records resource.retired once, and freezes it', async () => {
    const r = (await create({ name: 'old/thing' })).json();
    const res = await t.call(t.adminToken, { method: 'DELETE', url: '/api/v1/resources/old%2Fthing' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('retired');
    expect((await t.call(t.adminToken, { method: 'DELETE', url: `/api/v1/resources/${r.id}` })).json().status).toBe('retired');
    expect(await eventsOf('resource.retired', r.id)).toHaveLength(1);
    const patch = await t.call(t.adminToken, { method: 'PATCH', url: `/api/v1/resources/${r.id}`, payload: { description: 'again' } });
    expect(patch.statusCode).toBe(409);
    expect((await create({ name: 'old/thing' })).statusCode).toBe(409);
    expect((await t.call(auditor.token, { url: '/api/v1/resources?status=retired' })).json().items.map((x: { name: string }) => x.name)).toContain('old/thing');
  });
});

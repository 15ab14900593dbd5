import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { authorizeBodySchema, decisionJson, decisionSchema, parseAuthorizeBodyFast, type Decision } from './authorizer-types.ts';

const allow: Decision = {
  decision: 'allow', reasons: ['grant g gives alice read on shop/web until …'], policyIds: ['grant-allows'],
  grantId: '01890000-0000-7000-8000-000000000001', missing: [],
  principal: { id: '01890000-0000-7000-8000-000000000002', handle: 'alice' },
  resource: { id: '01890000-0000-7000-8000-000000000003', name: 'shop/web' },
  action: 'read', engagementId: '01890000-0000-7000-8000-000000000004', evaluatedAt: new Date('2026-03-02T10:00:00.123Z'),
};
const unknown: Decision = {
  ...allow, decision: 'deny', reasons: ['unknown principal "bob"\n'], policyIds: [], grantId: null, missing: ['a known person'],
  principal: null, resource: null, engagementId: null,
};

describe('a decision written directly as JSON', () => {
  it("is byte for byte what the response schema's encoder writes, for an allow and for a deny with nulls", () => {
    for (const d of [allow, unknown]) expect(decisionJson(d)).toBe(JSON.stringify(z.encode(decisionSchema, d)));
  });

  it('carries only the fields of the schema, as the schema does', () => {
    const extra = { ...allow, secret: 'x', principal: { ...allow.principal!, tokenHash: 'y' } } as Decision;
    expect(decisionJson(extra)).toBe(decisionJson(allow));
    expect(decisionJson(extra)).not.toMatch(/secret|tokenHash/);
  });
});

describe('the fast check of an authorize body', () => {
  const ref = fc.oneof(fc.constantFrom('alice', ' shop/web ', '', '   ', 'x'.repeat(100), ` ${'y'.repeat(100)} `, 'z'.repeat(101)), fc.string(), fc.integer(), fc.constant(null));
  const ip = fc.oneof(fc.constantFrom('10.1.2.3', '2001:db8::1', '::ffff:10.0.0.1', '999.1.1.1', 'not-an-ip', `1.2.3.4${' '.repeat(40)}`), fc.ipV4(), fc.ipV6(), fc.constant(null), fc.integer());
  const gateway = fc.oneof(fc.constantFrom('git', 'ssh', 'api', 'Git', '-x', 'a'.repeat(32), 'a'.repeat(33)), fc.string(), fc.constant(1));
  const context = fc.oneof(
    fc.record({ sourceIp: ip, gateway }, { requiredKeys: [] }),
    fc.record({ sourceIp: ip, gateway, time: fc.constantFrom('2026-03-02T10:00:00Z', 'yesterday') }, { requiredKeys: [] }),
    fc.record({ gateway, extra: fc.string() }),
    fc.constantFrom(null, [], 'git', {}),
  );
  const body = fc.oneof(
    fc.record({ principal: ref, action: fc.constantFrom('read', 'write', 'admin', 'delete', 'READ'), resource: ref, context }, { requiredKeys: ['principal', 'action', 'resource'] }),
    fc.record({ principal: ref, action: fc.constant('read'), resource: ref, other: fc.string() }),
    fc.anything(),
  );

  it('returns what the schema returns, or leaves the body to the schema (random bodies)', () => {
    fc.assert(fc.property(body, (b) => {
      const mine = parseAuthorizeBodyFast(b);
      if (mine === null) return;
      const theirs = authorizeBodySchema.safeParse(b);
      expect(theirs.success).toBe(true);
      expect(mine).toEqual(theirs.data);
    }), { numRuns: Number(process.env.PALISADE_FUZZ_RUNS ?? 2000) });
  });

  it('takes every everyday question the schema accepts (random valid bodies)', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9/_-]{0,40}$/);
    const everyday = fc.record({
      principal: name, action: fc.constantFrom('read', 'write', 'admin'), resource: name,
      context: fc.record({ sourceIp: fc.oneof(fc.ipV4(), fc.ipV6(), fc.constant(null)), gateway: fc.constantFrom('git', 'ssh', 'sftp', 'api') }, { requiredKeys: [] }),
    }, { requiredKeys: ['principal', 'action', 'resource'] });
    fc.assert(fc.property(everyday, (b) => {
      expect(parseAuthorizeBodyFast(b)).toEqual(authorizeBodySchema.parse(b));
    }), { numRuns: Number(process.env.PALISADE_FUZZ_RUNS ?? 500) });
  });

  it('takes the everyday question and leaves what-if times and mistakes to the schema', () => {
    expect(parseAuthorizeBodyFast({ principal: ' alice ', action: 'read', resource: 'shop/web', context: { gateway: 'git', sourceIp: '10.0.0.1' } }))
      .toEqual({ principal: 'alice', action: 'read', resource: 'shop/web', context: { gateway: 'git', sourceIp: '10.0.0.1' } });
    expect(parseAuthorizeBodyFast({ principal: 'alice', action: 'read', resource: 'shop/web' })).toEqual({ principal: 'alice', action: 'read', resource: 'shop/web', context: {} });
    expect(parseAuthorizeBodyFast({ principal: 'alice', action: 'read', resource: 'shop/web', context: { time: '2026-03-02T10:00:00Z' } })).toBeNull();
    expect(parseAuthorizeBodyFast({ principal: 'alice', action: 'read', resource: 'shop/web', context: { sourceIp: '300.1.1.1' } })).toBeNull();
    expect(parseAuthorizeBodyFast({ principal: 'alice', action: 'read', resource: 'shop/web', admin: true })).toBeNull();
  });
});

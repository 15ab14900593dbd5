/**
 * @module policy/cedar-request-policy — the access-request policy (access/request-policy.ts) decided
 * by the Cedar policies in force: `RequestAccess` denied → deny; `AutoApprove` allowed → approve at
 * once; otherwise approvals, as many as the highest `@approvals("N")` among the RequestAccess permits
 * that matched (1 when none says). Whatever the policies say, a developer who is not ready is denied:
 * the request-policy contract requires it.
 */
import type { RequestPolicy, RequestPolicyDecision, RequestPolicyInput } from '../access/request-policy.ts';
import { failClosed, policyReason } from '../authorizer/authorizer-fns.ts';
import { evaluate, type CompiledPolicySet } from './cedar-engine.ts';
import { cedarQuestion, type CedarAction, type ContextFacts, type PrincipalFacts, type ResourceFacts } from './policy-entities.ts';
import type { PolicyService } from './policy-service.ts';

function ask(set: CompiledPolicySet, action: CedarAction, i: RequestPolicyInput) {
  const principal: PrincipalFacts = {
    handle: i.person.handle, kind: i.person.kind, role: i.person.role, status: i.person.status, vendorId: i.person.vendorId, duty: i.duty,
  };
  const r = i.resource;
  const resource: ResourceFacts = {
    name: r.name, kind: r.kind, environment: r.environment, sensitivity: r.sensitivity, status: r.status, ownerHandle: r.ownerHandle, labels: r.labels,
  };
  const e = i.engagement;
  const context: ContextFacts = {
    now: i.now,
    sourceIp: null,
    gateway: 'api',
    engagement: { id: e.id, name: e.name, status: e.status, startDate: e.startDate, endDate: e.endDate },
    readiness: { ready: i.readiness.ready, unmet: i.readiness.unmet.map((u) => u.requirement) },
    grantPermission: null,
    permission: i.permission,
    durationSeconds: i.durationSeconds,
  };
  const answer = evaluate(set, cedarQuestion(action, principal, resource, context));
  return { answer, ...failClosed(set, answer) };
}

/**
 * The Cedar-backed request policy.
 * @example const requestPolicy = createCedarRequestPolicy({ policies }); await requestPolicy.evaluateRequest(input);
 */
export function createCedarRequestPolicy(deps: { policies: Pick<PolicyService, 'inForce'> }): RequestPolicy {
  return {
    async evaluateRequest(i): Promise<RequestPolicyDecision> {
      const deny = (reasons: string[], policyIds: string[]): RequestPolicyDecision => ({ outcome: 'deny', approvalsRequired: 0, reasons, policyIds });
      let inForce;
      try {
        inForce = await deps.policies.inForce();
      } catch (err) {
        return deny([`the policies could not be read (${err instanceof Error ? err.message : String(err)}); try again`], []);
      }
      const set = inForce.set;
      if (!set) return deny([`the policy set in force (version ${inForce.version}) does not validate, so nothing is granted`], []);
      const unready = i.readiness.ready ? [] : i.readiness.unmet.map((u) => u.message);

      const request = ask(set, 'RequestAccess', i);
      if (request.decision === 'deny' || unready.length > 0) {
        const forbids = request.answer.determining.filter((id) => set.effects.get(id) === 'forbid');
        const reasons = [...forbids.map((id) => policyReason(set, id)), ...request.forbidErrors, ...unready];
        if (reasons.length === 0) reasons.push('no policy permits this request (deny by default)');
        return deny(reasons, forbids.length > 0 || request.decision === 'deny' ? forbids : ['palisade.readiness-required']);
      }

      const auto = ask(set, 'AutoApprove', i);
      if (auto.decision === 'allow') {
        return { outcome: 'auto_approve', approvalsRequired: 0, reasons: auto.answer.determining.map((id) => policyReason(set, id)), policyIds: auto.answer.determining };
      }

      const permits = request.answer.determining;
      const needed = Math.max(1, ...permits.map((id) => set.approvals.get(id) ?? 1));
      return {
        outcome: 'require_approval',
        approvalsRequired: needed,
        reasons: [
          ...permits.map((id) => policyReason(set, id)),
          `${needed} approval${needed === 1 ? '' : 's'} needed from the owner or designated approvers of ${i.resource.name}`,
        ],
        policyIds: permits,
      };
    },
  };
}

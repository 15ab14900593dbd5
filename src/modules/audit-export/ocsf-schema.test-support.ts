/**
 * @module audit-export/ocsf-schema.test-support — the required attributes of the OCSF 1.3.0 classes
 * Palisade emits, transcribed from the schema (github.com/ocsf/ocsf-schema at tag 1.3.0), and a
 * checker. Sources: events/base_event.json with includes/classification.json and occurrence.json
 * (activity_id, category_uid, class_uid, type_uid, time, severity_id, metadata); objects/metadata.json
 * (product, version); objects/product.json (vendor_name) and _entity.json (at least one of name,
 * uid); events/iam/authentication.json (user; at least one of service, dst_endpoint);
 * events/iam/user_access.json (privileges, user); events/application/api.json (actor, api,
 * src_endpoint); objects/api.json (operation); events/application/file_hosting.json (actor, file,
 * src_endpoint); objects/file.json (name, type_id); objects/user.json (at least one of account,
 * name, uid); objects/actor.json (at least one of process, user, invoked_by, session, app_name,
 * app_uid); objects/network_endpoint.json (at least one of ip, uid, name, hostname, svc_name,
 * instance_uid, interface_uid, interface_name). Category uids from categories.json.
 */

type Obj = Record<string, unknown>;

export const BASE_REQUIRED = ['activity_id', 'category_uid', 'class_uid', 'type_uid', 'time', 'severity_id', 'metadata'];

export const CLASS_RULES: Record<number, { category: number; required: string[]; atLeastOne?: string[]; activities: number[] }> = {
  0: { category: 0, required: [], activities: [0, 99] },
  3002: { category: 3, required: ['user'], atLeastOne: ['service', 'dst_endpoint'], activities: [0, 1, 2, 3, 4, 5, 6, 99] },
  3005: { category: 3, required: ['privileges', 'user'], activities: [0, 1, 2, 99] },
  6003: { category: 6, required: ['actor', 'api', 'src_endpoint'], activities: [0, 1, 2, 3, 4, 99] },
  6006: { category: 6, required: ['actor', 'file', 'src_endpoint'], activities: [0, ...Array.from({ length: 16 }, (_, i) => i + 1), 99] },
};

const ENDPOINT_ONE_OF = ['ip', 'uid', 'name', 'hostname', 'svc_name', 'instance_uid', 'interface_uid', 'interface_name'];
const USER_ONE_OF = ['account', 'name', 'uid'];
const ACTOR_ONE_OF = ['process', 'user', 'invoked_by', 'session', 'app_name', 'app_uid'];
const ENTITY_ONE_OF = ['name', 'uid'];

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Obj, k: string) => o[k] !== undefined && o[k] !== null;

/** Every way `event` breaks the OCSF 1.3.0 requirements of its class; empty when it keeps them. */
export function ocsfProblems(event: Obj): string[] {
  const problems: string[] = [];
  const need = (o: unknown, path: string, keys: string[]) => {
    if (!isObj(o)) return problems.push(`${path} is not an object`);
    for (const k of keys) if (!has(o, k)) problems.push(`${path}.${k} is required`);
  };
  const oneOf = (o: unknown, path: string, keys: string[]) => {
    if (!isObj(o) || !keys.some((k) => has(o, k))) problems.push(`${path} needs one of ${keys.join(', ')}`);
  };
  need(event, 'event', BASE_REQUIRED);
  const rules = CLASS_RULES[event.class_uid as number];
  if (!rules) return [...problems, `class_uid ${String(event.class_uid)} is not one Palisade emits`];
  if (event.category_uid !== rules.category) problems.push(`category_uid ${String(event.category_uid)} is not ${rules.category}`);
  if (!rules.activities.includes(event.activity_id as number)) problems.push(`activity_id ${String(event.activity_id)} is not an activity of class ${String(event.class_uid)}`);
  if (event.type_uid !== (event.class_uid as number) * 100 + (event.activity_id as number)) problems.push('type_uid is not class_uid * 100 + activity_id');
  if (!Number.isInteger(event.time)) problems.push('time is not a timestamp in milliseconds');
  if (![0, 1, 2, 3, 4, 5, 6, 99].includes(event.severity_id as number)) problems.push('severity_id is not in the enum');
  if (event.status_id !== undefined && ![0, 1, 2, 99].includes(event.status_id as number)) problems.push('status_id is not in the enum');
  need(event.metadata, 'metadata', ['product', 'version']);
  if (isObj(event.metadata)) {
    need(event.metadata.product, 'metadata.product', ['vendor_name']);
    oneOf(event.metadata.product, 'metadata.product', ENTITY_ONE_OF);
  }
  need(event, 'event', rules.required);
  if (rules.atLeastOne) oneOf(event, 'event', rules.atLeastOne);
  if (has(event, 'user')) oneOf(event.user, 'user', USER_ONE_OF);
  if (has(event, 'actor')) {
    oneOf(event.actor, 'actor', ACTOR_ONE_OF);
    if (isObj(event.actor) && has(event.actor, 'user')) oneOf(event.actor.user, 'actor.user', USER_ONE_OF);
  }
  for (const k of ['src_endpoint', 'dst_endpoint']) if (has(event, k)) oneOf(event[k], k, ENDPOINT_ONE_OF);
  if (has(event, 'service')) oneOf(event.service, 'service', ENTITY_ONE_OF);
  if (has(event, 'api')) need(event.api, 'api', ['operation']);
  if (has(event, 'file')) need(event.file, 'file', ['name', 'type_id']);
  if (has(event, 'privileges') && !(Array.isArray(event.privileges) && event.privileges.length > 0 && event.privileges.every((p) => typeof p === 'string'))) {
    problems.push('privileges is not a non-empty array of strings');
  }
  return problems;
}

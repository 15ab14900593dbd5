-- 0005 policies and access reviews: versioned Cedar policy sets, the authorization epoch that tells
-- every authorizer cache (in any process) that something a decision depends on has changed, and
-- access-review campaigns with one item per reviewed grant. Nothing here is ever deleted.

-- Each replacement of the policy set is a new version; the highest version is in force. With no
-- row, the built-in default set (src/modules/policy/default-policies.cedar) is in force.
CREATE TABLE policy_sets (
  version integer PRIMARY KEY CHECK (version > 0),
  text text NOT NULL,
  sha256 text NOT NULL,
  policy_ids jsonb NOT NULL,
  comment text NULL,
  created_at timestamptz NOT NULL,
  created_by uuid NULL REFERENCES people (id)
);

-- One row. Bumped, in the same transaction, by every change to a table that an authorization
-- decision reads; an authorizer reads it before using its cache, so a committed revocation is
-- seen by the next decision in every process.
CREATE TABLE authz_epoch (
  id integer PRIMARY KEY CHECK (id = 1),
  version bigint NOT NULL
);
INSERT INTO authz_epoch (id, version) VALUES (1, 0);

-- Runs once per transaction (the transaction-local setting remembers), at commit time: the
-- triggers below are DEFERRED, so the epoch row is locked last and only for the commit, which
-- keeps two writers from deadlocking on it. It also notifies palisade_authz (delivered at commit):
-- the embedded database, one process, learns of changes without asking on every decision. (Statements inside stay on one line: migrate.ts
-- splits this file at every ';' that ends a line.)
CREATE FUNCTION palisade_bump_authz_epoch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('palisade.authz_bumped', true) IS DISTINCT FROM txid_current()::text THEN
    UPDATE authz_epoch SET version = version + 1 WHERE id = 1; PERFORM set_config('palisade.authz_bumped', txid_current()::text, true); PERFORM pg_notify('palisade_authz', ''); END IF; RETURN NULL; END
$$;

CREATE CONSTRAINT TRIGGER authz_epoch_people AFTER INSERT OR UPDATE OR DELETE ON people
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
CREATE CONSTRAINT TRIGGER authz_epoch_vendors AFTER INSERT OR UPDATE OR DELETE ON vendors
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
CREATE CONSTRAINT TRIGGER authz_epoch_resources AFTER INSERT OR UPDATE OR DELETE ON resources
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
CREATE CONSTRAINT TRIGGER authz_epoch_engagements AFTER INSERT OR UPDATE OR DELETE ON engagements
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
CREATE CONSTRAINT TRIGGER authz_epoch_engagement_developers AFTER INSERT OR UPDATE OR DELETE ON engagement_developers
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
-- Not on last_used_at: gateways touch it on every use, which must not empty every cache.
CREATE CONSTRAINT TRIGGER authz_epoch_grants
  AFTER INSERT OR DELETE OR UPDATE OF person_id, engagement_id, resource_id, permission, starts_at, ends_at, revoked_at ON grants
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
CREATE CONSTRAINT TRIGGER authz_epoch_background_checks AFTER INSERT OR UPDATE OR DELETE ON vetting_background_checks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
CREATE CONSTRAINT TRIGGER authz_epoch_reference_checks AFTER INSERT OR UPDATE OR DELETE ON vetting_reference_checks
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
CREATE CONSTRAINT TRIGGER authz_epoch_quiz_results AFTER INSERT OR UPDATE OR DELETE ON vetting_quiz_results
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
CREATE CONSTRAINT TRIGGER authz_epoch_red_flags AFTER INSERT OR UPDATE OR DELETE ON vetting_red_flags
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
CREATE CONSTRAINT TRIGGER authz_epoch_training AFTER INSERT OR UPDATE OR DELETE ON training_completions
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
CREATE CONSTRAINT TRIGGER authz_epoch_settings AFTER INSERT OR UPDATE OR DELETE ON settings
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();
CREATE CONSTRAINT TRIGGER authz_epoch_policy_sets AFTER INSERT OR UPDATE OR DELETE ON policy_sets
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION palisade_bump_authz_epoch();

-- An access-review campaign: a scope of grants, a deadline, and what happens to undecided grants then.
CREATE TABLE review_campaigns (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  scope_type text NOT NULL CHECK (scope_type IN ('external', 'engagement', 'resource')),
  scope_id uuid NULL,
  deadline timestamptz NOT NULL,
  on_undecided text NOT NULL CHECK (on_undecided IN ('revoke', 'escalate')),
  dormant_days integer NOT NULL CHECK (dormant_days BETWEEN 1 AND 365),
  -- open → closed (all decided, or the deadline passed with on_undecided = revoke), or
  -- open → escalated (deadline with undecided items; admins decide them) → closed
  status text NOT NULL CHECK (status IN ('open', 'escalated', 'closed')),
  created_by uuid NULL REFERENCES people (id),
  created_at timestamptz NOT NULL,
  escalated_at timestamptz NULL,
  closed_at timestamptz NULL,
  CHECK ((scope_type = 'external') = (scope_id IS NULL))
);
CREATE INDEX review_campaigns_unclosed ON review_campaigns (deadline) WHERE status <> 'closed';

-- One grant under review. Who the grant was for and what it allowed are copied in, so the report
-- reads the same whatever happens to the grant later.
CREATE TABLE review_items (
  id uuid PRIMARY KEY,
  campaign_id uuid NOT NULL REFERENCES review_campaigns (id),
  grant_id uuid NOT NULL REFERENCES grants (id),
  reviewer_id uuid NOT NULL REFERENCES people (id),
  person_id uuid NOT NULL REFERENCES people (id),
  resource_id uuid NOT NULL REFERENCES resources (id),
  engagement_id uuid NOT NULL REFERENCES engagements (id),
  permission text NOT NULL,
  grant_starts_at timestamptz NOT NULL,
  grant_ends_at timestamptz NOT NULL,
  -- use of the grant as known when the campaign was created, refreshed when it closes
  last_used_at timestamptz NULL,
  dormant boolean NOT NULL,
  decision text NULL CHECK (decision IN ('keep', 'revoke')),
  comment text NULL,
  decided_by uuid NULL REFERENCES people (id),
  decided_at timestamptz NULL,
  escalated_at timestamptz NULL,
  -- kept | revoked (by a reviewer) | revoked_at_deadline | escalated (undecided at the deadline)
  outcome text NULL CHECK (outcome IN ('kept', 'revoked', 'revoked_at_deadline', 'escalated')),
  -- true when this review revoked the grant (false when it had already been revoked or had ended)
  grant_revoked boolean NOT NULL DEFAULT false,
  UNIQUE (campaign_id, grant_id),
  CHECK ((decision IS NULL) = (decided_at IS NULL))
);
CREATE INDEX review_items_reviewer ON review_items (reviewer_id) WHERE decision IS NULL;
CREATE INDEX review_items_grant ON review_items (grant_id);

-- 0004 access: vetting records, training completions, settings, developer duty, designated approvers,
-- access requests with their approvers' decisions, and time-bound grants.
-- Rows are never deleted: requests end in a status, grants are revoked or simply end (ends_at).

-- Vetting. Each table is an append-only record; the service decides which rows count
-- (the latest background check per person; reference checks that passed; the latest attempt per quiz).
CREATE TABLE vetting_background_checks (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  status text NOT NULL CHECK (status IN ('pending', 'clear', 'flagged', 'failed')),
  provider text NOT NULL,
  reference text NULL,
  checked_on date NOT NULL,
  recorded_by uuid NULL REFERENCES people (id),
  recorded_at timestamptz NOT NULL
);
CREATE INDEX vetting_background_checks_person ON vetting_background_checks (person_id, checked_on);

CREATE TABLE vetting_reference_checks (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  referee_name text NOT NULL,
  referee_contact text NULL,
  outcome text NOT NULL CHECK (outcome IN ('passed', 'failed')),
  notes text NULL,
  checked_on date NOT NULL,
  recorded_by uuid NULL REFERENCES people (id),
  recorded_at timestamptz NOT NULL
);
CREATE INDEX vetting_reference_checks_person ON vetting_reference_checks (person_id);

-- passed = score >= pass_mark; the row carries the pass mark in force when the quiz was taken.
CREATE TABLE vetting_quiz_results (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  quiz text NOT NULL,
  score integer NOT NULL CHECK (score >= 0),
  pass_mark integer NOT NULL CHECK (pass_mark >= 0),
  taken_on date NOT NULL,
  recorded_by uuid NULL REFERENCES people (id),
  recorded_at timestamptz NOT NULL
);
CREATE INDEX vetting_quiz_results_person ON vetting_quiz_results (person_id, quiz);

-- A red flag blocks readiness until a reviewer clears it (decision NULL = pending; 'upheld' keeps blocking).
CREATE TABLE vetting_red_flags (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  description text NOT NULL,
  raised_by uuid NULL REFERENCES people (id),
  raised_at timestamptz NOT NULL,
  decision text NULL CHECK (decision IN ('cleared', 'upheld')),
  decided_by uuid NULL REFERENCES people (id),
  decided_at timestamptz NULL,
  decision_comment text NULL,
  CHECK ((decision IS NULL) = (decided_at IS NULL))
);
CREATE INDEX vetting_red_flags_person ON vetting_red_flags (person_id);

-- Minimal training record (the training issue adds modules and quizzes later).
CREATE TABLE training_completions (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  module text NOT NULL,
  completed_at timestamptz NOT NULL,
  expires_at timestamptz NULL,
  score integer NULL CHECK (score >= 0),
  recorded_by uuid NULL REFERENCES people (id),
  recorded_at timestamptz NOT NULL,
  CHECK (expires_at IS NULL OR expires_at > completed_at)
);
CREATE INDEX training_completions_person ON training_completions (person_id, module);

-- Runtime settings (admin API); a missing key means the built-in default.
CREATE TABLE settings (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by uuid NULL REFERENCES people (id)
);

-- The developer's role on the engagement; NULL = not stated. Policies use it
-- (for example: frontend developers do not get backend databases).
ALTER TABLE engagement_developers ADD COLUMN duty text NULL
  CHECK (duty IN ('frontend', 'backend', 'fullstack', 'mobile', 'devops', 'data', 'qa', 'other'));

-- Designated approvers of a resource, in addition to its owner (who always approves).
-- Removing one sets removed_at; adding again clears it.
CREATE TABLE resource_approvers (
  resource_id uuid NOT NULL REFERENCES resources (id),
  person_id uuid NOT NULL REFERENCES people (id),
  added_at timestamptz NOT NULL,
  added_by uuid NULL REFERENCES people (id),
  removed_at timestamptz NULL,
  removed_by uuid NULL REFERENCES people (id),
  PRIMARY KEY (resource_id, person_id)
);
CREATE INDEX resource_approvers_person ON resource_approvers (person_id);

CREATE TABLE access_requests (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  engagement_id uuid NOT NULL REFERENCES engagements (id),
  resource_id uuid NOT NULL REFERENCES resources (id),
  permission text NOT NULL CHECK (permission IN ('read', 'write', 'admin')),
  duration_seconds integer NOT NULL CHECK (duration_seconds > 0),
  justification text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'expired', 'cancelled')),
  approvals_required integer NOT NULL CHECK (approvals_required >= 0),
  -- the policy's answer at creation: { outcome, approvalsRequired, reasons, policyIds }
  decision jsonb NOT NULL,
  -- why the request left 'pending' in words (approver's denial, readiness unmet at approval, expiry, cancellation)
  status_reason text NULL,
  requested_by uuid NOT NULL REFERENCES people (id),
  created_at timestamptz NOT NULL,
  -- when a pending request expires
  expires_at timestamptz NOT NULL,
  decided_at timestamptz NULL,
  grant_id uuid NULL
);
CREATE INDEX access_requests_person ON access_requests (person_id);
CREATE INDEX access_requests_resource ON access_requests (resource_id);
CREATE INDEX access_requests_engagement ON access_requests (engagement_id);
CREATE INDEX access_requests_pending ON access_requests (expires_at) WHERE status = 'pending';

CREATE TABLE access_request_decisions (
  request_id uuid NOT NULL REFERENCES access_requests (id),
  approver_id uuid NOT NULL REFERENCES people (id),
  decision text NOT NULL CHECK (decision IN ('approve', 'deny')),
  comment text NULL,
  decided_at timestamptz NOT NULL,
  PRIMARY KEY (request_id, approver_id)
);

-- A grant is effective while starts_at <= now < ends_at and revoked_at IS NULL: it expires by itself.
CREATE TABLE grants (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  engagement_id uuid NOT NULL REFERENCES engagements (id),
  resource_id uuid NOT NULL REFERENCES resources (id),
  permission text NOT NULL CHECK (permission IN ('read', 'write', 'admin')),
  -- every grant Palisade makes comes from a request; NULL is left for imported rows and benchmark fixtures
  request_id uuid NULL REFERENCES access_requests (id),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  revoked_at timestamptz NULL,
  revoked_by uuid NULL REFERENCES people (id),
  revoke_reason text NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz NULL,
  CHECK (ends_at > starts_at),
  CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL))
);
CREATE INDEX grants_person_resource_unrevoked ON grants (person_id, resource_id, ends_at) WHERE revoked_at IS NULL;
CREATE INDEX grants_engagement_unrevoked ON grants (engagement_id) WHERE revoked_at IS NULL;
CREATE INDEX grants_resource ON grants (resource_id);
CREATE INDEX grants_request ON grants (request_id);

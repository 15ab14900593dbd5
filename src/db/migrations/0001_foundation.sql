-- 0001 foundation: people, vendors, engagements, resources, API tokens and the audit-event outbox.
-- Rows are never deleted: "deletion" is a status change, so everything the audit log names stays.

CREATE TABLE vendors (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  website text NULL,
  contacts jsonb NOT NULL DEFAULT '[]',
  status text NOT NULL CHECK (status IN ('active', 'archived')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX vendors_name_key ON vendors (lower(name));

CREATE TABLE people (
  id uuid PRIMARY KEY,
  handle text NOT NULL UNIQUE,
  name text NOT NULL,
  email text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('member', 'external')),
  role text NOT NULL CHECK (role IN ('admin', 'approver', 'auditor', 'developer')),
  vendor_id uuid NULL REFERENCES vendors (id),
  time_zone text NOT NULL,
  working_hours jsonb NOT NULL,
  age_recipient text NULL,
  status text NOT NULL CHECK (status IN ('active', 'suspended', 'offboarded')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- external developers act for themselves only; members never hold the developer role
  CHECK ((kind = 'external') = (role = 'developer')),
  CHECK (kind = 'external' OR vendor_id IS NULL)
);
CREATE UNIQUE INDEX people_email_key ON people (lower(email));

-- One row per SSH public key; a key belongs to one person so the SSH gateway can attribute every login.
CREATE TABLE person_ssh_keys (
  fingerprint text PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  public_key text NOT NULL,
  key_type text NOT NULL,
  comment text NULL,
  added_at timestamptz NOT NULL
);
CREATE INDEX person_ssh_keys_person ON person_ssh_keys (person_id);

CREATE TABLE engagements (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  vendor_id uuid NULL REFERENCES vendors (id),
  status text NOT NULL CHECK (status IN ('draft', 'active', 'suspended', 'ended')),
  start_date date NOT NULL,
  end_date date NOT NULL,
  touches_personal_data boolean NOT NULL DEFAULT false,
  description text NULL,
  nda jsonb NULL,
  dpa jsonb NULL,
  ip_ownership jsonb NULL,
  permitted_tools jsonb NOT NULL DEFAULT '[]',
  storage_locations jsonb NOT NULL DEFAULT '[]',
  incident_response_hours integer NULL CHECK (incident_response_hours > 0),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (end_date >= start_date)
);

CREATE TABLE engagement_developers (
  engagement_id uuid NOT NULL REFERENCES engagements (id),
  person_id uuid NOT NULL REFERENCES people (id),
  added_at timestamptz NOT NULL,
  PRIMARY KEY (engagement_id, person_id)
);
CREATE INDEX engagement_developers_person ON engagement_developers (person_id);

CREATE TABLE engagement_documents (
  engagement_id uuid NOT NULL REFERENCES engagements (id),
  kind text NOT NULL CHECK (kind IN ('nda', 'dpa', 'ip_ownership')),
  sha256 text NOT NULL,
  content_type text NOT NULL,
  size integer NOT NULL,
  content bytea NOT NULL,
  uploaded_at timestamptz NOT NULL,
  uploaded_by uuid NULL REFERENCES people (id),
  PRIMARY KEY (engagement_id, kind, sha256)
);

CREATE TABLE resources (
  id uuid PRIMARY KEY,
  name text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('git_repository', 'ssh_host', 'database', 'file_vault', 'web_application')),
  environment text NOT NULL CHECK (environment IN ('production', 'staging', 'development')),
  sensitivity text NOT NULL CHECK (sensitivity IN ('public', 'internal', 'confidential', 'restricted')),
  owner_id uuid NOT NULL REFERENCES people (id),
  labels jsonb NOT NULL DEFAULT '{}',
  description text NULL,
  status text NOT NULL CHECK (status IN ('active', 'retired')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX resources_owner ON resources (owner_id);

CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  person_id uuid NOT NULL REFERENCES people (id),
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  hint text NOT NULL,
  scopes jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  created_by uuid NULL REFERENCES people (id),
  expires_at timestamptz NULL,
  revoked_at timestamptz NULL,
  last_used_at timestamptz NULL
);
CREATE INDEX api_tokens_person ON api_tokens (person_id);

-- The outbox: every state change and every access attempt, written in the same transaction as the change.
CREATE TABLE audit_events (
  seq bigserial PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  occurred_at timestamptz NOT NULL,
  type text NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
  actor_id uuid NULL,
  actor_handle text NULL,
  actor_role text NULL,
  actor_ip text NULL,
  actor_user_agent text NULL,
  target_type text NULL,
  target_id text NULL,
  engagement_id uuid NULL,
  request_id text NULL,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at);
CREATE INDEX audit_events_type ON audit_events (type);
CREATE INDEX audit_events_actor ON audit_events (actor_id);
CREATE INDEX audit_events_target ON audit_events (target_type, target_id);
CREATE INDEX audit_events_engagement ON audit_events (engagement_id);

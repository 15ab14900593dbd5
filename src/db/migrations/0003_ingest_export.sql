-- 0003 ingestion and export: events from outside (sshd logs, GitHub audit log, generic JSON) become
-- ordinary audit events; export sinks deliver the log to where security teams look.

-- One row per source event ever ingested: re-sending it finds the row and records nothing new.
-- The key is claimed before the audit event is written and the event id filled in right after, in
-- the same transaction (a concurrent re-send waits on the key, then sees it taken).
CREATE TABLE ingested_events (
  source text NOT NULL CHECK (source IN ('sshd', 'github', 'events')),
  source_key text NOT NULL CHECK (char_length(source_key) BETWEEN 1 AND 300),
  event_id uuid NULL,
  ingested_at timestamptz NOT NULL,
  PRIMARY KEY (source, source_key)
);
CREATE INDEX ingested_events_event ON ingested_events (event_id);

-- Running totals per source, updated in the transaction of each ingest request; the last rejections
-- are kept so that a webhook sender's malformed events can be found without its response.
CREATE TABLE ingest_sources (
  source text PRIMARY KEY CHECK (source IN ('sshd', 'github', 'events')),
  requests bigint NOT NULL DEFAULT 0,
  accepted bigint NOT NULL DEFAULT 0,
  duplicates bigint NOT NULL DEFAULT 0,
  rejected bigint NOT NULL DEFAULT 0,
  skipped bigint NOT NULL DEFAULT 0,
  last_received_at timestamptz NULL,
  last_accepted_at timestamptz NULL,
  last_rejected_at timestamptz NULL,
  last_rejections jsonb NOT NULL DEFAULT '[]'
);

-- Ingestion secrets, one row per key. The GitHub webhook secret must be usable for HMAC, so it is
-- sealed under the master key (core/envelope.ts), not hashed; the API never returns it.
CREATE TABLE ingest_settings (
  key text PRIMARY KEY CHECK (key IN ('github_webhook_secret')),
  sealed bytea NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by uuid NULL REFERENCES people (id)
);

-- Export destinations. `position` is the last log position delivered (see docs/export.md); it only
-- moves forward, after the receiver has taken the batch. A lease keeps two servers from sending the
-- same sink's batches at once. Removing a sink is a status change.
CREATE TABLE audit_sinks (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('http', 'syslog')),
  format text NOT NULL CHECK (format IN ('jsonl', 'ocsf')),
  config jsonb NOT NULL,
  -- HTTP headers to send (e.g. Authorization of a SIEM collector), sealed under the master key.
  sealed_headers bytea NULL,
  status text NOT NULL CHECK (status IN ('active', 'removed')),
  position bigint NOT NULL CHECK (position >= -1),
  delivered bigint NOT NULL DEFAULT 0,
  failures integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NULL,
  last_error text NULL,
  last_error_at timestamptz NULL,
  last_delivered_at timestamptz NULL,
  lease_owner text NULL,
  lease_until timestamptz NULL,
  created_at timestamptz NOT NULL,
  created_by uuid NULL REFERENCES people (id),
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX audit_sinks_active_name ON audit_sinks (lower(name)) WHERE status = 'active';

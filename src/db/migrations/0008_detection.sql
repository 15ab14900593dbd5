-- 0008 detection: the engine's position in the log, alerts with the events that caused them (by log
-- position, so each is provable), source addresses seen per developer, notification channels and
-- the outbox of alert deliveries (docs/detection.md).

-- One row: the leaf index of the last event the engine evaluated (-1: none yet). It moves forward in
-- the same transaction as the alerts those events raised, so a restart neither skips nor repeats.
CREATE TABLE detection_state (
  id smallint PRIMARY KEY CHECK (id = 1),
  position bigint NOT NULL CHECK (position >= -1),
  updated_at timestamptz NOT NULL
);
INSERT INTO detection_state (id, position, updated_at) VALUES (1, -1, now());

-- An alert: one rule firing for one subject (its group key), with repeated firings within the
-- grouping window folded in (count, last_seen_at, more events). Never deleted; resolved is final.
CREATE TABLE alerts (
  id uuid PRIMARY KEY,
  rule_id text NOT NULL,
  rule_title text NOT NULL,
  rule_kind text NOT NULL CHECK (rule_kind IN ('detection', 'correlation')),
  severity text NOT NULL CHECK (severity IN ('informational', 'low', 'medium', 'high', 'critical')),
  status text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  -- rule id + what the rule grouped by (or the developer / source address), see alert-fns.ts
  group_key text NOT NULL,
  -- the subject in words: a developer's handle, a source address, …
  subject text NOT NULL,
  developer_id uuid NULL REFERENCES people (id),
  engagement_id uuid NULL REFERENCES engagements (id),
  assignee_id uuid NULL REFERENCES people (id),
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  count integer NOT NULL CHECK (count >= 1),
  -- { tags, groupBy, enrichment of the first event … }
  details jsonb NOT NULL DEFAULT '{}',
  resolution text NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  acknowledged_at timestamptz NULL,
  acknowledged_by uuid NULL REFERENCES people (id),
  resolved_at timestamptz NULL,
  resolved_by uuid NULL REFERENCES people (id),
  CHECK (last_seen_at >= first_seen_at),
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
);
CREATE INDEX alerts_group ON alerts (group_key, last_seen_at) WHERE status <> 'resolved';
CREATE INDEX alerts_status ON alerts (status, id);
CREATE INDEX alerts_developer ON alerts (developer_id);
CREATE INDEX alerts_engagement ON alerts (engagement_id);
CREATE INDEX alerts_assignee ON alerts (assignee_id);

-- The events behind an alert, each with its leaf index: an inclusion proof shows it is in the log.
CREATE TABLE alert_events (
  alert_id uuid NOT NULL REFERENCES alerts (id),
  event_id uuid NOT NULL,
  leaf_index bigint NOT NULL CHECK (leaf_index >= 0),
  added_at timestamptz NOT NULL,
  PRIMARY KEY (alert_id, event_id)
);
CREATE INDEX alert_events_leaf ON alert_events (alert_id, leaf_index);

-- Source addresses a developer has succeeded from (failures do not make an address known).
CREATE TABLE detection_seen_addresses (
  person_id uuid NOT NULL REFERENCES people (id),
  address text NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  first_leaf_index bigint NOT NULL,
  PRIMARY KEY (person_id, address)
);

-- Where alerts go. Secrets (the webhook's HMAC key, the Slack URL, which is itself a credential,
-- the SMTP password) are sealed under the master key (core/envelope.ts) and never shown again.
-- Removing a channel is a status change.
CREATE TABLE notification_channels (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('webhook', 'slack', 'email')),
  -- alerts of this severity and above are sent
  min_severity text NOT NULL CHECK (min_severity IN ('informational', 'low', 'medium', 'high', 'critical')),
  -- webhook: { url }; slack: { urlHint }; email: { host, port, secure, from, to, username }
  config jsonb NOT NULL,
  sealed_secret bytea NULL,
  status text NOT NULL CHECK (status IN ('active', 'removed')),
  created_at timestamptz NOT NULL,
  created_by uuid NULL REFERENCES people (id),
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX notification_channels_active_name ON notification_channels (lower(name)) WHERE status = 'active';

-- The delivery outbox: one row per (alert, channel), written in the transaction that raises the
-- alert, so an alert is never lost; retried with exponential backoff until the channel takes it.
CREATE TABLE alert_deliveries (
  id uuid PRIMARY KEY,
  alert_id uuid NOT NULL REFERENCES alerts (id),
  channel_id uuid NOT NULL REFERENCES notification_channels (id),
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'cancelled')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text NULL,
  last_attempt_at timestamptz NULL,
  delivered_at timestamptz NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (alert_id, channel_id)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX alert_deliveries_channel ON alert_deliveries (channel_id, status);

-- Wake the detection engine when the log grows (the sequencer integrates events by raising
-- tlog_state.size): LISTEN palisade_log_grew. The audit NOTIFY comes before integration.
CREATE FUNCTION detection_log_grew() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.size > OLD.size THEN
    PERFORM pg_notify('palisade_log_grew', NEW.size::text)
  ; END IF
  ; RETURN NULL
; END
$$;
CREATE TRIGGER detection_log_grew AFTER UPDATE ON tlog_state FOR EACH ROW EXECUTE FUNCTION detection_log_grew();

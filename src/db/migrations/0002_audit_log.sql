-- 0002 audit log: the tamper-evident log over the audit_events outbox (docs/audit-log-format.md).
-- The sequencer gives every event a gap-free leaf index; the tree's hashes, the signed checkpoints
-- and the (encrypted) signing key live in tlog_* tables.
--
-- Inside plpgsql bodies, semicolons lead the next line: the migration runner splits statements at
-- semicolons that end a line.

-- Leaf index: NULL until the sequencer integrates the event; then the row never changes again.
ALTER TABLE audit_events ADD COLUMN leaf_index bigint NULL CHECK (leaf_index >= 0);
CREATE UNIQUE INDEX audit_events_leaf_index ON audit_events (leaf_index);
-- The sequencer's work queue: small, because integrated rows leave it.
CREATE INDEX audit_events_unintegrated ON audit_events (seq) WHERE leaf_index IS NULL;

-- Every event must be encodable as a log entry (tlog/entry.ts), or the sequencer could not go on.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_type_encodable
  CHECK (char_length(type) BETWEEN 1 AND 200 AND type !~ '[\x01-\x1f\x7f]');
ALTER TABLE audit_events ADD CONSTRAINT audit_events_details_object CHECK (jsonb_typeof(details) = 'object');

-- One row: the number of integrated leaves. Its row lock serialises integration and signing.
CREATE TABLE tlog_state (
  id smallint PRIMARY KEY CHECK (id = 1),
  size bigint NOT NULL CHECK (size >= 0)
);
INSERT INTO tlog_state (id, size) VALUES (1, 0);

-- The hash of every complete perfect subtree: level 0 = leaf hashes, (level, idx) covers the
-- leaves [idx * 2^level, (idx + 1) * 2^level). Any proof or root is O(log n) row reads.
CREATE TABLE tlog_nodes (
  level smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
  idx bigint NOT NULL CHECK (idx >= 0),
  hash bytea NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (level, idx)
);

-- Every signed checkpoint (C2SP tlog-checkpoint as a signed note), kept for good.
CREATE TABLE tlog_checkpoints (
  size bigint PRIMARY KEY CHECK (size > 0),
  root bytea NOT NULL CHECK (octet_length(root) = 32),
  note text NOT NULL,
  created_at timestamptz NOT NULL
);

-- The log's Ed25519 signing key (one log, one key: the key name is the log's origin), sealed with
-- the master key (core/envelope.ts). The verifier key is public.
CREATE TABLE tlog_signing_key (
  id smallint PRIMARY KEY CHECK (id = 1),
  name text NOT NULL,
  verifier_key text NOT NULL,
  sealed_signer bytea NOT NULL,
  master_key_id text NOT NULL,
  created_at timestamptz NOT NULL
);

-- Defence in depth, not the security guarantee (a database owner can drop a trigger; the signed
-- tree is what detects changes): an event is written once, may then receive its leaf index once,
-- and is never changed or removed; tree hashes, checkpoints and the key are never changed or removed.
-- Every column is compared, whatever later migrations add: the new row with its leaf index
-- cleared must equal the old one (a row comparison, much cheaper than building JSON of each).
CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unchanged audit_events
; BEGIN
  IF TG_OP = 'UPDATE' AND OLD.leaf_index IS NULL AND NEW.leaf_index IS NOT NULL THEN
    unchanged := NEW
    ; unchanged.leaf_index := NULL
    ; IF unchanged IS NOT DISTINCT FROM OLD THEN
      RETURN NEW
    ; END IF
  ; END IF
  ; RAISE EXCEPTION 'audit events are permanent: % refused', TG_OP USING ERRCODE = 'P0001'
; END
$$;
CREATE TRIGGER audit_events_guard BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_guard();

CREATE FUNCTION tlog_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'P0001'
; END
$$;
-- The tree only grows.
CREATE FUNCTION tlog_state_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.size >= OLD.size THEN
    RETURN NEW
  ; END IF
  ; RAISE EXCEPTION 'tlog_state only grows: % refused', TG_OP USING ERRCODE = 'P0001'
; END
$$;
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_state_guard BEFORE UPDATE OR DELETE ON tlog_state FOR EACH ROW EXECUTE FUNCTION tlog_state_guard();
CREATE TRIGGER tlog_nodes_guard BEFORE UPDATE OR DELETE ON tlog_nodes FOR EACH ROW EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_checkpoints_guard BEFORE UPDATE OR DELETE ON tlog_checkpoints FOR EACH ROW EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_signing_key_guard BEFORE UPDATE OR DELETE ON tlog_signing_key FOR EACH ROW EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_no_truncate BEFORE TRUNCATE ON tlog_state FOR EACH STATEMENT EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_nodes_no_truncate BEFORE TRUNCATE ON tlog_nodes FOR EACH STATEMENT EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_checkpoints_no_truncate BEFORE TRUNCATE ON tlog_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION tlog_refuse_change();

-- Wake the sequencer when events commit (LISTEN palisade_audit); one notification per statement,
-- and PostgreSQL folds identical notifications of one transaction into one.
CREATE FUNCTION audit_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('palisade_audit', '')
  ; RETURN NULL
; END
$$;
CREATE TRIGGER audit_events_notify AFTER INSERT ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_notify();

-- 0002 audit log: the tamper-evident log over the audit_events outbox (docs/audit-log-format.md).
-- The sequencer gives every event a gap-free leaf index; the tree's hashes, the signed checkpoints
-- and the (encrypted) signing key live in tlog_* tables.
--
-- Inside plpgsql bodies, semicolons lead the next line: the migration runner splits statements at
-- semicolons that end a line.

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
-- leaves [idx * 2^level, (idx + 1) * 2^level). Any proof or root is O(log n) row reads. A leaf
-- (level 0) also names its event: the leaf index of an event is the idx of the leaf with its seq.
-- audit_events itself is never updated (an UPDATE there would rewrite every index of the table).
CREATE TABLE tlog_nodes (
  level smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
  idx bigint NOT NULL CHECK (idx >= 0),
  hash bytea NOT NULL CHECK (octet_length(hash) = 32),
  seq bigint NULL,
  PRIMARY KEY (level, idx),
  CHECK ((level = 0) = (seq IS NOT NULL))
);
CREATE UNIQUE INDEX tlog_nodes_event ON tlog_nodes (seq) WHERE level = 0;

-- The sequencer's work queue: the seq of every committed event not yet in the log, written by a
-- trigger in the event's own transaction, removed when the event gets its leaf.
CREATE TABLE tlog_pending (
  seq bigint PRIMARY KEY
);
-- Events written before this migration are pending too.
INSERT INTO tlog_pending (seq) SELECT seq FROM audit_events;

-- Integrated events with their leaf index, in log order (exports read the log through this view).
-- It lists the columns audit_events had when it was created: a migration that adds columns to
-- audit_events must recreate it.
CREATE VIEW audit_log_entries AS
  SELECT e.*, n.idx AS leaf_index FROM tlog_nodes n JOIN audit_events e ON e.seq = n.seq WHERE n.level = 0;

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
-- tree is what detects changes): events are written once and never changed or removed; tree hashes,
-- checkpoints and the key are never changed or removed; the tree only grows; a pending event leaves
-- the queue only once it has its leaf.
CREATE FUNCTION tlog_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'P0001'
; END
$$;
CREATE FUNCTION tlog_state_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.size >= OLD.size THEN
    RETURN NEW
  ; END IF
  ; RAISE EXCEPTION 'tlog_state only grows: % refused', TG_OP USING ERRCODE = 'P0001'
; END
$$;
CREATE FUNCTION tlog_pending_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM removed r WHERE NOT EXISTS (SELECT 1 FROM tlog_nodes n WHERE n.level = 0 AND n.seq = r.seq)) THEN
    RAISE EXCEPTION 'an audit event may leave tlog_pending only once it is in the log' USING ERRCODE = 'P0001'
  ; END IF
  ; RETURN NULL
; END
$$;
CREATE TRIGGER audit_events_guard BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_state_guard BEFORE UPDATE OR DELETE ON tlog_state FOR EACH ROW EXECUTE FUNCTION tlog_state_guard();
CREATE TRIGGER tlog_nodes_guard BEFORE UPDATE OR DELETE ON tlog_nodes FOR EACH ROW EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_checkpoints_guard BEFORE UPDATE OR DELETE ON tlog_checkpoints FOR EACH ROW EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_signing_key_guard BEFORE UPDATE OR DELETE ON tlog_signing_key FOR EACH ROW EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_pending_no_update BEFORE UPDATE ON tlog_pending FOR EACH ROW EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_pending_guard AFTER DELETE ON tlog_pending REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION tlog_pending_guard();
CREATE TRIGGER tlog_no_truncate BEFORE TRUNCATE ON tlog_state FOR EACH STATEMENT EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_nodes_no_truncate BEFORE TRUNCATE ON tlog_nodes FOR EACH STATEMENT EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_checkpoints_no_truncate BEFORE TRUNCATE ON tlog_checkpoints FOR EACH STATEMENT EXECUTE FUNCTION tlog_refuse_change();
CREATE TRIGGER tlog_pending_no_truncate BEFORE TRUNCATE ON tlog_pending FOR EACH STATEMENT EXECUTE FUNCTION tlog_refuse_change();

-- Queue committed events for the sequencer and wake it (LISTEN palisade_audit): once per INSERT
-- statement, and PostgreSQL folds identical notifications of one transaction into one.
CREATE FUNCTION audit_events_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tlog_pending (seq) SELECT seq FROM inserted
  ; PERFORM pg_notify('palisade_audit', '')
  ; RETURN NULL
; END
$$;
CREATE TRIGGER audit_events_enqueue AFTER INSERT ON audit_events REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION audit_events_enqueue();

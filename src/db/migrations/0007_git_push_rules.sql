-- 0007 git push rules: per git_repository resource, the refs external developers may not touch and the
-- one pattern they may push to, plus the admins' allow list of push-scan findings that are not secrets.
-- Nothing here is ever deleted: rules are replaced in place (every change is an audit event), allow-list
-- entries are removed by a status change.

-- One row per repository whose rules an admin has set. Without a row the defaults apply
-- (src/modules/git-gateway/push/ref-rules.ts DEFAULT_PROTECTED_REFS, no contribution pattern).
CREATE TABLE git_push_rules (
  resource_id uuid PRIMARY KEY REFERENCES resources (id),
  protected_refs jsonb NOT NULL,
  contrib_pattern text NULL,
  updated_at timestamptz NOT NULL,
  updated_by uuid NULL REFERENCES people (id)
);

-- A finding the push scan must not refuse: by fingerprint (scanner findingFingerprint: rule, file and
-- secret) and/or by a path pattern; both given means both must match. resource_id NULL: every repository.
CREATE TABLE git_push_allowlist (
  id uuid PRIMARY KEY,
  resource_id uuid NULL REFERENCES resources (id),
  fingerprint text NULL CHECK (fingerprint IS NULL OR fingerprint ~ '^[0-9a-f]{64}$'),
  path_pattern text NULL,
  reason text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'removed')),
  created_at timestamptz NOT NULL,
  created_by uuid NULL REFERENCES people (id),
  removed_at timestamptz NULL,
  removed_by uuid NULL REFERENCES people (id),
  CHECK (fingerprint IS NOT NULL OR path_pattern IS NOT NULL)
);
CREATE INDEX git_push_allowlist_resource ON git_push_allowlist (resource_id, id) WHERE status = 'active';

-- 0006 git gateway: how each git_repository resource is served. Without a row, a repository whose bare
-- folder exists under <data folder>/repos/ is served as hosted (created by hand or before this table).
-- An upstream repository's credential is sealed under the master key (core/envelope.ts); it never leaves the server.

CREATE TABLE git_repositories (
  resource_id uuid PRIMARY KEY REFERENCES resources (id),
  mode text NOT NULL CHECK (mode IN ('hosted', 'upstream')),
  upstream_url text NULL,
  upstream_username text NULL,
  upstream_secret bytea NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by uuid NULL REFERENCES people (id),
  CHECK ((mode = 'upstream') = (upstream_url IS NOT NULL)),
  CHECK (mode = 'upstream' OR (upstream_username IS NULL AND upstream_secret IS NULL))
);

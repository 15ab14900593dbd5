-- 0009 audit-log performance (issue 4): ingestion counters spread over 16 rows per source.
-- Every ingest request adds to its source's counters in its own transaction. With one row per source,
-- concurrent requests queued on that row's lock until each one committed (88 ms per request with 16
-- concurrent clients on a loaded machine): requests were serialised. A request now adds to one of 16
-- shards, chosen at random; reading sums them (ingest-store.ts readSources).
ALTER TABLE ingest_sources ADD COLUMN shard int2 NOT NULL DEFAULT 0 CHECK (shard BETWEEN 0 AND 15);
ALTER TABLE ingest_sources DROP CONSTRAINT ingest_sources_pkey;
ALTER TABLE ingest_sources ADD PRIMARY KEY (source, shard);
-- The order in which requests stored their rejections, across shards (request times can be equal):
-- each stored rejection carries the number of its request as "order".
CREATE SEQUENCE ingest_rejections_order;

-- 005_health: the tables the health store (sql_health_store*.cpp) writes:
-- the catalog's targets with their checks, tags and dependencies, each
-- target's committed state, raw check results, per-minute and per-hour
-- rollups, incidents with notes, heartbeat push tokens and one-off
-- maintenance windows. Same conventions as 001 (times BIGINT unix ms, empty
-- text as NULL).
--
-- Not additive, on purpose: 001's targets, check_results, incidents and
-- incident_notes were never written by any released code, so they are
-- dropped (children first: PostgreSQL refuses to drop a referenced table)
-- and recreated in the shape the store needs.
--
-- Lists (tags, depends_on, checks, a window's selectors) are rows, not JSON:
-- the store has no JSON parser, and the tag filter wants an index.

DROP TABLE incident_notes;
DROP TABLE incidents;
DROP TABLE check_results;
DROP TABLE targets;

-- A service or server from catalog.services/servers. `position` is its index
-- in the config (services then servers), the order of every list. The
-- environment is the config's name, not a reference: the catalog is
-- validated against the config, and a target must not fail to sync because
-- environments are synced later. Retired, never deleted: results, rollups
-- and incidents keep pointing at it, and its id never changes (the store
-- caches name -> id for the hot write path).
CREATE TABLE targets (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind = 'service' OR kind = 'server'),
  environment TEXT,
  component TEXT,
  owner TEXT,
  docs TEXT,
  runbook TEXT,
  aws TEXT NOT NULL DEFAULT 'null',     -- JSON object of AWS identifiers, or null
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  retired_at BIGINT
);
CREATE INDEX targets_position ON targets (position);

-- A target's checks in config order (`idx` is core::CheckKey::check).
CREATE TABLE target_checks (
  target_id BIGINT NOT NULL REFERENCES targets (id),
  idx INTEGER NOT NULL,
  type TEXT NOT NULL,
  summary TEXT NOT NULL,
  interval_ms BIGINT NOT NULL,
  PRIMARY KEY (target_id, idx)
);

CREATE TABLE target_tags (
  target_id BIGINT NOT NULL REFERENCES targets (id),
  position INTEGER NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (target_id, position)
);
CREATE INDEX target_tags_tag ON target_tags (tag, target_id);

CREATE TABLE target_dependencies (
  target_id BIGINT NOT NULL REFERENCES targets (id),
  position INTEGER NOT NULL,
  depends_on TEXT NOT NULL,             -- a target name (it may not be stored yet)
  PRIMARY KEY (target_id, position)
);

-- The state ApplyHealth last committed. No row: unknown since created_at.
-- The open incident is not stored here: it is the incident row matching
-- incidents_one_open, so the two can never disagree.
CREATE TABLE target_state (
  target_id BIGINT NOT NULL PRIMARY KEY REFERENCES targets (id),
  state TEXT NOT NULL
    CHECK (state = 'unknown' OR state = 'up' OR state = 'degraded' OR state = 'down'
           OR state = 'maintenance'),
  since BIGINT NOT NULL,
  flapping INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  updated_at BIGINT NOT NULL
);

-- One probe of one check. Appended ~1,000 rows a second at 10,000 targets,
-- so it has no CHECKs and only the indexes its reads need: the results list
-- (newest first per target, and per check), LatestResults (a skip scan over
-- check_results_check), and PruneHealth (check_results_at).
CREATE TABLE check_results (
  id {{id}},
  target_id BIGINT NOT NULL REFERENCES targets (id),
  check_index INTEGER NOT NULL,         -- negative: an external signal
  at BIGINT NOT NULL,
  ok INTEGER NOT NULL,
  latency_us BIGINT NOT NULL,
  dns_us BIGINT,
  connect_us BIGINT,
  tls_us BIGINT,
  first_byte_us BIGINT,
  http_status INTEGER,
  certificate_days INTEGER,
  error TEXT
);
CREATE INDEX check_results_target ON check_results (target_id, at DESC, id DESC);
CREATE INDEX check_results_check ON check_results (target_id, check_index, at DESC, id DESC);
CREATE INDEX check_results_at ON check_results (at);

-- What a target did in one minute / one hour (bucket = its start). Merged
-- by read-merge-write under a lock, never overwritten; `histogram` is
-- core::LatencyHistogram::Encode(). The *_bucket indexes serve PruneHealth.
CREATE TABLE rollups_minute (
  target_id BIGINT NOT NULL REFERENCES targets (id),
  bucket BIGINT NOT NULL,
  count BIGINT NOT NULL,
  failures BIGINT NOT NULL,
  histogram TEXT NOT NULL,
  PRIMARY KEY (target_id, bucket)
);
CREATE INDEX rollups_minute_bucket ON rollups_minute (bucket);

CREATE TABLE rollups_hour (
  target_id BIGINT NOT NULL REFERENCES targets (id),
  bucket BIGINT NOT NULL,
  count BIGINT NOT NULL,
  failures BIGINT NOT NULL,
  histogram TEXT NOT NULL,
  PRIMARY KEY (target_id, bucket)
);
CREATE INDEX rollups_hour_bucket ON rollups_hour (bucket);

-- An incident of one target. root_id: the (unlinked) incident of the
-- dependency that caused it; kept flat, so a root is never itself linked.
CREATE TABLE incidents (
  id {{id}},
  target_id BIGINT NOT NULL REFERENCES targets (id),
  environment TEXT,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  cause TEXT,
  root_id BIGINT REFERENCES incidents (id),
  acknowledged_by TEXT,
  acknowledged_at BIGINT,
  subject TEXT NOT NULL
);
-- At most one open incident per target, even with several instances. A
-- partial unique index: both SQLite and PostgreSQL have them.
CREATE UNIQUE INDEX incidents_one_open ON incidents (target_id) WHERE ended_at IS NULL;
CREATE INDEX incidents_started ON incidents (started_at DESC, id DESC);
CREATE INDEX incidents_target_started ON incidents (target_id, started_at DESC, id DESC);
CREATE INDEX incidents_environment_started ON incidents (environment, started_at DESC, id DESC);
CREATE INDEX incidents_root ON incidents (root_id);

CREATE TABLE incident_notes (
  id {{id}},
  incident_id BIGINT NOT NULL REFERENCES incidents (id),
  author TEXT NOT NULL,
  at BIGINT NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX incident_notes_incident ON incident_notes (incident_id, id);

-- A heartbeat check's push token. The token is kept (the UI shows the push
-- URL); lookups go by its hex SHA-256 so the request path compares hashes.
CREATE TABLE heartbeat_tokens (
  target_id BIGINT NOT NULL REFERENCES targets (id),
  check_index INTEGER NOT NULL,
  token TEXT NOT NULL,
  token_sha256 TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (target_id, check_index)
);

-- A maintenance window set at run time. Ending one early sets ends_at.
CREATE TABLE maintenance_windows (
  id {{id}},
  name TEXT,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX maintenance_windows_ends ON maintenance_windows (ends_at);

-- A window's selectors: kind is environment | target | tag.
CREATE TABLE maintenance_selectors (
  window_id BIGINT NOT NULL REFERENCES maintenance_windows (id),
  kind TEXT NOT NULL CHECK (kind = 'environment' OR kind = 'target' OR kind = 'tag'),
  position INTEGER NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (window_id, kind, position)
);

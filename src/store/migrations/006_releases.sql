-- 006_releases: the tables the release store (sql_release_store*.cpp)
-- writes: releases with their target environments and checklist items,
-- bookings of release-window occurrences, freeze overrides and rollbacks.
-- Same conventions as 001 (times BIGINT unix ms, booleans 0/1, empty text
-- as NULL).
--
-- Not additive, on purpose: 001's releases, checklist_items and
-- window_bookings and 003's rollbacks were never written by any released
-- code, so they are dropped (children first: PostgreSQL refuses to drop a
-- referenced table) and recreated in the shape the store needs. Windows
-- themselves live in the config, not here: rows name a window by its config
-- name, like targets name their environment (001's windows table is unused).
--
-- Lists (environments, depends_on) are rows, not JSON, as in 005: the store
-- has no JSON parser, and the environment filter wants an index.
-- The CHECKs are OR chains, not IN lists (see 003), and so are the partial
-- indexes' predicates. "window" is a reserved word in PostgreSQL, hence
-- window_name.

DROP TABLE rollbacks;
DROP TABLE window_bookings;
DROP TABLE checklist_items;
DROP TABLE releases;

-- A release of one version through its environments. window_name and
-- window_start: the release window occurrence it is planned for, if any.
CREATE TABLE releases (
  id {{id}},
  version TEXT NOT NULL,
  template TEXT NOT NULL,
  window_name TEXT,
  window_start BIGINT,
  state TEXT NOT NULL
    CHECK (state = 'planned' OR state = 'in-progress' OR state = 'released'
           OR state = 'rolled-back' OR state = 'aborted'),
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX releases_created ON releases (created_at DESC, id DESC);
CREATE INDEX releases_version ON releases (version, created_at DESC, id DESC);
CREATE INDEX releases_state ON releases (state, created_at DESC, id DESC);

-- The release's environments in promotion order (config names).
CREATE TABLE release_environments (
  release_id BIGINT NOT NULL REFERENCES releases (id),
  position INTEGER NOT NULL,
  environment TEXT NOT NULL,
  PRIMARY KEY (release_id, position)
);
CREATE INDEX release_environments_environment ON release_environments (environment, release_id);

-- The release's own copy of its template's items, in template order. Only
-- state, done_by, done_at and note change after creation.
CREATE TABLE checklist_items (
  release_id BIGINT NOT NULL REFERENCES releases (id),
  position INTEGER NOT NULL,
  item_id TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT,
  phase TEXT NOT NULL
    CHECK (phase = 'prepare' OR phase = 'go-no-go' OR phase = 'deploy' OR phase = 'verify'
           OR phase = 'rollback' OR phase = 'communicate'),
  role TEXT NOT NULL CHECK (role = 'release-manager' OR role = 'devops'),
  required INTEGER NOT NULL CHECK (required = 0 OR required = 1),
  auto_check TEXT,
  state TEXT NOT NULL CHECK (state = 'open' OR state = 'done'),
  done_by TEXT,
  done_at BIGINT,
  note TEXT,
  PRIMARY KEY (release_id, position),
  UNIQUE (release_id, item_id)
);

-- An item's depends_on list: item ids of the same release.
CREATE TABLE checklist_item_dependencies (
  release_id BIGINT NOT NULL REFERENCES releases (id),
  item_position INTEGER NOT NULL,
  position INTEGER NOT NULL,
  depends_on TEXT NOT NULL,
  PRIMARY KEY (release_id, item_position, position)
);

-- A release manager's request that devops be on hand for one occurrence of
-- an allow window; devops accept or decline it. `reminded`: the one
-- window.reminder went out (set by whichever instance got there first).
CREATE TABLE window_bookings (
  id {{id}},
  release_id BIGINT NOT NULL REFERENCES releases (id),
  window_name TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  state TEXT NOT NULL
    CHECK (state = 'requested' OR state = 'accepted' OR state = 'declined' OR state = 'canceled'),
  requested_by TEXT NOT NULL,
  requested_at BIGINT NOT NULL,
  decided_by TEXT,
  decided_at BIGINT,
  note TEXT,
  reminded INTEGER NOT NULL DEFAULT 0 CHECK (reminded = 0 OR reminded = 1)
);
-- One live (requested or accepted) booking per release and occurrence, even
-- with several instances; declined and canceled ones stay as history.
CREATE UNIQUE INDEX window_bookings_one_live ON window_bookings (release_id, window_name, starts_at)
  WHERE state = 'requested' OR state = 'accepted';
CREATE INDEX window_bookings_starts ON window_bookings (starts_at, id);
CREATE INDEX window_bookings_window_starts ON window_bookings (window_name, starts_at, id);

-- An admin lifting one occurrence of a deny window (a freeze).
CREATE TABLE freeze_overrides (
  id {{id}},
  window_name TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  reason TEXT NOT NULL,
  overridden_by TEXT NOT NULL,
  overridden_at BIGINT NOT NULL,
  UNIQUE (window_name, starts_at)
);
CREATE INDEX freeze_overrides_starts ON freeze_overrides (starts_at, id);

-- A rollback of one environment to an earlier version. deployment_id and
-- run_id are the run store's ids, recorded rather than referenced: the
-- record of what was asked must not depend on those rows' fate.
CREATE TABLE rollbacks (
  id {{id}},
  environment TEXT NOT NULL,
  version TEXT NOT NULL,
  deployment_id BIGINT,
  release_id BIGINT REFERENCES releases (id),
  status TEXT NOT NULL
    CHECK (status = 'started' OR status = 'running' OR status = 'succeeded' OR status = 'failed'),
  started_by TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT,
  action TEXT NOT NULL CHECK (action = 'http' OR action = 'command'),
  action_result TEXT,
  run_id BIGINT,
  error TEXT
);
-- At most one rollback in flight per environment, even with several instances.
CREATE UNIQUE INDEX rollbacks_one_open ON rollbacks (environment)
  WHERE status = 'started' OR status = 'running';
CREATE INDEX rollbacks_started ON rollbacks (started_at DESC, id DESC);
CREATE INDEX rollbacks_environment_started ON rollbacks (environment, started_at DESC, id DESC);

-- 003_runs: the tables the run store (sql_run_store.cpp) writes: runs, their
-- stages, deployments, and what 001 already had for intake
-- (webhook_deliveries, unmatched_events). Same conventions as 001.
--
-- Not additive, on purpose: runs, stages and deployments from 001 were never
-- written by any released code, so they are dropped and recreated in the
-- shape the store needs (runs unique per pipeline, a title, stages of the
-- latest attempt only in the tracker's order, deployments keyed like
-- core::RunTracker keys them). rollbacks references runs and deployments and
-- was never written either, so it is dropped first (PostgreSQL refuses to
-- drop a referenced table) and recreated unchanged.

DROP TABLE rollbacks;
DROP TABLE deployments;
DROP TABLE stages;
DROP TABLE runs;

-- One row per run at its source, folded from every event about it by
-- core::RunTracker. Empty text fields are stored as NULL.
-- The CHECKs on the intake tables are OR chains, not IN lists: SQLite builds
-- a temporary b-tree for a constant IN list on every INSERT/UPDATE that
-- checks it, which was the largest single cost of an Ingest.
CREATE TABLE runs (
  id {{id}},
  pipeline_id BIGINT NOT NULL REFERENCES pipelines (id),
  environment_id BIGINT REFERENCES environments (id),  -- the binding's environment
  source TEXT NOT NULL
    CHECK (source = 'github' OR source = 'gitlab' OR source = 'codepipeline' OR source = 'generic'),
  external_id TEXT NOT NULL,            -- the source's run id, stable across attempts
  attempt INTEGER NOT NULL DEFAULT 1,   -- the latest attempt; the row shows only it
  status TEXT NOT NULL
    CHECK (status = 'queued' OR status = 'running' OR status = 'succeeded' OR status = 'failed'
           OR status = 'canceled' OR status = 'superseded'),
  source_status TEXT,                   -- the source's own value, as received
  title TEXT,                           -- commit message or display title, first line
  version TEXT,
  commit_sha TEXT,
  ref TEXT,
  url TEXT,
  triggered_by TEXT,                    -- "push by alice", "schedule", ...
  created_at BIGINT,
  started_at BIGINT,
  finished_at BIGINT,
  -- "Run time", the order of every run list: COALESCE(started_at, created_at,
  -- recorded_at), kept as a column so one index serves each list.
  run_at BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL,          -- when the first event about it was received
  updated_at BIGINT NOT NULL,
  UNIQUE (pipeline_id, source, external_id)
);
CREATE INDEX runs_at ON runs (run_at DESC, id DESC);
CREATE INDEX runs_pipeline_at ON runs (pipeline_id, run_at DESC, id DESC);
CREATE INDEX runs_environment_at ON runs (environment_id, run_at DESC, id DESC);
CREATE INDEX runs_status_at ON runs (status, run_at DESC, id DESC);

-- The latest attempt's stages of a run. `position` is the stage's index in
-- core::Run::stages (by started_at, unknown last, then name as bytes), so
-- reading them back needs no collation-dependent sort.
CREATE TABLE stages (
  id {{id}},
  run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status = 'queued' OR status = 'running' OR status = 'succeeded' OR status = 'failed'
           OR status = 'canceled' OR status = 'superseded'),
  source_status TEXT,
  url TEXT,
  started_at BIGINT,
  finished_at BIGINT,
  UNIQUE (run_id, name)
);

-- A successful attempt of a deploy pipeline's run: `version` went live in
-- the environment. One row per (pipeline, run, attempt), upserted: a later
-- emission replaces the text fields it has non-empty, and deployed_at.
CREATE TABLE deployments (
  id {{id}},
  pipeline_id BIGINT NOT NULL REFERENCES pipelines (id),
  run_id BIGINT NOT NULL REFERENCES runs (id),
  attempt INTEGER NOT NULL,
  environment_id BIGINT NOT NULL REFERENCES environments (id),
  version TEXT,
  commit_sha TEXT,
  url TEXT,
  deployed_at BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (pipeline_id, run_id, attempt)
);
CREATE INDEX deployments_at ON deployments (deployed_at DESC, id DESC);
CREATE INDEX deployments_environment_at ON deployments (environment_id, deployed_at DESC, id DESC);
CREATE INDEX deployments_pipeline_at ON deployments (pipeline_id, deployed_at DESC, id DESC);

-- As in 001.
CREATE TABLE rollbacks (
  id {{id}},
  environment_id BIGINT NOT NULL REFERENCES environments (id),
  to_deployment_id BIGINT NOT NULL REFERENCES deployments (id),
  release_id BIGINT REFERENCES releases (id),
  action TEXT NOT NULL,                 -- http | command
  state TEXT NOT NULL,                  -- requested | running | succeeded | failed
  run_id BIGINT REFERENCES runs (id),   -- the pipeline run it started, once seen
  requested_by TEXT NOT NULL,
  requested_at BIGINT NOT NULL,
  finished_at BIGINT,
  error TEXT
);
CREATE INDEX rollbacks_environment_requested ON rollbacks (environment_id, requested_at DESC);

-- unmatched_events (001) is listed newest first, overall and per source,
-- keyset-paginated on (received_at, id).
DROP INDEX unmatched_events_received;
CREATE INDEX unmatched_events_received ON unmatched_events (received_at DESC, id DESC);
CREATE INDEX unmatched_events_source_received ON unmatched_events (source, received_at DESC, id DESC);

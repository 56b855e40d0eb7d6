-- 001_initial: the first opsdeck schema, shared by SQLite and PostgreSQL.
-- Placeholders: {{id}} is the auto-assigned primary key column type; {{blob}}
-- the binary type. Conventions (docs/storage.md): times are BIGINT unix
-- milliseconds, booleans INTEGER 0/1, JSON is TEXT, names are the config's.
-- Rows are retired (retired_at), not deleted, when they leave the config, so
-- history keeps pointing at them.

CREATE TABLE environments (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  position INTEGER NOT NULL,
  protected INTEGER NOT NULL DEFAULT 0 CHECK (protected IN (0, 1)),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  retired_at BIGINT
);
CREATE INDEX environments_position ON environments (position);

CREATE TABLE pipelines (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  environment_id BIGINT REFERENCES environments (id),
  kind TEXT NOT NULL DEFAULT 'build' CHECK (kind IN ('build', 'deploy')),
  owner TEXT,
  docs_url TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  retired_at BIGINT
);
CREATE INDEX pipelines_environment ON pipelines (environment_id);

CREATE TABLE runs (
  id {{id}},
  pipeline_id BIGINT NOT NULL REFERENCES pipelines (id),
  environment_id BIGINT REFERENCES environments (id),
  source TEXT NOT NULL,                 -- github | gitlab | aws | generic
  external_id TEXT NOT NULL,            -- the source's run/execution id
  status TEXT NOT NULL
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled', 'superseded')),
  source_status TEXT,                   -- the source's own value, as received
  version TEXT,
  commit_sha TEXT,
  ref TEXT,
  url TEXT,
  triggered_by TEXT,                    -- push, manual, schedule, ... (the actor/event)
  attempt INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  updated_at BIGINT NOT NULL,
  UNIQUE (source, external_id)
);
CREATE INDEX runs_pipeline_started ON runs (pipeline_id, started_at DESC);
CREATE INDEX runs_environment_started ON runs (environment_id, started_at DESC);

CREATE TABLE stages (
  id {{id}},
  run_id BIGINT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled', 'superseded')),
  source_status TEXT,
  url TEXT,
  started_at BIGINT,
  finished_at BIGINT,
  updated_at BIGINT NOT NULL,
  UNIQUE (run_id, name, attempt)
);

CREATE TABLE deployments (
  id {{id}},
  environment_id BIGINT NOT NULL REFERENCES environments (id),
  pipeline_id BIGINT REFERENCES pipelines (id),
  run_id BIGINT REFERENCES runs (id),
  version TEXT,
  commit_sha TEXT,
  deployed_at BIGINT NOT NULL,
  UNIQUE (run_id, environment_id)       -- one deployment per successful run
);
CREATE INDEX deployments_environment_at ON deployments (environment_id, deployed_at DESC);
CREATE INDEX deployments_pipeline_at ON deployments (pipeline_id, deployed_at DESC);

-- Well-formed events that matched no pipeline, kept so a wrong mapping shows.
CREATE TABLE unmatched_events (
  id {{id}},
  source TEXT NOT NULL,
  event_type TEXT,
  external_id TEXT,
  reason TEXT NOT NULL,
  summary TEXT,                         -- JSON: the fields a mapping rule would look at
  received_at BIGINT NOT NULL
);
CREATE INDEX unmatched_events_received ON unmatched_events (received_at DESC);

-- Delivery ids already accepted, for dedupe of redeliveries.
CREATE TABLE webhook_deliveries (
  id {{id}},
  source TEXT NOT NULL,
  delivery_id TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  outcome TEXT NOT NULL DEFAULT 'accepted',  -- accepted | unmatched | ignored
  UNIQUE (source, delivery_id)
);
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);

CREATE TABLE targets (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('service', 'server')),
  environment_id BIGINT REFERENCES environments (id),
  component TEXT,
  owner TEXT,
  docs_url TEXT,
  runbook_url TEXT,
  tags TEXT,                            -- JSON object
  aws TEXT,                             -- JSON object of AWS identifiers
  state TEXT NOT NULL DEFAULT 'unknown'
    CHECK (state IN ('up', 'degraded', 'down', 'unknown', 'maintenance')),
  state_since BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  retired_at BIGINT
);
CREATE INDEX targets_environment ON targets (environment_id);

CREATE TABLE check_results (
  id {{id}},
  target_id BIGINT NOT NULL REFERENCES targets (id),
  check_name TEXT NOT NULL,
  at BIGINT NOT NULL,
  ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
  latency_ms INTEGER,
  message TEXT
);
CREATE INDEX check_results_target_at ON check_results (target_id, at);
CREATE INDEX check_results_at ON check_results (at);  -- retention pruning

CREATE TABLE incidents (
  id {{id}},
  target_id BIGINT NOT NULL REFERENCES targets (id),
  summary TEXT,
  opened_at BIGINT NOT NULL,
  closed_at BIGINT,
  acknowledged_by TEXT,
  acknowledged_at BIGINT
);
CREATE INDEX incidents_target_opened ON incidents (target_id, opened_at DESC);
CREATE INDEX incidents_opened ON incidents (opened_at DESC);
-- At most one open incident per target, even with several instances.
CREATE UNIQUE INDEX incidents_one_open ON incidents (target_id) WHERE closed_at IS NULL;

CREATE TABLE incident_notes (
  id {{id}},
  incident_id BIGINT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  author TEXT NOT NULL,
  body TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX incident_notes_incident ON incident_notes (incident_id, at);

-- The durable notification outbox. `dedup_key` makes enqueueing idempotent;
-- `message_key` groups the edits of one chat message (a run is one message).
CREATE TABLE notification_outbox (
  id {{id}},
  channel TEXT NOT NULL,
  event_kind TEXT NOT NULL,
  dedup_key TEXT NOT NULL UNIQUE,
  message_key TEXT,
  payload TEXT NOT NULL,                -- JSON
  state TEXT NOT NULL DEFAULT 'pending',  -- pending | sending | sent | failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  claimed_by TEXT,                      -- instance holding the lease while sending
  claimed_until BIGINT,
  external_message_id TEXT,             -- e.g. the Discord message id, for edits
  last_error TEXT,
  created_at BIGINT NOT NULL,
  sent_at BIGINT
);
CREATE INDEX notification_outbox_due ON notification_outbox (state, next_attempt_at);
CREATE INDEX notification_outbox_message ON notification_outbox (channel, message_key);

CREATE TABLE windows (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('allow', 'deny')),
  schedule TEXT,                        -- cron-like, recurring windows
  timezone TEXT,
  duration_ms BIGINT,
  starts_at BIGINT,                     -- one-off windows
  ends_at BIGINT,
  devops TEXT,                          -- JSON array of people on hand
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  retired_at BIGINT
);

CREATE TABLE releases (
  id {{id}},
  version TEXT NOT NULL,
  template TEXT NOT NULL,
  environments TEXT NOT NULL,           -- JSON array of target environment names
  state TEXT NOT NULL,                  -- planned | in_progress | done | aborted | rolled_back
  window_id BIGINT REFERENCES windows (id),
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT
);
CREATE INDEX releases_version ON releases (version);
CREATE INDEX releases_created ON releases (created_at DESC);

CREATE TABLE checklist_items (
  id {{id}},
  release_id BIGINT NOT NULL REFERENCES releases (id) ON DELETE CASCADE,
  item_id TEXT NOT NULL,                -- the template item's id
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  phase TEXT NOT NULL
    CHECK (phase IN ('prepare', 'go-no-go', 'deploy', 'verify', 'rollback', 'communicate')),
  role TEXT NOT NULL CHECK (role IN ('release-manager', 'devops')),
  required INTEGER NOT NULL DEFAULT 1 CHECK (required IN (0, 1)),
  depends_on TEXT NOT NULL DEFAULT '[]',  -- JSON array of item ids
  auto_check TEXT,
  done_by TEXT,
  done_at BIGINT,
  note TEXT,
  UNIQUE (release_id, item_id)
);

CREATE TABLE window_bookings (
  id {{id}},
  window_id BIGINT NOT NULL REFERENCES windows (id),
  release_id BIGINT REFERENCES releases (id),
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  booked_by TEXT NOT NULL,
  booked_at BIGINT NOT NULL,
  confirmed_by TEXT,                    -- devops confirming availability
  confirmed_at BIGINT,
  canceled_at BIGINT
);
CREATE INDEX window_bookings_window_starts ON window_bookings (window_id, starts_at);
CREATE INDEX window_bookings_release ON window_bookings (release_id);

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

CREATE TABLE audit_events (
  id {{id}},
  at BIGINT NOT NULL,
  actor_kind TEXT NOT NULL,             -- user | token | system
  actor_name TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  action TEXT NOT NULL,
  before_json TEXT NOT NULL DEFAULT 'null',
  after_json TEXT NOT NULL DEFAULT 'null',
  request_id TEXT
);
CREATE INDEX audit_events_at ON audit_events (at DESC);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, id DESC);

CREATE TABLE users (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('viewer', 'release-manager', 'devops', 'admin')),
  password_hash TEXT,                   -- argon2id encoded string; NULL: no password login
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE api_tokens (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  token_hash TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the token; the token is never stored
  role TEXT NOT NULL CHECK (role IN ('viewer', 'release-manager', 'devops', 'admin')),
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  last_used_at BIGINT,
  revoked_at BIGINT
);

CREATE TABLE sessions (
  id {{id}},
  token_hash TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the cookie value
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  last_seen_at BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

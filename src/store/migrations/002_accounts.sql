-- 002_accounts: what accounts need beyond 001's users, api_tokens and sessions.
-- Same conventions as 001 (times BIGINT unix ms, {{id}} placeholder). Additive
-- only: a release that predates it keeps working on this schema.

-- Per-session CSRF token, sent in forms and X-CSRF-Token. Nullable so rows
-- written by an older release stay valid; the store always sets it, and an
-- empty or NULL value matches no request.
ALTER TABLE sessions ADD COLUMN csrf_token TEXT;

-- Failed logins per key ("user:alice", "addr:192.0.2.7"), counted in the
-- database so throttling holds across instances. Pruned by age.
CREATE TABLE login_failures (
  id {{id}},
  key TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);  -- DeleteOlderThan

-- 007_docs_audit: the table the docs store (sql_docs_store.cpp) writes: one
-- row per documentation gap the audit has ever found, keyed by its stable
-- fingerprint, with the Jira ticket filed for it. Same conventions as 001
-- (times BIGINT unix ms, empty text as NULL). Additive: 001 had no table for
-- gaps or tickets.
--
-- A gap is never deleted: a fixed gap keeps its row (fixed_at set) and its
-- ticket key, so when it reappears it reuses that ticket instead of filing a
-- second one. The fingerprint is UNIQUE so two instances recording the same
-- audit at once cannot store a gap twice (RecordGaps inserts with ON
-- CONFLICT DO NOTHING, then updates).
CREATE TABLE docs_gaps (
  id {{id}},
  fingerprint TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,                   -- missing_field | broken_link | undocumented_resource | missing_resource
  subject_kind TEXT NOT NULL,           -- service | server | pipeline | ec2-instance | ...
  subject TEXT NOT NULL,
  environment TEXT,
  summary TEXT NOT NULL,                -- as last seen: the ticket summary
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  fixed_at BIGINT,                      -- NULL: open
  ticket_key TEXT,                      -- "OPS-42"; NULL: no ticket known
  filed_at BIGINT,                      -- when ticket_key was stored
  commented_at BIGINT                   -- the "no longer found" comment; NULL again on reopen
);
-- The list, newest first (keyset on first_seen, id).
CREATE INDEX docs_gaps_first_seen ON docs_gaps (first_seen, id);
-- OpenGaps: the few open rows, not the whole history.
CREATE INDEX docs_gaps_open ON docs_gaps (first_seen) WHERE fixed_at IS NULL;

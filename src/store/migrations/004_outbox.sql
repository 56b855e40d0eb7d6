-- 004_outbox: the notification outbox the outbox store (sql_outbox_store.cpp)
-- writes: one row per notification per channel, appended in the transaction
-- of the state change that caused it (AppendOutbox), the message each subject
-- has on an edit-in-place channel, and one dispatch lease per channel. Same
-- conventions as 001 (times BIGINT unix ms, JSON as TEXT, empty text as NULL).
--
-- Not additive, on purpose: 001's notification_outbox was never written by
-- any released code, so it is dropped (with its indexes) rather than altered.
-- Its dedup_key is gone: an entry is a routed notice, appended exactly once
-- by the transaction that caused it, so there is nothing to deduplicate; its
-- claimed_by/claimed_until became the per-channel lease (outbox_leases), and
-- message_key/external_message_id became outbox_messages.

DROP TABLE notification_outbox;

-- One notification for one channel. `id` is the delivery order. The state
-- CHECK is an OR chain, not an IN list, for the reason 003 gives (SQLite
-- builds a temporary b-tree for a constant IN list on every write that
-- checks it; the outbox is appended to on the intake path).
CREATE TABLE outbox (
  id {{id}},
  channel TEXT NOT NULL,                -- the config's channel name
  kind TEXT NOT NULL,                   -- "pipeline.failed", ...
  subject TEXT NOT NULL,                -- "run:42": the living message's key
  severity TEXT NOT NULL,               -- info | warning | critical
  environment TEXT,
  pipeline TEXT,
  target TEXT,
  payload TEXT NOT NULL,                -- JSON: the core::Notice
  state TEXT NOT NULL DEFAULT 'pending'
    CHECK (state = 'pending' OR state = 'sent' OR state = 'failed' OR state = 'superseded'),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  message_id TEXT,                      -- sent on an edit-in-place channel: the message
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,           -- the last attempt or state change; Prune's key
  next_attempt_at BIGINT,               -- pending: not before this; NULL: due at once
  sent_at BIGINT
);
-- Pending(channel): a channel's pending entries in id order. Partial (both
-- dialects have partial indexes, 001 uses one), so it holds only the few
-- rows still to send, not the whole history. `state` is constant in it, but
-- kept as a column: without statistics SQLite's planner otherwise ties it
-- with outbox_channel (one equality column each) and may pick that one,
-- which walks the channel's whole history. Queries must say
-- `state = 'pending'` literally (not a bound parameter) for either planner
-- to prove the partial index applies.
CREATE INDEX outbox_pending ON outbox (channel, state, id) WHERE state = 'pending';
-- List newest first: by id alone the primary key serves; filtered by channel
-- (the usual UI view, with or without a state) this one does.
CREATE INDEX outbox_channel ON outbox (channel, id DESC);

-- The message a subject has on an edit-in-place channel (Discord): written
-- in the same transaction that records the send that created or edited it,
-- deleted when the chat service says it is gone.
CREATE TABLE outbox_messages (
  channel TEXT NOT NULL,
  subject TEXT NOT NULL,
  message_id TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (channel, subject)
);

-- The dispatch lease per channel: at most one instance sends a channel's
-- entries at a time. Taken and renewed by one INSERT ... ON CONFLICT DO
-- UPDATE ... WHERE (holder is us, or the lease expired), which is atomic on
-- both backends.
CREATE TABLE outbox_leases (
  channel TEXT NOT NULL PRIMARY KEY,
  holder TEXT NOT NULL,                 -- an id unique to the holding process
  expires_at BIGINT NOT NULL
);

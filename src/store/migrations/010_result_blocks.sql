-- 010_result_blocks: raw results are stored in blocks, one row per run of
-- a check's consecutive results (src/store/result_block.h has the text
-- format), instead of one row per result.
--
-- At 10,000 targets every 10 s, check_results took 1,000 rows a second,
-- each an entry in its table and in two indexes; writing them was a fifth
-- of the monitor's CPU. The monitor already writes each target's results in
-- groups of up to six, and a group becomes one row here.
--
-- Reads: a check's blocks newest first through check_result_blocks_check
-- (ListResults, LatestResults); a block spans at most an hour
-- (kMaxBlockSpanMs), so "results at or before T" is an index range. Pruning
-- deletes blocks whose last result is older than the retention.
--
-- Existing results are copied, one block per result, and check_results is
-- emptied but kept: migrations are additive, so a previous release still
-- runs against this schema during a rolling upgrade (the rows it writes
-- there are pruned by this release).
CREATE TABLE check_result_blocks (
  id {{id}},
  target_id BIGINT NOT NULL REFERENCES targets (id),
  check_index INTEGER NOT NULL,  -- negative: an external signal
  first_at BIGINT NOT NULL,      -- unix ms of the block's oldest result
  last_at BIGINT NOT NULL,       -- and of its newest
  count INTEGER NOT NULL,        -- results in the block
  failures INTEGER NOT NULL,     -- of which not ok (lets ?status= skip blocks)
  results TEXT NOT NULL
);

INSERT INTO check_result_blocks (target_id, check_index, first_at, last_at, count, failures, results)
SELECT target_id, check_index, at, at, 1, 1 - ok,
       '0,' || CAST(ok AS TEXT) || ',' || CAST(latency_us AS TEXT)
       || ',' || COALESCE(CAST(dns_us AS TEXT), '')
       || ',' || COALESCE(CAST(connect_us AS TEXT), '')
       || ',' || COALESCE(CAST(tls_us AS TEXT), '')
       || ',' || COALESCE(CAST(first_byte_us AS TEXT), '')
       || ',' || COALESCE(CAST(NULLIF(http_status, 0) AS TEXT), '')
       || ',' || COALESCE(CAST(certificate_days AS TEXT), '')
       || ',' || COALESCE(REPLACE(REPLACE(error, '\', '\\'), '
', '\n'), '')
FROM check_results ORDER BY id;

DELETE FROM check_results;

CREATE INDEX check_result_blocks_check
  ON check_result_blocks (target_id, check_index, last_at DESC, id DESC);
CREATE INDEX check_result_blocks_last ON check_result_blocks (last_at);

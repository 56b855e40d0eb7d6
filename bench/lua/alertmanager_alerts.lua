-- wrk script for bench/intake.sh: POST /api/v2/alerts to Alertmanager, each
-- body a JSON array of ONE alert whose labels are distinct for every request
-- (as shared/bench-peers/lua/post_alerts.lua), so every alert is stored.
--   INTAKE_NONCE  distinct for every wrk run (a warm-up does not pre-store the labels)
-- Usage: INTAKE_NONCE=... wrk -t2 -c64 -d15s -s alertmanager_alerts.lua http://127.0.0.1:PORT/api/v2/alerts
local nonce = os.getenv("INTAKE_NONCE") or "run"

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local counter = 0
local headers = { ["Content-Type"] = "application/json" }
request = function()
  counter = counter + 1
  local body = string.format(
    '[{"labels":{"alertname":"BenchAlert","job":"bench","severity":"warning","instance":"host-%s-%d-%d"},' ..
    '"annotations":{"summary":"bench alert %d-%d"},"generatorURL":"http://127.0.0.1/bench"}]',
    nonce, tid or 1, counter, tid or 1, counter)
  return wrk.format("POST", wrk.path, headers, body)
end

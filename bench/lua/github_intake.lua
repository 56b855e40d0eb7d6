-- wrk script for bench/intake.sh: POST /hooks/github, cycling through
-- pre-generated signed workflow_run deliveries.
--   INTAKE_DATA    file with one delivery per line: "<hex HMAC-SHA256> <raw JSON body>"
--   INTAKE_NONCE   prefix of X-GitHub-Delivery, distinct for every wrk run
--   INTAKE_THREADS wrk -t, to spread the threads' starting offsets
-- Every request carries a unique X-GitHub-Delivery (<nonce>-<thread>-<counter>),
-- so no delivery is deduplicated away. Each thread starts at its own offset in
-- the list. Requests are prebuilt around the delivery id: one concatenation per
-- request, no wrk.format, so the client costs the same for every server.
-- Usage: INTAKE_DATA=... INTAKE_NONCE=... wrk -t2 -c64 -d15s -s github_intake.lua http://127.0.0.1:PORT/hooks/github
local path = assert(os.getenv("INTAKE_DATA"), "INTAKE_DATA not set")
local nonce = os.getenv("INTAKE_NONCE") or "run"
local MARK = "@@DELIVERY@@"

local nthreads = tonumber(os.getenv("INTAKE_THREADS") or "1")

local threads = 0
function setup(thread)   -- runs in the main state, once per thread, before its init
  threads = threads + 1
  thread:set("tid", threads)
end

local heads, tails, n = {}, {}, 0
local counter, index = 0, 0

function init(args)
  for line in io.lines(path) do
    local sig, body = line:match("^(%x+) (.*)$")
    assert(sig, "bad line in " .. path)
    local req = wrk.format("POST", wrk.path, {
      ["Content-Type"] = "application/json",
      ["User-Agent"] = "GitHub-Hookshot/044aadd",
      ["X-GitHub-Event"] = "workflow_run",
      ["X-GitHub-Hook-ID"] = "292430182",
      ["X-Hub-Signature-256"] = "sha256=" .. sig,
      ["X-GitHub-Delivery"] = MARK,
    }, body)
    local a, b = req:find(MARK, 1, true)
    n = n + 1
    heads[n], tails[n] = req:sub(1, a - 1), req:sub(b + 1)
  end
  assert(n > 0, path .. " is empty")
  local t = tid or 1
  index = math.floor((t - 1) * n / math.max(nthreads, t)) % n
  nonce = nonce .. "-" .. t .. "-"
end

request = function()
  counter = counter + 1
  index = index % n + 1
  return heads[index] .. nonce .. counter .. tails[index]
end

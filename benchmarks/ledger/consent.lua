-- wrk script: POST one samtycke consent decision per request, each with a fresh
-- consent id, to /v1/consents. The site, revision and fingerprint come from the
-- environment (bench.sh reads them from GET /v1/sites/<site>).
--
--   SITE=billogram REVISION=1 FINGERPRINT=<hex> CATEGORIES=necessary,analytics,marketing \
--   wrk -t2 -c32 -d15s --latency -s consent.lua http://127.0.0.1:8791/v1/consents
--
-- Prints the same RESULT line as the c15t script, so both runs are read alike.

local threads = {}
local thread_seq = 0

function setup(thread)
  thread_seq = thread_seq + 1
  thread:set("tid", thread_seq)
  table.insert(threads, thread)
end

local counter = 0
local prefix = ""
local body_fmt = ""
ok2xx = 0
non2xx = 0
statuses = {}

local function hex(n, width)
  return string.format("%0" .. width .. "x", n)
end

function init(args)
  local t = tonumber(tid) or 0
  math.randomseed(os.time() * 1000 + t * 7919 + math.floor(os.clock() * 1e6))
  prefix = hex(math.random(0, 0xffffff), 6) .. hex(math.random(0, 0xffffff), 6) .. hex(t, 4)
  local choices = {}
  for cat in string.gmatch(os.getenv("CATEGORIES") or "necessary", "[^,]+") do
    local yes = (cat == "necessary" or cat == "analytics") and "true" or "false"
    table.insert(choices, string.format('"%s":%s', cat, yes))
  end
  body_fmt = '{"site":"' .. os.getenv("SITE") .. '","consent_id":"%s","revision":'
    .. os.getenv("REVISION") .. ',"fingerprint":"' .. os.getenv("FINGERPRINT") .. '",'
    .. '"language":"sv","method":"custom","choices":{' .. table.concat(choices, ",") .. '},'
    .. '"url":"https://billogram.com/pricing"}'
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/json"
  wrk.headers["Origin"] = "https://billogram.com"
  wrk.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36"
  wrk.headers["X-Forwarded-For"] = "203.0.113." .. tostring(math.random(1, 254))
end

function request()
  counter = counter + 1
  local id = prefix .. hex(counter, 16)
  return wrk.format(nil, nil, nil, string.format(body_fmt, id))
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok2xx = ok2xx + 1
  else
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  local by_status = {}
  for _, t in ipairs(threads) do
    ok = ok + (t:get("ok2xx") or 0)
    bad = bad + (t:get("non2xx") or 0)
    for k, v in pairs(t:get("statuses") or {}) do by_status[k] = (by_status[k] or 0) + v end
  end
  for k, v in pairs(by_status) do io.write(string.format("non-2xx status %s: %d\n", tostring(k), v)) end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_s":%.2f,"rps":%.1f,"ok2xx":%d,"non2xx":%d,'
    .. '"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"mean_ms":%.2f,'
    .. '"sock_connect":%d,"sock_read":%d,"sock_write":%d,"sock_timeout":%d}\n',
    summary.requests, secs, summary.requests / secs, ok, bad,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    e.connect, e.read, e.write, e.timeout))
end

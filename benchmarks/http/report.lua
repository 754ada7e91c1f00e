-- wrk script for benchmarks/http_load.py and scripts/scaleout.py.
--
-- Counts every response whose status is not 2xx (wrk itself counts only >= 400, so a redirect
-- to the sign-in page would pass unseen), per thread, and at the end prints one JSON line
-- prefixed with "AMITY_WRK_JSON " holding the totals and the latency percentiles (µs).
-- The session cookie or the API token come as ordinary wrk -H headers. Paths given after
-- "--" (wrk … URL -- /a /b /c) are requested in turn (a mix of pages; each wrk thread starts
-- at a random one); without them every request goes to the URL's path.

local threads = {}
local paths = {}
local next_path = 1

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  statuses = {}
  for _, path in ipairs(args) do
    table.insert(paths, path)
  end
  if #paths > 0 then
    next_path = math.random(#paths)
  end
end

function request()
  if #paths == 0 then
    return wrk.format()
  end
  local path = paths[next_path]
  next_path = next_path % #paths + 1
  return wrk.format(nil, path)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
    local seen = thread:get("statuses") or {}
    for status, count in pairs(seen) do
      by_status[tostring(status)] = (by_status[tostring(status)] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(by_status) do
    table.insert(parts, string.format('"%s": %d', status, count))
  end
  local e = summary.errors
  io.write(string.format(
    'AMITY_WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"non_2xx": %d, "non_2xx_by_status": {%s}, ' ..
    '"latency_us": {"min": %d, "mean": %.1f, "stdev": %.1f, "max": %d, ' ..
    '"p50": %d, "p90": %d, "p95": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    non2xx_total, table.concat(parts, ", "),
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99)))
end

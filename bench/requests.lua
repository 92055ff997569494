-- wrk script: replays the requests in the file named by BENCH_REQUESTS (one per line, tab-separated:
-- method, path, session cookie, form body), each thread starting at a different place, so many
-- pupils are logged in at once. Prints a JSON line with the statuses seen, for bench/run.py to read.

local requests = {}
local position = 0
local counter = 0
statuses = {}
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do table.insert(fields, field) end
  return fields
end

function init(args)
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local f = split(line)
    local headers = {["Cookie"] = "session=" .. f[3], ["User-Agent"] = "harbour-bench"}
    local body = nil
    if f[1] == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      body = f[4]
    end
    table.insert(requests, wrk.format(f[1], f[2], headers, body))
  end
  -- Each thread starts its own share of the list, so no two send the same quiz form until it runs out.
  position = math.floor((id - 1) * #requests / tonumber(os.getenv("BENCH_THREADS") or "1"))
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests_)
  local merged = {}
  for _, thread in ipairs(threads) do
    local seen = thread:get("statuses")
    for status, count in pairs(seen) do merged[status] = (merged[status] or 0) + count end
  end
  local parts = {}
  for status, count in pairs(merged) do table.insert(parts, string.format('"%d": %d', status, count)) end
  io.write(string.format('BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, "non_2xx_3xx": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status,
    table.concat(parts, ", ")))
end

-- wrk's side of one measurement (wrk -s bench/request.lua URL -- SPEC).
-- SPEC is a file of "key<TAB>value" lines written by bench/scenarios.js:
--   method, path, header (repeatable: "name: value"), body,
--   expect   an answer counts only with a 2xx status and this text in its body
--   users    N: "__USER__" in the body becomes a random user000001..N each request
--   tokens   a file of refresh tokens, one a line: "__TOKEN__" in the body takes
--            the next, and the successor the answer carries (the first capture
--            of the `successor` Lua pattern) goes back into the pool
-- done() prints one line, "BENCH_JSON {...}", that bench/wrk.js reads.

local spec = { headers = {} }
local threads = {}

local function load(path)
  for line in io.lines(path) do
    local key, value = line:match("^([^\t]+)\t(.*)$")
    if key == "header" then
      local name, v = value:match("^([^:]+):%s*(.*)$")
      spec.headers[name] = v
    elseif key then
      spec[key] = value
    end
  end
end

function setup(thread)
  table.insert(threads, thread)
end

local pool, head, tail = {}, 1, 0
local static
ok, bad = 0, 0

function init(args)
  load(args[1])
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  spec.users = tonumber(spec.users)
  if spec.tokens then
    for t in io.lines(spec.tokens) do
      tail = tail + 1
      pool[tail] = t
    end
  end
  if not spec.users and not spec.tokens then
    static = wrk.format(spec.method, spec.path, spec.headers, spec.body)
  end
end

function request()
  if static then return static end
  local body = spec.body
  if spec.users then
    body = body:gsub("__USER__", string.format("user%06d", math.random(1, spec.users)))
  end
  if spec.tokens then
    local t = "pool-ran-dry.x"
    if head <= tail then
      t = pool[head]
      pool[head] = nil
      head = head + 1
    end
    body = body:gsub("__TOKEN__", t)
  end
  return wrk.format(spec.method, spec.path, spec.headers, body)
end

function response(status, headers, body)
  if status >= 200 and status < 300 and (not spec.expect or body:find(spec.expect, 1, true)) then
    ok = ok + 1
    if spec.successor then
      local next = body:match(spec.successor)
      if next then
        tail = tail + 1
        pool[tail] = next
      end
    end
  else
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local good, failed = 0, 0
  for _, t in ipairs(threads) do
    good = good + (t:get("ok") or 0)
    failed = failed + (t:get("bad") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"ok":%d,"failed":%d,"durationUs":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"meanUs":%f,"maxUs":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"statusErrors":%d,"timeouts":%d}\n',
    summary.requests, good, failed, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end

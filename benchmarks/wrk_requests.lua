-- Replays pre-signed requests for benchmarks/webhooks.py (wrk cannot compute Twilio's HMAC-SHA1).
--
--   wrk ... -s benchmarks/wrk_requests.lua URL -- FILE STATUS CONTENT_TYPE FRAGMENT
--
-- FILE holds one request per line, tab-separated: path, Content-Type, one more header's name and
-- value (X-Twilio-Signature or Authorization), body. Requests are sent in order, starting again
-- from the first line after the last (`laps` counts how often). A response is good only if
-- its status is STATUS, its Content-Type is CONTENT_TYPE and its body contains FRAGMENT (the app
-- answers a failed webhook with a 200 apology, so status and type alone prove nothing).
-- done() prints "@bench key=value" lines for the Python side; samples are separated by \30.

local requests = {}
local count = 0
local next_index = 1
local expect_status, expect_type, expect_fragment
local sample_limit = 5
local sampled = 0

-- Globals, so that done() can read them from the thread with thread:get().
laps = 0
bad = 0
samples = ""

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  expect_status = tonumber(args[2])
  expect_type = args[3]
  expect_fragment = args[4]
  for line in io.lines(path) do
    local target, content_type, name, value, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    if target == nil then
      error("malformed request line " .. (count + 1) .. " in " .. path)
    end
    count = count + 1
    requests[count] = { target, { ["Content-Type"] = content_type, [name] = value }, body }
  end
  if count == 0 then
    error("no requests in " .. path)
  end
end

function request()
  local r = requests[next_index]
  next_index = next_index + 1
  if next_index > count then
    next_index = 1
    laps = laps + 1
  end
  return wrk.format("POST", r[1], r[2], r[3])
end

local function content_type_matches(value)
  if value == nil then
    return false
  end
  return value == expect_type or value:sub(1, #expect_type + 1) == expect_type .. ";"
end

function response(status, headers, body)
  local content_type = headers["Content-Type"] or headers["content-type"]
  local good = status == expect_status
    and content_type_matches(content_type)
    and body ~= nil
    and body:find(expect_fragment, 1, true) ~= nil
  if good then
    return
  end
  bad = bad + 1
  if sampled < sample_limit then
    sampled = sampled + 1
    local text = (body or ""):sub(1, 160):gsub("[%c]", " ")
    samples = samples .. string.format("HTTP %d %s: %s\30", status, content_type or "(no content type)", text)
  end
end

function done(summary, latency, _requests)
  local total_bad, total_laps, all_samples = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
    total_laps = total_laps + thread:get("laps")
    all_samples = all_samples .. thread:get("samples")
  end
  local errors = summary.errors
  io.write(string.format("@bench requests=%d\n", summary.requests))
  io.write(string.format("@bench duration_us=%d\n", summary.duration))
  io.write(string.format("@bench p50_us=%d\n", latency:percentile(50)))
  io.write(string.format("@bench p99_us=%d\n", latency:percentile(99)))
  io.write(string.format("@bench bad=%d\n", total_bad))
  io.write(string.format("@bench connect=%d\n", errors.connect))
  io.write(string.format("@bench read=%d\n", errors.read))
  io.write(string.format("@bench write=%d\n", errors.write))
  io.write(string.format("@bench timeout=%d\n", errors.timeout))
  io.write(string.format("@bench laps=%d\n", total_laps))
  io.write("@bench samples=" .. all_samples .. "\n")
end

-- Posts a title never asked before as text/plain to /normalize: real O*NET titles (from TITLES_FILE),
-- each with a run-and-thread-unique number, and counts the answers by status.
local counter = 0
local titles = {}
local thread_id = 0
statuses = {}
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  thread_id = id
  for line in io.lines(os.getenv("TITLES_FILE")) do
    titles[#titles + 1] = line
  end
end

request = function()
  counter = counter + 1
  local title = titles[(counter % #titles) + 1] .. " " .. os.getenv("RUN") .. "-" .. thread_id .. "-" .. counter
  return wrk.format("POST", "/titles/versions/5.47/normalize", { ["Content-Type"] = "text/plain" }, title)
end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counted = thread:get("statuses")
    for status, count in pairs(counted) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do
    io.write(string.format("status %d %d\n", status, count))
  end
  io.write(string.format("p50 %.1f\n", latency:percentile(50) / 1000))
end

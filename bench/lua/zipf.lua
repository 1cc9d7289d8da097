-- A Zipf-like mix (s = 1) over 1,000 distinct searches; each wrk thread stops after its share of requests.
local keys = 1000
local per_thread = tonumber(os.getenv("ZIPF_REQUESTS_PER_THREAD") or "5000")
local cdf, total = {}, 0
for k = 1, keys do total = total + 1 / k; cdf[k] = total end
for k = 1, keys do cdf[k] = cdf[k] / total end

local sent, answered = 0, 0
local seeded = false

request = function()
  if not seeded then
    math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "1", 16) % 100000)
    seeded = true
  end
  local r, lo, hi = math.random(), 1, keys
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < r then lo = mid + 1 else hi = mid end
  end
  sent = sent + 1
  return wrk.format("GET", "/titles/versions/5.47/titles?limit=" .. lo)
end

response = function(status, headers, body)
  answered = answered + 1
  if answered >= per_thread then wrk.thread:stop() end
end

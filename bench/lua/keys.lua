-- Posts raw titles as text/plain to /normalize, KEYS distinct ones ("<title> <KEY_PREFIX><n>").
-- ONCE=1: each key once, then the thread stops (run it with one thread): on a replica that has none
-- of them and a shared cache that has them all, every answer is a second-level hit.
-- Otherwise: cycles through the keys for the run's duration.
local titles = { "software engineer", "registered nurse", "truck driver", "data scientist", "line cook",
  "accountant", "electrician", "plumber", "pharmacist", "welder", "cashier", "teacher" }
local keys = tonumber(os.getenv("KEYS") or "1000")
local prefix = os.getenv("KEY_PREFIX") or "k"
local once = os.getenv("ONCE") == "1"
local sent = 0
local answered = 0

request = function()
  sent = sent + 1
  local n = ((sent - 1) % keys) + 1
  return wrk.format("POST", "/titles/versions/5.47/normalize", { ["Content-Type"] = "text/plain" },
    titles[(n % #titles) + 1] .. " " .. prefix .. n)
end

response = function(status, headers, body)
  answered = answered + 1
  if once and answered >= keys then
    wrk.thread:stop()
  end
end

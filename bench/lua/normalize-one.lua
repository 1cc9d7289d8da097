-- Posts one title (TERM) as text/plain to /titles/versions/5.47/normalize: the same key every time, a cache hit after the first.
local body = os.getenv("TERM_TO_ASK") or "Registered Nurse"
request = function()
  return wrk.format("POST", "/titles/versions/5.47/normalize", { ["Content-Type"] = "text/plain" }, body)
end

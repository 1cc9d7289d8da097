-- Posts one title (TERM_TO_ASK) as text/plain to /titles/versions/5.47/normalize: the same key every
-- time, a cache hit after the first. The request is set once, as wrk sets a plain GET, not built by a
-- request() function: that runs Lua for every request, CPU the load generator takes from the gateway
-- on two shared cores and never spends on nginx's plain GETs.
wrk.method = "POST"
wrk.path = "/titles/versions/5.47/normalize"
wrk.headers["Content-Type"] = "text/plain"
wrk.body = os.getenv("TERM_TO_ASK") or "Registered Nurse"

-- wrk script: each connection sends DEPTH requests for the same path at once (HTTP/1.1 pipelining)
-- and reads their answers before the next DEPTH; the path is wrk's URL path.
local depth = tonumber(os.getenv("DEPTH") or "16")
local batch
init = function(args)
  local one = wrk.format("GET", wrk.path)
  batch = string.rep(one, depth)
end
request = function()
  return batch
end

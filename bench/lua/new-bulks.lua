-- Each request a bulk normalize of 500 terms never asked before (bench/bulk-flood.sh); TERM_PADDING
-- characters more in each term make the bodies larger (900: about 460 kB a body).
local counter = 0
local padding = string.rep("x", tonumber(os.getenv("TERM_PADDING") or "0"))
request = function()
  counter = counter + 1
  local terms = {}
  for i = 1, 500 do terms[i] = '"flood ' .. math.random(1, 1e9) .. ' ' .. counter .. padding .. '"' end
  return wrk.format("POST", "/titles/versions/5.47/normalize/bulk", {["Content-Type"] = "application/json"},
    '{"terms":[' .. table.concat(terms, ",") .. ']}')
end

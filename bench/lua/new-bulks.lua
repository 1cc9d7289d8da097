-- Each request a bulk normalize of 500 terms never asked before (bench/bulk-flood.sh).
local counter = 0
request = function()
  counter = counter + 1
  local terms = {}
  for i = 1, 500 do terms[i] = '"flood ' .. math.random(1, 1e9) .. ' ' .. counter .. '"' end
  return wrk.format("POST", "/titles/versions/5.47/normalize/bulk", {["Content-Type"] = "application/json"},
    '{"terms":[' .. table.concat(terms, ",") .. ']}')
end

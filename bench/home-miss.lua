-- wrk script: each request asks for the work bench under a query string of
-- its own, which the page ignores but the response cache keys by, so every
-- request builds the page afresh, as the first one after a write does.
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/?miss=" .. n)
end

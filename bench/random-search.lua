-- wrk script: each request searches a random three-letter pinyin fragment,
-- so most requests miss the page cache (17 576 possible queries).
math.randomseed(os.time())
local letters = "abcdefghijklmnopqrstuvwxyz"
request = function()
  local q = ""
  for i = 1, 3 do
    local k = math.random(1, 26)
    q = q .. letters:sub(k, k)
  end
  return wrk.format("GET", "/orgs?q=" .. q)
end

-- a plain find whose needle nearly matches everywhere: half a million compares at each of half a million places
local s = ("a"):rep(1000000)
for i = 1, 1000 do string.find(s, ("a"):rep(500000) .. "b", 1, true) end
return {name = "pf", summary = "s"}

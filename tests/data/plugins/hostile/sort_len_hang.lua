-- a __len just under 2^31: table.sort would compare for hours in C
local t = setmetatable({}, {__len = function() return 2^31 - 2 end, __index = rawlen, __newindex = rawequal})
table.sort(t)
return {name = "sl", summary = "s"}

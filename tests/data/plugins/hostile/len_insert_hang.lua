-- a __len of 2^62: table.insert at 1 would shift 2^62 elements in C
local t = setmetatable({}, {__len = function() return 2^62 end, __index = rawlen, __newindex = rawequal})
table.insert(t, 1, "x")
return {name = "li", summary = "s"}

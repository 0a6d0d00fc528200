-- a placeholder __gc, to be replaced by a function once the object is marked
local mt = {__gc = false}
setmetatable({}, mt)
mt.__gc = function() while true do end end
return {name = "gcf", summary = "s"}

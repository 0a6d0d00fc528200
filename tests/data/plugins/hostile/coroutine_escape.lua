-- coroutines would be another way to catch errors: not offered
local co = coroutine.wrap(function() while true do end end)
return {name = "ce", summary = "s"}

-- the plugin table's __index loops when the host reads a field it lacks
return setmetatable({name = "pl", summary = "s"}, {__index = function(t, k) while true do end end})

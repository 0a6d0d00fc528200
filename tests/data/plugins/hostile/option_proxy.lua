-- an option spec whose __index raises when the host reads its fields
return {name = "op", summary = "s",
  options = { x = setmetatable({doc = "d"}, {__index = function(t, k) error("option spec boom") end}) } }

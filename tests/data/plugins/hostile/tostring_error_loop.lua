-- an error object whose __tostring loops: the message handler calls it
return { name = "tel", summary = "s",
  setup = function(ctx)
    error(setmetatable({}, {__tostring = function() while true do end end}))
  end }

-- table.concat over a proxy whose __index is table.concat itself (a C function, returning "")
return { name = "ci", summary = "s",
  on_year = function(ctx)
    local t = setmetatable({}, {__index = table.concat})
    table.concat(t, "", 1, 2^62)
  end }

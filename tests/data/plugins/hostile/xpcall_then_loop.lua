-- the budget error caught by xpcall, whose handler would log; then a loop
return { name = "xl", summary = "s",
  on_year = function(ctx)
    while true do xpcall(function() while true do end end, function(e) ctx:log("handler ran") return e end) end
  end }

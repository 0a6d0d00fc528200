-- 150 lines of 10 kB: each within reason, together over the log limit
return {name = "ll", summary = "s",
  setup = function(ctx)
    local s = ("z"):rep(10000)
    for i = 1, 150 do print(i, s) end
  end}

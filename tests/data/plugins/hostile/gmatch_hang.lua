-- gmatch and match over a backtracking pattern
return { name = "gm", summary = "s",
  setup = function(ctx)
    for m in string.gmatch(("a"):rep(35), ("a-"):rep(35) .. "$b") do ctx:log(m) end
  end }

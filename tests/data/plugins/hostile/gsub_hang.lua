-- gsub with a function callback over a backtracking pattern, as a method call
return { name = "gh", summary = "s",
  on_referral = function(ctx, p)
    local s = ("a"):rep(30):gsub(("a*"):rep(30) .. "b", function(x) return x end)
  end }

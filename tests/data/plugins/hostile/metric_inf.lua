-- a metric value that would sum to infinity
return {name = "mi", summary = "s", metrics = { v = { kind = "count", doc = "d" } },
  on_referral = function(ctx, p)
    ctx:metric("v", 1e308 * 10)
  end}

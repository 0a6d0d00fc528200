-- flows each finite whose sum at national scale would not be
return {name = "fs", summary = "s",
  on_discharge = function(ctx, p)
    ctx:flow("earnings", "societal", 1e300)
  end}

-- string.rep far over the cap, caught by pcall; then one small string more
return { name = "rm", summary = "s",
  setup = function(ctx)
    local ok = pcall(string.rep, "x", 2^30)
    local s = ("y"):rep(100) .. tostring(ok)
    ctx:log("went on after the memory error: " .. s)
  end }

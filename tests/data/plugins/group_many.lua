-- More groups than all plugins may declare (tests).
local function g() return { doc = "one", levels = { "a" }, assign = function(ctx, p) return "a" end } end
return {
  name = "group_many",
  summary = "Nine groups (tests)",
  groups = { a = g(), b = g(), c = g(), d = g(), e = g(), f = g(), g = g(), h = g(), i = g() },
}

-- A group with more levels than allowed (tests).
return {
  name = "group_levels",
  summary = "Too many levels (tests)",
  groups = {
    decile = { doc = "too fine",
      levels = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17" },
      assign = function(ctx, p) return "1" end },
  },
}

-- A group with a level named twice (tests).
return {
  name = "group_twice",
  summary = "A level twice (tests)",
  groups = {
    booklet = { doc = "sent a booklet", levels = { "yes", "no", "yes" },
      assign = function(ctx, p) return "yes" end },
  },
}

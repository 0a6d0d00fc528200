-- A group with no function to assign people (tests).
return {
  name = "group_no_assign",
  summary = "No assign (tests)",
  groups = { booklet = { doc = "sent a booklet", levels = { "yes", "no" } } },
}

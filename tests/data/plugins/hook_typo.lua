return {
  name = "typo",
  summary = "x",
  on_refferal = function() end,
}

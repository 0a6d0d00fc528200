return {
  name = "syntax",
  summary = "x"
  on_referral = function() end,
}

return {
  name = "hook_not_fn",
  summary = "x",
  on_referral = 3,
}

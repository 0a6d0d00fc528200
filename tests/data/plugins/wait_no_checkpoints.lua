-- on_wait without the weeks at which to call it (tests).
return {
  name = "wait_no_checkpoints",
  summary = "on_wait without wait_checkpoints",
  on_wait = function(ctx, person, weeks) end,
}

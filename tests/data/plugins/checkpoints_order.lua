-- wait_checkpoints out of order (tests).
return {
  name = "checkpoints_order",
  summary = "wait_checkpoints not ascending",
  wait_checkpoints = { 6, 2 },
  on_wait = function(ctx, person, weeks) end,
}

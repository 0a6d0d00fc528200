-- A plugin that fails on purpose in the hook its option names (tests).
return {
  name = "fails",
  summary = "Raises an error in the hook named by the option 'hook'",
  options = {
    hook = { default = "none", choices = { "none", "setup", "on_year", "on_referral", "on_discharge", "on_finish", "on_wait", "on_session", "on_step_up", "on_followup" },
             doc = "The hook that fails" },
  },
  setup = function(ctx, opts)
    if opts.hook == "setup" then error("failed in setup") end
  end,
  on_year = function(ctx, year)
    if ctx.options.hook == "on_year" then error("failed in on_year " .. year) end
  end,
  on_referral = function(ctx, person)
    if ctx.options.hook == "on_referral" then local t = nil; return t.field end
  end,
  on_discharge = function(ctx, person)
    if ctx.options.hook == "on_discharge" then error("failed in on_discharge") end
  end,
  on_finish = function(ctx, results)
    if ctx.options.hook == "on_finish" then error("failed in on_finish") end
  end,
  wait_checkpoints = { 2, 6 },
  on_wait = function(ctx, person, weeks)
    if ctx.options.hook == "on_wait" and weeks == 2 then error("failed in on_wait at " .. weeks) end
  end,
  on_session = function(ctx, person)
    if ctx.options.hook == "on_session" and person.session == 3 then error("failed in on_session") end
  end,
  on_step_up = function(ctx, person)
    if ctx.options.hook == "on_step_up" then error("failed in on_step_up") end
  end,
  on_followup = function(ctx, person)
    if ctx.options.hook == "on_followup" then error("failed in on_followup") end
  end,
}

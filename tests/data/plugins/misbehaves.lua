-- A plugin that misbehaves in on_referral in the way its option names (tests).
local hog = {}
return {
  name = "misbehaves",
  summary = "Tries what the sandbox must stop, chosen by the option 'what'",
  options = {
    what = { default = "nothing",
             choices = { "nothing", "loop", "memory", "os_execute", "io_open", "require", "dofile", "garbage",
                         "set_in_referral", "set_structural", "set_out_of_range", "bad_problem", "unknown_field",
                         "randomseed", "binary_chunk", "string_dump", "flow_unknown", "metric_undeclared",
                         "bad_responsiveness", "dot_call", "set_whole_run" },
             doc = "What to try" },
  },
  setup = function(ctx, opts)
    if opts.what == "set_structural" then
      ctx:set("followup.years", 1)
    elseif opts.what == "set_out_of_range" then
      ctx:set("treatment.dna_rate", 2)
    elseif opts.what == "set_whole_run" then ctx:set("distribution.elasticity", 1) end
  end,
  on_referral = function(ctx, person)
    local w = ctx.options.what
    if w == "loop" then
      while true do end
    elseif w == "memory" then
      while true do hog[#hog + 1] = string.rep("x", 1024) .. #hog end
    elseif w == "os_execute" then
      os.execute("touch /tmp/iaptsim_sandbox_breach")
    elseif w == "io_open" then
      io.open("/etc/passwd")
    elseif w == "require" then
      require("os")
    elseif w == "dofile" then
      dofile("/etc/passwd")
    elseif w == "garbage" then
      return 42
    elseif w == "set_in_referral" then
      ctx:set("treatment.dna_rate", 0.1)
    elseif w == "bad_problem" then
      person.problem = "flu"
    elseif w == "unknown_field" then
      person.shoe_size = 9
    elseif w == "randomseed" then
      math.randomseed(1)
    elseif w == "binary_chunk" then
      local f, err = load("\27Lua\84\0", "bin")
      error(err)
    elseif w == "string_dump" then
      string.dump(function() end)
    elseif w == "flow_unknown" then
      ctx:flow("therapy_session", "nhs", 1)
    elseif w == "metric_undeclared" then
      ctx:metric("nope", 1)
    elseif w == "bad_responsiveness" then
      person.responsiveness = -1
    elseif w == "dot_call" then
      ctx.get("treatment.dna_rate")
    end
  end,
}

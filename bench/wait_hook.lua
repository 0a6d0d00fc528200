-- The benchmark's on_wait hook, at 2, 6 and 12 weeks: reads two fields and counts into a
-- local (bench/plugin_hook_callgrind.sh); on_finish logs the number of calls.
local calls, long = 0, 0
return {
  name = "wait_hook",
  summary = "Counts people still waiting at 2, 6 and 12 weeks (benchmark)",
  wait_checkpoints = { 2, 6, 12 },
  on_wait = function(ctx, person, weeks)
    calls = calls + 1
    if person.phq9 > 15 and person.leave_chance > 0 then long = long + 1 end
  end,
  on_finish = function(ctx, results)
    ctx:log("calls " .. calls)
  end,
}

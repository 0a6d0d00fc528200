-- The benchmark's on_session hook: reads two fields of the session and counts into a local
-- (bench/plugin_hook_callgrind.sh); on_finish logs the number of calls.
local calls, missed_hi = 0, 0
return {
  name = "session_hook",
  summary = "Counts booked sessions, and missed high-intensity ones (benchmark)",
  on_session = function(ctx, person)
    calls = calls + 1
    if not person.session_attended and person.step == "hi" then missed_hi = missed_hi + 1 end
  end,
  on_finish = function(ctx, results)
    ctx:log("calls " .. calls)
  end,
}

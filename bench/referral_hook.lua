-- The benchmark's on_referral hook: reads two person fields and counts into a metric on
-- every referral, the typical work of a scenario plugin (bench/plugin_hook_cost.sh).
return {
  name = "referral_hook",
  summary = "Counts referrals with a long-term condition, by problem (benchmark)",
  metrics = {
    ltc_depression = { kind = "count", doc = "Referrals with an LTC and depression" },
    ltc_other = { kind = "count", doc = "Referrals with an LTC and another problem" },
  },
  on_referral = function(ctx, person)
    if person.ltc then
      if person.problem == "depression" then
        ctx:metric("ltc_depression", 1)
      else
        ctx:metric("ltc_other", 1)
      end
    end
  end,
}

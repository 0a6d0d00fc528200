-- older_adults_outreach: a campaign that brings more people aged 65 and over to the
-- service (docs/plugins.md).
--
-- From `start_year` on, referrals of people aged 65 and over are `1 + extra_referrals`
-- times what they would be; nobody else's change (ctx:refer_more). The campaign costs
-- `cost_per_year` nationally each year it runs, under the plugin's own ledger category
-- (older_adults_outreach.campaign, NHS). The rise and the cost are the scenario's
-- assumptions (to source).

return {
  name = "older_adults_outreach",
  summary = "Outreach to people aged 65 and over: more of them referred, at a yearly cost",

  options = {
    extra_referrals = { default = 0.3, min = 0, max = 10,
      doc = "Rise in referrals of people aged 65 and over, relative (0.3: 30% more; assumed)" },
    cost_per_year = { default = 2000000, min = 0, max = 1e9,
      doc = "National cost of the campaign a year, GBP of the run's price year (assumed)" },
    start_year = { default = 2019, min = 2000, max = 2100, integer = true,
      doc = "First financial year of the campaign (2019 = 2019-20)" },
  },

  categories = {
    campaign = { perspective = "nhs", doc = "Outreach campaign to people aged 65 and over" },
  },

  metrics = {
    older_referrals = { kind = "count", doc = "Referrals of people aged 65 and over" },
  },

  on_year = function(ctx, year)
    if year >= ctx.options.start_year then
      -- sets the year's factor (a call each year does not compound)
      ctx:refer_more({ age_band = "65_plus" }, 1 + ctx.options.extra_referrals)
      -- per simulated person, like every flow: a national amount times the scale
      ctx:flow("campaign", "nhs", -ctx.options.cost_per_year * ctx.population_scale)
    else
      ctx:refer_more({ age_band = "65_plus" }, 1)
    end
  end,

  on_referral = function(ctx, person)
    if person.age_band == "65_74" or person.age_band == "75_89" or person.age_band == "90_plus" then
      ctx:metric("older_referrals", 1)
    end
  end,
}

-- employment_advisers: employment support inside the service (docs/plugins.md).
--
-- Employment advisers (EAs) work alongside therapists with people who are out of work or
-- struggling to stay in it. The 2009-2011 pilot in 11 areas (Hogarth et al. 2013, DWP
-- research report 826; the programme the issue calls "Working for Wellness") and the
-- 2017-2021 expansion to 40% of services (DWP research reports 1013 and 1014, 2022)
-- evaluated it. Their impact estimates are not yet transcribed into iaptsim, so the
-- effect and cost below are stated assumptions (to source), to be set by the analyst.
--
-- Mechanism: a share of services have advisers (services 1..n in order). People who
-- finish treatment there and started unemployed or long-term sick or disabled (the
-- employment statuses of docs/model.md) see an adviser with probability `uptake`; each
-- costs `cost_per_client` to the Exchequer (DWP funds the advisers). Seeing one moves a
-- person still out of work at discharge into work with the added probability
-- `job_entry_gain`, on the treated path only; the status at the end of treatment
-- (employment_end, moved_off_sick_pay_benefits) and the follow-up then carry it, so the
-- gain is counted against the natural course.

local last_service = 0

return {
  name = "employment_advisers",
  summary = "Employment advisers in the service: job entry for people out of work, at a cost to the Exchequer",

  options = {
    service_share = { default = 1, min = 0, max = 1,
      doc = "Share of services with employment advisers (2017-2021 expansion: 0.4, DWP 2022)" },
    uptake = { default = 0.3, min = 0, max = 1,
      doc = "Share of finishers who started unemployed or long-term sick who see an adviser (to source; assumed)" },
    job_entry_gain = { default = 0.05, min = 0, max = 1,
      doc = "Added chance of being in work at discharge after seeing an adviser (to source; assumed)" },
    cost_per_client = { default = 500, min = 0, max = 1e5,
      doc = "Cost of adviser support per client, GBP of the run's price year (to source; assumed: the national roll-out's GBP 122m over 2022-25 for about 700 advisers and up to 100,000 clients a year from 2024-25 gives no cost per client, only a check of about GBP 407 a client; docs/plugins.md)" },
  },

  metrics = {
    clients = { kind = "count", doc = "People who saw an employment adviser" },
    job_entries = { kind = "count", doc = "People moved into work at discharge by adviser support" },
  },

  on_year = function(ctx, year)
    last_service = math.floor(ctx.options.service_share * ctx.n_services + 0.5)
  end,

  on_discharge = function(ctx, person)
    if not person.finished or person.service > last_service then return end
    local start = person.employment_start
    if start ~= "unemployed" and start ~= "sick_or_disabled" then return end
    local o = ctx.options
    if math.random() >= o.uptake then return end
    ctx:metric("clients", 1)
    ctx:flow("employment_support", "exchequer", -o.cost_per_client)
    -- the draw is made whatever the status, so the plugin's random numbers stay aligned
    if math.random() < o.job_entry_gain and person.employment ~= "employed" then
      person.employment = "employed"
      ctx:metric("job_entries", 1)
    end
  end,
}

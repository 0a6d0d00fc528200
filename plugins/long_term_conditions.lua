-- long_term_conditions: integrated services for people with long-term physical conditions
-- (docs/plugins.md; the follow-up it acts on: docs/economics.md).
--
-- The core model already carries what a long-term condition (LTC) does: who has one and
-- which (ltc.share and the ltc.<condition> weights), its effect on response to treatment
-- (ltc.effect_multiplier), the excess physical-healthcare cost while ill
-- (physical.excess_cost_annual_ill), and what integrated treatment changes after discharge:
-- the secondary-care saving (physical.integrated_saving over
-- physical.integrated_saving_months) and the added chance of moving from unemployment into
-- work (ltc.integrated_employment_gain, Toffolutti et al. [S36]). Those stay parameters,
-- each with its source (iaptsim params).
--
-- This plugin is the policy: which services are integrated with physical care, and when.
-- Services are integrated one by one (service 1 first), rising linearly from start_year to
-- integrated_share of all services in full_year. A referral with an LTC seen in an
-- integrated service is treated there; optionally only for some conditions. It reports the
-- LTC referrals by condition and how many were seen in integrated services.
--
-- Integration costs what it costs (docs/economics.md, "Budget impact"; docs/plugins.md):
--   * set-up, setup_cost_per_service, once for each service in the year it is integrated
--     (the time of therapists and physical-health teams to build the joint pathway, and the
--     LTC top-up training of its therapists);
--   * running, liaison_sessions high-intensity sessions' worth of therapist time
--     (cost.hi_session, Radhakrishnan et al. 2013) for each person with an LTC who enters
--     treatment in an integrated service: joint case review and liaison with their physical
--     care team, over and above the therapy the core model costs already.
-- Both go to the ledger as `integration` costs borne by the NHS. Both amounts are
-- assumptions (to source; blocked: no published figure separates set-up from treatment);
-- set them from a local budget where one is known. docs/plugins.md has what was found and
-- its arithmetic: NHS England's plan of July 2016 put GBP 72 million over 2016-17 and
-- 2017-18 (GBP 17.8m, then up to GBP 54m) into "training new staff and delivering new
-- 'early implementer' integrated services"; wave one was 22 services (30 CCGs), 37 sites in
-- all. 72,000,000 / 37 = about GBP 1.95 million per site over two years, and 17,800,000 / 22
-- = about GBP 0.81 million per wave-one service in 2016-17; both paid therapists who treated
-- people (sessions the core already costs), so they bound set-up from above and cannot
-- stand for it. No published extra running cost per person of integrated care was found.

local share_now = 0    -- share of services integrated in the year in force
local last_service = 0 -- services 1..last_service are integrated this year
local only = nil       -- a single condition, or nil for all
local integrated_so_far = 0 -- services integrated in earlier years (set-up paid)

return {
  name = "long_term_conditions",
  summary = "Integrated services for people with long-term physical conditions (IAPT-LTC), rolled out by service",

  options = {
    integrated_share = { default = 0.75, min = 0, max = 1,
      doc = "Share of services integrated with physical care once the roll-out is complete" },
    start_year = { default = 2019, min = 1990, max = 2100, integer = true,
      doc = "First financial year with integrated services (2019 = 2019-20)" },
    full_year = { default = 2023, min = 1990, max = 2100, integer = true,
      doc = "Financial year in which integrated_share is reached; linear by service in between" },
    condition = { default = "all", choices = { "all", "diabetes", "copd", "cardiovascular", "musculoskeletal_pain", "other" },
      doc = "Conditions the integrated pathway takes: all, or one of them" },
    integrated_effect = { default = 1, min = 0, max = 3,
      doc = "Multiplier on the response to treatment in an integrated service (1: as any service; assumed, no published figure)" },
    setup_cost_per_service = { default = 100000, min = 0, max = 1e8,
      doc = "One-off cost of integrating a service with physical care, GBP of the run's price year, booked in the year it is integrated (assumed; no published set-up cost found: the early-implementer funding, about GBP 1.95m per site over 2016-18 or GBP 0.81m per wave-one service in 2016-17, also paid for treatment, so it bounds set-up from above; sensitivity range 0 to 0.8m; docs/plugins.md)" },
    liaison_sessions = { default = 1, min = 0, max = 20,
      doc = "Therapist time for liaison with physical care per person with an LTC entering treatment in an integrated service, in high-intensity sessions (cost.hi_session, Radhakrishnan et al. 2013); assumed (to source: no published extra cost per person of integrated care found)" },
  },

  metrics = {
    ltc_referrals = { kind = "count", doc = "Referrals with a long-term physical condition" },
    ltc_referrals_diabetes = { kind = "count", doc = "Referrals with diabetes as their long-term condition" },
    ltc_referrals_copd = { kind = "count", doc = "Referrals with COPD as their long-term condition" },
    ltc_referrals_cardiovascular = { kind = "count", doc = "Referrals with cardiovascular disease as their long-term condition" },
    ltc_referrals_musculoskeletal_pain = { kind = "count", doc = "Referrals with musculoskeletal pain as their long-term condition" },
    ltc_referrals_other = { kind = "count", doc = "Referrals with another long-term condition" },
    integrated_referrals = { kind = "count", doc = "Referrals with a long-term condition seen in an integrated service" },
    integrated_services_pct = { kind = "level", doc = "Percentage of services integrated with physical care in the year" },
    services_integrated_new = { kind = "count", doc = "Services integrated with physical care in the year (set-up paid), national" },
  },

  setup = function(ctx, opts)
    if opts.full_year < opts.start_year then
      error(("full_year %d is before start_year %d"):format(opts.full_year, opts.start_year))
    end
    if opts.condition ~= "all" then only = opts.condition end
    -- the core's own integrated share is replaced by this roll-out
    ctx:set("ltc.integrated_share", 0)
  end,

  on_year = function(ctx, year)
    local o = ctx.options
    local span = o.full_year - o.start_year + 1
    local done = year - o.start_year + 1
    if done <= 0 then
      share_now = 0
    elseif done >= span then
      share_now = o.integrated_share
    else
      share_now = o.integrated_share * done / span
    end
    last_service = math.floor(share_now * ctx.n_services + 0.5)
    ctx:metric("integrated_services_pct", 100 * last_service / ctx.n_services)
    if last_service > integrated_so_far then
      -- a simulated service stands for 1 / population_scale services, as its people do
      local new = last_service - integrated_so_far
      ctx:flow("integration", "nhs", -new * o.setup_cost_per_service)
      ctx:metric("services_integrated_new", new)
      integrated_so_far = last_service
    end
  end,

  on_discharge = function(ctx, person)
    if person.ltc and person.integrated and person.entered then
      ctx:flow("integration", "nhs", -ctx.options.liaison_sessions * ctx:price_of("cost.hi_session"))
    end
  end,

  on_referral = function(ctx, person)
    if not person.ltc then return end
    ctx:metric("ltc_referrals", 1)
    ctx:metric("ltc_referrals_" .. person.ltc_type, 1)
    if person.service <= last_service and (only == nil or person.ltc_type == only) then
      person.integrated = true
      ctx:metric("integrated_referrals", 1)
      local e = ctx.options.integrated_effect
      if e ~= 1 then
        person.responsiveness = math.min(100, person.responsiveness * e)
      end
    else
      person.integrated = false
    end
  end,
}

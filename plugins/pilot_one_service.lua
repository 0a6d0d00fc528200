-- pilot_one_service: a pilot of shorter waits in one area (docs/plugins.md): one service,
-- named by its code in the services table (data/services.csv, ccg_code), gets more
-- capacity from `start_year` on, and optionally fewer missed appointments; every other
-- service is left as it was (ctx:service).
--
-- Capacity is the service's capacity per referral relative to England's (1: the national
-- average); the pilot multiplies the service's own by `1 + extra_capacity`. The capacity
-- added is added to the national workforce (summary.csv wte_li and wte_hi say how much)
-- and the extra sessions it delivers are costed per session like any; the sizes are the
-- scenario's assumptions.

return {
  name = "pilot_one_service",
  summary = "A pilot in one service: more capacity (shorter waits) and fewer missed appointments",

  options = {
    service = { default = "02F", service = true,
      doc = "The service's code (ccg_code in the services table; 02F: NHS West Cheshire CCG)" },
    extra_capacity = { default = 0.5, min = 0, max = 5,
      doc = "Rise in the service's capacity, relative (0.5: half as much again; assumed)" },
    dna = { default = -1, min = -1, max = 0.9,
      doc = "The service's chance of a missed session during the pilot (-1: unchanged)" },
    start_year = { default = 2019, min = 2000, max = 2100, integer = true,
      doc = "First financial year of the pilot (2019 = 2019-20)" },
  },

  metrics = {
    pilot_capacity = { kind = "level", doc = "The pilot service's capacity per referral relative to England's, in force" },
  },

  on_year = function(ctx, year)
    local s = ctx:service(ctx.options.service)
    -- set once, at the start: a set feature stays until set again, so a later year's
    -- reading would already include the rise
    if year == math.max(ctx.options.start_year, ctx.first_year) then
      s.capacity = s.capacity * (1 + ctx.options.extra_capacity)
      if ctx.options.dna >= 0 then
        s.dna = ctx.options.dna
      end
    end
    ctx:metric("pilot_capacity", s.capacity)
  end,
}

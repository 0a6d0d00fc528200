-- ltp_expansion: the NHS Long Term Plan path to 1.9 million people entering treatment a
-- year by 2023-24, with the workforce needed to deliver it (docs/plugins.md).
--
-- The NHS Long Term Plan (NHS England, January 2019, chapter 3) and the NHS Mental Health
-- Implementation Plan 2019/20-2023/24 committed to an extra 380,000 adults a year accessing
-- IAPT treatment, 1.9 million in total by 2023-24. The plugin
--   * sets referrals so that entering treatment rises in a straight line from the start
--     year's level to the target in target_year (entering = referrals x
--     entering_per_referral, the start year's observed ratio by default), and
--   * plans the trainee intakes that give each year the workforce that many courses need:
--     low- and high-intensity capacity grow in proportion to entering treatment. Intakes
--     start in the start year; trainees join the qualified workforce after their training
--     (workforce.*_training_years), the retained share of them (workforce.*_retention),
--     and the added workforce loses workforce.*_turnover a year, as the core model has it.
--     Trainees add workforce.trainee_capacity of a WTE while they train.
-- Growth that comes before the first qualified intake is covered only by trainees and
-- shows up as longer waits: that is the point of planning the workforce early.

local plan = {}  -- year -> { entering, li_need, hi_need, li_intake, hi_intake }

-- Qualified WTE added by year y from intakes (the core's expansion arithmetic).
local function qualified(intake, first, y, years, retention, turnover)
  local q = 0
  for a = first, y do
    q = q * (1 - turnover)
    local i = intake[a - years]
    if i then q = q + i * retention end
  end
  return q
end

local function plan_level(ctx, level, first, last, need)
  local years = ctx:get("workforce." .. level .. "_training_years")
  local retention = ctx:get("workforce." .. level .. "_retention")
  local turnover = ctx:get("workforce." .. level .. "_turnover")
  local intake = {}
  for y = first, last do
    -- intake in y qualifies in y + years: enough to meet that year's need
    local target = need[math.min(y + years, last)]
    local q = qualified(intake, first, math.min(y + years, last), years, retention, turnover)
    local gap = target - q
    intake[y] = gap > 0 and gap / retention or 0
    ctx:set("workforce." .. level .. "_trainees", intake[y], y)
  end
  return intake
end

return {
  name = "ltp_expansion",
  summary = "NHS Long Term Plan: 1.9 million entering treatment a year by 2023-24, with the trainees needed",

  options = {
    target_entering = { default = 1900000, min = 0, max = 1e7,
      doc = "People entering treatment in target_year (NHS Long Term Plan 2019: 1.9 million by 2023-24)" },
    target_year = { default = 2023, min = 1990, max = 2100, integer = true,
      doc = "Financial year of the target (2023 = 2023-24)" },
    start_year = { default = 2019, min = 1990, max = 2100, integer = true,
      doc = "Financial year the expansion starts from: its referrals and workforce are the baseline" },
    entering_per_referral = { default = 0.69, min = 0.01, max = 1,
      doc = "People entering treatment per referral (NHS Digital 2019-20: 1,170,000 / 1,694,790 = 0.69)" },
    target_finished = { default = 0, min = 0, max = 1e7,
      doc = "Finished (completed) courses in target_year; when above 0 it sets target_entering = target_finished / finished_per_entering (NHS England 2025: 915,000 a year by 2028-29)" },
    finished_per_entering = { default = 0.551, min = 0.01, max = 1,
      doc = "Finished courses per person entering treatment (NHS England 2022-23, the last year both are published: 672,193 / 1,220,000 = 0.551)" },
    plan_workforce = { default = true,
      doc = "Plan trainee intakes so that capacity grows with entering treatment (false: referrals only)" },
  },

  metrics = {
    target_entering = { kind = "level", doc = "Planned people entering treatment in the year (national)" },
    planned_li_trainees = { kind = "level", doc = "Low-intensity trainees the plan starts in the year (national)" },
    planned_hi_trainees = { kind = "level", doc = "High-intensity trainees the plan starts in the year (national)" },
  },

  setup = function(ctx, opts)
    local s, t = opts.start_year, opts.target_year
    if t <= s then
      error(("target_year %d must come after start_year %d"):format(t, s))
    end
    if s < ctx.first_year then
      error(("start_year %d is before the scenario's first year %d"):format(s, ctx.first_year))
    end
    if opts.target_finished > 0 then
      -- a plan set in completed courses (the NHS TT targets from 2023) becomes one in
      -- people entering treatment at the published ratio of the two
      opts.target_entering = opts.target_finished / opts.finished_per_entering
    end
    local last = math.max(ctx.last_year, t)
    local base = ctx:get("referrals.annual", s) * opts.entering_per_referral
    local li0, hi0 = ctx:get("workforce.li_wte", s), ctx:get("workforce.hi_wte", s)
    local li_need, hi_need = {}, {}
    for y = s, last do
      local k = math.min(y, t) - s
      local entering = base + (opts.target_entering - base) * k / (t - s)
      plan[y] = { entering = entering }
      if y > s then
        ctx:set("referrals.annual", entering / opts.entering_per_referral, y)
      end
      li_need[y] = li0 * (entering / base - 1)
      hi_need[y] = hi0 * (entering / base - 1)
    end
    -- after the target, referrals hold at the target level
    ctx:set("referrals.annual_growth", 0, t)
    if opts.plan_workforce then
      local li = plan_level(ctx, "li", s, last, li_need)
      local hi = plan_level(ctx, "hi", s, last, hi_need)
      for y = s, last do
        plan[y].li_intake, plan[y].hi_intake = li[y], hi[y]
      end
    end
  end,

  on_year = function(ctx, year)
    local p = plan[year]
    if not p then return end
    ctx:metric("target_entering", p.entering)
    ctx:metric("planned_li_trainees", p.li_intake or 0)
    ctx:metric("planned_hi_trainees", p.hi_intake or 0)
  end,
}

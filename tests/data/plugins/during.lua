-- The hooks during waiting and treatment, fields of its own, and their errors (tests).
return {
  name = "during",
  summary = "Uses on_wait, on_session, on_step_up and on_followup (tests)",
  options = {
    bad = { default = "none", doc = "The mistake to make",
            choices = { "none", "phq9_in_session", "age_in_wait", "score_of_missed", "field_type", "leave_range" } },
    never_leave = { default = false, doc = "on_wait at 2 weeks: nobody leaves the list from then on" },
    all_attend = { default = false, doc = "on_session: every session is attended" },
    score = { default = -1, min = -1, max = 27, integer = true, doc = "on_session: record this PHQ-9 (and GAD-7 0) at every attended session" },
  },
  fields = {
    waited = { type = "boolean", doc = "reached the 6-week checkpoint" },
    calls = { type = "integer", doc = "on_session calls, to 255" },
  },
  metrics = {
    waits2 = { kind = "count", doc = "on_wait calls at 2 weeks" },
    waits6 = { kind = "count", doc = "on_wait calls at 6 weeks" },
    sessions = { kind = "count", doc = "on_session calls" },
    missed = { kind = "count", doc = "missed sessions seen" },
    miscount = { kind = "count", doc = "on_session calls whose person.calls is not person.session" },
    step_ups = { kind = "count", doc = "on_step_up calls" },
    followups = { kind = "count", doc = "on_followup calls" },
    waited_followups = { kind = "count", doc = "on_followup calls of people who reached 6 weeks waiting" },
    unnatural = { kind = "count", doc = "on_wait calls whose treated and natural scores differ" },
    rand = { kind = "count", doc = "sum of math.random() in on_session" },
  },
  wait_checkpoints = { 2, 6 },
  on_wait = function(ctx, person, weeks)
    local bad = ctx.options.bad
    if weeks == 2 then ctx:metric("waits2", 1) else ctx:metric("waits6", 1); person.waited = true end
    if person.phq9 ~= person.phq9_natural or person.gad7 ~= person.gad7_natural then ctx:metric("unnatural", 1) end
    if ctx.options.never_leave and weeks == 2 then person.leave_chance = 0 end
    if bad == "age_in_wait" then person.age_band = "18_25" end
    if bad == "leave_range" then person.leave_chance = 1.5 end
  end,
  on_session = function(ctx, person)
    local bad = ctx.options.bad
    ctx:metric("sessions", 1)
    if not person.session_attended then ctx:metric("missed", 1) end
    person.calls = math.min(255, person.calls + 1)
    if person.calls ~= math.min(255, person.session) then ctx:metric("miscount", 1) end
    if ctx.options.all_attend then person.session_attended = true end
    if ctx.options.score >= 0 and person.session_attended then
      person.session_phq9 = ctx.options.score
      person.session_gad7 = 0
    end
    ctx:metric("rand", math.random())
    if bad == "phq9_in_session" then person.phq9 = 3 end
    if bad == "score_of_missed" and not person.session_attended then person.session_phq9 = 5; person.session_gad7 = 5 end
    if bad == "field_type" then person.calls = true end
  end,
  on_step_up = function(ctx, person)
    ctx:metric("step_ups", 1)
  end,
  on_followup = function(ctx, person)
    ctx:metric("followups", 1)
    if person.waited then ctx:metric("waited_followups", 1) end
  end,
}

-- digital_therapy: internet-delivered low-intensity treatment (iCBT) with its own cost,
-- reach and effect (docs/plugins.md).
--
-- A share `reach` of people routed to low-intensity treatment get iCBT supported by a
-- practitioner instead of face-to-face guided self-help. For them
--   * the response to each session is multiplied by `relative_effect` (1: as face-to-face
--     low intensity; Richards et al. 2020, npj Digital Medicine 3:85, found iCBT in IAPT
--     step 2 beat a waiting list by 2.75 PHQ-9 and 2.79 GAD-7 points at 8 weeks, but no
--     head-to-head ratio with face-to-face LI: assumed 1);
--   * a supported session takes `therapist_time` of a face-to-face session, so the same
--     workforce delivers more low-intensity sessions: sessions per WTE-week are divided by
--     1 - reach x (1 - therapist_time), an average over the caseload;
--   * it costs that share of a face-to-face session (cost.li_session, Radhakrishnan et al.
--     2013: the practitioner's time and the service's overheads) plus, once per person, the
--     programme's licence, `licence_per_person` (NICE IAPT assessment briefing, Space from
--     Depression, 9 February 2018: "typically around GBP 24 per person for 1 year's access (at
--     0% VAT)"). The saving, sessions x cost.li_session x (1 - therapist_time) - licence, goes
--     to the ledger in therapy_sessions. Pricing support time as a share of a session the
--     core already costs counts no session twice.
-- Reach, effect and therapist time are assumptions (to source; docs/plugins.md).

local base_spw

return {
  name = "digital_therapy",
  summary = "Internet-delivered low-intensity CBT: its reach, effect, cost and therapist time",

  options = {
    reach = { default = 0.3, min = 0, max = 1,
      doc = "Share of people starting at low intensity who get supported iCBT (to source; assumed)" },
    relative_effect = { default = 1, min = 0, max = 3,
      doc = "Effect of an iCBT session relative to a face-to-face LI session (assumed 1: Richards et al. 2020 compared with a waiting list only)" },
    licence_per_person = { default = 24, min = 0, max = 10000,
      doc = "Licence of the iCBT programme per person treated, GBP of the run's price year, booked once at discharge (NICE IAPT assessment briefing, Space from Depression, 9 February 2018: about GBP 24 per person for a year's access, 0% VAT; plus GBP 500-2,000 of therapist training per service, not modelled); support time is priced through therapist_time x cost.li_session" },
    therapist_time = { default = 0.5, min = 0.05, max = 1,
      doc = "Practitioner time of a supported iCBT session relative to a face-to-face LI session; also its share of cost.li_session (to source; assumed: NICE medtech innovation briefing MIB215 found less therapist time per course with Space from Depression than with standard care, with a wide spread, but no ratio to use)" },
  },

  metrics = {
    digital_referrals = { kind = "count", doc = "Referrals offered supported iCBT" },
    digital_sessions = { kind = "count", doc = "Low-intensity sessions attended on iCBT (counted at discharge)" },
    digital_courses = { kind = "count", doc = "People who attended at least one low-intensity session on iCBT (licence paid), counted at discharge" },
  },

  setup = function(ctx, opts)
    -- the scenario's sessions per WTE-week, year by year, before this plugin changes them
    base_spw = {}
    for y = ctx.first_year, ctx.last_year do
      base_spw[y] = ctx:get("workforce.li_sessions_per_wte_week", y)
    end
  end,

  on_year = function(ctx, year)
    local o = ctx.options
    local spw = base_spw[year] / (1 - o.reach * (1 - o.therapist_time))
    ctx:set("workforce.li_sessions_per_wte_week", math.min(80, spw))
  end,

  on_referral = function(ctx, person)
    if person.route ~= "li" then return end
    if math.random() >= ctx.options.reach then return end
    person.mark = 1 -- 1: on iCBT
    person.responsiveness = math.min(100, person.responsiveness * ctx.options.relative_effect)
    ctx:metric("digital_referrals", 1)
  end,

  on_discharge = function(ctx, person)
    if person.mark ~= 1 or person.sessions_li == 0 then return end
    local o = ctx.options
    ctx:metric("digital_sessions", person.sessions_li)
    ctx:metric("digital_courses", 1)
    -- the core costed each session face to face; iCBT costs therapist_time of it, plus the licence
    local face_to_face = ctx:price_of("cost.li_session")
    ctx:flow("therapy_sessions", "nhs", person.sessions_li * face_to_face * (1 - o.therapist_time) - o.licence_per_person)
  end,
}

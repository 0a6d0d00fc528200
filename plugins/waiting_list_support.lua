-- waiting_list_support: a guided self-help booklet for people who wait more than 6 weeks
-- (docs/plugins.md).
--
-- People still on the waiting list for their first session 7 weeks after referral (so who
-- wait more than 6 weeks: a first session in the 6th week counts as within 6 weeks, as in
-- the NHS TT measure, and the checkpoint runs before that week's sessions) are posted a
-- guided self-help booklet. It costs `cost` each, booked under
-- the plugin's own ledger category (waiting_list_support.booklet, NHS). Two effects, both
-- stated assumptions for the analyst to set (to source): it lowers the weekly chance of
-- leaving the list by `leave_factor` (so more of them start treatment), and it lowers
-- their PHQ-9 by `phq9_fall` points while they wait, on the treated path only: the
-- natural course is the same person without the service, so it is untouched.

return {
  name = "waiting_list_support",
  summary = "A guided self-help booklet for people who wait more than 6 weeks",

  options = {
    cost = { default = 20, min = 0, max = 1000,
      doc = "Cost of a booklet, posted, GBP of the run's price year (assumed)" },
    leave_factor = { default = 0.7, min = 0, max = 1,
      doc = "Weekly chance of leaving the list after the booklet, relative to before (assumed)" },
    phq9_fall = { default = 1, min = 0, max = 27,
      doc = "Fall in PHQ-9 (latent score, treated path) the booklet brings while waiting (assumed)" },
  },

  fields = {
    booklet = { type = "boolean", doc = "Sent the booklet while waiting" },
  },

  categories = {
    booklet = { perspective = "nhs", doc = "Guided self-help booklets posted to people waiting more than 6 weeks" },
  },

  metrics = {
    booklets = { kind = "count", doc = "Booklets posted (people who waited more than 6 weeks), by year of referral" },
    booklet_entered = { kind = "count", doc = "People sent the booklet who entered treatment, by year of discharge" },
  },

  -- summary.csv gives every metric for each level: waiting_list_support.booklet=yes, =no
  groups = {
    booklet = { levels = { "yes", "no" }, doc = "Sent the booklet while waiting (at referral no one has been yet)",
      assign = function(ctx, p) return p.booklet and "yes" or "no" end },
  },

  -- checkpoint 7: on the list at the start of week 7 since referral, so a wait of 7 weeks
  -- or more (checkpoint 6 would also reach those first seen in week 6, within 6 weeks)
  wait_checkpoints = { 7 },

  on_wait = function(ctx, person, weeks)
    person.booklet = true
    person.leave_chance = person.leave_chance * ctx.options.leave_factor
    person.phq9 = math.max(0, person.phq9 - ctx.options.phq9_fall)
    ctx:flow("booklet", "nhs", -ctx.options.cost)
    ctx:metric("booklets", 1, person.year) -- by cohort, as the ledger
  end,

  on_discharge = function(ctx, person)
    if person.booklet and person.entered then ctx:metric("booklet_entered", 1) end
  end,
}

-- Declared groups: a breakdown by a field of its own, and the mistakes an assign can make (tests).
return {
  name = "groups",
  summary = "Breaks the metrics down by its own groups (tests)",
  options = {
    bad = { default = "none", doc = "The mistake to make",
            choices = { "none", "unknown_level", "write", "late_field", "flow" } },
  },
  fields = { waited = { type = "boolean", doc = "reached the 4-week checkpoint" } },
  wait_checkpoints = { 4 },
  on_wait = function(ctx, p, weeks) p.waited = true end,
  groups = {
    waited = { levels = { "yes", "no" }, doc = "waited 4 weeks for a first session",
      assign = function(ctx, p)
        local bad = ctx.options.bad
        if bad == "unknown_level" then return "maybe" end
        if bad == "write" then p.mark = 1 end
        if bad == "late_field" then return p.phq9 > 10 and "yes" or "no" end
        if bad == "flow" then ctx:flow("assessments", "nhs", -1) end
        return p.waited and "yes" or "no"
      end },
    sex = { levels = { "female", "male", "other" }, doc = "gender, as a plugin would name it",
      assign = function(ctx, p) return p.gender end },
  },
}

-- ctx:set in on_year: that year only, or carried forward (tests).
return {
  name = "set_year",
  summary = "Raises the DNA rate by half in on_year (tests)",
  options = {
    carry = { default = false, doc = "carry the value forward ({ carry = true })" },
    every_year = { default = false, doc = "raise it from ctx:get every year, not only the first" },
  },
  metrics = {
    seen = { kind = "level", doc = "treatment.dna_rate in force when on_year starts" },
    base = { kind = "level", doc = "its value in the scenario (ctx:base)" },
  },
  on_year = function(ctx, year)
    local o = ctx.options
    ctx:metric("seen", ctx:get("treatment.dna_rate"))
    ctx:metric("base", ctx:base("treatment.dna_rate"))
    if o.every_year or year == ctx.first_year then
      ctx:set("treatment.dna_rate", ctx:get("treatment.dna_rate") * 1.5, { carry = o.carry })
    end
  end,
}

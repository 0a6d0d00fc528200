-- Exercises the plugin API (tests): parameters, person fields, flows, metrics, log.
return {
  name = "api",
  summary = "Reads and writes what the API offers, as the options say",
  options = {
    dna_rate = { default = -1, min = -1, max = 0.9, doc = "treatment.dna_rate to set in setup (-1: leave)" },
    signpost_all = { default = false, doc = "Send every referral away (route = signpost)" },
    all_ltc = { default = false, doc = "Give every referral a long-term condition" },
    flow = { default = 0, min = -1e6, max = 1e6, doc = "A flow per discharge in employment_support, exchequer" },
  },
  metrics = {
    referrals = { kind = "count", doc = "on_referral calls" },
    discharges = { kind = "count", doc = "on_discharge calls" },
    by_discharge_year = { kind = "count", doc = "discharges, counted in person.discharge_year" },
    finished = { kind = "count", doc = "discharged with two or more sessions" },
    recovered = { kind = "count", doc = "recovered at discharge" },
    dna_seen = { kind = "level", doc = "treatment.dna_rate as ctx:get sees it" },
    u_sum = { kind = "count", doc = "sum of math.random() at referral" },
    dice_sum = { kind = "count", doc = "sum of math.random(6) at referral" },
    dice_bad = { kind = "count", doc = "math.random(6) outside 1..6" },
    finish_entered = { kind = "level", doc = "entered_treatment of the first year, from on_finish" },
  },
  setup = function(ctx, opts)
    if opts.dna_rate >= 0 then ctx:set("treatment.dna_rate", opts.dna_rate) end
    print("setup", ctx.first_year, ctx.last_year, ctx.replicate)
  end,
  on_year = function(ctx, year)
    ctx:metric("dna_seen", ctx:get("treatment.dna_rate"))
  end,
  on_referral = function(ctx, person)
    ctx:metric("referrals", 1)
    ctx:metric("u_sum", math.random())
    local d = math.random(6)
    ctx:metric("dice_sum", d)
    if d < 1 or d > 6 or math.type(d) ~= "integer" then ctx:metric("dice_bad", 1) end
    if ctx.options.signpost_all then person.route = "signpost" end
    if ctx.options.all_ltc then person.ltc = true end
  end,
  on_discharge = function(ctx, person)
    ctx:metric("discharges", 1)
    if person.discharge_year >= ctx.first_year then ctx:metric("by_discharge_year", 1, person.discharge_year) end
    if person.finished then ctx:metric("finished", 1) end
    if person.recovered then ctx:metric("recovered", 1) end
    if ctx.options.flow ~= 0 then ctx:flow("employment_support", "exchequer", ctx.options.flow) end
  end,
  on_finish = function(ctx, results)
    ctx:metric("finish_entered", results[ctx.first_year].entered_treatment, ctx.first_year)
    ctx:log("finished replicate " .. ctx.replicate)
  end,
}

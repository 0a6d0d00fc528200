-- Sets a parameter out of range in setup (tests).
return {
  name = "set_in_setup",
  summary = "Sets treatment.dna_rate to 2 in setup",
  setup = function(ctx, opts)
    ctx:set("treatment.dna_rate", 2)
  end,
}

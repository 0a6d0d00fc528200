-- a year argument far outside the int range, on another method
return {name = "yw", summary = "s",
  setup = function(ctx)
    ctx:get("treatment.dna_rate", math.mininteger)
  end}

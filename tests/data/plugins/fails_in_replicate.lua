-- Fails in one replicate only (tests: under MPI, on one rank only).
return {
  name = "fails_in_replicate",
  summary = "Raises an error at the first referral of the replicate the option names",
  options = {
    replicate = { default = 2, min = 1, max = 1000, integer = true, doc = "The replicate that fails" },
  },
  on_referral = function(ctx, person)
    if ctx.replicate == ctx.options.replicate then
      error("failed in replicate " .. ctx.replicate)
    end
  end,
}

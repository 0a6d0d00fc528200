-- Reads every service's features in on_year (tests of services_policy and ctx:service):
-- per feature, the referral-weighted quantile at which the floor stands (75th percentile,
-- 25th for dna) and the worst and best values; with `bad`, one misuse of ctx:service.
local up = { pd = true, step_up = true, dna = false, sessions = true, capacity = true }

local function quantile(vals, weights, q)
  local idx = {}
  for i = 1, #vals do idx[i] = i end
  table.sort(idx, function(a, b) return vals[a] < vals[b] end)
  local total, acc = 0, 0
  for i = 1, #vals do total = total + weights[i] end
  for _, i in ipairs(idx) do
    acc = acc + weights[i]
    if acc >= q * total then return vals[i] end
  end
  return vals[idx[#idx]]
end

local metrics = {}
for f in pairs(up) do
  metrics[f .. "_floor"] = { kind = "level", doc = "the floor of " .. f }
  metrics[f .. "_worst"] = { kind = "level", doc = "the worst service's " .. f }
  metrics[f .. "_best"] = { kind = "level", doc = "the best service's " .. f }
end

return {
  name = "service_probe",
  summary = "Reads services' features (tests)",
  options = {
    bad = { default = "none", choices = { "none", "unknown_code", "bad_index", "out_of_range", "not_a_number",
            "unknown_field", "set_in_referral", "read_in_setup", "set_name" }, doc = "The misuse" },
  },
  metrics = metrics,
  setup = function(ctx, opts)
    if opts.bad == "read_in_setup" then local x = ctx:service("02F").dna end
  end,
  on_year = function(ctx, year)
    local bad = ctx.options.bad
    if bad == "unknown_code" then ctx:service("02Z") end
    if bad == "bad_index" then ctx:service(0) end
    if bad == "out_of_range" then ctx:service("02F").dna = 2 end
    if bad == "not_a_number" then ctx:service("02F").pd = "high" end
    if bad == "unknown_field" then local x = ctx:service("02F").waits end
    if bad == "set_name" then ctx:service("02F").name = "x" end
    local id = ctx:service("02F") -- its identity, as data/services.csv has it, and by its index
    if id.code ~= "02F" or id.name ~= "NHS WEST CHESHIRE CCG" or id.region_code ~= "Y62" or id.region ~= "North West" or ctx:service(id.index).code ~= "02F" then error("service 02F's identity: " .. id.code .. ", " .. id.name .. ", " .. id.region_code .. ", " .. id.region) end; if id.icb_code ~= "QYG" or id.icb_name ~= "NHS CHESHIRE AND MERSEYSIDE INTEGRATED CARE BOARD" then error("service 02F's ICB: " .. tostring(id.icb_code) .. ", " .. tostring(id.icb_name)) end
    local share = 0
    for f, higher in pairs(up) do
      local vals, weights = {}, {}
      for i = 1, ctx.n_services do
        local s = ctx:service(i)
        vals[i] = s[f]
        weights[i] = s.referral_share
      end
      local worst, best = vals[1], vals[1]
      for i = 2, #vals do
        if higher then worst, best = math.min(worst, vals[i]), math.max(best, vals[i])
        else worst, best = math.max(worst, vals[i]), math.min(best, vals[i]) end
      end
      ctx:metric(f .. "_floor", quantile(vals, weights, higher and 0.75 or 0.25))
      ctx:metric(f .. "_worst", worst)
      ctx:metric(f .. "_best", best)
    end
  end,
  on_referral = function(ctx, person)
    if ctx.options.bad == "set_in_referral" then ctx:service("02F").dna = 0.05 end
  end,
}

-- each value within its bounds, the two together over 1
return {name = "sc", summary = "s",
  on_year = function(ctx, year)
    if year == 2020 then
      ctx:set("employment.unemployed_share", 0.7)
      ctx:set("employment.not_seeking_work_share", 0.7)
    end
  end}

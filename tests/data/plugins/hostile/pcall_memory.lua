-- the memory error caught by pcall, again and again, keeping what was allocated
local keep = {}
return { name = "pm", summary = "s",
  setup = function(ctx)
    while true do
      pcall(function() while true do keep[#keep + 1] = ("x"):rep(1000) .. #keep end end)
      keep[#keep + 1] = "one more"
    end
  end }

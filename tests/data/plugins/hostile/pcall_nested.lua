-- pcall within pcall within a loop, each level catching what the inner one let through
while true do
  pcall(pcall, pcall, function() while true do end end)
end

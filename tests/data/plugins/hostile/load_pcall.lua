-- the loop compiled by load, the error caught by pcall, the load repeated
while true do pcall(load("while true do end")) end

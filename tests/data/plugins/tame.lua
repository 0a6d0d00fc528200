-- What the sandbox's bounds must leave working (tests): each check fails the run if wrong.
local function eq(a, b, what)
  if a ~= b then error(what .. ": got " .. tostring(a) .. ", expected " .. tostring(b), 2) end
end
local late = {}
local mt = {}
setmetatable(late, mt)
mt.__gc = function() while true do end end -- added after setmetatable: never a finaliser
return {
  name = "tame",
  summary = "Uses pcall, xpcall, patterns and the table library as plugins may",
  metrics = { checks = { kind = "level", doc = "Checks passed in setup" } },
  setup = function(ctx)
    local n = 0
    local function ok() n = n + 1 end
    -- pcall and xpcall catch ordinary errors, with their values and the handler's result
    local a, b = pcall(error, "plain", 0); eq(a, false, "pcall"); eq(b, "plain", "pcall message"); ok()
    local c, d, e = pcall(function(x, y) return x + y, "two" end, 2, 3); eq(c, true, "pcall ok"); eq(d, 5, "pcall result"); eq(e, "two", "pcall results"); ok()
    local f, g = xpcall(function() error({code = 7}) end, function(err) return err.code * 2 end); eq(f, false, "xpcall"); eq(g, 14, "xpcall handler"); ok()
    local h, i = xpcall(function(x) return x * 3 end, print, 4); eq(h, true, "xpcall ok"); eq(i, 12, "xpcall args"); ok()
    eq(select("#", pcall(function() end)), 1, "pcall with no results"); ok()
    -- patterns as in Lua 5.4
    eq(string.find("hello world", "o w"), 5, "find plain"); ok()
    eq(select(2, ("hello world"):find("l+")), 4, "find end"); ok()
    eq(("key = value"):match("^(%w+)%s*=%s*(%w+)$"), "key", "match captures"); ok()
    eq(select(2, ("key = value"):match("^(%w+)%s*=%s*(%w+)$")), "value", "match second capture"); ok()
    eq(("THE (quick) fox"):find("%((%a+)%)"), 5, "find escaped class"); ok()
    eq(("f(a(b)c)d"):match("%b()"), "(a(b)c)", "balance"); ok()
    eq(("THE (quick) fox"):gsub("%f[%a]%a+", function(w) return w:lower() end), "the (quick) fox", "frontier and callback"); ok()
    eq(select(2, ("abc"):gsub("", "-")), 4, "empty matches"); ok()
    eq(("hello"):gsub("l", {l = "L"}), "heLLo", "gsub table"); ok()
    eq(("x=1, y=2"):gsub("(%w+)=(%w+)", "%2=%1"), "1=x, 2=y", "gsub captures"); ok()
    local words = {}
    for w in ("one two  three"):gmatch("%a+") do words[#words + 1] = w end
    eq(table.concat(words, ","), "one,two,three", "gmatch"); ok()
    eq(("abcabc"):find("b", 3), 5, "find init"); ok()
    eq(("aaa"):match("()a*()"), 1, "position captures"); ok()
    eq(("[x]"):find("[", 1, true), 1, "find plain special"); ok()
    eq(select(2, pcall(string.find, "a", "%")), "malformed pattern (ends with '%')", "pattern error"); ok()
    eq(("aXb"):match("%u"), "X", "class"); ok()
    eq(("abab"):match("(ab)%1"), "ab", "back reference"); ok()
    -- a long subject with a simple pattern is well within the budget
    local s = ("ab "):rep(100000)
    eq(select(2, s:gsub("%a+", "")), 100000, "gsub over 300 kB"); ok()
    -- the table library
    local t = {5, 3, 9, 1}
    table.sort(t); eq(table.concat(t, " "), "1 3 5 9", "sort"); ok()
    table.sort(t, function(x, y) return x > y end); eq(table.concat(t, " "), "9 5 3 1", "sort with comparator"); ok()
    table.insert(t, 1, 0); table.insert(t, 10); eq(table.concat(t, " "), "0 9 5 3 1 10", "insert"); ok()
    eq(table.remove(t, 1), 0, "remove"); eq(table.remove(t), 10, "remove last"); ok()
    eq(table.concat(table.move({1, 2, 3}, 1, 3, 2), ","), "1,1,2,3", "move"); ok()
    eq(select("#", table.unpack({1, 2, 3})), 3, "unpack"); ok()
    eq(table.concat({}, ","), "", "concat empty"); ok()
    local proxy = setmetatable({}, {__len = function() return 3 end, __index = function(_, k) return k * 10 end})
    eq(table.concat(proxy, "+"), "10+20+30", "concat through __len and __index"); ok()
    eq(string.rep("", 2^62), "", "rep of nothing"); ok()
    eq(string.rep("ab", 3, "-"), "ab-ab-ab", "rep with separator"); ok()
    -- many short log lines: only the first ones are kept, and that is not an error
    for k = 1, 1000 do print("line", k) end
    ok()
    collectgarbage(); collectgarbage("collect"); ok()
    ctx:metric("checks", n, 2019)
  end,
}

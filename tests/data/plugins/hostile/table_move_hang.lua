-- 1e18 nils moved in C, where no instruction is counted
table.move({}, 1, 1e18, 1)
return {name = "tm", summary = "s"}

return {
  name = "no_bounds",
  summary = "x",
  options = { share = { default = 0.5, doc = "a share" } },
}

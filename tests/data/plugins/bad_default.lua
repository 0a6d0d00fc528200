return {
  name = "bad_default",
  summary = "x",
  options = { share = { default = 1.5, min = 0, max = 1, doc = "a share" } },
}

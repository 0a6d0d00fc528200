return {
  name = "service_option_choices",
  summary = "x",
  options = { svc = { default = "02F", choices = { "02F", "99A" }, service = true, doc = "a service" } },
}

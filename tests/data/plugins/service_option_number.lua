return {
  name = "service_option_number",
  summary = "x",
  options = { svc = { default = 1, min = 0, max = 2, service = true, doc = "a service" } },
}

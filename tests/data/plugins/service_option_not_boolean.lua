return {
  name = "service_option_not_boolean",
  summary = "x",
  options = { svc = { default = "02F", service = "yes", doc = "a service" } },
}

return {
  name = "top_error",
  summary = "x",
}, error("failed while loading")

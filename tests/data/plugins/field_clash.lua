-- A declared field named like a person field (tests).
return {
  name = "field_clash",
  summary = "Declares a field the person has already",
  fields = { phq9 = { type = "boolean", doc = "clashes" } },
}

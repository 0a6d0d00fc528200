return { summary = "no name" }

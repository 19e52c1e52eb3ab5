"""Formats: strict YAML reading and writing, repair of bad editor input, Markdown, web addresses. Knows no schema."""

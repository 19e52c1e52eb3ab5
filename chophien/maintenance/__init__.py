"""Keeping the catalogue alive: what needs a person's attention (`chophien report`, docs/maintenance.md)."""

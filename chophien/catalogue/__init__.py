"""Catalogue: the content schema and its field types, the domain model, the loader that builds the Catalogue, order links."""

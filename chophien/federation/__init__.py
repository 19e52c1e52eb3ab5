"""Federation: member sites' catalogues (`danh-muc.json`), the list of members, and fetching them (docs/federation.md)."""

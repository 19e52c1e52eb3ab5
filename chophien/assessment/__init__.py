"""Assessment: scoring models, survey files, scoring, small-cell suppression, open data and charts."""

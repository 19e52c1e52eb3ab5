"""Quality gates on a built site: budgets, links, determinism, photo metadata, audit reports."""

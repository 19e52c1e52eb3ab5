"""Site: from a loaded catalogue to pages (URLs, templates' context, heads, feeds, search, QR codes) and the post-processing of the written site."""

"""Chợ phiên: a static catalogue for cooperatives of Vietnam's ethnic-minority and mountainous areas.

The domain lives in this package and never imports Pelican; `chophien.pelican_plugin`
is the only adapter.
"""

__version__ = "0.1.0"

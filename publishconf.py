"""Production settings: pelicanconf.py plus the public URL, minification and precompression.

SITEURL comes from the environment so the same file serves a domain root
(CHOPHIEN_SITEURL=https://chophien.example.vn) and a GitHub Pages project site
(CHOPHIEN_SITEURL=https://<owner>.github.io/<repo>), which the deploy workflow sets.
CHOPHIEN_SITEURL is the one name of the public address (a development build uses it too, for
canonical links and QR codes); every setting: docs/settings.md.
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("CHOPHIEN_SITEURL", "").rstrip("/")
RELATIVE_URLS = False
CHOPHIEN_MINIFY = True
CHOPHIEN_PRECOMPRESS = True

"""The size limits on photos: what the build decodes, and what `chophien images` checks and shrinks to."""

from __future__ import annotations

MAX_PIXELS = 50_000_000  # admits a 48 MP phone photo (8000×6000), refuses decompression bombs
CHECK_MIN_WIDTH = 480
CHECK_MAX_BYTES = 8 * 1024 * 1024
CHECK_MAX_PIXELS = 48_000_000
FIX_LONG_EDGE = 2048
FIX_QUALITY = 85

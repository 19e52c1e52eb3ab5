#!/usr/bin/env python3
"""Table of derivative sizes per width and format, against the photo budgets of DESIGN §5.

Measures the sample photos referenced by content/ and, because the samples are smooth
placeholders, also a synthetic busy scene (thousands of shapes and texture: harder to
compress than most real photos; benchmarks/photo_scene.py) so the budgets are tested against a
pessimistic case.

    .venv/bin/python scripts/image_sizes.py [CONTENT_DIR]
"""

import statistics
import sys
import tempfile
from pathlib import Path

from chophien.photos.cache import ImageCache
from chophien.site.build import prepare

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from photo_scene import busy_scene  # noqa: E402  (one generator, shared with `make bench`)

BUDGETS = {480: 35 * 1024, 240: 10 * 1024}


def table(rows: dict, title: str) -> str:
    lines = [
        f"\n{title}\n",
        "| width | format | photos | median | largest | budget |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for (width, fmt), sizes in sorted(rows.items()):
        budget = BUDGETS.get(width)
        lines.append(
            f"| {width} | {fmt} | {len(sizes)} | {statistics.median(sizes) / 1024:.1f} KB | {max(sizes) / 1024:.1f} KB | "
            f"{f'{budget // 1024} KB' if budget else '–'} |"
        )
    return "\n".join(lines)


def collect(processed, cache) -> dict:
    rows: dict = {}
    for image in processed:
        for d in image.derivatives:
            if d.width in (240, 480, 960):
                rows.setdefault((d.width, d.format), []).append(cache.path_of(d).stat().st_size)
    return rows


def main() -> int:
    content = Path(sys.argv[1] if len(sys.argv) > 1 else "content")
    prepared = prepare(content, ".cache")
    print(
        table(
            collect(prepared.images.values(), prepared.image_cache), f"Sample photos ({len(prepared.images)})"
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        photo = Path(tmp) / "detailed.jpg"
        busy_scene(photo)
        cache = ImageCache(Path(tmp) / "cache", workers=1)
        processed = cache.process(photo, "detailed.jpg")
        print(
            table(
                collect([processed], cache),
                "Synthetic busy 12 MP scene (pessimistic: edges and texture at every scale)",
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

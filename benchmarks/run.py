#!/usr/bin/env python3
"""`make bench`: build synthetic catalogues of N products and report build time and memory.

For each N (default 1,000 / 10,000 / 30,000; set BENCH_SIZES=1000,10000 to choose):
- cold build with photos cached: output, page state, parse and Markdown caches removed,
  photo derivatives kept (the photo encoder is measured separately, docs/photos.md);
- rebuild after editing one product's price;
- the same products built as plain Pelican articles (benchmarks/plainconf.py), cold and
  after the same one-file edit, with Pelican's own content cache.
Prints a Markdown table and the machine it ran on; `--write` also updates docs/benchmarks.md.

`--photos realistic` (or BENCH_PHOTOS=realistic) measures photos at scale instead: a sample of
BENCH_PHOTO_SAMPLE (default 48) distinct 12 MP busy-scene JPEGs (benchmarks/photo_scene.py, the
size and entropy of a phone camera's original, which is what volunteers commit) encoded cold
through the real pipeline (chophien.photos.cache.ImageCache, 2 workers), per photo: CPU seconds
of the encoding processes, derivative files and bytes, photo cache bytes, original bytes. For each
N it builds the synthetic catalogue once in production mode (publishconf: minified, .br/.gz,
search index) to measure the pages (everything but media/), and extrapolates the photos linearly
to 1.5 photos per product (independent photos: encode time, bytes and files add up).
`--write` updates the `bench-photos` block of docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PHOTOS_PER_PRODUCT = 1.5
PAGES_LIMIT = 1_000_000_000  # GitHub Pages: a published site is at most 1 GB
ACTIONS_CACHE_LIMIT = 10 * 1_000_000_000  # GitHub Actions: 10 GB of caches per repository
CORES = 2  # the build machine: a GitHub-hosted runner / this machine


def _env() -> dict:
    """The benchmark's environment: a fixed date, each tree's own `.cache/` (never the caller's)."""
    env = dict(os.environ, CHOPHIEN_TODAY="2026-11-27")
    env.pop("CHOPHIEN_CACHE_PATH", None)
    return env


def run(args: list[str], cwd: Path) -> dict:
    if "plainconf" not in " ".join(args):
        # Pagefind re-indexes the whole catalogue whenever an indexed page changes (it has no
        # incremental mode): measured separately, see docs/benchmarks.md.
        # One -e with every setting: Pelican keeps only the last -e option's values.
        if "-e" in args:
            at = args.index("-e") + 1
            args = [*args[:at], "CHOPHIEN_SEARCH_INDEX=false", *args[at:]]
        else:
            args = [*args, "-e", "CHOPHIEN_SEARCH_INDEX=false"]
    result = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks/measure.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=_env(),
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(result.stdout[-2000:] + result.stderr[-2000:])
    measured = json.loads(lines[-1])
    if measured["exit"]:
        raise RuntimeError(result.stderr[-3000:])
    match = re.search(r"Trang: (\d+) dựng mới", result.stderr)
    measured["rendered"] = int(match.group(1)) if match else None
    return measured


def edit_one(folder: Path, price: str = "123.000") -> None:
    first = sorted(folder.rglob("*.md"))[len(list(folder.rglob("*.md"))) // 2]
    text = first.read_text(encoding="utf-8")
    if "\nprice:" in text:
        text = re.sub(r"\nprice: .*", f"\nprice: {price}", text, count=1)
    else:
        text += "\nSửa một dòng.\n"
    first.write_text(text, encoding="utf-8")


def _drop_caches(work: Path) -> None:
    """Everything but the photo cache: the next build is cold."""
    for stale in [
        work / "out",
        *work.glob(".cache/pages-*.json"),
        *work.glob(".cache/parsed-*"),
        work / ".cache/markdown.json",
        work / ".cache/file-hashes.pickle",
    ]:
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)


def bench(size: int, work: Path) -> dict:
    content, articles = work / "content", work / "articles"
    subprocess.run(
        [
            PYTHON,
            str(ROOT / "benchmarks/synthetic.py"),
            str(content),
            "--products",
            str(size),
            "--articles",
            str(articles),
        ],
        check=True,
    )
    conf = str(ROOT / "pelicanconf.py")
    run(["content", "-o", "warm", "-s", conf, "-q"], work)  # fills the photo cache
    _drop_caches(work)
    # The same catalogue without the English edition (CHOPHIEN_ENGLISH=false): what /en/ costs.
    vietnamese_only = ["-e", "CHOPHIEN_ENGLISH=false"]
    cold_vi = run(["content", "-o", "out-vi", "-s", conf, "-q", *vietnamese_only], work)
    edit_one(content / "products", "124.000")
    rebuild_vi = run(["content", "-o", "out-vi", "-s", conf, "-q", *vietnamese_only], work)
    _drop_caches(work)
    cold = run(["content", "-o", "out", "-s", conf, "-q"], work)
    edit_one(content / "products")
    rebuild = run(["content", "-o", "out", "-s", conf, "-q"], work)
    plain_conf = str(ROOT / "benchmarks/plainconf.py")
    plain_cold = run(["articles", "-o", "plain", "-s", plain_conf, "-q"], work)
    edit_one(articles)
    plain_rebuild = run(["articles", "-o", "plain", "-s", plain_conf, "-q"], work)
    return {
        "size": size,
        "cold": cold,
        "rebuild": rebuild,
        "cold_vi": cold_vi,
        "rebuild_vi": rebuild_vi,
        "plain_cold": plain_cold,
        "plain_rebuild": plain_rebuild,
    }


def _tree_bytes(folder: Path, skip: str | None = None) -> tuple[int, int]:
    """(bytes, files) under *folder*, leaving out the top-level folder *skip*."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file() and not (skip and path.relative_to(folder).parts[0] == skip):
            total += path.stat().st_size
            files += 1
    return total, files


def _draw(job: tuple[str, int]) -> int:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from photo_scene import busy_scene

    busy_scene(Path(job[0]), seed=job[1])
    return Path(job[0]).stat().st_size


def photo_sample(count: int, work: Path) -> dict:
    """Encode *count* distinct phone-sized photos cold through the real pipeline; figures per photo."""
    from concurrent.futures import ProcessPoolExecutor

    from chophien.photos.cache import ImageCache

    folder = work / "originals"
    folder.mkdir(parents=True)
    jobs = [(str(folder / f"anh-{i:03d}.jpg"), 1000 + i) for i in range(count)]
    with ProcessPoolExecutor(CORES) as pool:
        originals = list(pool.map(_draw, jobs))
    cache = ImageCache(work / "images", workers=CORES, progress_stream=None)
    before, start = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    results = cache.process_all([(Path(path), Path(path).name) for path, _seed in jobs])
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    processed = list(results.values())
    if cache.encoded != count or not all(hasattr(p, "files") for p in processed):
        raise RuntimeError(f"{cache.encoded} of {count} photos encoded: {processed}")
    by_format: dict[str, int] = {}
    files = media = 0
    for image in processed:
        for derivative in image.files():
            size = cache.size_of(derivative)
            key = "share jpg" if derivative is image.share else derivative.format
            by_format[key] = by_format.get(key, 0) + size
            media += size
            files += 1
    cache_bytes, _ = _tree_bytes(work / "images")
    return {
        "photos": count,
        "original_bytes": sum(originals) / count,
        "media_bytes": media / count,
        "files": files / count,
        "by_format": {k: v / count for k, v in sorted(by_format.items())},
        "cache_bytes": cache_bytes / count,
        "cpu_seconds": cpu / count,
        "wall_seconds": wall,
    }


def pages_size(size: int, work: Path) -> dict:
    """Build N synthetic products once in production mode; bytes and files of everything but media/."""
    content = work / "content"
    subprocess.run(
        [PYTHON, str(ROOT / "benchmarks/synthetic.py"), str(content), "--products", str(size)], check=True
    )
    result = subprocess.run(
        [
            PYTHON,
            str(ROOT / "benchmarks/measure.py"),
            "content",
            "-o",
            "out",
            "-s",
            str(ROOT / "publishconf.py"),
            "-q",
        ],
        cwd=work,
        capture_output=True,
        text=True,
        env=dict(
            _env(), CHOPHIEN_SITEURL="https://chophien.example.vn", PYTHONPATH=str(ROOT)
        ),  # publishconf imports pelicanconf
    )
    if result.returncode or '"exit": 0' not in result.stdout:
        raise RuntimeError(result.stdout[-2000:] + result.stderr[-3000:])
    pages, page_files = _tree_bytes(work / "out", skip="media")
    sidecars = sum(
        p.stat().st_size for p in (work / "out").rglob("*") if p.suffix in (".br", ".gz") and p.is_file()
    )
    return {"size": size, "pages_bytes": pages, "page_files": page_files, "sidecar_bytes": sidecars}


def _mb(n: float) -> str:
    if n >= 1e9:
        return f"{n / 1e9:,.1f} GB"
    if n >= 1e6:
        return f"{n / 1e6:,.{0 if n >= 1e7 else 1}f} MB"
    return f"{n / 1e3:,.0f} KB"


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h" if seconds >= 3600 else f"{seconds / 60:.0f} min"


def _sidecars(row: dict) -> str:
    """The precompressed `.br`/`.gz` copies' share of the pages (a host that compresses itself needs none)."""
    return f" ({_mb(row['sidecar_bytes'])} of them .br/.gz)" if row.get("sidecar_bytes") else ""


def photo_table(sample: dict, sizes: list[dict]) -> str:
    """The scale table: per photo measured, per catalogue size extrapolated; pages measured (≈: a row
    given as `estimated`, e.g. scaled from another build)."""
    formats = ", ".join(f"{k} {_mb(v)}" for k, v in sample["by_format"].items())
    lines = [
        f"Per photo, measured on {sample['photos']} distinct 12 MP photos: original {_mb(sample['original_bytes'])}, "
        f"{sample['files']:.0f} output files, {_mb(sample['media_bytes'])} ({formats}), photo cache "
        f"{_mb(sample['cache_bytes'])}, encode {sample['cpu_seconds']:.2f} CPU s "
        f"(wall {sample['wall_seconds']:.0f} s for the {sample['photos']} on {CORES} shared cores).",
        "",
        "| products | photos (1.5 each) | originals | output media | media files | cold encode, 2 cores | photo cache | pages (measured; ≈ estimated) | site with media | site, media on MEDIA_URL (pages only) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in sizes:
        photos = round(row["size"] * PHOTOS_PER_PRODUCT)
        media = photos * sample["media_bytes"]
        site = row["pages_bytes"] + media
        lines.append(
            f"| {row['size']:,} | {photos:,} | {_mb(photos * sample['original_bytes'])} | {_mb(media)} "
            f"| {photos * sample['files']:,.0f} | {_hours(photos * sample['cpu_seconds'] / CORES)} "
            f"| {_mb(photos * sample['cache_bytes'])} ({photos * sample['cache_bytes'] / ACTIONS_CACHE_LIMIT:.0%} of 10 GB) "
            f"| {'≈ ' if row.get('estimated') else ''}{_mb(row['pages_bytes'])}, {row['page_files']:,} files{_sidecars(row)} "
            f"| {_mb(site)} ({site / PAGES_LIMIT:.0%} of 1 GB) | {_mb(row['pages_bytes'])} ({row['pages_bytes'] / PAGES_LIMIT:.0%}) |"
        )
    return "\n".join(lines)


def main_photos(sizes: list[int]) -> int:
    count = int(os.environ.get("BENCH_PHOTO_SAMPLE", "48"))
    with tempfile.TemporaryDirectory(prefix="chophien-bench-photos-") as tmp:
        sample = photo_sample(count, Path(tmp) / "sample")
        print(f"sample: {json.dumps(sample)}", file=sys.stderr)
        rows = []
        for size in sizes:
            work = Path(tmp) / str(size)
            work.mkdir()
            rows.append(pages_size(size, work))
            print(f"{size}: {json.dumps(rows[-1])}", file=sys.stderr)
            shutil.rmtree(work)
    report = f"Machine: {machine()}\n\n{photo_table(sample, rows)}\n"
    print(report)
    if "--write" in sys.argv:
        write_block("bench-photos", report)
    return 0


def write_block(name: str, report: str) -> None:
    doc = ROOT / "docs/benchmarks.md"
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    start, end = f"<!-- BEGIN: {name} -->", f"<!-- END: {name} -->"
    block = f"{start}\n{report}{end}"
    text = (
        re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
        if start in text
        else text + "\n" + block + "\n"
    )
    doc.write_text(text, encoding="utf-8")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, {platform.system()}"


def table(results: list[dict]) -> str:
    lines = [
        "| products | cold build (photos cached) | peak memory | rebuild after 1 edit | pages re-rendered | plain Pelican cold | plain Pelican rebuild | plain peak memory |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['size']:,} | {r['cold']['seconds']:.1f} s | {r['cold']['peak_mb']:.0f} MB | {r['rebuild']['seconds']:.1f} s "
            f"| {r['rebuild']['rendered']} | {r['plain_cold']['seconds']:.1f} s | {r['plain_rebuild']['seconds']:.1f} s "
            f"| {r['plain_cold']['peak_mb']:.0f} MB |"
        )
    return "\n".join(lines) + "\n\n" + english_table(results)


def english_table(results: list[dict]) -> str:
    """What the English edition costs: the same catalogue built with and without /en/ (CPU seconds of
    the build and its workers, robust against a loaded machine; wall time beside it)."""
    lines = [
        "| products | pages, Vietnamese only → with English | cold, Vietnamese only | cold, with English | English edition's share | rebuild after 1 edit, Vietnamese only → with English |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        vi, both = r["cold_vi"], r["cold"]
        added_pages = both["rendered"] / vi["rendered"] - 1 if vi["rendered"] else 0
        added_time = both["cpu_seconds"] / vi["cpu_seconds"] - 1
        lines.append(
            f"| {r['size']:,} | {vi['rendered']:,} → {both['rendered']:,} (+{added_pages:.0%}) "
            f"| {vi['cpu_seconds']:.1f} s CPU ({vi['seconds']:.1f} s) | {both['cpu_seconds']:.1f} s CPU ({both['seconds']:.1f} s) "
            f"| +{added_time:.0%} time for +{added_pages:.0%} pages "
            f"| {r['rebuild_vi']['cpu_seconds']:.1f} → {r['rebuild']['cpu_seconds']:.1f} s CPU, {r['rebuild_vi']['rendered']} → {r['rebuild']['rendered']} pages |"
        )
    return "\n".join(lines)


def main() -> int:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000,30000").split(",") if s]
    mode = os.environ.get("BENCH_PHOTOS", "")
    if "--photos" in sys.argv:
        mode = (
            sys.argv[sys.argv.index("--photos") + 1] if sys.argv.index("--photos") + 1 < len(sys.argv) else ""
        )
    if mode not in ("", "cached", "realistic"):
        print(f"run.py: --photos {mode!r}: use 'cached' (the page build) or 'realistic'", file=sys.stderr)
        return 2
    if mode == "realistic":
        return main_photos(sizes)
    results = []
    with tempfile.TemporaryDirectory(prefix="chophien-bench-") as tmp:
        for size in sizes:
            work = Path(tmp) / str(size)
            work.mkdir()
            results.append(bench(size, work))
            print(f"{size}: {json.dumps(results[-1])}", file=sys.stderr)
    report = f"Machine: {machine()}\n\n{table(results)}\n"
    print(report)
    if "--write" in sys.argv:
        write_block("bench", report)
    return 0


if __name__ == "__main__":
    sys.exit(main())

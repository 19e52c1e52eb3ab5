#!/usr/bin/env python3
"""`make bench`: build synthetic catalogues of N products and report build time and memory.

For each N (default 1,000 / 10,000 / 30,000; set BENCH_SIZES=1000,10000 to choose):
- cold build with photos cached: output, page state, parse and Markdown caches removed,
  photo derivatives kept (the photo encoder is measured separately, docs/photos.md);
- rebuild after editing one product's price;
- the same products built as plain Pelican articles (benchmarks/plainconf.py), cold and
  after the same one-file edit, with Pelican's own content cache.
Prints a Markdown table and the machine it ran on; `--write` also updates docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def run(args: list[str], cwd: Path) -> dict:
    if "plainconf" not in " ".join(args):
        # Pagefind re-indexes the whole catalogue whenever an indexed page changes (it has no
        # incremental mode): measured separately, see docs/benchmarks.md.
        args = [*args, "-e", "CHOPHIEN_SEARCH_INDEX=false"]
    result = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks/measure.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=dict(os.environ, CHOPHIEN_TODAY="2026-11-27"),
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


def edit_one(folder: Path) -> None:
    first = sorted(folder.rglob("*.md"))[len(list(folder.rglob("*.md"))) // 2]
    text = first.read_text(encoding="utf-8")
    if "\nprice:" in text:
        text = re.sub(r"\nprice: .*", "\nprice: 123.000", text, count=1)
    else:
        text += "\nSửa một dòng.\n"
    first.write_text(text, encoding="utf-8")


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
    for stale in [
        work / "out",
        *work.glob(".cache/pages-*.json"),
        *work.glob(".cache/parsed-*"),
        work / ".cache/markdown.json",
        work / ".cache/file-hashes.pickle",
    ]:
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)
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
        "plain_cold": plain_cold,
        "plain_rebuild": plain_rebuild,
    }


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
    return "\n".join(lines)


def main() -> int:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,10000,30000").split(",") if s]
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
        doc = ROOT / "docs/benchmarks.md"
        text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
        start, end = "<!-- BEGIN: bench -->", "<!-- END: bench -->"
        block = f"{start}\n{report}{end}"
        text = (
            re.sub(re.escape(start) + ".*?" + re.escape(end), block, text, flags=re.S)
            if start in text
            else text + "\n" + block + "\n"
        )
        doc.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

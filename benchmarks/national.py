#!/usr/bin/env python3
"""National build time and first-search bytes over simulated member sites (docs/federation.md).

The members are not built: their catalogues (`danh-muc.json`, schema v1) are generated from the
sample catalogue's names and categories, spread over the provinces, and served on 127.0.0.1 the
way a host does (CORS on the catalogue and the search bundle). With `--search`, each member also
gets a Pagefind bundle made by running Pagefind over minimal pages holding the same search block
as a real product page, and the merged search of the national site is measured in Chromium:
every byte sent by the national site and the members from the first focus of the box until the
results have settled.

    python benchmarks/national.py --members 34 --products 1000 [--search] [--query "mat ong"]

Reports the national build's CPU time (user + system of the build process, which the machine's
load distorts less than wall time) and its wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from chophien import reference  # noqa: E402
from chophien.core.text import format_money, slugify  # noqa: E402
from chophien.formats.strictyaml import parse_front_matter  # noqa: E402
from chophien.quality.server import PrecompressedHandler, free_port, serve  # noqa: E402
from chophien.site import urls  # noqa: E402
from chophien.site.search import index_terms  # noqa: E402

TODAY = "2026-11-27"
UNITS = ["gói 500 g", "hộp 200 g", "kg", "chai 500 ml", "túi 1 kg", "hộp quà", "chiếc", "bộ"]
QUALIFIERS = ["hảo hạng", "đặc biệt", "truyền thống", "loại 1", "mùa mới", "thượng hạng", "cổ truyền", "túi nhỏ"]


class CorsHandler(PrecompressedHandler):
    """A member's host: every file with `Access-Control-Allow-Origin: *` (what `_headers` gives
    danh-muc.json and the search bundle of a real member)."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()


def samples() -> list[dict]:
    found = []
    for path in sorted((ROOT / "content" / "products").glob("*/*.md")):
        found.append(parse_front_matter(path.read_bytes()).data)
    return found


def member_catalogue(member_id: str, base: str, province: str, count: int, rng: random.Random) -> dict:
    """A schema-v1 catalogue of *count* products in cooperatives of 20, on *base* (ending in "/")."""
    pool = samples()
    groups = [g.slug for g in reference.ethnic_groups()][:12]
    coops, products = [], []
    for index in range(count):
        if index % 20 == 0:
            slug = f"htx-{member_id}-{index // 20 + 1:03d}"
            coops.append(
                {
                    "slug": slug,
                    "name": f"Hợp tác xã {member_id.upper()} số {index // 20 + 1}",
                    "short_name": f"HTX {member_id.upper()} {index // 20 + 1}",
                    "kind": "hop-tac-xa",
                    "province": province,
                    "commune": "Xã Bản Phố",
                    "ethnic_groups": [rng.choice(groups)],
                    "url": f"{base}{urls.cooperative_path(slug)}",
                    "updated": TODAY,
                }
            )
        sample = pool[index % len(pool)]
        name = f"{sample['name']} {rng.choice(QUALIFIERS)} {index}"
        slug = slugify(name)
        found = reference.find_category(str(sample.get("category", "")))
        category = found.slug if found else "che"
        code = f"{member_id.upper()[:4]}-{index:05d}"
        photo = f"{base}media/{slug}-0123456789"
        stars = rng.choice([None, None, None, 3, 4, 5])
        products.append(
            {
                "slug": slug,
                "cooperative": coops[-1]["slug"],
                "code": code,
                "name": name,
                "name_en": "",
                "category": category,
                "group": "",
                "price": rng.randrange(20, 2000) * 1000,
                "unit": rng.choice(UNITS),
                "status": "con-hang",
                "province": province,
                "ocop": {"stars": stars, "year": 2024, "expires": None} if stars else None,
                "certifications": [],
                "url": f"{base}{urls.product_path(coops[-1]['slug'], slug)}",
                "summary": str(sample.get("summary", ""))[:160],
                "photo": {"jpg": f"{photo}-480.jpg", "webp": f"{photo}-480.webp", "avif": None,
                          "w": 480, "h": 360, "alt": name},  # fmt: skip
                "updated": TODAY,
            }
        )
    return {
        "format": "chophien-catalogue",
        "version": 1,
        "site": {"name": f"Chợ phiên {member_id}", "url": base, "search": f"{base}{urls.search_bundle()}",
                 "media": None, "generated": TODAY},  # fmt: skip
        "cooperatives": coops,
        "products": products,
    }


def search_pages(folder: Path, catalogue: dict) -> None:
    """Minimal product pages with the search block a real product page carries (_discovery.html)."""
    names = {c["slug"]: c["short_name"] for c in catalogue["cooperatives"]}
    categories = {c.slug: c.name for c in reference.categories()}
    for product in catalogue["products"]:
        province = reference.province_by_slug(product["province"]).name
        name_terms, terms = index_terms(
            product["name"], [categories[product["category"]], province, names[product["cooperative"]], product["summary"]]
        )
        meta = {
            "title": product["name"],
            "price": f"{format_money(product['price'])} / {product['unit']}",
            "coop": names[product["cooperative"]],
            "place": province,
            "image": product["photo"]["jpg"],
        }
        filters = {"loai": "Sản phẩm", "danh-muc": categories[product["category"]], "tinh": province}
        page = folder / product["url"].split("/", 4)[4] / "index.html"  # ".../mNN/san-pham/a/b/"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(
            '<!DOCTYPE html><html lang="vi"><head><title>x</title></head><body>'
            f'<div data-pagefind-body hidden><p data-pagefind-weight="5">{name_terms}</p><p>{terms}</p>'
            + "".join(f'<i data-pagefind-meta="{k}:{v}"></i>' for k, v in meta.items())
            + "".join(f'<i data-pagefind-filter="{k}:{v}"></i>' for k, v in filters.items())
            + "</div></body></html>",
            encoding="utf-8",
        )


def run_pagefind(site: Path) -> None:
    out = site / urls.search_bundle()
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", "san-pham/*/*/index.html",
         "--output-path", str(out)],  # fmt: skip
        check=True,
        capture_output=True,
    )
    for name in out.glob("pagefind-*ui*"):
        name.unlink()


def national_build(content: Path, output: Path, federation: Path, cache: Path, siteurl: str) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one national build."""
    env = dict(os.environ, CHOPHIEN_TODAY=TODAY, CHOPHIEN_CACHE_PATH=str(cache),
               CHOPHIEN_FEDERATION=str(federation), CHOPHIEN_SITEURL=siteurl)  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", str(ROOT / "pelicanconf.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"national build failed:\n{result.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def federation_yaml(members: list[tuple[str, str, str]]) -> str:
    """federation.yaml for (id, url, province slug) members."""
    lines = ["members:"]
    for member_id, url, province in members:
        lines += [f"  - id: {member_id}", f"    name: Chợ phiên {member_id}", f"    url: {url}",
                  f"    province: {province}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def first_search_bytes(national: Path, members_traffic: list, query: str) -> tuple[int, int, int]:
    """(bytes from the national site, bytes from the members, results shown) of a first search."""
    import search_bytes

    with search_bytes.serve(national) as (base, traffic), search_bytes.chromium() as page:
        page.goto(f"{base}/tim-kiem/", wait_until="networkidle")
        mark, member_mark = traffic.mark(), len(members_traffic)
        results = search_bytes.search_results(page, query, timeout=60_000)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        own = sum(size for _, size in traffic.since(mark))
        remote = sum(members_traffic[member_mark:])
    return own, remote, len(results)


def counting(handler: type, sent: list) -> type:
    class Counting(handler):
        def copyfile(self, source, outputfile) -> None:
            data = source.read()
            outputfile.write(data)
            sent.append(len(data))

    return Counting


@contextlib.contextmanager
def members_served(folder: Path, sent: list):
    with serve(folder, handler=counting(CorsHandler, sent)) as base:
        yield base


SAMPLE_MEMBERS = {  # --sample: three member sites built from parts of content/ (as tests/site/test_national.py)
    "tuyen-quang": ("tuyen-quang", ["htx-che-shan-tuyet-ho-thau", "to-hop-tac-ong-mat-dong-van"]),
    "tay-bac": ("dien-bien", ["cong-ty-nong-san-nam-rom", "lien-hiep-htx-nong-san-son-la"]),
    "tay-nguyen": ("dak-lak", ["cong-ty-cacao-ea-kar", "htx-ca-phe-buon-ky"]),
}



def build_sample_member(root: Path, cooperatives: list[str], port: int, cache: Path) -> Path:
    """An ordinary build of this project over *cooperatives* of content/, at http://127.0.0.1:port/."""
    source, content = ROOT / "content", root / "content"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(source / "pages", content / "pages")
    (content / "cooperatives").mkdir()
    for slug in cooperatives:
        shutil.copy(source / "cooperatives" / f"{slug}.md", content / "cooperatives")
        if (source / "cooperatives" / slug).is_dir():
            shutil.copytree(source / "cooperatives" / slug, content / "cooperatives" / slug)
        shutil.copytree(source / "products" / slug, content / "products" / slug)
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CHOPHIEN_TODAY=TODAY, CHOPHIEN_CACHE_PATH=str(cache), CHOPHIEN_SITEURL=f"{url}/")
    output = root / "output"
    subprocess.run(
        [sys.executable, "-m", "pelican", str(content), "-o", str(output), "-s", str(ROOT / "pelicanconf.py"),
         "-e", f'SITEURL="{url}"'],  # fmt: skip
        cwd=ROOT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    return output


def sample(work: Path, query: str) -> None:
    """The national build and first search over three real member sites built from content/."""
    sent: list[int] = []
    with contextlib.ExitStack() as stack:
        members = []
        for member_id, (province, cooperatives) in SAMPLE_MEMBERS.items():
            port = free_port()
            output = build_sample_member(work / member_id, cooperatives, port, work / "member-cache")
            stack.enter_context(serve(output, port=port, handler=counting(PrecompressedHandler, sent)))
            members.append((member_id, f"http://127.0.0.1:{port}/", province))
        national = national_run(work, members)
        own, remote, shown = first_search_bytes(national, sent, query)
        print(f"first search “{query}”: {shown} results shown, {(own + remote) / 1024:.1f} KB "
              f"({own / 1024:.1f} KB national site, {remote / 1024:.1f} KB from the members)")  # fmt: skip


def national_run(work: Path, members: list[tuple[str, str, str]]) -> Path:
    """federation.yaml for *members*, the national build twice (cold, then unchanged); its output."""
    federation = work / "federation.yaml"
    federation.write_text(federation_yaml(members), encoding="utf-8")
    content = work / "content"
    shutil.rmtree(content, ignore_errors=True)
    (content / "pages").mkdir(parents=True)
    for page in (ROOT / "content" / "pages").glob("*.md"):
        shutil.copy(page, content / "pages")
    output, cache = work / "output", work / "cache"
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    cpu, wall = national_build(content, output, federation, cache, "http://127.0.0.1:8000/")
    pages = sum(1 for _ in output.rglob("*.html"))
    print(f"national build over {len(members)} members: {cpu:.1f} s CPU, {wall:.1f} s wall, {pages} HTML files")
    cpu, wall = national_build(content, output, federation, cache, "http://127.0.0.1:8000/")
    print(f"  again, nothing changed (members answer 304 or the same bytes): {cpu:.1f} s CPU, {wall:.1f} s wall")
    return output


def one_index(national: Path, sites: Path, site: Path, query: str) -> None:
    """The alternative to merging: one Pagefind index over every member's pages, as the national
    site's own bundle (no data-members), and its first search."""
    import search_bytes

    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(national, site)
    bundle = site / urls.search_bundle()
    shutil.rmtree(bundle)
    subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(sites), "--glob", "m*/san-pham/*/*/index.html",
         "--output-path", str(bundle)],  # fmt: skip
        check=True,
        capture_output=True,
    )
    page = site / urls.search() / "index.html"
    page.write_text(re.sub(r' data-members="[^"]*"', "", page.read_text(encoding="utf-8")), encoding="utf-8")
    total, sent, results = search_bytes.first_search(site, query)
    meta = sum(size for path, size in sent if path.endswith(".pf_meta"))
    print(f"one index over every member's pages, first search “{query}”: {len(results)} results shown, "
          f"{total / 1024:.1f} KB (page list {meta / 1024:.1f} KB)")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=34)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--search", action="store_true", help="also Pagefind bundles and the merged first search")
    parser.add_argument("--query", default="mat ong")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--sample", action="store_true", help="three real member sites built from content/")
    parser.add_argument(
        "--one-index", action="store_true", help="with --search: also one Pagefind index over every member's pages"
    )
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="chophien-national-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.sample:
        try:
            sample(work, args.query)
        finally:
            if not args.keep:
                shutil.rmtree(work, ignore_errors=True)
        return 0
    rng = random.Random(2026)
    provinces = [p.slug for p in reference.provinces()]
    sites = work / "members"
    shutil.rmtree(sites, ignore_errors=True)
    sites.mkdir()
    sent: list[int] = []
    try:
        with members_served(sites, sent) as base:
            members = []
            for number in range(1, args.members + 1):
                member_id = f"m{number:02d}"
                url = f"{base}{member_id}/"
                province = provinces[(number - 1) % len(provinces)]
                catalogue = member_catalogue(member_id, url, province, args.products, rng)
                folder = sites / member_id
                folder.mkdir()
                (folder / "danh-muc.json").write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
                if args.search:
                    search_pages(folder, catalogue)
                    run_pagefind(folder)
                members.append((member_id, url, province))
            print(f"{args.members} simulated members × {args.products} products")
            output = national_run(work, members)
            if args.search:
                own, remote, shown = first_search_bytes(output, sent, args.query)
                print(f"first search “{args.query}”: {shown} results shown, {(own + remote) / 1024:.1f} KB "
                      f"({own / 1024:.1f} KB national site, {remote / 1024:.1f} KB from the members)")  # fmt: skip
                if args.one_index:
                    one_index(output, sites, work / "one-index", args.query)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

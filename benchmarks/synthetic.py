#!/usr/bin/env python3
"""Generate a synthetic catalogue of N products shaped like content/, for benchmarks.

Names, stories and categories are recombined from the bundled sample catalogue (realistic
Vietnamese text); cooperatives are spread over the 34 provinces; every product references 1–2
photos placed beside it. Photos are copies of a few small sample JPEGs, so the photo cache
holds them once (content hash) and a benchmark measures the site build, not the encoder.

    python benchmarks/synthetic.py OUT_DIR --products 10000 [--per-coop 20] [--articles ARTICLES_DIR]

`--articles` also writes the same products as plain Pelican articles (Title/Date/Category/Tags
metadata) for the "plain Pelican" comparison.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chophien import reference  # noqa: E402
from chophien.core.text import group_thousands, slugify  # noqa: E402
from chophien.formats.strictyaml import parse_front_matter  # noqa: E402

KINDS = ["hop-tac-xa", "hop-tac-xa", "hop-tac-xa", "to-hop-tac", "doanh-nghiep", "ho-kinh-doanh"]
GROUPS = [
    "H'Mông",
    "Dao",
    "Tày",
    "Thái",
    "Nùng",
    "Mường",
    "Hà Nhì",
    "Ê Đê",
    "Gia Rai",
    "Ba Na",
    "Khmer",
    "Cơ Ho",
]
PLACES = ["Bản Phố", "Tả Van", "Nậm Cang", "Hồ Thầu", "Sà Phìn", "Lũng Cú", "Mường Lò", "Tú Lệ", "Ea Kar",
          "Krông Bông", "Tri Tôn", "Cầu Kè", "Đăk Tô", "Lạc Dương", "Pác Ngòi", "Y Tý", "Phìn Hồ", "Bát Xát"]  # fmt: skip
SIZES = ["gói 500 g", "hộp 200 g", "kg", "chai 500 ml", "túi 1 kg", "hộp quà", "chiếc", "bộ"]


def sample_products(content: Path) -> list[tuple[dict, str]]:
    samples = []
    for path in sorted((content / "products").glob("*/*.md")):
        doc = parse_front_matter(path.read_bytes())
        samples.append((doc.data, doc.body))
    return samples


def coop_text(index: int, rng: random.Random, province) -> str:
    place = rng.choice(PLACES)
    groups = rng.sample(GROUPS, 2)
    phone = f"09{rng.randrange(10**8):08d}"
    return (
        "---\n"
        f"name: Hợp tác xã Nông sản {place} số {index}\n"
        f"short_name: HTX {place} {index}\n"
        f"kind: {rng.choice(KINDS)}\n"
        f"province: {province.name}\n"
        f"commune: Xã {place}\n"
        f"ethnic_groups: [{', '.join(groups)}]\n"
        f"founded: {rng.randint(1998, 2024)}\n"
        f"members: {rng.randint(7, 300)}\n"
        "contact:\n"
        f"  phone: {phone}\n"
        f"  zalo: {phone}\n"
        "---\n"
        f"Hợp tác xã của đồng bào {groups[0]} và {groups[1]} ở {place}, {province.name}. "
        "Các thành viên trồng, chế biến và bán chung sản phẩm của bản.\n"
    )


def product_text(data: dict, body: str, rng: random.Random, index: int, photos: list[str]) -> str:
    name = f"{data['name']} {rng.choice(PLACES)} loại {index % 7 + 1}"
    price = rng.choice(["lien-he"] + [group_thousands(rng.randint(2, 900) * 5000) for _ in range(20)])
    lines = [
        "---",
        f"name: {name}",
        f"category: {data['category']}",
        f"price: {price}",
        f"unit: {rng.choice(SIZES)}",
        "images:",
    ]
    for photo in photos:
        lines += [f"  - file: {photo}", f"    alt: Ảnh {name}"]
    lines.append(f"status: {rng.choice(['con-hang'] * 6 + ['het-hang', 'theo-mua', 'dat-truoc'])}")
    if rng.random() < 0.2:
        lines += ["ocop:", f"  stars: {rng.choice([3, 3, 4, 4, 5])}", f"  year: {rng.randint(2021, 2025)}"]
    if rng.random() < 0.02:
        lines.append("featured: yes")
    english = data.get("translations", {}).get("en", {})
    if english.get("name"):  # the sample's translated products (about 40 %) stay translated
        name_en = json.dumps(f"{english['name']} {index % 7 + 1}", ensure_ascii=False)
        lines += ["translations:", "  en:", f"    name: {name_en}"]
        lines += [
            f"    {key}: {json.dumps(english[key], ensure_ascii=False)}"
            for key in ("unit", "summary")
            if english.get(key)
        ]
        if english.get("story"):
            lines.append("    story: |")
            lines += [f"      {line}" if line else "" for line in english["story"].splitlines()]
    lines.append("---")
    return "\n".join(lines) + "\n" + body


def article_text(data: dict, body: str, index: int, name: str) -> str:
    return (
        f"Title: {name}\nDate: 2025-01-{index % 28 + 1:02d} 10:{index % 60:02d}\n"
        f"Category: {data['category']}\nTags: {', '.join(str(t) for t in data.get('tags', [])[:3]) or 'sản phẩm'}\n"
        f"Slug: sp-{index}\n\n{body}"
    )


def generate(out: Path, products: int, per_coop: int, articles: Path | None, seed: int = 2026) -> None:
    rng = random.Random(seed)
    samples = sample_products(ROOT / "content")
    photos = sorted((ROOT / "content/products").glob("*/*.jpg"))[:3]
    if out.exists():
        shutil.rmtree(out)
    (out / "pages").mkdir(parents=True)
    for page in (ROOT / "content/pages").glob("*.md"):
        shutil.copy(page, out / "pages" / page.name)
    shutil.copytree(ROOT / "content/pages/en", out / "pages/en")  # their English versions
    provinces = reference.provinces()
    coops = max(1, products // per_coop)
    if articles:
        if articles.exists():
            shutil.rmtree(articles)
        articles.mkdir(parents=True)
    made = 0
    for c in range(coops):
        province = provinces[c % len(provinces)]
        slug = f"htx-{slugify(province.name)}-{c}"
        (out / "cooperatives").mkdir(exist_ok=True)
        (out / "cooperatives" / f"{slug}.md").write_text(coop_text(c, rng, province), encoding="utf-8")
        folder = out / "products" / slug
        folder.mkdir(parents=True)
        for photo in photos:
            shutil.copy(photo, folder / photo.name)
        count = per_coop if c < coops - 1 else products - made
        for p in range(count):
            data, body = samples[(made + p) % len(samples)]
            chosen = [photo.name for photo in photos[: rng.choice([1, 1, 2])]]
            text = product_text(data, body, rng, made + p, chosen)
            stem = re.sub(r"-+", "-", f"{slugify(data['name'])[:40]}-{p}").strip("-")
            (folder / f"{stem}.md").write_text(text, encoding="utf-8")
            if articles:
                name = text.split("\n", 2)[1].removeprefix("name: ")
                (articles / f"{slug}-{stem}.md").write_text(
                    article_text(data, body, made + p, name), encoding="utf-8"
                )
        made += count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--per-coop", type=int, default=20)
    parser.add_argument("--articles", type=Path, default=None)
    args = parser.parse_args()
    generate(args.out, args.products, args.per_coop, args.articles)
    return 0


if __name__ == "__main__":
    sys.exit(main())

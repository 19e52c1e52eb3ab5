"""Site search with Pagefind: what each product and cooperative page gives the index, and the run.

Only a small hidden block per page is indexed (`data-pagefind-body`): the name, the taxonomy
(category, group, province, ethnic groups with their other spellings, cooperative,
certifications, tags) and a short summary. Navigation, order messages and stories stay out.

The block holds each distinct word once, without tone or vowel marks ("mật ong" → "mat ong"):
Pagefind folds the marks of a query the same way, so typing with or without them finds the
same pages, while the index has one entry per syllable instead of up to a dozen spellings
scattered over its chunks — on a 10,000-product catalogue that makes a first search about 40 %
smaller (docs/search.md). Pagefind does not fold đ, so words with đ are indexed both ways
("đien" and "dien"). Results show metadata (name, price, producer, thumbnail), never excerpts.
"""

from __future__ import annotations

import errno
import functools
import gzip
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from chophien import reference
from chophien.catalogue.model import KINDS, Cooperative, Image, Product
from chophien.core.cache_version import cache_version, ignoring
from chophien.core.files import signature_of, write_atomic
from chophien.photos.model import ProcessedImage
from chophien.site import i18n, urls
from chophien.site.i18n import N_
from chophien.site.pagefind_stable import stabilise

# Pagefind's file glob: product and cooperative pages only (listings have no index block).
# The pages Pagefind reads: products (not the listing's pages) and cooperatives.
_EN_PRODUCTS = i18n.english_path(urls.products())  # "en/products/": English pages have their own index
_EN_COOPERATIVES = i18n.english_path(urls.cooperatives())
GLOB = f"{{{urls.products()}*/*,{urls.cooperatives()}*,{_EN_PRODUCTS}*/*,{_EN_COOPERATIVES}*}}/index.html"
INDEXED_PAGE = re.compile(
    rf"(?:{re.escape(urls.products())}|{re.escape(_EN_PRODUCTS)})(?!{urls.PAGES}/)[^/]+/[^/]+/index\.html"
    rf"|(?:{re.escape(urls.cooperatives())}|{re.escape(_EN_COOPERATIVES)})[^/]+/index\.html"
)
FOLDER = urls.search_bundle().rstrip("/")  # beside the search page; hosts cache it like the theme files
UNUSED_FILES = (
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
)
SUMMARY_LENGTH = 160
NAME_WEIGHT = 10
KIND_PRODUCT = N_("Sản phẩm")
KIND_COOPERATIVE = N_("Hợp tác xã, cơ sở")
# Words every cooperative name starts with: indexed on its own page, left out of its products'
# blocks so "hợp tác xã" does not land in every product's index entry.
_KIND_PREFIXES = re.compile(
    r"^(liên hiệp hợp tác xã|liên hiệp htx|hợp tác xã|htx|tổ hợp tác|tht|công ty tnhh|công ty cổ phần|"
    r"công ty|hộ kinh doanh|hkd|cơ sở)\s+",
    re.IGNORECASE,
)
_COMMUNE_PREFIXES = re.compile(r"^(xã|phường|thị trấn|đặc khu)\s+", re.IGNORECASE)
_WORD = re.compile(r"\w+")
# Function words that appear in most summaries and find nothing on their own (in search form).
STOPWORDS = frozenset(
    "và của các những được có là từ trong trên dưới cho với một này đó khi rồi làm để ra vào lại "
    "thì mà nên như theo đã sẽ đang cũng rất nhiều hơn chỉ mỗi bằng sau trước đến tại về cả còn vẫn ở "
    "the and of with from in".split()
)


def distinctive_name(name: str) -> str:
    """A producer's name without its legal form: "Hợp tác xã Chè Nà Hang" → "Chè Nà Hang"."""
    return _KIND_PREFIXES.sub("", name, count=1).strip() or name


def ethnic_names(coop: Cooperative) -> str:
    """The cooperative's ethnic groups with their other spellings ("H'Mông, Mông, Hmong, …")."""
    return ", ".join(", ".join((g.name, *g.aliases)) for g in coop.ethnic_groups)


def place_name(commune: str) -> str:
    return _COMMUNE_PREFIXES.sub("", commune, count=1).strip()


@dataclass(frozen=True)
class SearchRecord:
    name: str  # the result's title (metadata, shown as written)
    name_terms: str  # the name's words, folded: indexed with extra weight
    terms: str  # the other distinct words, folded, and đ-less variants: indexed
    filters: tuple[tuple[str, str], ...]
    meta: tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=1 << 16)  # words repeat across thousands of products
def search_form(text: str) -> str:
    """Lowercase, without tone and vowel marks, đ kept: the form Pagefind compares words in."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))


def _thumbnail(
    image: Image | None, images: dict[str, ProcessedImage], siteurl: str, media_url: str = ""
) -> list[tuple[str, str]]:
    processed = images.get(image.source) if image else None
    if processed is None or not processed.derivatives:
        return []
    meta = [
        ("image", urls.media_address(processed.fallback(240).name, siteurl, media_url)),
        ("image_alt", image.alt),
    ]
    webp = processed.variants("webp")
    if webp:
        small = min(webp, key=lambda d: (abs(d.width - 240), d.width))
        meta.append(("image_webp", urls.media_address(small.name, siteurl, media_url)))
    return meta


def index_terms(name: str, parts: list[str]) -> tuple[str, str]:
    """(name words, other words): distinct, folded (`search_form`), each đ-word also without đ.

    Pagefind stores every occurrence of a word with its page: repeated and very common words
    ("và", "được", the cooperative's name on each of its products) would make the index chunks
    a first search downloads larger without finding anything more.
    """
    seen: set[str] = set()

    def distinct(text: str, skip=frozenset()) -> list[str]:
        kept = []
        for original in _WORD.findall(text):
            if original.lower() in skip:  # compared with marks: "có" goes, "cỏ" stays
                continue
            word = search_form(original)
            for form in (word, word.replace("đ", "d")) if "đ" in word else (word,):
                if form not in seen:
                    seen.add(form)
                    kept.append(form)
        return kept

    name_words = distinct(name)
    other = distinct(" ".join(p for p in parts if p), STOPWORDS)
    return " ".join(name_words), " ".join(other)


def _record(name: str, parts: list[str], filters, meta, also_named: str = "") -> SearchRecord:
    """*also_named*: the Vietnamese name of an English record, weighted as a name too."""
    name_terms, terms = index_terms(f"{name} {also_named}" if also_named else name, parts)
    return SearchRecord(
        name=name,
        name_terms=name_terms,
        terms=terms,
        filters=tuple((k, v) for k, v in filters if v),
        meta=tuple((k, v) for k, v in meta if v),
    )


def _clip(text: str) -> str:
    if len(text) <= SUMMARY_LENGTH:
        return text
    return text[:SUMMARY_LENGTH].rsplit(" ", 1)[0] + "…"


_text = i18n.text_in


def ocop_label(stars: int, lang: str = i18n.VI) -> str:
    """The OCOP filter's value: "4 sao" on Vietnamese pages, "4-star" on English ones."""
    return f"{stars}-star" if lang == i18n.EN else f"{stars} sao"


def product_record(
    product: Product,
    images: dict[str, ProcessedImage],
    siteurl: str = "",
    media_url: str = "",
    lang: str = i18n.VI,
) -> SearchRecord:
    """What a product page gives the search index of its language (Pagefind keeps one per `lang`).

    An English record is found by its English words and by the Vietnamese name, with or without
    marks (search_form), as a buyer abroad may type what is on the package.
    """
    coop = product.cooperative
    group = reference.category_group_by_slug(product.category.group)
    province = product.origin_province or coop.province
    provinces = [province, *([coop.province] if coop.province != province else [])]
    commune = product.origin_commune or (coop.commune if not product.origin_province else "")
    english = lang == i18n.EN
    gettext = i18n.translations(lang).gettext
    price = i18n.money_en(product.price) if english else product.price_display
    unit = _text(product, "unit", lang)
    if product.price is not None and unit:
        price += f" / {unit}"
    parts = [
        product.name if english else product.name_en,
        _text(product.category, "name", lang),
        _text(group, "name", lang),
        ", ".join(_text(p, "name", lang) for p in provinces),
        place_name(commune),
        ethnic_names(coop),
        distinctive_name(coop.name),
        ", ".join(_text(h.certification, "name", lang) for h in product.certifications),
        f"OCOP {ocop_label(product.ocop.stars, lang)}" if product.ocop else "",
        ", ".join(product.tags),
        _clip(_text(product, "summary", lang)),
    ]
    filters = [
        ("loai", gettext(KIND_PRODUCT)),
        ("danh-muc", _text(product.category, "name", lang)),
        ("tinh", _text(province, "name", lang)),
    ]
    if product.ocop:
        filters.append(("ocop", ocop_label(product.ocop.stars, lang)))
    filters += [("chung-nhan", _text(h.certification, "name", lang)) for h in product.certifications]
    name = _text(product, "name", lang)
    meta = [
        ("title", name),
        ("price", price),
        ("coop", coop.short_name),
        ("place", _text(province, "name", lang)),
    ]
    meta += _thumbnail(product.images[0] if product.images else None, images, siteurl, media_url)
    return _record(name, parts, filters, meta, product.name if english else "")


def cooperative_record(
    coop: Cooperative,
    product_count: int,
    image: Image | None,
    images: dict[str, ProcessedImage],
    siteurl: str = "",
    media_url: str = "",
    lang: str = i18n.VI,
) -> SearchRecord:
    from chophien.formats.markup import summary

    english = lang == i18n.EN
    gettext = i18n.translations(lang).gettext
    body = _text(coop, "body_html", lang)
    kind = KINDS[coop.kind][1] if english else coop.kind_label
    parts = [
        coop.short_name if coop.short_name != coop.name else "",
        coop.name if english else coop.name_en,
        kind,
        _text(coop.province, "name", lang),
        place_name(coop.commune),
        ethnic_names(coop),
        ", ".join(_text(h.certification, "name", lang) for h in coop.certifications),
        _clip(summary(body)) if body else "",
    ]
    filters = [("loai", gettext(KIND_COOPERATIVE)), ("tinh", _text(coop.province, "name", lang))]
    filters += [("chung-nhan", _text(h.certification, "name", lang)) for h in coop.certifications]
    count = (
        f"{product_count} product" + ("" if product_count == 1 else "s")
        if english
        else f"{product_count} sản phẩm"
    )
    name = _text(coop, "name", lang)
    meta = [
        ("title", name),
        ("coop", f"{kind} · {count}"),
        ("place", _text(coop.province, "name", lang)),
    ]
    meta += _thumbnail(image, images, siteurl, media_url)
    return _record(name, parts, filters, meta, coop.name if english else "")


# --- running Pagefind ---------------------------------------------------------------------


def pagefind_version() -> str:
    try:
        from importlib.metadata import version

        return version("pagefind-bin")
    except Exception:  # the wrapper without a bundled binary: the version is still part of the key
        return "unknown"


def inputs_digest(fingerprints: dict[str, str]) -> str:
    """What the index depends on: the indexed pages' fingerprints, Pagefind's and the cache version."""
    digest = hashlib.sha256(f"{cache_version()}\x1f{pagefind_version()}".encode())
    digest.update(GLOB.encode())
    for name in sorted(fingerprints):
        digest.update(f"{name}\x1f{fingerprints[name]}\x1e".encode())
    return digest.hexdigest()[:24]


@dataclass(frozen=True)
class IndexRun:
    skipped: bool
    seconds: float = 0.0
    summary: str = ""


def damaged_bundle_file(bundle: Path) -> Path | None:
    """The first file of a fresh bundle that is cut short, or None.

    Pagefind 1.5 exits 0 on a full disk with empty or truncated files. Its data files are gzip
    (whose trailer holds a CRC and the length, so any truncation fails to decompress) and its
    entry file is JSON; the JavaScript files have no such check.
    """
    for path in sorted(bundle.rglob("*")):
        if not path.is_file():
            continue
        try:
            data = path.read_bytes()
            if path.suffix == ".json":
                json.loads(data)
            elif data[:2] == b"\x1f\x8b" or path.suffix.startswith(".pf_"):
                gzip.decompress(data)
            elif not data:
                return path
        except (OSError, ValueError, EOFError, gzip.BadGzipFile):
            return path
    return None


def _bundle_intact(bundle: Path, files: dict) -> bool:
    """Every file of the bundle still has the size and mtime recorded when it was made."""
    return bool(files) and all(
        signature_of(bundle / name) == tuple(signature) for name, signature in files.items()
    )


# A national site has no product pages of its own (site/national.py): its bundle, which loads
# Pagefind's WebAssembly and merges the members' indexes in the browser, indexes this one page,
# whose only word no buyer types; search.js shows only the members' (absolute) results there.
PLACEHOLDER_PAGE = (
    '<!DOCTYPE html><html lang="vi"><head><title>chophien</title></head>'
    "<body><main data-pagefind-body><h1>chophienquocgia</h1></main></body></html>"
)


def index_placeholder(output: Path, marker: Path | None = None) -> IndexRun:
    """The search bundle of a national site: Pagefind over PLACEHOLDER_PAGE, unless already there."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="chophien-search-") as folder:
        (Path(folder) / "index.html").write_text(PLACEHOLDER_PAGE, encoding="utf-8")
        digest = inputs_digest({"placeholder": hashlib.sha256(PLACEHOLDER_PAGE.encode()).hexdigest()})
        return index_site(output, marker, digest, source=Path(folder), glob="index.html")


def index_site(
    output: Path, marker: Path | None = None, digest: str = "", source: Path | None = None, glob: str = GLOB
) -> IndexRun:
    """Build output/pagefind/ from the written pages, replacing the previous bundle whole.

    Pagefind leaves files of an earlier index behind, so the bundle is written into a fresh
    folder and swapped in. When *digest* equals the one recorded in *marker* and the bundle
    exists, nothing changed and Pagefind is not run.
    """
    output = Path(output)
    target = output / FOLDER
    fresh = target.with_name(f".{target.name}-new")
    old = target.with_name(f".{target.name}-old")
    for leftover in (fresh, old):  # of a build stopped mid-swap: never published
        shutil.rmtree(leftover, ignore_errors=True)
    if marker and digest and _unchanged(target, marker, digest):
        return IndexRun(skipped=True)
    started = time.monotonic()
    stdout = _run_pagefind(source or output, fresh, glob)
    stabilise(fresh)  # same content, same bytes (Pagefind orders filters at random)
    if target.exists():
        target.rename(old)
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    seconds = time.monotonic() - started
    if marker and digest:
        _record_bundle(target, marker, digest)
    counts = re.findall(r"Indexed (\d+) (pages|words|filters)", stdout)
    return IndexRun(skipped=False, seconds=seconds, summary=", ".join(f"{n} {kind}" for n, kind in counts))


def _unchanged(target: Path, marker: Path, digest: str) -> bool:
    """The bundle is there, whole, and was made from pages with this *digest*."""
    if ignoring() or not (target / "pagefind-entry.json").is_file():
        return False
    try:
        recorded = json.loads(marker.read_text())
        return recorded.get("digest") == digest and _bundle_intact(target, recorded["files"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def _run_pagefind(output: Path, fresh: Path, glob: str = GLOB) -> str:
    """Index *output* into *fresh*, without Pagefind's own interfaces; its report (stdout)."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(output),
            "--glob",
            glob,
            "--output-path",
            str(fresh),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not (fresh / "pagefind-entry.json").is_file():
        shutil.rmtree(fresh, ignore_errors=True)
        raise RuntimeError(f"Pagefind failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    for unused in UNUSED_FILES:  # Pagefind's ready-made interfaces: the site has its own
        (fresh / unused).unlink(missing_ok=True)
    damaged = damaged_bundle_file(fresh)
    if damaged is not None:
        shutil.rmtree(fresh, ignore_errors=True)
        raise OSError(
            errno.EIO,
            "Pagefind wrote an incomplete search index (is the disk full?) · "
            "Pagefind ghi chỉ mục tìm kiếm không đầy đủ (đĩa đầy?)",
            str(damaged),
        )
    return result.stdout


def _record_bundle(target: Path, marker: Path, digest: str) -> None:
    """Remember *digest* and each bundle file's signature, to skip the next unchanged run."""
    marker.parent.mkdir(parents=True, exist_ok=True)
    files = {
        path.relative_to(target).as_posix(): list(signature_of(path))
        for path in sorted(target.rglob("*"))
        if path.is_file()
    }
    write_atomic(marker, json.dumps({"digest": digest, "files": files}).encode(), mode=None)

"""chophien.photos.names: derivative names are plain ASCII, whatever the phone called the photo, and resolve in pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PRODUCT, jpeg_bytes, minimal_tree
from photo_samples import check_tree, saved

from chophien.photos.cache import ImageCache


def test_photo_with_product_names_in_vietnamese_file_names(tree):
    text = PRODUCT.replace("file: che.jpg", "file: chè.jpg")
    lines = check_tree(
        tree,
        minimal_tree(
            **{
                "products/htx-che-na-hang/che-shan-tuyet.md": text,
                "products/htx-che-na-hang/chè.jpg": jpeg_bytes(),
                "products/htx-che-na-hang/che.jpg": None,
            }
        ),
    )
    assert lines == []


# --- names that would break URLs --------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, stem",
    [("products/x/IMG 2024-05-01 (1).jpg", "img-2024-05-01-1"), ("products/x/chè, 50% #1?.png", "che-50-1"),
     ("products/x/Ảnh \"đẹp\" 'mới'.heic", "anh-dep-moi"), ("products/x/cha\u0300.jpg", "cha"),
     ("products/x/%20%2C.jpg", "20-2c"), ("products/x/照片.jpg", "anh"), ("products/x/" + "a" * 200 + ".jpg", "a" * 60)],
)  # fmt: skip
def test_output_names_are_plain_ascii(source, stem, tmp_path):
    from chophien.photos.names import SAFE_NAME, output_stem

    assert output_stem(source) == stem
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(jpeg_bytes(300, 200))
    processed = ImageCache(tmp_path / "cache", workers=1).process(
        photo, source.replace(".png", ".jpg").replace(".heic", ".jpg")
    )
    assert all(SAFE_NAME.fullmatch(d.name) and d.name.startswith(f"{stem}-") for d in processed.files())


def _urls_in(html: str) -> tuple[list[str], list[str]]:
    """(every src, every srcset candidate URL) of <img>/<source>, parsed like a browser would."""
    from html.parser import HTMLParser

    srcs, candidates = [], []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag not in ("img", "source"):
                return
            if attrs.get("src"):
                srcs.append(attrs["src"])
            for candidate in (attrs.get("srcset") or "").split(","):
                parts = candidate.split()
                if parts:
                    assert len(parts) == 2 and parts[1][:-1].isdigit() and parts[1].endswith("w"), candidate
                    candidates.append(parts[0])

    Collect().feed(html)
    return srcs, candidates


def test_phone_file_names_give_srcset_and_src_that_resolve(tree, tmp_path):
    """Spaces, commas, %, #, ?, quotes, Vietnamese (NFC) in photo names: every URL parses back to a file."""
    from urllib.parse import unquote, urlsplit

    from conftest import run_pelican

    names = ["IMG 2024-05-01 (1).jpg", "Ảnh chè, 50% #2?.png", "a 'b' \"c\".webp", "%20%2C.jpg"]
    data = {".jpg": jpeg_bytes(1200, 900), ".png": saved("PNG"), ".webp": saved("WEBP")}
    entries = "".join("  - file: '{}'\n    alt: Ảnh\n".format(name.replace("'", "''")) for name in names)
    text = PRODUCT.replace("  - file: che.jpg\n    alt: Búp chè Shan tuyết\n", entries)
    files = {"products/htx-che-na-hang/che-shan-tuyet.md": text, "products/htx-che-na-hang/che.jpg": None}
    files.update({f"products/htx-che-na-hang/{name}": data[Path(name).suffix] for name in names})
    content = tree(minimal_tree(**files))
    out = tmp_path / "output"
    result = run_pelican(content, out)
    assert result.returncode == 0, result.stderr
    page = out / "san-pham/htx-che-na-hang/che-shan-tuyet/index.html"
    srcs, candidates = _urls_in(page.read_text(encoding="utf-8"))
    assert len(srcs) >= len(names) and len(candidates) >= 3 * len(names)
    for url in srcs + candidates:
        path = urlsplit(url).path
        assert not urlsplit(url).query and not urlsplit(url).fragment, url
        assert set(path) <= set("abcdefghijklmnopqrstuvwxyz0123456789-./"), url
        assert (out / unquote(path).lstrip("/")).is_file(), url

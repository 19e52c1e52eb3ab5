"""Each maintenance finding appears at the right file, line and urgency, and not when the thing is fine.

Trees are written in tmp_path; dates come from a real git repository made in the test (commits
at chosen dates), as `chophien report` reads them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import COOP, PRODUCT, ROOT, jpeg_bytes, minimal_tree
from git_history import TODAY, commit, edit, line_of

from chophien.maintenance.findings import (
    KINDS,
    SEVERITIES,
    _one_edit_apart,
    cooperative_of,
    email_doubt,
    scan,
    website_doubt,
)

PRODUCT_FILE = "products/htx-che-na-hang/che-shan-tuyet.md"
SOURCE = "content/" + PRODUCT_FILE
COOP_SOURCE = "content/cooperatives/htx-che-na-hang.md"


def findings(content: Path, today: dt.date = TODAY, **options):
    return scan(content, today, content.parent / ".cache", **options).findings


def where(found, kind: str | None = None) -> list[tuple]:
    return [(f.kind, f.path, f.line, f.field, f.severity) for f in found if kind is None or f.kind == kind]


def product(**lines: str) -> str:
    """PRODUCT with front-matter lines added before its closing ---."""
    extra = "".join(f"{value}\n" for value in lines.values())
    return PRODUCT.replace("---\nBúp chè", extra + "---\nBúp chè")


def test_the_default_tree_has_nothing_to_do(tree):
    assert findings(tree(minimal_tree())) == []


# --- OCOP ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided", "kind", "text"),
    [
        ("01/12/2023", "ocop-expired", "đã hết hạn ngày 01/12/2026"),  # expired yesterday
        ("02/12/2023", "ocop-expiring", "hết hạn ngày 02/12/2026 (còn 0 ngày)"),  # expires today
        ("02/03/2024", "ocop-expiring", "(còn 90 ngày)"),
        ("03/03/2024", None, ""),  # 91 days left: not yet
    ],
)
def test_ocop_expiry_is_reported_at_the_date_line(tree, decided, kind, text):
    year = decided[-4:]
    ocop = f"ocop:\n  stars: 4\n  year: {year}\n  decision: 1523/QĐ-UBND\n  date: {decided}"
    content = tree(minimal_tree(**{PRODUCT_FILE: product(ocop=ocop)}))
    found = findings(content)
    if kind is None:
        assert found == []
        return
    line = line_of(content / PRODUCT_FILE, "  date:", after="ocop:")
    assert where(found) == [(kind, SOURCE, line, "ocop.date", KINDS[kind])]
    assert text in found[0].message_vi
    assert "1523/QĐ-UBND" in found[0].message_vi and "ocop.date" in found[0].action_en
    assert KINDS["ocop-expired"] == "high" and KINDS["ocop-expiring"] == "medium"


def test_an_ocop_rating_without_date_is_expired_only_when_even_its_year_is_too_old(tree):
    old = tree(minimal_tree(**{PRODUCT_FILE: product(ocop="ocop:\n  stars: 3\n  year: 2022")}))
    line = line_of(old / PRODUCT_FILE, "  year:")
    found = findings(old)
    assert where(found) == [("ocop-expired", SOURCE, line, "ocop.year", "high")]
    assert "31/12/2025" in found[0].message_vi
    recent = tree(minimal_tree(**{PRODUCT_FILE: product(ocop="ocop:\n  stars: 3\n  year: 2024")}))
    assert where(findings(recent)) == [("ocop-date-missing", SOURCE, line, "ocop.date", "low")]


# --- dates from git -------------------------------------------------------------------------------


def test_a_price_unchanged_for_a_year_is_stale_even_after_other_edits(tree):
    content = tree(minimal_tree())
    commit(content, "2025-10-01", "first")
    path = content / PRODUCT_FILE
    price_line = line_of(path, "price:")
    assert where(findings(content)) == [("stale-price", SOURCE, price_line, "price", "medium")]
    assert findings(content, stale_months=15) == []  # 14 months old
    edit(path, "unit: hộp 200 g", "unit: hộp 250 g")
    assert findings(content) == []  # being edited: not reported
    commit(content, "2026-11-01", "unit")
    found = findings(content)
    assert where(found) == [("stale-price", SOURCE, price_line, "price", "medium")]  # the price line is old
    assert "01/10/2025" in found[0].message_vi and "450.000\u00a0₫" in found[0].message_vi
    assert "the price 450,000 ₫ has not changed since 01/10/2025" in found[0].message_en
    edit(path, "price: 450000", "price: 480000")
    commit(content, "2026-11-20", "price")
    assert findings(content) == []


def test_a_formatting_commit_does_not_refresh_a_price(tree):
    content = tree(minimal_tree())
    commit(content, "2025-06-01", "first")
    edit(content / PRODUCT_FILE, "price: 450000", "price: 450000 # đồng")
    fmt = commit(content, "2026-11-01", "fmt")
    assert findings(content) == []  # a real-looking change
    (content.parent / ".git-blame-ignore-revs").write_text(f"{fmt}  # chophien fmt\n", encoding="utf-8")
    assert [f.kind for f in findings(content)] == ["stale-price"]


def test_a_product_on_request_whose_file_is_old_is_a_stale_product(tree):
    content = tree(minimal_tree(**{PRODUCT_FILE: PRODUCT.replace("price: 450000", "price: lien-he")}))
    commit(content, "2025-10-01")
    found = findings(content)
    assert where(found) == [("stale-product", SOURCE, 1, "", "low")]
    assert "01/10/2025" in found[0].message_en
    edit(content / PRODUCT_FILE, "unit: hộp 200 g", "unit: hộp 250 g")
    commit(content, "2026-11-01")
    assert findings(content) == []


def test_without_git_nothing_is_stale(tree):
    content = tree(minimal_tree(**{PRODUCT_FILE: product(status="status: het-hang")}))
    assert findings(content, dt.date(2030, 1, 1)) == []  # file dates: the modification time


@pytest.mark.parametrize(("committed", "reported"), [("2026-08-15", True), ("2026-09-15", False)])
def test_out_of_stock_for_three_months(tree, committed, reported):
    content = tree(minimal_tree(**{PRODUCT_FILE: product(status="status: het-hang")}))
    commit(content, committed)
    line = line_of(content / PRODUCT_FILE, "status:")
    expected = [("out-of-stock-long", SOURCE, line, "status", "low")] if reported else []
    assert where(findings(content)) == expected


@pytest.mark.parametrize(
    ("season", "committed", "today", "reported"),
    [
        ("[5, 6, 7]", "2026-03-01", TODAY, True),  # ended 31/07, untouched since March
        ("[5, 6, 7]", "2026-08-15", TODAY, False),  # touched after the season ended
        ("[5, 6, 7]", "2026-03-01", dt.date(2026, 10, 31), False),  # not yet 3 months past
        ("[5, 6, 7]", "2026-03-01", dt.date(2026, 11, 1), True),
        ("[5, 6, 7]", "2025-03-01", dt.date(2026, 6, 15), False),  # in season
        ("[12, 1, 2]", "2025-11-01", dt.date(2026, 6, 1), True),  # across the new year: ended 28/02
        ("[12, 1, 2]", "2026-03-02", dt.date(2026, 6, 1), False),
    ],
)
def test_seasonal_and_out_of_season_for_long(tree, season, committed, today, reported):
    lines = {"status": "status: theo-mua", "season": f"season: {season}"}
    content = tree(minimal_tree(**{PRODUCT_FILE: product(**lines)}))
    commit(content, committed)
    found = [f for f in findings(content, today) if f.kind != "stale-price"]
    line = line_of(content / PRODUCT_FILE, "season:")
    assert where(found) == ([("out-of-season-long", SOURCE, line, "season", "low")] if reported else [])


def test_an_in_stock_product_is_never_out_of_stock_however_old(tree):
    content = tree(minimal_tree(**{PRODUCT_FILE: PRODUCT.replace("price: 450000", "price: lien-he")}))
    commit(content, "2020-01-01")
    assert [f.kind for f in findings(content)] == ["stale-product"]


# --- photos -------------------------------------------------------------------------------------------


def test_photos_missing_without_alt_or_too_small(tree):
    files = minimal_tree(**{
        PRODUCT_FILE: PRODUCT.replace("images:\n  - file: che.jpg\n    alt: Búp chè Shan tuyết", "images: none"),
        "products/htx-che-na-hang/mat-ong.md": PRODUCT.replace("name: Chè Shan tuyết cổ thụ", "name: Mật ong")
        .replace("    alt: Búp chè Shan tuyết\n", "  - file: nho.jpg\n    alt: Hũ mật ong\n"),
        "products/htx-che-na-hang/nho.jpg": jpeg_bytes(320, 240),
    })  # fmt: skip
    content = tree(files)
    honey = content / "products/htx-che-na-hang/mat-ong.md"
    assert where(findings(content)) == [
        ("no-photo", SOURCE, line_of(content / PRODUCT_FILE, "images:"), "images", "medium"),
        ("photo-no-alt", "content/products/htx-che-na-hang/mat-ong.md", line_of(honey, "  - file: che.jpg"),
         "images[1]", "low"),
        ("photo-too-small", "content/products/htx-che-na-hang/mat-ong.md", line_of(honey, "  - file: nho.jpg"),
         "images[2]", "low"),
    ]  # fmt: skip


# --- contacts -------------------------------------------------------------------------------------------

OTHER_COOP = "cooperatives/htx-mat-ong-sa-phin.md"


def other_coop(contact: str) -> str:
    return (
        COOP.replace("Chè Shan tuyết Nà Hang", "Mật ong Sà Phìn")
        .replace("HTX Chè Nà Hang", "HTX Ong Sà Phìn")
        .replace(
            "  phone: 0912 345 678\n  zalo: 0912 345 678\n  messenger: htxchenahang\n"
            "  email: htxchenahang@example.com\n",
            contact,
        )
    )


def test_a_single_order_channel(tree):
    content = tree(
        minimal_tree(**{OTHER_COOP: other_coop("  messenger: ongsaphin\n  website: https://ong.vn\n")})
    )
    line = line_of(content / OTHER_COOP, "  messenger:")
    found = findings(content)
    assert where(found) == [("single-channel", "content/" + OTHER_COOP, line, "contact.messenger", "low")]
    assert "messenger" in found[0].message_vi


def test_a_number_two_cooperatives_share_is_reported_in_each(tree):
    files = minimal_tree(**{OTHER_COOP: other_coop("  zalo: 0912.345.678\n  email: ong@example.com\n")})
    files["products/htx-mat-ong-sa-phin/mat-ong.md"] = PRODUCT.replace(
        "images:\n  - file: che.jpg\n    alt: Búp chè Shan tuyết",
        "images: none\norder:\n  phone: 0399 000 101",
    )
    files["cooperatives/htx-thu-ba.md"] = (
        other_coop("  phone: 0399 000 101\n  email: ba@example.com\n")
        .replace("Mật ong Sà Phìn", "Thứ Ba")
        .replace("HTX Ong Sà Phìn", "HTX Thứ Ba")
    )
    content = tree(files)
    shared = [f for f in findings(content) if f.kind == "shared-phone"]
    assert where(shared) == [
        ("shared-phone", COOP_SOURCE, line_of(content.parent / COOP_SOURCE, "  phone:"), "contact.phone", "medium"),
        ("shared-phone", "content/" + OTHER_COOP, line_of(content / OTHER_COOP, "  zalo:"), "contact.zalo",
         "medium"),
        ("shared-phone", "content/cooperatives/htx-thu-ba.md",
         line_of(content / "cooperatives/htx-thu-ba.md", "  phone:"), "contact.phone", "medium"),
        ("shared-phone", "content/products/htx-mat-ong-sa-phin/mat-ong.md",
         line_of(content / "products/htx-mat-ong-sa-phin/mat-ong.md", "  phone:"), "order.phone", "medium"),
    ]  # fmt: skip
    by_path = {f.path: f.message_vi for f in shared}
    assert "0912 345 678" in by_path[COOP_SOURCE] and "HTX Ong Sà Phìn" in by_path[COOP_SOURCE]
    assert "HTX Chè Nà Hang" in by_path["content/" + OTHER_COOP]
    assert "HTX Thứ Ba" in by_path["content/products/htx-mat-ong-sa-phin/mat-ong.md"]


@pytest.mark.parametrize(
    ("email", "suggestion"),
    [
        ("htx@gmail.con", "htx@gmail.com"),
        ("htx@gmai.com", "htx@gmail.com"),
        ("htx@gmial.com", "htx@gmail.com"),
        ("htx@gmail.co", "htx@gmail.com"),
        ("htx@gmail.com.vn", "htx@gmail.com"),
        ("htx@yahooo.com", "htx@yahoo.com"),
        ("htx@hotmial.com", "htx@hotmail.com"),
        ("htx@chenahang.con", "htx@chenahang.com"),
        ("htx@chenahang.com.vm", "htx@chenahang.com.vn"),
        ("htx..na.hang@gmail.com", ""),
        (".htx@chenahang.vn", ""),
        ("htx@gmail.com", None),
        ("htx@yahoo.com.vn", None),
        ("htx@ymail.com", None),
        ("htx@email.com", None),
        ("htx@outlook.com.vn", None),
        ("htx@chenahang.vn", None),
        ("htx@gmailshop.vn", None),
        ("htx@chenahang.co", None),  # .co is a real ending; only after a provider's name is it a typo
    ],
)
def test_email_heuristics(email, suggestion):
    doubt = email_doubt(email)
    assert (doubt[2] if doubt else None) == suggestion


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("https://www.facebook.com/htxchenahang", "facebook"),
        ("https://zalo.me/0912345678", "zalo"),
        ("https://shopee.vn/htxchenahang", "Shopee"),
        ("https://bit.ly/3abcd", "rút gọn"),
        ("https://chenahang.vn", None),
        ("https://chenahang.vn/facebook", None),
        ("http://chenahang.vn", None),  # refused by the validator, never reported twice
    ],
)
def test_website_heuristics(url, said):
    doubt = website_doubt(url)
    assert (said in doubt[0] if doubt else None) == (True if said else None)


def test_doubtful_email_and_website_are_reported_at_their_lines(tree):
    coop = COOP.replace("htxchenahang@example.com", "htxchenahang@gmail.con").replace(
        "  email:", "  website: https://www.facebook.com/htxchenahang\n  email:"
    )
    files = minimal_tree(**{"cooperatives/htx-che-na-hang.md": coop})
    files[PRODUCT_FILE] = product(order="order:\n  email: chenahang@gmial.com")
    content = tree(files)
    assert where(findings(content)) == [
        ("email-suspicious", COOP_SOURCE, line_of(content.parent / COOP_SOURCE, "  email:"), "contact.email", "medium"),
        ("email-suspicious", SOURCE, line_of(content / PRODUCT_FILE, "  email:"), "order.email", "medium"),
        ("website-suspicious", COOP_SOURCE, line_of(content.parent / COOP_SOURCE, "  website:"), "contact.website",
         "low"),
    ]  # fmt: skip


def test_one_edit_apart():
    assert _one_edit_apart("gmial", "gmail") and _one_edit_apart("gmai", "gmail")
    assert _one_edit_apart("gmaill", "gmail") and _one_edit_apart("gnail", "gmail")
    assert not _one_edit_apart("gmail", "gmail") and not _one_edit_apart("giaml", "gmail")


# --- translations, errors, the sample -------------------------------------------------------------

TRANSLATED = PRODUCT.replace(
    "---\nBúp chè", "translations:\n  en:\n    name: Ancient Shan Tuyết tea\n---\nBúp chè"
)


def test_an_english_name_older_than_the_vietnamese_one(tree):
    content = tree(minimal_tree(**{PRODUCT_FILE: TRANSLATED}))
    commit(content, "2026-10-01")
    assert findings(content) == []
    edit(content / PRODUCT_FILE, "name: Chè Shan tuyết cổ thụ", "name: Chè Shan tuyết cổ thụ Nà Hang")
    commit(content, "2026-11-01")
    found = findings(content)
    line = line_of(content / PRODUCT_FILE, "    name:")
    assert where(found) == [("translation-stale", SOURCE, line, "translations.en.name", "low")]
    assert "translations.en.name" in found[0].message_en
    # The blame is kept in the report's cache folder (catalogue/stale_cache.py), as validate keeps it.
    from chophien.catalogue.stale_cache import BlameCache

    assert list(BlameCache.load(content.parent / ".cache").files) == [SOURCE]


def test_content_errors_are_findings_and_the_rest_is_still_reported(tree):
    broken = PRODUCT.replace("price: 450000", "price: bốn trăm").replace("che-shan", "x")
    files = minimal_tree(**{"products/htx-che-na-hang/hong-tra.md": broken})
    files[PRODUCT_FILE] = product(ocop="ocop:\n  stars: 4\n  year: 2022\n  date: 10/11/2022")
    content = tree(files)
    found = findings(content)
    assert [(f.kind, f.path, f.severity) for f in found] == [
        ("ocop-expired", SOURCE, "high"),
        ("content-error", "content/products/htx-che-na-hang/hong-tra.md", "high"),
    ]
    assert found[1].line == line_of(content / "products/htx-che-na-hang/hong-tra.md", "price:")
    assert "chophien validate" in found[1].action_vi and "price" in found[1].field


def test_a_missing_content_folder_is_one_finding(tmp_path):
    found = findings(tmp_path / "content")
    assert [(f.kind, f.path) for f in found] == [("content-error", "content")]


def test_cooperative_of():
    assert cooperative_of("content/products/htx-a/che.md") == "htx-a"
    assert cooperative_of("content/cooperatives/htx-a.md") == "htx-a"
    assert cooperative_of("content/cooperatives/htx-a/logo.png") == "htx-a"
    assert cooperative_of("content/pages/gioi-thieu.md") is None
    assert cooperative_of("content") is None


def test_every_kind_has_a_severity_in_order():
    assert SEVERITIES == ("high", "medium", "low")
    assert set(KINDS.values()) == set(SEVERITIES)


def test_the_sample_has_only_its_real_ocop_findings(tmp_path):
    """The sample catalogue on 02/12/2026: three expired ratings, three expiring within 90 days."""
    found = scan(ROOT / "content", TODAY, tmp_path / "cache").findings
    assert [(f.kind, f.path.split("/")[-1]) for f in found] == [
        ("ocop-expired", "gao-seng-cu.md"),
        ("ocop-expired", "che-shan-tuyet-ta-xua.md"),
        ("ocop-expired", "mat-ong-bac-ha.md"),
        ("ocop-expiring", "ca-phe-arabica-cau-dat.md"),
        ("ocop-expiring", "hong-tra-shan-tuyet.md"),
        ("ocop-expiring", "ruou-ngo-men-la.md"),
    ]
    for f in found:
        assert (ROOT / f.path).read_text(encoding="utf-8").split("\n")[f.line - 1].startswith("  date: ")


POINTER = b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 2345678\n"


def test_photos_left_in_git_lfs_are_one_finding_not_an_error_each(tree):
    """A clone without `git lfs pull` (CI's weekly run) has pointers for photos: not errors of the
    content, one low finding; a missing alt text is still reported, a damaged pointer is an error."""
    files = minimal_tree(**{"products/htx-che-na-hang/che.jpg": POINTER})
    files["products/htx-che-na-hang/mat-ong.md"] = PRODUCT.replace("name: Chè", "name: Mật ong").replace(
        "    alt: Búp chè Shan tuyết\n", ""
    )
    content = tree(files)
    honey = content / "products/htx-che-na-hang/mat-ong.md"
    found = findings(content)
    assert where(found) == [
        ("photos-not-fetched", "content", 0, "", "low"),
        ("photo-no-alt", "content/products/htx-che-na-hang/mat-ong.md", line_of(honey, "  - file:"), "images[1]",
         "low"),
    ]  # fmt: skip
    assert found[0].message_vi.startswith("2 ảnh") and "git lfs pull" in found[0].action_en
    (content / "products/htx-che-na-hang/che.jpg").write_bytes(POINTER.replace(b"size 2345678", b"size x"))
    assert [(f.kind, f.severity) for f in findings(content)][:1] == [("content-error", "high")]


def test_other_photo_problems_of_images_check(tree):
    content = tree(minimal_tree(**{"products/htx-che-na-hang/che.jpg": jpeg_bytes(1500, 300)}))
    found = findings(content)
    line = line_of(content / PRODUCT_FILE, "  - file: che.jpg")
    assert where(found) == [("photo-problem", SOURCE, line, "images[1]", "low")]
    assert "1500×300" in found[0].message_vi and "chophien images --check" in found[0].action_vi

"""/so-lieu/ built by Pelican from a small tree in a real git repository: both editions, links, downloads, budget, rebuilds."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import COOP, PRODUCT, jpeg_bytes, minimal_tree, run_pelican, write_tree

from chophien.quality.budgets import ASSESSMENT_HTML_BUDGET, measure_site

pytestmark = pytest.mark.build

CACAO = (
    COOP.replace("Hợp tác xã Chè Shan tuyết Nà Hang", "Hợp tác xã Cacao Ea Kar")
    .replace("HTX Chè Nà Hang", "HTX Cacao Ea Kar")
    .replace("Tuyên Quang", "Đắk Lắk")
    .replace("[Tày, Dao]", "[Ê Đê]")
    .replace("htxchenahang", "htxcacao")
)
COCOA = PRODUCT.replace("Chè Shan tuyết cổ thụ", "Cacao lên men").replace(
    "category: che", "category: ca-phe-ca-cao"
)


def git(root: Path, *args: str, when: str = "2026-09-05T03:00:00Z") -> None:
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@x",
        GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when,
    )  # fmt: skip
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, env=env)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def build(content: Path, out: Path) -> None:
    result = run_pelican(content, out)  # CHOPHIEN_TODAY=2026-11-27
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Nà Hang and its tea committed in September, Ea Kar in November; its cocoa not committed yet."""
    root = tmp_path_factory.mktemp("figures")
    content = write_tree(
        root,
        minimal_tree(
            **{
                "cooperatives/htx-cacao-ea-kar.md": CACAO,
                "products/htx-cacao-ea-kar/cacao.md": COCOA,
                "products/htx-cacao-ea-kar/che.jpg": jpeg_bytes(colour=(120, 60, 30)),
            }
        ),
    )
    git(root, "init", "-q")
    git(root, "add", "content/cooperatives/htx-che-na-hang.md", "content/products/htx-che-na-hang")
    git(root, "commit", "-qm", "Nà Hang")
    git(root, "add", "content/cooperatives/htx-cacao-ea-kar.md")
    git(root, "commit", "-qm", "Ea Kar", when="2026-11-02T03:00:00Z")
    out = root / "output"
    build(content, out)
    return root, content, out


def test_the_page_shows_the_figures_with_tables_and_a_titled_chart(site):
    _root, _content, out = site
    page = soup(out / "so-lieu/index.html")
    assert page.html["lang"] == "vi"
    assert page.h1.get_text() == "Chợ phiên qua các con số"
    headline = {d.dt.get_text(): d.dd.get_text() for d in page.select("dl.headline div")}
    assert headline["Hợp tác xã"] == "2" and headline["Sản phẩm"] == "2"
    svg = page.select_one("#tang-truong-h").find_parent("section").svg
    assert (
        svg["role"] == "img"
        and svg.title.get_text() == "Số hợp tác xã và sản phẩm trên trang, cuối mỗi tháng"
    )
    growth = page.select_one("#tang-truong-h").find_parent("section").table
    assert [th["scope"] for th in growth.thead.find_all("th")] == ["col"] * 5
    months = [[c.get_text() for c in tr.find_all(["th", "td"])] for tr in growth.tbody.find_all("tr")]
    assert months == [
        ["9/2026", "1", "1", "1", "1"],
        ["10/2026", "0", "0", "1", "1"],  # a month with nothing added
        ["11/2026", "1", "0", "2", "1"],
    ]
    assert "chưa tính vào tháng nào: 0 hợp tác xã, 1 sản phẩm" in page.get_text()
    for table in page.select("table.data"):
        assert table.caption.get_text() and all(th.get("scope") for th in table.find_all("th"))
    assert [a["href"] for a in page.select("ul.buttons a")] == [
        "/so-lieu/du-lieu.csv",
        "/so-lieu/du-lieu.json",
    ]


def test_the_english_twin_and_the_language_switch(site):
    _root, _content, out = site
    vi, en = soup(out / "so-lieu/index.html"), soup(out / "en/figures/index.html")
    assert en.html["lang"] == "en" and en.h1.get_text() == "Chợ phiên in figures"
    assert vi.select_one("a.lang-switch")["href"] == "/en/figures/"
    assert en.select_one("a.lang-switch")["href"] == "/so-lieu/"
    months = [
        tr.th.get_text() for tr in en.select_one("#tang-truong-h").find_parent("section").tbody.find_all("tr")
    ]
    assert months == ["Sep 2026", "Oct 2026", "Nov 2026"]
    assert en.select_one("#tang-truong-h").get_text() == "Growth month by month"
    assert [a["href"] for a in en.select("ul.buttons a")] == ["/so-lieu/du-lieu.csv", "/so-lieu/du-lieu.json"]
    for page in (vi, en):
        alternates = {link["hreflang"]: link["href"] for link in page.select("link[rel=alternate][hreflang]")}
        assert alternates["vi"].endswith("/so-lieu/") and alternates["en"].endswith("/en/figures/")
    assert en.select_one("link[rel=canonical]")["href"].endswith("/en/figures/")
    # The head as other listing pages have it: the intro as the sharing preview, in the page's language.
    assert en.select_one("meta[property='og:description']")["content"].startswith("How many cooperatives")
    assert vi.select_one("meta[property='og:description']")["content"].startswith("Bao nhiêu hợp tác xã")
    assert en.title.get_text().startswith("Chợ phiên in figures")


def test_linked_from_the_footer_the_assessment_overview_and_the_sitemap(site):
    _root, _content, out = site
    for name, target in (
        ("index.html", "/so-lieu/"),
        ("san-pham/htx-che-na-hang/che-shan-tuyet/index.html", "/so-lieu/"),
        ("en/index.html", "/en/figures/"),
    ):
        assert target in [a["href"] for a in soup(out / name).select("footer a")], name
    assert "/so-lieu/" in [a["href"] for a in soup(out / "danh-gia/index.html").select("main a")]
    assert "/en/figures/" in [a["href"] for a in soup(out / "en/assessment/index.html").select("main a")]
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "/so-lieu/</loc>" in sitemap and "/en/figures/</loc>" in sitemap
    assert "du-lieu.csv" not in sitemap


def test_the_downloads(site):
    _root, _content, out = site
    text = (out / "so-lieu/du-lieu.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["measure"] == "sample_data" and rows[0]["value"] == "1"  # pelicanconf: sample data
    values = {(r["table"], r["group"], r["measure"]): r["value"] for r in rows}
    assert values[("growth", "2026-10", "products_added")] == "0"
    assert values[("by_province", "dak-lak", "cooperatives")] == "1"
    document = json.loads((out / "so-lieu/du-lieu.json").read_text(encoding="utf-8"))
    assert len(document["rows"]) == len(rows) and document["figures"]["date"] == "2026-11-27"


def test_within_the_chart_page_budget_in_both_editions(site):
    _root, _content, out = site
    measured = {m.path: m for m in measure_site(out)}
    for name in ("so-lieu/index.html", "en/figures/index.html"):
        assert measured[name].kind == "assessment" and measured[name].budget == ASSESSMENT_HTML_BUDGET
        assert not measured[name].over


def test_a_rebuild_is_identical_and_a_new_commit_alone_changes_the_page(site):
    root, content, out = site
    names = ("so-lieu/index.html", "en/figures/index.html", "so-lieu/du-lieu.csv", "so-lieu/du-lieu.json")
    before = {name: (out / name).read_bytes() for name in names}
    build(content, out)
    assert {name: (out / name).read_bytes() for name in names} == before
    # Committing the cocoa changes no content byte, only its git date: the page must follow.
    git(root, "add", "content")
    git(root, "commit", "-qm", "cacao", when="2026-11-20T03:00:00Z")
    build(content, out)
    page = soup(out / "so-lieu/index.html")
    last = page.select_one("#tang-truong-h").find_parent("section").tbody.find_all("tr")[-1]
    assert [c.get_text() for c in last.find_all(["th", "td"])] == ["11/2026", "1", "1", "2", "2"]
    assert "chưa tính vào tháng nào" not in page.get_text()
    assert (out / "so-lieu/du-lieu.csv").read_bytes() != before["so-lieu/du-lieu.csv"]

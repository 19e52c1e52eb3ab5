"""Page-weight budgets and the file-size limit (chophien/quality/budgets.py) on tiny trees."""

from __future__ import annotations

import gzip
import random

import pytest
from site_files import page, write

from chophien.quality.budgets import (
    ASSESSMENT_HTML_BUDGET,
    CSS_BUDGET,
    FILE_SIZE_LIMIT,
    HTML_BUDGET,
    JS_BUDGET,
    MEMBER_CATALOGUE_LIMIT,
    SELF_ASSESSMENT_BUDGET,
    SERVICE_WORKER_BUDGET,
    classify,
    css_total,
    largest_files,
    limit_of,
    measure_budgets,
    measure_site,
    oversized_files,
    pages_of_kind,
    representative_pages,
    self_assessment_weights,
)


@pytest.mark.parametrize(
    "rel, kind",
    [
        ("index.html", "home"),
        ("san-pham/htx-a/che/index.html", "product"),
        ("san-pham/index.html", "listing"),
        ("san-pham/page/2/index.html", "listing"),
        ("hop-tac-xa/htx-a/index.html", "cooperative"),
        ("hop-tac-xa/index.html", "directory"),
        ("hop-tac-xa/page/2/index.html", "directory"),
        ("hop-tac-xa/htx-a/in/index.html", "page"),
        ("danh-muc/index.html", "directory"),
        ("tinh/index.html", "directory"),
        ("dan-toc/index.html", "directory"),
        ("danh-muc/che/index.html", "listing"),
        ("tinh/lao-cai/page/2/index.html", "listing"),
        ("ocop/index.html", "listing"),
        ("ocop/5-sao/index.html", "listing"),
        ("danh-gia/index.html", "assessment"),
        ("danh-gia/khao-sat/theo-tinh/index.html", "assessment"),
        ("so-lieu/index.html", "assessment"),  # the programme's figures: a chart page, 30 KB
        ("en/figures/index.html", "assessment"),  # its English twin, the same budget
        ("en/assessment/index.html", "assessment"),
        ("so-lieu/du-lieu.csv", None),  # open data: only the single-file limit
        ("so-lieu/du-lieu.json", None),
        ("gioi-thieu/index.html", "page"),
        ("404.html", "page"),
        ("en/san-pham/htx-a/che/index.html", "product"),
        ("theme/css/site.1234567890.css", "css"),
        ("theme/js/copy.js", "js"),
        ("theme/js/qrcode-generator.79ec86f828.js", "js-on-demand"),  # loaded only to show a code
        ("theme/js/qrcode-generator.js", "js-on-demand"),
        ("theme/js/qrcode-generator-extra.js", "js"),
        ("sw.js", "service-worker"),  # the site's service worker (issue 14)
        ("danh-gia/tu-danh-gia/sw.js", "service-worker"),
        ("theme/js/offline.js", "js"),
        ("theme/js/newsw.js", "js"),
        ("tim-kiem/pagefind/pagefind.js", None),
        ("admin/index.html", None),
        ("media/a.avif", None),
    ],
)
def test_budget_classification(rel, kind):
    assert classify(rel) == kind


def test_budgets_measure_the_precompressed_sibling_a_host_serves(tmp_path):
    big = "".join(f"<p>{i} {i * 7919 % 10007}</p>" for i in range(6000))  # compresses to > 14 KB
    site = write(
        tmp_path,
        {
            "index.html": page("<p>home</p>", head='<link rel="stylesheet" href="/theme/site.1.css">'),
            "index.html.br": b"b" * 100,
            "index.html.gz": b"g" * 200,
            "san-pham/a/b/index.html": page(big, head='<script src="/theme/copy.js"></script>'),
            "gioi-thieu/index.html": page("x"),
            "gioi-thieu/index.html.gz": b"g" * 300,
            "theme/site.1.css": "body{color:red}" * 10,
            "theme/site.css": "not linked from any page, not counted" * 1000,
            "theme/copy.js": "console.log(1)",
        },
    )
    report = measure_budgets(site)
    by_path = {w.path: w for w in report.pages}
    assert (by_path["index.html"].served, by_path["index.html"].encoding) == (100, "br")
    assert (by_path["gioi-thieu/index.html"].served, by_path["gioi-thieu/index.html"].encoding) == (
        300,
        "gzip",
    )
    product = by_path["san-pham/a/b/index.html"]
    assert product.kind == "product" and product.encoding == "gzip (in memory)" and product.over
    assert [w.path for w in report.css] == ["theme/site.1.css"]
    assert report.css_total == len(gzip.compress(b"body{color:red}" * 10, compresslevel=9, mtime=0))
    failures = report.failures()
    assert (
        failures[0].startswith("san-pham/a/b/index.html: ") and f"> {HTML_BUDGET} B (product)" in failures[0]
    )
    assert "san-pham/a/b/index.html: script not deferred: /theme/copy.js" in failures
    assert "| product | 1 |" in report.table() and "FAIL" in report.table()


def test_representative_page_is_the_heaviest_of_its_type(tmp_path):
    site = write(
        tmp_path,
        {
            "index.html": page(),
            "404.html": page("x" * 5000),
            "gioi-thieu/index.html": page("a"),
            "cach-dat-hang/index.html": page("".join(f"{i}," for i in range(900))),
            "san-pham/c/p/index.html": page(),
            "en/index.html": page(),
            "en/404.html": page("x" * 5000),
            "en/products/c/p/index.html": page(),
            "en/about/index.html": page("a"),
        },
    )
    assert representative_pages(site) == {
        "home": "index.html",
        "product": "san-pham/c/p/index.html",
        "page": "cach-dat-hang/index.html",
        "home (en)": "en/index.html",
        "product (en)": "en/products/c/p/index.html",
        "page (en)": "en/about/index.html",
    }
    assert sorted(pages_of_kind(site, "page")) == [
        "cach-dat-hang/index.html",
        "en/about/index.html",
        "gioi-thieu/index.html",
    ]
    assert pages_of_kind(site, "product") == ["en/products/c/p/index.html", "san-pham/c/p/index.html"]


def test_oversized_files(tmp_path):
    site = write(tmp_path, {"small.txt": b"x" * 10, "big.json": b"x" * (FILE_SIZE_LIMIT + 1)})
    assert oversized_files(site) == [("big.json", FILE_SIZE_LIMIT + 1)]
    # the member catalogue has the limit national sites accept (federation.model.MAX_BYTES), not 300 KB
    (site / "danh-muc.json").write_bytes(b"x" * (FILE_SIZE_LIMIT + 1))
    assert [rel for rel, _ in oversized_files(site)] == ["big.json"]
    assert limit_of("danh-muc.json") == MEMBER_CATALOGUE_LIMIT > FILE_SIZE_LIMIT == limit_of("sub/danh-muc.json")
    assert largest_files(site, 1) == [("big.json", FILE_SIZE_LIMIT + 1)]


def test_only_the_cms_bundle_may_be_over_the_limit(tmp_path):
    big = b"x" * (FILE_SIZE_LIMIT + 1)
    site = write(
        tmp_path,
        {
            "admin/decap-cms.js": big,
            "admin/decap-cms.js.br": big,
            "admin/decap-cms.js.gz": big,
            "admin/12.decap-cms.js": big,  # a chunk webpack loads beside the bundle
            "admin/config.yml": big,  # anything else in /admin/ still counts
            "admin/decap-cms.js.map": big,
            "decap-cms.js": big,  # the same name outside /admin/ counts
            "index.html": b"<p>x</p>",
        },
    )
    assert [rel for rel, _ in oversized_files(site)] == [
        "admin/config.yml",
        "admin/decap-cms.js.map",
        "decap-cms.js",
    ]
    assert "admin/decap-cms.js" not in dict(largest_files(site, 10))


def test_both_measures_classify_and_budget_files_alike(tmp_path):
    """One classification and one budget table: the quick gzip measure (scripts/budgets.py, the
    build tests) budgets exactly the files that `make audit` budgets, with the same budgets."""
    site = write(
        tmp_path,
        {
            "index.html": page(head='<link rel="stylesheet" href="/theme/a.css">'),
            "danh-gia/index.html": page(),
            "admin/index.html": page(),
            "theme/a.css": "p{}",
            "theme/b.js": "x",
            "theme/c.mjs": "x",
            "tim-kiem/pagefind/p.js": "x",
            "en/tim-kiem/pagefind/q.js": "x",
            "media/a.jpg": b"\xff\xd8",
        },
    )
    quick = {m.path: (m.kind, m.budget) for m in measure_site(site)}
    assert quick == {
        "danh-gia/index.html": ("assessment", ASSESSMENT_HTML_BUDGET),
        "index.html": ("home", HTML_BUDGET),
        "theme/a.css": ("css", CSS_BUDGET),
        "theme/b.js": ("js", JS_BUDGET),
        "theme/c.mjs": ("js", JS_BUDGET),
    }
    served = measure_budgets(site)
    assert {w.path: (w.kind, w.budget) for w in served.pages + served.css} == {
        path: kind_budget for path, kind_budget in quick.items() if kind_budget[0] != "js"
    }


def test_the_self_assessment_page_has_one_budget_for_page_scripts_and_styles(tmp_path):
    """/danh-gia/tu-danh-gia/ may load more than 6 KB of scripts: its page, scripts and styles
    together must stay within SELF_ASSESSMENT_BUDGET instead."""
    noise = random.Random(13).randbytes(8000).hex()  # hex of random bytes: gzip halves it, no more
    files = {
        "danh-gia/tu-danh-gia/index.html": page(
            "<form></form>",
            head='<link rel="stylesheet" href="/theme/sa.css"><script src="/theme/a.js" defer></script>'
            '<script src="/theme/b.js" defer></script>',
        ),
        "theme/sa.css": "a{}",
        "theme/a.js": noise,
        "theme/b.js": "1;",
    }
    report = measure_budgets(write(tmp_path / "fits", files))
    [weight] = report.self_assessment
    assert weight.scripts > JS_BUDGET and weight.total <= SELF_ASSESSMENT_BUDGET
    assert report.failures() == [] and "| self-assessment: page + js + css | 1 |" in report.table()
    assert self_assessment_weights(tmp_path / "fits")[0].scripts == weight.scripts  # same files, in memory
    heavy = files | {"theme/b.js": random.Random(14).randbytes(40000).hex()}
    report = measure_budgets(write(tmp_path / "heavy", heavy))
    assert report.failures() == [
        f"danh-gia/tu-danh-gia/index.html: page, scripts and styles {report.self_assessment[0].total} B "
        f"> {SELF_ASSESSMENT_BUDGET} B (self-assessment)"
    ]
    elsewhere = {k.replace("danh-gia/tu-danh-gia/", "gioi-thieu/"): v for k, v in files.items()}
    assert any("of JavaScript" in f for f in measure_budgets(write(tmp_path / "other", elsewhere)).failures())
    english = {k.replace("danh-gia/tu-danh-gia/", "en/assessment/self-assessment/"): v for k, v in files.items()}
    report = measure_budgets(write(tmp_path / "english", english))  # its English twin has the same budget
    assert report.failures() == [] and len(report.self_assessment) == 1


def test_a_service_worker_has_its_own_budget(tmp_path):
    """sw.js (issue 14) is no page's script: measured alone, as served, against 6 KB."""
    small = {"index.html": page("<p>x</p>"), "sw.js": "self.addEventListener('fetch', () => {});"}
    report = measure_budgets(write(tmp_path / "small", small))
    assert [(w.path, w.kind, w.budget) for w in report.workers] == [("sw.js", "service-worker", SERVICE_WORKER_BUDGET)]
    assert report.failures() == [] and "| service workers | 1 |" in report.table()
    heavy = small | {"danh-gia/tu-danh-gia/sw.js": random.Random(15).randbytes(8000).hex()}
    report = measure_budgets(write(tmp_path / "heavy", heavy))
    [failure] = report.failures()
    assert failure.startswith("danh-gia/tu-danh-gia/sw.js: ") and failure.endswith(f"> {SERVICE_WORKER_BUDGET} B (service worker)")


def test_a_stylesheet_and_its_fingerprinted_twin_count_once(tmp_path):
    site = write(
        tmp_path,
        {
            "theme/css/site.css": "a{color:red}",
            "theme/css/site.0123456789.css": "a{color:red}",
            "theme/x.css": "b{}",
        },
    )
    measures = measure_site(site)
    assert css_total(measures) == sum(m.gzipped for m in measures if m.path != "theme/css/site.css")

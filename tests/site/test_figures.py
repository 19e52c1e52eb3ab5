"""site/figures.py and figures_pages.py: the programme's figures on small catalogues, their wording, their downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import replace

from factories import (
    make_catalogue,
    make_contact,
    make_cooperative,
    make_marketplace,
    make_ocop,
    make_product,
)

from chophien.assessment import open_data
from chophien.site import figures_pages, i18n, urls
from chophien.site.assessment_pages import EN_WORDS, VI_WORDS
from chophien.site.catalogue_pages import build_pages
from chophien.site.figures import Row, compute, month_of, months_between

TODAY = dt.date(2026, 12, 2)
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def two_cooperatives():
    """HTX Chè Nà Hang (Tuyên Quang, Tày and Dao, a cooperative) with two products, one from Lào Cai;
    a household business in Đắk Lắk (Ê Đê) with one product."""
    che = make_cooperative()
    cacao = make_cooperative(
        slug="ho-cacao", name="Hộ kinh doanh Cacao Ea Kar", province="dak-lak", ethnic_groups=("e-de",),
        kind="ho-kinh-doanh",
    )  # fmt: skip
    products = (
        make_product(cooperative=che),
        make_product(cooperative=che, slug="mat-ong", name="Mật ong bạc hà", category="mat-ong-nong-san-khac",
                     origin_province="lao-cai"),
        make_product(cooperative=cacao, slug="cacao", name="Cacao lên men", category="ca-phe-ca-cao"),
    )  # fmt: skip
    return make_catalogue(*products)


def rows_of(rows: tuple[Row, ...]) -> dict[str, tuple[int, int]]:
    return {r.key: (r.cooperatives, r.products) for r in rows}


# --- counts ---------------------------------------------------------------------------------------


def test_cooperatives_and_products_by_province_region_ethnic_group_kind_and_category():
    f = compute(two_cooperatives(), TODAY, {})
    assert (f.cooperatives, f.products) == (2, 3)
    # A product's province is its origin when it has one (as the province listings): Lào Cai has a
    # product and no cooperative.
    assert rows_of(f.by_province) == {"dak-lak": (1, 1), "lao-cai": (0, 1), "tuyen-quang": (1, 1)}
    assert [r.name for r in f.by_province] == ["Đắk Lắk", "Lào Cai", "Tuyên Quang"]  # Vietnamese order
    regions = rows_of(f.by_region)
    assert len(regions) == 6  # every region, zeros shown
    assert regions["trung-du-mien-nui-phia-bac"] == (1, 2)
    assert regions["tay-nguyen"] == (1, 1)
    assert regions["dong-nam-bo"] == (0, 0)
    # A cooperative of two ethnic groups counts in each (the page says so).
    assert rows_of(f.by_ethnic_group) == {"dao": (1, 2), "e-de": (1, 1), "tay": (1, 2)}
    kinds = rows_of(f.by_kind)
    assert list(kinds) == [
        "hop-tac-xa",
        "to-hop-tac",
        "lien-hiep-hop-tac-xa",
        "doanh-nghiep",
        "ho-kinh-doanh",
    ]
    assert (
        kinds["hop-tac-xa"] == (1, 2) and kinds["ho-kinh-doanh"] == (1, 1) and kinds["doanh-nghiep"] == (0, 0)
    )
    assert rows_of(f.by_category) == {"che": (1, 1), "mat-ong-nong-san-khac": (1, 1), "ca-phe-ca-cao": (1, 1)}
    names = {r.key: (r.name, r.name_en) for r in f.by_kind}
    assert names["ho-kinh-doanh"] == ("Hộ kinh doanh", "Household business")


def test_ocop_counts_every_rating_as_the_ocop_pages_do_and_the_valid_ones_apart():
    coop = make_cooperative()
    catalogue = make_catalogue(
        make_product(cooperative=coop, slug="a", ocop=make_ocop(stars=4, date=dt.date(2024, 1, 10))),
        make_product(cooperative=coop, slug="b", ocop=make_ocop(stars=4, date=dt.date(2023, 12, 1))),
        make_product(cooperative=coop, slug="c", ocop=make_ocop(stars=3)),  # no date: valid
        make_product(cooperative=coop, slug="d"),
    )
    f = compute(catalogue, TODAY, {})
    # b's rating expired on 1 December 2026, the day before TODAY; a's is valid until January 2027.
    assert [(s.stars, s.products, s.valid) for s in f.ocop] == [(4, 2, 1), (3, 1, 1)]
    on_expiry_day = compute(catalogue, dt.date(2026, 12, 1), {})
    assert on_expiry_day.ocop[0].valid == 2  # valid through its expiry date, as the product page says


def test_photos_order_channels_and_marketplace_listings():
    phone_only = make_contact(zalo=None, messenger=None, email=None)
    lone = make_cooperative(slug="htx-mot-kenh", name="HTX Một Kênh", contact=phone_only)
    listed = make_cooperative(
        slug="htx-san", name="HTX Có Sàn", contact=phone_only,
        marketplaces=(make_marketplace("shopee", "https://shopee.vn/htxsan"),),
    )  # fmt: skip
    catalogue = make_catalogue(
        # call and SMS are one channel: the phone
        make_product(cooperative=lone, slug="a", contact=phone_only, images=()),
        # the phone and a product's marketplace listing: two channels, and its cooperative is listed
        make_product(cooperative=lone, slug="b", contact=phone_only,
                     marketplaces=(make_marketplace("tiktok", "https://www.tiktok.com/@htx"),)),
        make_product(cooperative=listed, slug="c", contact=phone_only),
        make_product(slug="d"),  # Zalo, phone, Messenger, email
        cooperatives=(make_cooperative(slug="htx-trong", name="HTX Trống", contact=phone_only),),
    )  # fmt: skip
    f = compute(catalogue, TODAY, {})
    assert f.with_photo == 3
    assert f.with_channels == 2  # b and d
    # htx-mot-kenh (through its product b) and htx-san (its own); not Nà Hang, not the empty one
    assert (f.with_marketplace, f.cooperatives) == (2, 4)


# --- growth ---------------------------------------------------------------------------------------


def test_growth_counts_each_file_in_the_month_of_its_first_commit_with_empty_months_as_zeros():
    catalogue = two_cooperatives()
    first = {
        "content/cooperatives/htx-che-na-hang.md": at("2026-08-03T02:00:00"),
        "content/products/htx-che-na-hang/che-shan-tuyet.md": at("2026-08-03T02:00:00"),
        "content/products/htx-che-na-hang/mat-ong.md": at("2026-10-15T09:00:00"),
        # 20:00 UTC on 31 October is 1 November in Vietnam
        "content/cooperatives/ho-cacao.md": at("2026-10-31T20:00:00"),
        # content/products/ho-cacao/cacao.md: not committed yet
    }
    f = compute(catalogue, TODAY, first)
    got = [(m.month, m.cooperatives, m.products, m.cooperatives_total, m.products_total) for m in f.growth]
    assert got == [
        ("2026-08", 1, 1, 1, 1),  # the first month: the first commit's
        ("2026-09", 0, 0, 1, 1),  # nothing added: shown, zeros
        ("2026-10", 0, 1, 1, 2),
        ("2026-11", 1, 0, 2, 2),
        ("2026-12", 0, 0, 2, 2),  # up to today's month
    ]
    assert (f.undated_cooperatives, f.undated_products) == (0, 1)
    assert f.growth[-1].products_total + f.undated_products == f.products


def test_without_git_history_there_is_no_month_and_everything_is_undated():
    f = compute(two_cooperatives(), TODAY, {})
    assert f.growth == ()
    assert (f.undated_cooperatives, f.undated_products) == (2, 3)
    figure = figures_pages.growth_figure(f, VI_WORDS)
    assert figure.chart is None and figure.table.rows == ()
    assert "2 hợp tác xã, 3 sản phẩm" in figure.note


def test_months_run_across_years_and_a_commit_after_today_extends_them():
    assert months_between("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert month_of(at("2026-12-31T17:00:00")) == "2027-01"
    assert month_of(at("2026-12-31T16:59:59")) == "2026-12"
    later = {"content/cooperatives/htx-che-na-hang.md": at("2027-03-01T00:00:00")}
    f = compute(make_catalogue(), dt.date(2027, 1, 5), later)
    assert [m.month for m in f.growth] == ["2027-03"]  # CHOPHIEN_TODAY before the history: no gap invented


# --- words, charts and tables ---------------------------------------------------------------------


def big_figures():
    f = compute(
        two_cooperatives(), TODAY, {"content/cooperatives/htx-che-na-hang.md": at("2026-11-02T00:00:00")}
    )
    return replace(f, products=12345, by_province=(Row("lao-cai", "Lào Cai", "Lao Cai", 1, 1234),))


def test_numbers_are_written_as_each_edition_writes_them():
    f = big_figures()
    vi = dict(figures_pages.headline(f, VI_WORDS))
    en = dict(figures_pages.headline(f, EN_WORDS))
    assert vi["Sản phẩm"] == "12.345" and en["Products"] == "12,345"
    province_vi = figures_pages.breakdown_figures(f, VI_WORDS)[0].table
    province_en = figures_pages.breakdown_figures(f, EN_WORDS)[0].table
    assert province_vi.rows[0][0] == "Lào Cai" and province_en.rows[0][0] == "Lao Cai"
    assert province_vi.rows[0][1][1].text == "1.234" and province_en.rows[0][1][1].text == "1,234"
    assert province_vi.rows[0][1][1].detail == "10%"  # 1.234 of 12.345 products
    assert province_en.head[1:] == ("Cooperatives", "Products")


def test_the_growth_chart_has_its_title_description_and_the_table_beside_it():
    f = big_figures()
    for words, month in ((VI_WORDS, "11/2026"), (EN_WORDS, "Nov 2026")):
        figure = figures_pages.growth_figure(f, words)
        chart = str(figure.chart)
        assert chart.startswith("<svg") and 'role="img"' in chart
        assert '<title id="c-tang-truong-t">' in chart and '<desc id="c-tang-truong-d">' in chart
        assert f">{month}</text>" in chart
        assert [label for label, _cells in figure.table.rows] == [
            month,
            month.replace("11", "12").replace("Nov", "Dec"),
        ]
        assert [c.text for c in figure.table.rows[1][1]] == ["0", "0", "1", "0"]


def test_every_figure_of_the_page_has_a_table_with_headers():
    f = big_figures()
    for words in (VI_WORDS, EN_WORDS):
        shown = figures_pages.page_figures(f, words)
        assert [x.id for x in shown] == [
            "tang-truong",
            "vung",
            "tinh",
            "dan-toc",
            "loai-hinh",
            "danh-muc",
            "ocop",
            "dat-hang",
        ]
        for figure in shown:
            assert figure.table.caption and figure.table.head
            assert all(len(figure.table.head) == 1 + len(cells) for _label, cells in figure.table.rows)


def test_the_english_page_is_in_english():
    """No Vietnamese UI word on the English figures (data names have English names here)."""
    f = big_figures()
    texts = [x for figure in figures_pages.page_figures(f, EN_WORDS) for x in _texts(figure)]
    texts += [x for pair in figures_pages.headline(f, EN_WORDS) for x in pair]
    vietnamese = [
        t for t in texts if any(ch in t for ch in "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư")
    ]
    assert vietnamese == []


def _texts(figure) -> list[str]:
    table = figure.table
    cells = [c.text for _label, row in table.rows for c in row]
    return [
        figure.heading,
        figure.note,
        table.caption,
        *table.head,
        *(label for label, _ in table.rows),
        *cells,
    ]


# --- open data ------------------------------------------------------------------------------------


def downloads(f, sample_data=True) -> tuple[str, str]:
    rows = figures_pages.data_rows(f, sample_data)
    return open_data.to_csv(rows), figures_pages.to_json(f, rows, sample_data)


def test_downloads_have_the_assessment_columns_and_the_same_rows():
    f = big_figures()
    text, document = downloads(f)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == open_data.COLUMNS
    assert rows[0]["measure"] == "sample_data" and rows[0]["value"] == "1"
    parsed = json.loads(document)
    assert parsed["columns"] == list(open_data.COLUMNS)
    assert parsed["figures"]["sample_data"] is True and parsed["figures"]["date"] == "2026-12-02"
    assert len(parsed["rows"]) == len(rows)
    assert [str(r["value"]) for r in parsed["rows"]] == [r["value"] for r in rows]
    by = {(r["table"], r["group"], r["measure"]): r["value"] for r in rows}
    assert by[("total", "all", "products")] == "12345"
    assert by[("by_province", "lao-cai", "products")] == "1234"
    assert by[("growth", "2026-12", "products_added")] == "0"
    assert by[("growth", "unknown", "products_added")] == "3"
    real = list(csv.DictReader(io.StringIO(downloads(f, sample_data=False)[0])))
    assert real[0]["value"] == "0" and "Dữ liệu mẫu" not in downloads(f, sample_data=False)[1]


def test_downloads_are_deterministic_whatever_the_order_of_the_content():
    catalogue = two_cooperatives()
    again = make_catalogue(*reversed(catalogue.products))
    first = {"content/cooperatives/htx-che-na-hang.md": at("2026-11-02T00:00:00")}
    assert downloads(compute(catalogue, TODAY, first)) == downloads(compute(again, TODAY, dict(first)))


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    f = replace(big_figures(), by_province=(Row("x", '=HYPERLINK("http://evil")', "=x", 1, 1),))
    text, document = downloads(f)
    rows = list(csv.DictReader(io.StringIO(text)))
    names = {r["group_name"] for r in rows if r["table"] == "by_province"}
    assert names == {'\'=HYPERLINK("http://evil")'}
    assert any(
        r["group_name"] == '=HYPERLINK("http://evil")' for r in json.loads(document)["rows"]
    )  # JSON: raw data


def test_nothing_about_people_reaches_the_page_or_the_downloads():
    """Counts only: no phone number, email, address, member count or cooperative name."""
    catalogue = two_cooperatives()
    pages = list(figures_pages.figures_pages(catalogue, TODAY, {}, sample_data=False))
    everything = repr([p.context for p in pages])
    coop = catalogue.cooperatives["htx-che-na-hang"]
    for private in (
        coop.contact.phone,
        "0912",
        coop.contact.email,
        coop.name,
        coop.short_name,
        "Cacao Ea Kar",
    ):
        assert private not in everything, private


def test_the_family_is_part_of_every_build_with_its_twin_and_downloads():
    pages = list(i18n.editions(build_pages(two_cooperatives(), TODAY, {}, sample_data=True)))
    found = {p.url: p for p in pages}
    assert found[urls.figures()].template == "figures.html"
    assert found["en/figures/"].context["alternates"] == {"vi": "so-lieu/", "en": "en/figures/"}
    assert '"sample_data": true' in found["so-lieu/du-lieu.json"].context["body"]
    assert {"so-lieu/du-lieu.csv", "so-lieu/du-lieu.json"} <= set(found)
    assert "en/figures/du-lieu.csv" not in found  # one file for both editions


def test_channels_are_the_order_buttons_of_the_product_page():
    """figures.channels (one per contact, cached) gives the channels of orders.order_links, call and SMS as one."""
    from chophien.catalogue.orders import order_links
    from chophien.site.figures import CHANNEL_OF, channels

    contacts = [
        make_contact(),
        make_contact(zalo=None, messenger=None, email=None),
        make_contact(phone=None, zalo=None, messenger=None),
        make_contact(phone=None, zalo="+84912345678", messenger=None, email=None),
    ]
    shop = (make_marketplace("shopee", "https://shopee.vn/htx"),)
    for contact in contacts:
        for marketplaces in ((), shop):
            product = make_product(contact=contact, marketplaces=marketplaces)
            expected = {CHANNEL_OF.get(link.channel, link.channel) for link in order_links(product)}
            assert channels(product) == expected
    assert channels(make_product(contact=contacts[1])) == {"phone"}

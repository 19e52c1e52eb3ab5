"""The /so-lieu/ page family: the programme's figures as tables and charts in both languages, and their open data.

The figures come from site/figures.py (pure counts); this module words them (Vietnamese, and
English in the context's `english`, as the assessment pages do: site/assessment_pages.Words),
draws the charts (chophien.assessment.charts) and writes the downloads in the assessment
downloads' long-table format (chophien.assessment.open_data: same columns, same CSV writer and
formula guard). Nothing is hidden: every figure counts cooperatives and products the catalogue
publishes one by one anyway.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping

from markupsafe import Markup

from chophien.assessment import charts, open_data
from chophien.assessment.charts import Bar
from chophien.catalogue.model import Catalogue
from chophien.core.text import format_date
from chophien.site import i18n, urls
from chophien.site.assessment_pages import DOWNLOAD_TEMPLATE, EN_WORDS, VI_WORDS, Cell, Figure, Table, Words
from chophien.site.figures import Figures, Month, Row, compute
from chophien.site.page import Page, crumbs

TEMPLATE = "figures.html"
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def count(value: int, w: Words) -> str:
    """1.234 on Vietnamese pages, 1,234 on English ones (the site's `number` filter)."""
    return charts.count(value, w.lang)


def share(part: int, whole: int, w: Words) -> str:
    return w.percent(100 * part / whole) if whole else "–"


def month_label(month: str, w: Words) -> str:
    """'2026-11' → '11/2026' (Vietnamese) or 'Nov 2026'."""
    year, number = month.split("-")
    return f"{MONTHS_EN[int(number) - 1]} {year}" if w.lang == i18n.EN else f"{int(number)}/{year}"


def _count_share(part: int, whole: int, w: Words) -> Cell:
    return Cell(count(part, w), detail=share(part, whole, w) if part else "")


# --- what the page shows ---------------------------------------------------------------------------


def headline(f: Figures, w: Words) -> list[tuple[str, str]]:
    valid = sum(s.valid for s in f.ocop)
    return [
        (w._("Hợp tác xã"), count(f.cooperatives, w)),
        (w._("Sản phẩm"), count(f.products, w)),
        (w._("Sản phẩm có ảnh"), share(f.with_photo, f.products, w)),
        (w._("Sản phẩm có từ 2 kênh đặt hàng"), share(f.with_channels, f.products, w)),
        (w._("Hợp tác xã có gian hàng trên sàn"), share(f.with_marketplace, f.cooperatives, w)),
        (w._("Sản phẩm OCOP còn hiệu lực"), count(valid, w)),
    ]


def growth_figure(f: Figures, w: Words) -> Figure:
    """Cooperatives and products online at the end of each month (a line each), added per month (table)."""
    labels = [month_label(m.month, w) for m in f.growth]
    described = "; ".join(
        w._(
            "%(month)s: %(coops)s hợp tác xã, %(products)s sản phẩm",
            month=label,
            coops=count(m.cooperatives_total, w),
            products=count(m.products_total, w),
        )
        for label, m in zip(labels, f.growth, strict=True)
    )
    chart = None
    if f.growth:
        chart = charts.line_chart(
            "c-tang-truong",
            w._("Số hợp tác xã và sản phẩm trên trang, cuối mỗi tháng"),
            w._("Biểu đồ đường, mỗi đường một loại. %(described)s.", described=described),
            labels,
            [
                (w._("Sản phẩm"), [m.products_total for m in f.growth]),
                (w._("Hợp tác xã"), [m.cooperatives_total for m in f.growth]),
            ],
            lang=w.lang,
        )
    table = Table(
        w._("Thêm mới mỗi tháng và tổng cuối tháng"),
        (
            w._("Tháng"),
            w._("Hợp tác xã mới"),
            w._("Sản phẩm mới"),
            w._("Tổng hợp tác xã"),
            w._("Tổng sản phẩm"),
        ),
        tuple((label, _month_cells(m, w)) for label, m in zip(labels, f.growth, strict=True)),
    )
    return Figure("tang-truong", w._("Tăng trưởng theo tháng"), chart, table, growth_note(f, w))


def _month_cells(m: Month, w: Words) -> tuple[Cell, ...]:
    values = (m.cooperatives, m.products, m.cooperatives_total, m.products_total)
    return tuple(Cell(count(v, w)) for v in values)


def growth_note(f: Figures, w: Words) -> str:
    note = w._(
        "Tính theo ngày tệp nội dung của mỗi hợp tác xã, sản phẩm lần đầu vào lịch sử git (giờ Việt Nam); "
        "chỉ tính những gì đang có trên trang."
    )
    if f.undated_cooperatives or f.undated_products:
        note += " " + w._(
            "Chưa có trong lịch sử git nên chưa tính vào tháng nào: %(coops)s hợp tác xã, %(products)s sản phẩm.",
            coops=count(f.undated_cooperatives, w),
            products=count(f.undated_products, w),
        )
    return note


def _rows_table(caption: str, first: str, rows: tuple[Row, ...], f: Figures, w: Words) -> Table:
    return Table(
        caption,
        (first, w._("Hợp tác xã"), w._("Sản phẩm")),
        tuple(
            (
                r.name_en if w.lang == i18n.EN else r.name,
                (_count_share(r.cooperatives, f.cooperatives, w), _count_share(r.products, f.products, w)),
            )
            for r in rows
        ),
    )


def region_figure(f: Figures, w: Words) -> Figure:
    """Products by region: bars and the table (cooperatives too)."""
    names = [r.name_en if w.lang == i18n.EN else r.name for r in f.by_region]
    bars = [Bar(name, r.products, count(r.products, w)) for name, r in zip(names, f.by_region, strict=True)]
    chart = charts.bar_chart(
        "c-vung",
        w._("Số sản phẩm theo vùng"),
        w._("Biểu đồ thanh. %(described)s.", described="; ".join(f"{b.label}: {b.text}" for b in bars)),
        bars,
        lang=w.lang,
    )
    table = _rows_table(w._("Hợp tác xã và sản phẩm theo vùng"), w._("Vùng"), f.by_region, f, w)
    return Figure("vung", w._("Theo vùng"), chart, table)


def breakdown_figures(f: Figures, w: Words) -> list[Figure]:
    """Province, ethnic group, kind and category: a table each (the region has its chart)."""
    ethnic_note = w._(
        "Một hợp tác xã của nhiều dân tộc được tính ở mỗi dân tộc, nên tổng các hàng lớn hơn tổng số."
    )
    items = [
        ("tinh", w._("Theo tỉnh, thành phố"), w._("Hợp tác xã và sản phẩm theo tỉnh, thành phố"),
         w._("Tỉnh, thành phố"), f.by_province, ""),
        ("dan-toc", w._("Theo dân tộc"), w._("Hợp tác xã và sản phẩm theo dân tộc"),
         w._("Dân tộc"), f.by_ethnic_group, ethnic_note),
        ("loai-hinh", w._("Theo loại hình"), w._("Hợp tác xã và sản phẩm theo loại hình"),
         w._("Loại hình"), f.by_kind, ""),
        ("danh-muc", w._("Theo danh mục sản phẩm"), w._("Hợp tác xã và sản phẩm theo danh mục"),
         w._("Danh mục"), f.by_category, category_note(w)),
    ]  # fmt: skip
    return [
        Figure(slug, heading, None, _rows_table(caption, first, rows, f, w), note)
        for slug, heading, caption, first, rows, note in items
    ]


def category_note(w: Words) -> str:
    return w._("Cột hợp tác xã: số hợp tác xã có ít nhất một sản phẩm trong danh mục.")


def ocop_figure(f: Figures, w: Words) -> Figure:
    total = sum(s.products for s in f.ocop)
    rows = tuple(
        (
            w._("%(n)s sao", n=s.stars),
            (Cell(count(s.products, w)), _count_share(s.valid, s.products, w)),
        )
        for s in f.ocop
    )
    table = Table(w._("Sản phẩm OCOP theo số sao"), (w._("Hạng"), w._("Sản phẩm"), w._("Còn hiệu lực")), rows)
    note = w._(
        "Như các trang OCOP: mọi sản phẩm có hạng OCOP (%(total)s), kể cả hạng đã hết hiệu lực; cột "
        "“còn hiệu lực” chỉ tính hạng chưa quá 36 tháng kể từ ngày quyết định, tính đến %(date)s.",
        total=count(total, w),
        date=_date(f.today, w),
    )
    return Figure("ocop", w._("Sản phẩm OCOP"), None, table, note)


def _date(day: dt.date, w: Words) -> str:
    """As the templates' `date` filter writes it in each edition."""
    return i18n.date_en(day) if w.lang == i18n.EN else format_date(day)


def reach_figure(f: Figures, w: Words) -> Figure:
    """Photos, order channels and marketplace listings: how easy it is to buy."""
    rows = (
        (w._("Sản phẩm có ít nhất một ảnh"), (_count_share(f.with_photo, f.products, w),)),
        (w._("Sản phẩm có từ 2 kênh đặt hàng trở lên"), (_count_share(f.with_channels, f.products, w),)),
        (
            w._("Hợp tác xã có gian hàng trên sàn thương mại điện tử"),
            (_count_share(f.with_marketplace, f.cooperatives, w),),
        ),
    )
    table = Table(
        w._("Ảnh, kênh đặt hàng và gian hàng trên sàn"), (w._("Chỉ tiêu"), w._("Số lượng (tỉ lệ)")), rows
    )
    note = w._(
        "Kênh đặt hàng: điện thoại (gọi, nhắn tin), Zalo, Messenger, email, sàn thương mại điện tử. "
        "Gian hàng trên sàn: của hợp tác xã hoặc của một sản phẩm của hợp tác xã."
    )
    return Figure("dat-hang", w._("Ảnh và kênh đặt hàng"), None, table, note)


def page_figures(f: Figures, w: Words) -> list[Figure]:
    return [
        growth_figure(f, w),
        region_figure(f, w),
        *breakdown_figures(f, w),
        ocop_figure(f, w),
        reach_figure(f, w),
    ]


# --- open data -------------------------------------------------------------------------------------

ALL = ("all", "all", "Tất cả")  # dimension, group, group name of the totals (as open_data.ALL)


def _row(table: str, dimension: str, group: str, group_name: str, measure: str, name: str, value) -> dict:
    """A row in the assessment downloads' columns; nothing is suppressed here (status empty)."""
    return dict(
        zip(open_data.COLUMNS, (table, dimension, group, group_name, measure, name, value, ""), strict=True)
    )


def total_rows(f: Figures) -> list[dict]:
    def percent(part: int, whole: int):
        return round(100 * part / whole, 1) if whole else None

    return [
        _row("total", *ALL, "cooperatives", "Hợp tác xã", f.cooperatives),
        _row("total", *ALL, "products", "Sản phẩm", f.products),
        _row("total", *ALL, "products_with_photo", "Sản phẩm có ảnh", f.with_photo),
        _row("total", *ALL, "products_with_photo_percent", "Sản phẩm có ảnh (%)", percent(f.with_photo, f.products)),
        _row("total", *ALL, "products_with_2_channels", "Sản phẩm có từ 2 kênh đặt hàng", f.with_channels),
        _row(
            "total", *ALL, "products_with_2_channels_percent", "Sản phẩm có từ 2 kênh đặt hàng (%)",
            percent(f.with_channels, f.products),
        ),
        _row("total", *ALL, "cooperatives_with_marketplace", "Hợp tác xã có gian hàng trên sàn", f.with_marketplace),
        _row(
            "total", *ALL, "cooperatives_with_marketplace_percent", "Hợp tác xã có gian hàng trên sàn (%)",
            percent(f.with_marketplace, f.cooperatives),
        ),
    ]  # fmt: skip


BREAKDOWNS = (  # (download dimension, Figures attribute)
    ("region", "by_region"),
    ("province", "by_province"),
    ("ethnic_group", "by_ethnic_group"),
    ("kind", "by_kind"),
    ("category", "by_category"),
)


def breakdown_rows(f: Figures) -> list[dict]:
    rows = []
    for dimension, attribute in BREAKDOWNS:
        for r in getattr(f, attribute):
            rows.append(
                _row(
                    f"by_{dimension}", dimension, r.key, r.name, "cooperatives", "Hợp tác xã", r.cooperatives
                )
            )
            rows.append(_row(f"by_{dimension}", dimension, r.key, r.name, "products", "Sản phẩm", r.products))
    return rows


def ocop_rows(f: Figures) -> list[dict]:
    rows = []
    for s in f.ocop:
        group = (str(s.stars), f"{s.stars} sao")
        rows.append(_row("ocop", "stars", *group, "products", "Sản phẩm có hạng OCOP", s.products))
        rows.append(_row("ocop", "stars", *group, "products_valid", "Còn hiệu lực", s.valid))
    return rows


def growth_rows(f: Figures) -> list[dict]:
    measures = (
        ("cooperatives_added", "Hợp tác xã mới"),
        ("products_added", "Sản phẩm mới"),
        ("cooperatives_total", "Tổng hợp tác xã"),
        ("products_total", "Tổng sản phẩm"),
    )
    rows = []
    for m in f.growth:
        values = (m.cooperatives, m.products, m.cooperatives_total, m.products_total)
        label = month_label(m.month, VI_WORDS)
        for (measure, name), value in zip(measures, values, strict=True):
            rows.append(_row("growth", "month", m.month, label, measure, name, value))
    undated = (
        ("cooperatives_added", "Hợp tác xã mới", f.undated_cooperatives),
        ("products_added", "Sản phẩm mới", f.undated_products),
    )
    for measure, name, value in undated:
        rows.append(_row("growth", "month", "unknown", "Chưa có trong lịch sử git", measure, name, value))
    return rows


def data_rows(f: Figures, sample_data: bool) -> list[dict]:
    """Every row of the downloads; the first says whether the data are a sample (1) or real (0)."""
    label = "Dữ liệu mẫu, không có thật (1 = mẫu)" if sample_data else "Dữ liệu thật (0 = không phải mẫu)"
    first = _row("metadata", *ALL, "sample_data", label, int(sample_data))
    date = _row("metadata", *ALL, "date", "Số liệu tính đến ngày", f.today.isoformat())
    return [first, date, *total_rows(f), *breakdown_rows(f), *ocop_rows(f), *growth_rows(f)]


NOTES = (
    "Số hợp tác xã và sản phẩm đang có trên trang vào ngày ghi ở cột date / the cooperatives and "
    "products online on that date.",
    "growth: theo tháng (giờ Việt Nam) tệp nội dung lần đầu vào lịch sử git; group unknown: chưa có trong "
    "lịch sử git / by the month (Vietnam time) each file was first committed; unknown: not committed yet.",
    "by_ethnic_group: một hợp tác xã của nhiều dân tộc được tính ở mỗi dân tộc / a cooperative of several "
    "ethnic groups counts in each.",
    "ocop: mọi hạng, kể cả đã hết hiệu lực; products_valid: chưa quá 36 tháng / every rating, expired ones "
    "included; products_valid: within 36 months of the decision.",
)


def to_json(f: Figures, rows: list[dict], sample_data: bool) -> str:
    document = {
        "figures": {
            "title": "Số liệu: hợp tác xã và sản phẩm trên trang",
            "title_en": "Figures: the cooperatives and products online",
            "date": f.today.isoformat(),
            "sample_data": sample_data,
            "page": urls.figures(),
        },
        "notes": (["Dữ liệu mẫu, không phải số liệu thật."] if sample_data else []) + list(NOTES),
        "columns": list(open_data.COLUMNS),
        "rows": rows,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


# --- the family ------------------------------------------------------------------------------------


def figures_pages(
    catalogue: Catalogue, today: dt.date, first_commits: Mapping[str, dt.datetime], sample_data: bool = False
) -> Iterator[Page]:
    """/so-lieu/ (its English twin comes from i18n.editions) and its CSV and JSON downloads."""
    f = compute(catalogue, today, first_commits)
    yield Page(
        urls.figures(),
        TEMPLATE,
        {
            "headline": headline(f, VI_WORDS),
            "figures": page_figures(f, VI_WORDS),
            "english": {"headline": headline(f, EN_WORDS), "figures": page_figures(f, EN_WORDS)},
            "today": today,
            "breadcrumbs": crumbs(),
        },
    )
    rows = data_rows(f, sample_data)
    yield Page(urls.figures_download("csv"), DOWNLOAD_TEMPLATE, {"body": Markup(open_data.to_csv(rows))})
    yield Page(
        urls.figures_download("json"), DOWNLOAD_TEMPLATE, {"body": Markup(to_json(f, rows, sample_data))}
    )

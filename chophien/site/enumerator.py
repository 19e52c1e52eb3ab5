"""The data of the self-assessment page's enumerator mode ("Khảo sát nhiều đơn vị"): code lists, surveys, cooperatives, as JSON.

theme/templates/_enumerator.html puts `enumerator_data(model, surveys, cooperatives)` into a
`<script type="application/json">` block (data, not code: the strict CSP allows it);
theme/static/js/enumerator.js reads it to build its forms, export responses.csv rows and make
response codes. Every list is in the order the response codes index it
(chophien.assessment.response_code.Codebook), so the page and `chophien assessment add` agree.
The export's header is enumerator.js's BASE columns (chophien.assessment.schema.BASE_COLUMNS,
compared by tests/site/test_enumerator.py) and the codebook's criteria: column names never appear
in the published pages.
"""

from __future__ import annotations

from chophien import reference
from chophien.assessment.model import SECTORS, SIZE_BANDS, ScoringModel
from chophien.assessment.response_code import Codebook
from chophien.catalogue.model import KINDS
from chophien.core.text import reads_as_formula
from chophien.site import i18n
from chophien.site.i18n import N_

# The QR library the mode loads only when a code is shown: npm qrcode-generator (Kazuhiko Arase, MIT
# licence in its header), its dist/qrcode.js byte for byte as in the npm tarball whose integrity is
# QRCODE_NPM_INTEGRITY, vendored as theme/static/js/qrcode-generator.js; tests/site/test_enumerator.py
# checks the file's hash. To upgrade: `npm pack qrcode-generator@X`, check the tarball's integrity
# against `npm view qrcode-generator@X dist.integrity`, copy package/dist/qrcode.js, update all three.
QRCODE_VERSION = "2.0.4"
QRCODE_NPM_INTEGRITY = (
    "sha512-mZSiP6RnbHl4xL2Ap5HfkjLnmxfKcPWpWe/c+5XxCuetEenqmNFf1FH/ftXPCtFG5/TDobjsjz6sSNL0Sr8Z9g=="
)
QRCODE_SHA384 = (
    "7bd1050fa0460bdd1b916f5a0d5e716db05fcf037b1bc6089876a8da57cb54a57f84f074134828f87dc8eb887ba07b40"
)


def _field(item, name: str, default=""):
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def _cooperative(item) -> list[str]:
    """[slug, name, province slug, kind] of a catalogue cooperative, an object or a mapping."""
    province = _field(item, "province")
    slug = getattr(province, "slug", None)
    if slug is None and province:  # a slug, or a name
        slugs = {p.slug for p in reference.provinces()}
        found = None if province in slugs else reference.find_province(str(province))[0]
        slug = province if province in slugs else found.slug if found else ""
    return [_field(item, "slug"), _field(item, "name"), slug, _field(item, "kind")]


def _english(item, field: str = "name") -> str:
    return i18n.text_in(item, field, i18n.EN)


# What enumerator.js says (its words are the Vietnamese text; "{}" takes a number): translated through the
# message catalogue for the English page (enumerator_data's "words"), so the script holds no English.
WORDS = (
    N_(" (dữ liệu mẫu)"),
    N_("Máy không cho lưu dữ liệu (chế độ ẩn danh?): phiếu sẽ mất khi đóng trang."),
    N_("Dữ liệu phiếu cũ trên máy bị hỏng nên đã được để riêng; bắt đầu danh sách mới."),
    N_("Không lưu được trên máy (bộ nhớ đầy?). Hãy tải tệp CSV ngay."),
    N_("Chưa có phiếu nào trên máy này."),
    N_(" câu"),
    N_("Sửa"),
    N_("Mã phiếu"),
    N_("Xoá"),
    N_("Xoá phiếu của "),
    N_("? Phiếu đã xoá không lấy lại được."),
    N_("Đã xoá phiếu của "),
    N_("tên đơn vị"),
    N_("Còn thiếu: "),
    N_("Đã có phiếu của "),
    N_(" trên máy này. Mở phiếu đó để sửa?"),
    N_("Chưa tải xong bảng câu hỏi; hãy thử lại."),
    N_("Đã lưu phiếu của "),
    N_(" câu)."),
    N_("Đã trả lời đủ câu hỏi: bấm “Lưu phiếu”."),
    N_(" phiếu chưa đủ câu trả lời nên chưa có trong tệp."),
    N_("Chưa có phiếu nào đủ câu trả lời để tải."),
    N_("Mã QR của mã phiếu"),
    N_("{} phiếu lưu trên máy này, {} phiếu đủ câu trả lời."),
    N_("Đã tải {} phiếu (tệp CSV)."),
    N_("Đã tải {} phiếu (bản JSON)."),
)


def enumerator_data(model: ScoringModel, surveys, cooperatives, lang: str = "vi") -> dict:
    """What enumerator.js needs for *model*'s page: surveys taking responses with it, lists, codebook.

    On the English page (*lang* "en") the names shown in the lists are English where the data has
    them; the codes, the order and everything exported are the same."""
    en = lang == "en"
    name = _english if en else (lambda item, field="name": getattr(item, field))
    column = 1 if en else 0  # the (Vietnamese, English) names of SECTORS, KINDS, SIZE_BANDS
    book = Codebook.of(model)
    provinces = {p.slug: p for p in reference.provinces()}
    taking = [s for s in surveys or () if s.model.slug == model.slug and s.responses is not None]
    gettext = i18n.translations(lang).gettext
    return {
        "version": 1,
        "words": {word: gettext(word) for word in WORDS} if en else {},
        "codebook": book.as_json(),
        "surveys": [
            {
                "slug": s.slug,
                "title": name(s, "title"),
                "own_results": bool(s.own_results),
                "statement": name(s, "consent_statement"),
                "sample_data": bool(s.sample_data),
            }
            for s in taking
        ],
        "provinces": [[slug, name(provinces[slug]), provinces[slug].region] for slug in book.provinces],
        "sectors": [[key, SECTORS[key][column]] for key in book.sectors],
        "kinds": [[key, KINDS[key][column]] for key in book.kinds],
        "sizes": [[key, SIZE_BANDS[key][column]] for key in book.sizes],
        "equipment": [[e.key, name(e)] for e in model.equipment],
        "cooperatives": sorted(
            (_cooperative(c) for c in cooperatives or ()), key=lambda c: (c[1].casefold(), c[0])
        ),
    }


def exportable(cell: str) -> bool:
    """A cell the export may write: never one a spreadsheet would run as a formula."""
    return not reads_as_formula(str(cell))

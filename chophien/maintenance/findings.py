"""Maintenance findings: each thing in the content that needs a person, at its file and line, with what to do.

Every rule, its kind (a stable English identifier) and its severity are listed in KINDS and
explained in docs/maintenance.md. Dates come from git as the feeds take them (site/history):
a file's last change is its last commit that is not a formatting-only commit
(`.git-blame-ignore-revs`); a price's last change is the last such commit whose diff adds or
removes a `price:` line (one `git log -G` for the whole tree). Lines come from the strict YAML
reader's positions (formats/strictyaml), and a file is re-read only when a finding needs a line.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from chophien import reference
from chophien.catalogue.model import Catalogue, Cooperative
from chophien.catalogue.schema import field_label
from chophien.catalogue.stale import stale_translations
from chophien.core.git import git, log_files
from chophien.core.problems import ERROR, Problem, ProblemList
from chophien.core.settings import today_is
from chophien.core.text import add_months, format_phone
from chophien.formats.strictyaml import Document, YamlProblem, parse_front_matter
from chophien.formats.weblinks import parse_web_address
from chophien.photos.formats import HEAD_BYTES, lfs_pointer_oid
from chophien.photos.limits import CHECK_MIN_WIDTH
from chophien.site.build import prepare
from chophien.site.figures import contact_channels
from chophien.site.history import git_dates, ignored_revisions
from chophien.site.i18n import money_en
from chophien.volunteer.photo_tools import check_photos

HIGH, MEDIUM, LOW = "high", "medium", "low"
SEVERITIES = (HIGH, MEDIUM, LOW)  # most urgent first

OCOP_NOTICE_DAYS = 90  # an OCOP rating expiring within this many days is announced
STALE_MONTHS = 12  # default of --stale-months
OUT_OF_STOCK_MONTHS = 3  # "het-hang" in a file unchanged for this long
OUT_OF_SEASON_MONTHS = 3  # a seasonal product this long past its season, its file not touched since

# kind → severity. Link kinds come from the link checker (maintenance/links.py).
KINDS = {
    "content-error": HIGH,
    "ocop-expired": HIGH,
    "link-broken": HIGH,
    "ocop-expiring": MEDIUM,
    "stale-price": MEDIUM,
    "no-photo": MEDIUM,
    "shared-phone": MEDIUM,
    "email-suspicious": MEDIUM,
    "link-unreachable": MEDIUM,
    "ocop-date-missing": LOW,
    "stale-product": LOW,
    "out-of-stock-long": LOW,
    "out-of-season-long": LOW,
    "photo-no-alt": LOW,
    "photo-too-small": LOW,
    "photo-problem": LOW,
    "photos-not-fetched": LOW,
    "single-channel": LOW,
    "website-suspicious": LOW,
    "translation-stale": LOW,
    "link-suspicious": LOW,
}


@dataclass(frozen=True)
class Finding:
    """One thing to do: where (path, line, field), what is wrong and what to do, in vi and en."""

    kind: str
    path: str  # as the loader shows it: "content/products/htx-a/che.md"
    line: int
    field: str
    message_vi: str
    message_en: str
    action_vi: str
    action_en: str
    example: str = ""
    url: str | None = None
    severity: str = ""  # "" → KINDS[kind]

    def __post_init__(self):
        if not self.severity:
            object.__setattr__(self, "severity", KINDS[self.kind])

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def action(self, lang: str = "vi") -> str:
        return self.action_en if lang == "en" else self.action_vi

    def sort_key(self) -> tuple:
        return (SEVERITIES.index(self.severity), self.path, self.line, self.kind, self.field, self.message_en)


def cooperative_of(path: str) -> str | None:
    """The cooperative a content path belongs to: its own file, its photos, its products; else None."""
    parts = path.split("/")
    if len(parts) >= 3 and parts[1] in ("cooperatives", "products"):
        return parts[2].removesuffix(".md") if len(parts) == 3 else parts[2]
    return None


def _day(date: dt.date) -> str:
    return f"{date:%d/%m/%Y}"


# --- where to change it ----------------------------------------------------------------------


class Lines:
    """The line of a field in a content file, from formats.strictyaml's positions; a file is
    parsed only when a finding needs one of its lines, and once."""

    def __init__(self, root: Path):
        self.root = root  # the content folder's parent: sources are relative to it
        self._docs: dict[str, Document | None] = {}

    def __call__(self, source: str, path: tuple) -> int:
        if source not in self._docs:
            try:
                self._docs[source] = parse_front_matter((self.root / source).read_bytes())
            except (OSError, YamlProblem):
                self._docs[source] = None
        doc = self._docs[source]
        return doc.where(path)[0] if doc else 1


# --- git history ---------------------------------------------------------------------------------


@dataclass
class History:
    """What git says about the content files."""

    files: dict[str, tuple[dt.datetime, dt.datetime]]  # (first, last change): history.git_dates
    prices: dict[str, dt.datetime]  # the last change of each product's price: line
    changed: set[str]  # files with uncommitted changes


def price_dates(content: Path) -> dict[str, dt.datetime]:
    """{path: time of the newest commit adding or removing its `price:` line}, one `git log -G`;
    formatting-only commits (.git-blame-ignore-revs) count only when no other commit did."""
    root = content.resolve().parent
    prefix = git(root, "rev-parse", "--show-prefix")
    commits = prefix is not None and log_files(root, prefix.strip(), "-G^price:", "--", content.name)
    if not commits:
        return {}
    ignored = ignored_revisions(root)
    dates: dict[str, dt.datetime] = {}
    real: dict[str, bool] = {}
    for sha, stamp, names in commits:  # newest first
        for rel in names:
            if not real.get(rel, False):
                dates[rel] = dt.datetime.fromtimestamp(stamp, dt.UTC)
                real[rel] = sha not in ignored
    return dates


def read_history(content: Path) -> History:
    """Committed files only: a file git does not know yet is new, never stale."""
    root = content.resolve().parent
    diff = git(root, "diff", "--name-only", "-z", "--relative", "HEAD", "--", content.name) or ""
    return History(git_dates(content), price_dates(content), {n for n in diff.split("\0") if n})


# --- the rules -------------------------------------------------------------------------------------


def content_errors(problems: ProblemList, unfetched: set = frozenset()) -> list[Finding]:
    """The validator's errors: the site cannot be built until they are fixed (not the photos of
    *unfetched*, which are on this machine only as Git LFS pointers: see unfetched_photos)."""
    return [
        Finding(
            "content-error",
            p.path,
            p.line,
            p.field,
            p.message_vi,
            p.message_en,
            "sửa lỗi này rồi chạy `chophien validate` (trang không xây được khi còn lỗi)",
            "fix this error, then run `chophien validate` (the site cannot be built while it remains)",
            p.example,
        )
        for p in problems.sorted()
        if p.severity == ERROR and (p.path, p.line) not in unfetched
    ]


_RENEW = (
    "khi có quyết định mới, sửa ocop.year, ocop.date và ocop.decision theo quyết định đó",
    "when the new decision comes, update ocop.year, ocop.date and ocop.decision to match it",
)
_REEVALUATED = (
    "hỏi hợp tác xã kết quả đánh giá lại; nếu không được công nhận lại, xoá mục ocop; " + _RENEW[0],
    "ask the cooperative about its re-evaluation; if the rating was not renewed, remove ocop; " + _RENEW[1],
)


def ocop_findings(products, today: dt.date, lines: Lines) -> list[Finding]:
    """OCOP ratings expired, expiring within OCOP_NOTICE_DAYS, or without the date that says when."""
    found = [_ocop_finding(p, today, lines) for p in products if p.ocop is not None]
    return [f for f in found if f is not None]


def _ocop_finding(product, today: dt.date, lines: Lines) -> Finding | None:
    ocop = product.ocop
    label = f"OCOP {ocop.stars} sao" + (f" (quyết định {ocop.decision})" if ocop.decision else "")
    label_en = f"OCOP {ocop.stars}-star rating" + (f" (decision {ocop.decision})" if ocop.decision else "")
    example = f"date: 15/11/{today.year}"
    if ocop.expires is None:
        return _undated_ocop(product, today, lines, label, label_en, example)
    at, left = lines(product.source, ("ocop", "date")), (ocop.expires - today).days
    if not ocop.valid_on(today):  # the model's one validity rule (pages and /so-lieu/ use it too)
        return Finding(
            "ocop-expired", product.source, at, "ocop.date",
            f"{label} ngày {_day(ocop.date)} đã hết hạn ngày {_day(ocop.expires)} (hiệu lực 36 tháng)",
            f"{label_en} of {_day(ocop.date)} expired on {_day(ocop.expires)} (valid for 36 months)",
            *_REEVALUATED, example,
        )  # fmt: skip
    if left <= OCOP_NOTICE_DAYS:
        return Finding(
            "ocop-expiring", product.source, at, "ocop.date",
            f"{label} ngày {_day(ocop.date)} hết hạn ngày {_day(ocop.expires)} (còn {left} ngày)",
            f"{label_en} of {_day(ocop.date)} expires on {_day(ocop.expires)} ({left} days left)",
            f"nhắc hợp tác xã xin đánh giá lại trước ngày {_day(ocop.expires)}; " + _RENEW[0],
            f"remind the cooperative to apply for re-evaluation before {_day(ocop.expires)}; " + _RENEW[1],
            example,
        )  # fmt: skip
    return None


def _undated_ocop(product, today: dt.date, lines: Lines, label: str, label_en: str, example: str) -> Finding:
    """A rating without decision date: expired if even the end of its year + 36 months is past."""
    ocop = product.ocop
    latest = dt.date(ocop.year + 3, 12, 31)
    at = lines(product.source, ("ocop", "year"))
    if latest < today:
        return Finding(
            "ocop-expired", product.source, at, "ocop.year",
            f"{label} công nhận năm {ocop.year}, không ghi ngày quyết định: đã hết hạn muộn nhất "
            f"ngày {_day(latest)} (hiệu lực 36 tháng)",
            f"{label_en} awarded in {ocop.year}, with no decision date: it expired on {_day(latest)} "
            "at the latest (valid for 36 months)",
            *_REEVALUATED, example,
        )  # fmt: skip
    return Finding(
        "ocop-date-missing", product.source, at, "ocop.date",
        f"{label} không ghi ngày quyết định (ocop.date): không biết ngày hết hạn",
        f"{label_en} has no decision date (ocop.date): its expiry is unknown",
        "thêm ngày quyết định để trang hiện ngày hết hạn và báo cáo nhắc trước khi hết hạn",
        "add the decision date so pages show the expiry and this report warns before it",
        example,
    )  # fmt: skip


def _months_ago(today: dt.date, months: int) -> dt.date:
    return add_months(today, -months)


def stale_findings(products, history: History, today: dt.date, months: int, lines: Lines) -> list[Finding]:
    """A price, or else a whole product file, unchanged in git for more than *months* months."""
    cutoff = _months_ago(today, months)
    found = []
    for product in products:
        if product.source in history.changed:
            continue  # being edited now
        last_file = history.files.get(product.source, (None, None))[1]
        last_price = history.prices.get(product.source, last_file)
        if product.price is not None and last_price and last_price.date() < cutoff:
            found.append(Finding(
                "stale-price", product.source, lines(product.source, ("price",)), "price",
                f"giá {product.price_display} không đổi từ {_day(last_price.date())} (hơn {months} tháng)",
                f"the price {money_en(product.price)} has not changed since {_day(last_price.date())} "
                f"(over {months} months)",
                "hỏi hợp tác xã giá hiện nay; nếu đã khác, sửa price",
                "ask the cooperative for today's price; if it changed, update price",
                "price: 480000",
            ))  # fmt: skip
        elif last_file and last_file.date() < cutoff:
            found.append(Finding(
                "stale-product", product.source, 1, "",
                f"tệp sản phẩm không đổi từ {_day(last_file.date())} (hơn {months} tháng)",
                f"the product file has not changed since {_day(last_file.date())} (over {months} months)",
                "hỏi hợp tác xã sản phẩm còn bán không; tình trạng (status), đơn vị, ảnh và cách đặt hàng "
                "còn đúng không; sửa những gì đã khác",
                "ask the cooperative whether the product is still sold and whether its status, unit, "
                "photos and order channels are still right; update what changed",
            ))  # fmt: skip
    return found


def _season_end(season: tuple[int, ...], today: dt.date) -> dt.date | None:
    """The first day after the most recent season month (None when *today* is in season)."""
    if today.month in season:
        return None
    for back in range(1, 12):
        month_start = add_months(today.replace(day=1), -back)
        if month_start.month in season:
            return add_months(month_start, 1)
    return None


def stock_findings(products, history: History, today: dt.date, lines: Lines) -> list[Finding]:
    """Out of stock, or out of season, for months while nobody touched the file.

    out-of-stock-long: status het-hang and the file unchanged for OUT_OF_STOCK_MONTHS months
    (so the status itself is at least that old). out-of-season-long: status theo-mua with season
    months, today at least OUT_OF_SEASON_MONTHS months past the end of the last season month, and
    the file unchanged since that season ended.
    """
    found = []
    for product in products:
        last = history.files.get(product.source, (None, None))[1]
        if last is None or product.source in history.changed:
            continue
        if product.status == "het-hang" and last.date() < _months_ago(today, OUT_OF_STOCK_MONTHS):
            found.append(Finding(
                "out-of-stock-long", product.source, lines(product.source, ("status",)), "status",
                f"“hết hàng” từ ít nhất {_day(last.date())} (tệp không đổi từ đó)",
                f"“out of stock” since {_day(last.date())} at least (the file has not changed since)",
                "hỏi hợp tác xã: có hàng lại thì sửa status: con-hang; hàng theo mùa thì ghi status: "
                "theo-mua và season; không còn làm thì xoá tệp",
                "ask the cooperative: back in stock → status: con-hang; seasonal → status: theo-mua "
                "with season; no longer made → remove the file",
                "status: con-hang",
            ))  # fmt: skip
        end = _season_end(product.season, today) if product.status == "theo-mua" and product.season else None
        if end and add_months(end, OUT_OF_SEASON_MONTHS) <= today and last.date() < end:
            months = ", ".join(str(m) for m in product.season)
            found.append(Finding(
                "out-of-season-long", product.source, lines(product.source, ("season",)), "season",
                f"“theo mùa” (tháng {months}), mùa đã hết từ {_day(end - dt.timedelta(days=1))} và tệp "
                f"không đổi từ {_day(last.date())}",
                f"“seasonal” (months {months}): the season ended on {_day(end - dt.timedelta(days=1))} "
                f"and the file has not changed since {_day(last.date())}",
                "hỏi hợp tác xã mùa tới có hàng không: tháng thu hoạch khác thì sửa season; không còn "
                "bán thì ghi status: het-hang hoặc xoá tệp",
                "ask the cooperative whether it will have the product next season: different months → "
                "update season; no longer sold → status: het-hang, or remove the file",
            ))  # fmt: skip
    return found


# check_photos's messages → kinds (tests/maintenance/test_findings.py runs the real check on real photos).
_PHOTO_KINDS = (("alt text is missing", "photo-no-alt"), ("image too small", "photo-too-small"))


def unfetched_photos(catalogue: Catalogue, content: Path, problems: ProblemList) -> set[tuple[str, int]]:
    """(path, line) of each reference to a photo that is a well-formed Git LFS pointer: the photo
    is in LFS but not on this machine (a clone without `git lfs pull`), so it cannot be judged here.
    Only photos with an error at their reference (build.report_lfs_pointers') are read again."""
    errors = {(p.path, p.line) for p in problems.items if p.severity == ERROR}
    found = set()
    for image in catalogue.referenced_images():
        if image.referenced_at[:2] not in errors:
            continue
        try:
            with open(content / image.source, "rb") as handle:
                head = handle.read(HEAD_BYTES)
        except OSError:
            continue
        if lfs_pointer_oid(head):
            found.add(image.referenced_at[:2])
    return found


def not_fetched(content: Path, unfetched: set) -> list[Finding]:
    """One finding for all the photos not fetched from Git LFS (instead of one error per photo)."""
    if not unfetched:
        return []
    count = len(unfetched)
    return [
        Finding(
            "photos-not-fetched", content.name, 0, "",
            f"{count} ảnh chỉ là con trỏ Git LFS (chưa tải về máy này): chưa kiểm tra được kích thước",
            f"{count} photos are only Git LFS pointers (not downloaded here): their sizes were not checked",
            "chạy `git lfs pull` trong thư mục kho rồi chạy lại báo cáo",
            "run `git lfs pull` in the repository, then run the report again",
        )
    ]  # fmt: skip


def photo_findings(
    catalogue: Catalogue, content: Path, lines: Lines, unfetched: set = frozenset()
) -> list[Finding]:
    """Products without a photo (`images: none`), and what `chophien images --check` reports (for a
    photo not fetched from Git LFS, only a missing alt text: the photo itself is not here)."""
    found = [
        Finding(
            "no-photo",
            p.source,
            lines(p.source, ("images",)),
            "images",
            "sản phẩm chưa có ảnh thật (images: none)",
            "the product has no real photo yet (images: none)",
            f"xin hợp tác xã ảnh chụp sản phẩm bằng điện thoại (rộng ít nhất {CHECK_MIN_WIDTH} điểm ảnh), đặt cạnh tệp "
            "và ghi vào images, với mô tả (alt)",
            f"ask the cooperative for phone photos of the product (at least {CHECK_MIN_WIDTH} pixels wide), put them "
            "beside the file and list them in images, with alt text",
            "images: [{file: che.jpg, alt: Búp chè khô trên nia}]",
        )  # fmt: skip
        for p in catalogue.products
        if not p.images
    ]
    problems = ProblemList()
    check_photos(catalogue, content, problems)
    for p in problems.sorted():
        said = p.message_en.split("”: ", 1)[-1]  # after the “file name”: report_at_reference puts first
        kind = next((k for prefix, k in _PHOTO_KINDS if said.startswith(prefix)), "photo-problem")
        if (p.path, p.line) in unfetched and kind != "photo-no-alt":
            continue
        severity = HIGH if p.severity == ERROR else ""
        found.append(_photo_finding(kind, p, severity))
    return found


def _photo_finding(kind: str, p: Problem, severity: str) -> Finding:
    actions = {
        "photo-no-alt": ("viết một câu tả ảnh cho người không xem được ảnh",
                         "write one sentence describing the photo for people who cannot see it"),
        "photo-too-small": ("xin ảnh gốc từ điện thoại (không gửi qua Zalo/Facebook, vốn làm ảnh nhỏ đi)",
                            "ask for the original photo from the phone (not sent through Zalo or Facebook, "
                            "which shrink it)"),
        "photo-problem": ("làm như thông báo nói, rồi chạy `chophien images --check`",
                          "do what the message says, then run `chophien images --check`"),
    }  # fmt: skip
    vi, en = actions[kind]
    return Finding(
        kind, p.path, p.line, p.field, p.message_vi, p.message_en, vi, en, p.example, None, severity
    )


# --- contacts ---------------------------------------------------------------------------------------

# Mail providers whose domains people mistype, with the domains they really use (yahoo.com.vn was
# Yahoo's Vietnamese mail and its addresses still work), and real domains one letter from a provider.
MAIL_PROVIDERS = {
    "gmail": ("gmail.com", "googlemail.com"),
    "yahoo": ("yahoo.com", "yahoo.com.vn"),
    "hotmail": ("hotmail.com",),
    "outlook": ("outlook.com", "outlook.com.vn"),
    "icloud": ("icloud.com",),
}
REAL_LOOKALIKES = {"ymail.com", "email.com", "mail.com", "gmx.com", "rocketmail.com"}
# What ".com" (and ".com.vn") become on a phone keyboard; none of them ends a mail domain.
COM_TYPOS = {
    "con": "com",
    "cpm": "com",
    "comm": "com",
    "cmo": "com",
    "vom": "com",
    "xom": "com",
    "com.vm": "com.vn",
}
# After a provider's name these are typos too (gmail.co, gmail.com.vn: Gmail has no such domain).
PROVIDER_TYPOS = {"co", "cm", "om", "com.vn", "vn", "com.com"}
LINK_SHORTENERS = {
    "bit.ly",
    "tinyurl.com",
    "goo.gl",
    "t.ly",
    "cutt.ly",
    "is.gd",
    "rb.gy",
    "shorturl.at",
    "s.id",
}


def _one_edit_apart(a: str, b: str) -> bool:
    """One letter added, removed or replaced, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1
        return len(diff) == 1 or (swapped and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def email_doubt(email: str) -> tuple[str, str, str] | None:
    """(vi, en, the address it probably is) when *email* looks mistyped, else None. The validator
    already refused what is not an address; these heuristics are documented in docs/maintenance.md."""
    local, _, domain = email.strip().lower().rpartition("@")
    if local.startswith(".") or local.endswith(".") or ".." in local:
        return ("phần trước @ có dấu chấm ở đầu, ở cuối hoặc hai dấu chấm liền nhau: thư gửi tới sẽ bị trả lại",
                "the part before @ starts or ends with a dot, or has two dots in a row: mail to it bounces",
                "")  # fmt: skip
    if domain in REAL_LOOKALIKES or any(domain in known for known in MAIL_PROVIDERS.values()):
        return None
    name, _, rest = domain.partition(".")
    for provider, domains in MAIL_PROVIDERS.items():
        exact = name == provider and (rest in PROVIDER_TYPOS or rest in COM_TYPOS)
        if exact or (len(name) >= 4 and _one_edit_apart(name, provider) and rest in ("com", *COM_TYPOS)):
            return (f"tên miền “{domain}” có lẽ gõ nhầm từ {domains[0]}",
                    f"the domain “{domain}” is probably a typo for {domains[0]}", f"{local}@{domains[0]}")  # fmt: skip
    for typo, right in COM_TYPOS.items():
        if domain.endswith("." + typo):
            fixed = domain[: -len(typo)] + right
            return (f"“.{typo}” không phải đuôi tên miền; có lẽ là “.{right}”",
                    f"“.{typo}” is not a domain ending; probably “.{right}”", f"{local}@{fixed}")  # fmt: skip
    return None


# The field a Facebook, Messenger or Zalo address belongs in, with an example of what it takes
# (the schema's: a page name for Messenger, the phone number for Zalo).
_SOCIAL_FIELDS = {
    "facebook": "facebook: {url}",
    "messenger": "messenger: htxchenahang",
    "zalo": "zalo: 0912 345 678",
}


def website_doubt(url: str) -> tuple[str, str, str] | None:
    """(vi, en, example) when a website is really a Facebook, Messenger, Zalo or marketplace page, or
    a short link. http://, IP addresses and look-alike hosts never get here: the validator refuses them."""
    try:
        host = parse_web_address(url).host
    except ValueError:
        return None
    site = reference.site_for_host(host)
    if isinstance(site, reference.Marketplace):
        return (f"đây là trang trên {site.name}, không phải trang web riêng; hãy ghi vào marketplaces",
                f"this is a page on {site.name}, not a website of its own; list it under marketplaces",
                f"marketplaces: [{{platform: {site.slug}, url: {url}}}]")  # fmt: skip
    if site is not None:
        example = _SOCIAL_FIELDS.get(site.slug, "").format(url=url)
        field = example.split(":")[0] or site.slug
        return (f"đây là trang {site.name}, không phải trang web riêng; hãy ghi vào trường {field}",
                f"this is a {site.name} page, not a website; put it in the {field} field", example)  # fmt: skip
    if host in LINK_SHORTENERS:
        return ("đây là liên kết rút gọn: không ai biết nó dẫn đi đâu và nó có thể hết hạn; hãy ghi địa chỉ thật",
                "this is a short link: nobody can tell where it goes and it may expire; write the real address",
                "")  # fmt: skip
    return None


def _own_contacts(catalogue: Catalogue):
    """(cooperative, source, field path, Contact) for each cooperative and each product's `order:`
    override (the channels that differ from its cooperative's)."""
    for coop in catalogue.cooperatives.values():
        yield coop, coop.source, ("contact",), coop.contact
    for product in catalogue.products:
        coop = product.cooperative
        if product.contact != coop.contact:
            yield coop, product.source, ("order",), product.contact


def contact_findings(catalogue: Catalogue, lines: Lines) -> list[Finding]:
    """A single order channel; a number two cooperatives share; doubtful emails and websites."""
    found = []
    for coop in catalogue.cooperatives.values():
        channels = sorted(contact_channels(coop.contact))  # the order buttons' channels, as /so-lieu/ counts
        if len(channels) == 1:
            found.append(Finding(
                "single-channel", coop.source, lines(coop.source, ("contact", channels[0])),
                f"contact.{channels[0]}",
                f"chỉ có một cách đặt hàng ({channels[0]}): nếu nó đổi hoặc không ai trả lời, người mua "
                "không liên lạc được",
                f"only one order channel ({channels[0]}): if it changes or nobody answers, buyers cannot "
                "reach the cooperative",
                "hỏi hợp tác xã thêm một cách nữa (zalo, phone, messenger hoặc email)",
                "ask the cooperative for one more (zalo, phone, messenger or email)",
                "zalo: 0912 345 678",
            ))  # fmt: skip
    seen: set[tuple] = set()
    for coop, source, where, contact in _own_contacts(catalogue):
        for name, doubt in (("email", email_doubt), ("website", website_doubt)):
            value = getattr(contact, name)
            own = getattr(coop.contact, name) if where == ("order",) else None
            problem = doubt(value) if value and value != own else None
            if problem and (source, name, value) not in seen:
                seen.add((source, name, value))
                found.append(_doubt_finding(name, source, lines(source, where + (name,)), value, problem))
    return found + shared_numbers(catalogue, lines)


def _doubt_finding(name: str, source: str, line: int, value: str, problem) -> Finding:
    vi, en, suggestion = problem
    field = f"contact.{name}" if "/cooperatives/" in source else f"order.{name}"
    kind = "email-suspicious" if name == "email" else "website-suspicious"
    return Finding(
        kind, source, line, field, f"“{value}”: {vi}", f"“{value}”: {en}",
        "hỏi lại hợp tác xã và sửa cho đúng", "check with the cooperative and correct it",
        f"email: {suggestion}" if name == "email" and suggestion else suggestion,
    )  # fmt: skip


def shared_numbers(catalogue: Catalogue, lines: Lines) -> list[Finding]:
    """A phone or Zalo number written for two or more cooperatives: one finding in each one's files."""
    users: dict[str, dict[str, tuple[str, tuple]]] = defaultdict(dict)  # number → coop → first place
    for coop, source, where, contact in _own_contacts(catalogue):
        for name in ("phone", "zalo"):
            number = getattr(contact, name)
            if number and (where == ("contact",) or number != getattr(coop.contact, name)):
                users[number].setdefault(coop.slug, (source, where + (name,)))
    found = []
    for number, places in sorted(users.items()):
        if len(places) < 2:
            continue
        for slug, (source, path) in sorted(places.items()):
            others = [catalogue.cooperatives[s] for s in sorted(places) if s != slug]
            names = ", ".join(_name(c) for c in others)
            found.append(Finding(
                "shared-phone", source, lines(source, path), ".".join(path),
                f"số {format_phone(number)} cũng là số của {names}: người mua có thể gọi nhầm nơi",
                f"the number {format_phone(number)} is also {names}'s: buyers may reach the wrong seller",
                "hỏi hợp tác xã số đúng; nếu chép nhầm, sửa lại; nếu thật sự dùng chung một người nhận "
                "đơn, ghi rõ trong phần giới thiệu",
                "ask the cooperative for its number; if it was copied by mistake, correct it; if one "
                "person really takes orders for both, say so in the story",
            ))  # fmt: skip
    return found


def _name(coop: Cooperative) -> str:
    return coop.short_name or coop.name


# --- translations and links ------------------------------------------------------------------------


def translation_findings(content: Path, sources, history: History, cache_dir=None) -> list[Finding]:
    """English texts older than their Vietnamese ones: catalogue.stale's own warnings (its blames kept
    in *cache_dir*, as `chophien validate` keeps them: catalogue/stale_cache.py).

    Only files changed more than once (or changed now) can have one, so only those are read:
    a file committed once has every line from the same commit.
    """
    candidates = [s for s in sources if s in history.changed or _changed_since_created(history, s)]
    if not candidates:
        return []
    return [
        Finding(
            "translation-stale",
            p.path,
            p.line,
            p.field,
            p.message_vi,
            p.message_en,
            "dịch lại phần tiếng Anh theo bản tiếng Việt mới (hoặc nhờ người dịch)",
            "translate the English part again from the new Vietnamese (or ask a translator)",
        )  # fmt: skip
        for p in stale_translations(content, candidates, cache_dir).sorted()
    ]


def _changed_since_created(history: History, source: str) -> bool:
    first, last = history.files.get(source, (None, None))
    return first is not None and first != last


def link_places(catalogue: Catalogue):
    """(url, source, field path) of every marketplace listing and website the content links to."""
    for coop in catalogue.cooperatives.values():
        if coop.contact.website:
            yield coop.contact.website, coop.source, ("contact", "website")
        for index, link in enumerate(coop.marketplaces):
            yield link.url, coop.source, ("marketplaces", index, "url")
    for product in catalogue.products:
        if product.contact.website and product.contact.website != product.cooperative.contact.website:
            yield product.contact.website, product.source, ("order", "website")
        for index, link in enumerate(product.marketplaces):
            yield link.url, product.source, ("marketplaces", index, "url")


_LINK_KINDS = {"broken": "link-broken", "unreachable": "link-unreachable", "suspicious": "link-suspicious"}
# The checker's reason words (LinkResult.reason) said in words; any other is shown as it is.
LINK_REASONS = {
    "dns": ("tên miền không tồn tại", "the domain name does not exist"),
    "dns-temporary": (
        "không tra được tên miền lúc kiểm tra",
        "the domain name could not be looked up at the time",
    ),
    "timeout": ("quá thời gian chờ", "timed out"),
    "refused": ("máy chủ từ chối kết nối", "the server refused the connection"),
    "tls": ("lỗi kết nối bảo mật (TLS)", "secure connection (TLS) failed"),
    "login-redirect": ("chuyển tới trang đăng nhập", "redirects to a login page"),
    "search-redirect": ("chuyển tới trang tìm kiếm", "redirects to a search page"),
    "home-redirect": ("chuyển về trang chủ của gian hàng", "redirects to the shop's home page"),
}


def link_findings(catalogue: Catalogue, today: dt.date, cache_file: Path, lines: Lines, user_agent: str,
                  **options) -> list[Finding]:  # fmt: skip
    """Marketplace and website links that are broken, unreachable or suspicious (maintenance/links.py;
    *options* go to its check_links)."""
    from chophien.maintenance.links import check_links  # the links branch's module (docs/maintenance.md)

    places = list(link_places(catalogue))
    urls = sorted({url for url, _, _ in places})
    results = check_links(urls, cache_file, today=today, user_agent=user_agent, **options)
    found = []
    for url, source, path in places:
        result = results.get(url)
        if result is None or result.status not in _LINK_KINDS:
            continue
        found.append(_link_finding(_LINK_KINDS[result.status], result, source, lines(source, path), path))
    return found


def _link_finding(kind: str, result, source: str, line: int, path: tuple) -> Finding:
    field = field_label(path)  # marketplaces[1].url, as the validator names it
    why_vi, why_en = LINK_REASONS.get(result.reason, (result.reason, result.reason))
    if result.code and result.reason not in LINK_REASONS:
        why_vi = why_en = f"HTTP {result.code}"
    said = {
        "link-broken": ("liên kết hỏng", "broken link"),
        "link-unreachable": ("không mở được liên kết", "the link could not be opened"),
        "link-suspicious": ("liên kết đáng ngờ", "suspicious link"),
    }[kind]  # fmt: skip
    return Finding(
        kind, source, line, field,
        f"{said[0]}: {why_vi} (kiểm tra ngày {result.checked})",
        f"{said[1]}: {why_en} (checked {result.checked})",
        "mở liên kết trên điện thoại; nếu sản phẩm hoặc gian hàng đã đổi địa chỉ, sửa lại; đã gỡ thì xoá dòng này",
        "open the link on a phone; if the listing or shop moved, update it; if it was removed, delete the line",
        url=result.url,
    )  # fmt: skip


# --- all of it -------------------------------------------------------------------------------------------


@dataclass
class Scan:
    """What one report is made from."""

    findings: list[Finding]
    catalogue: Catalogue
    files_checked: int
    links_checked: bool


def scan(
    content: Path,
    today: dt.date,
    cache_dir,
    stale_months: int = STALE_MONTHS,
    check_links: bool = False,
    user_agent: str = "",
    progress=None,
) -> Scan:
    """Every finding about *content* on *today*, sorted by urgency."""
    with today_is(today):
        prepared = prepare(content, cache_dir, today, with_images=False)
    catalogue = prepared.catalogue
    lines = Lines(content.parent)
    sources = [c.source for c in catalogue.cooperatives.values()] + [p.source for p in catalogue.products]
    history = read_history(content)
    unfetched = unfetched_photos(catalogue, content, prepared.problems)
    findings = content_errors(prepared.problems, unfetched) + not_fetched(content, unfetched)
    findings += ocop_findings(catalogue.products, today, lines)
    findings += stale_findings(catalogue.products, history, today, stale_months, lines)
    findings += stock_findings(catalogue.products, history, today, lines)
    findings += photo_findings(catalogue, content, lines, unfetched)
    findings += contact_findings(catalogue, lines)
    findings += translation_findings(content, sources, history, cache_dir)
    if check_links:
        cache_file = Path(cache_dir) / "links.json"
        findings += link_findings(catalogue, today, cache_file, lines, user_agent, progress=progress)
    findings.sort(key=Finding.sort_key)
    return Scan(findings, catalogue, prepared.files_checked, check_links)

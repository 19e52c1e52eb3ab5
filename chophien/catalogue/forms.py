"""The form side of each schema field type: the CMS widget and the JavaScript pattern of its values.

A schema Field's `type` names both its converter (chophien/catalogue/schema.py) and its entry here, so
the CMS form (chophien/volunteer/cms.py) asks for exactly the values the converter accepts in their
canonical form (chophien/catalogue/canonical.py). The patterns are JavaScript regular expressions (Decap
runs `RegExp(pattern).test(value)`); tests/catalogue/test_forms.py runs them under Node.js beside the
converters over one shared list of valid and invalid values, so the two cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass

from chophien.core.text import MAX_PRICE, MIN_PRICE, PHONE_INVALID_VI, PHONE_RULE_VI, PRICE_UNCLEAR_VI


@dataclass(frozen=True)
class Form:
    widget: str
    pattern: str = ""  # a JavaScript regex, anchored
    message_vi: str = ""  # shown by the form when the pattern refuses a value
    options: tuple = ()  # extra Decap options as (key, value) pairs


def _whole_range(low: int, high: int) -> str:
    """A regex for the decimal integers low..high (no sign, no leading zero); low, high ≥ 1."""
    parts = []
    for digits in range(len(str(low)), len(str(high)) + 1):
        start = max(low, 10 ** (digits - 1))
        end = min(high, 10**digits - 1)
        parts.extend(_span(str(start), str(end)))
    return "(?:" + "|".join(parts) + ")"


def _span(low: str, high: str) -> list[str]:
    """Regexes for the equal-length decimal strings low..high."""
    if low == high:
        return [low]
    if len(low) == 1:
        return [f"[{low}-{high}]"]
    common = 0
    while low[common] == high[common]:
        common += 1
    prefix, low, high = low[:common], low[common:], high[common:]
    rest = len(low) - 1
    if low[1:] == "0" * rest and high[1:] == "9" * rest:
        return [f"{prefix}[{low[0]}-{high[0]}][0-9]{{{rest}}}"]
    out = [prefix + p for p in _span(low, low[0] + "9" * rest)]
    if int(high[0]) - int(low[0]) > 1:
        middle = f"[{int(low[0]) + 1}-{int(high[0]) - 1}]"
        out.append(f"{prefix}{middle}[0-9]{{{rest}}}")
    out.extend(prefix + p for p in _span(high[0] + "0" * rest, high))
    return out


_SEP = r"[\s.()-]*"  # what parse_phone removes between digits
_D = rf"{_SEP}[0-9]"
PHONE = (
    rf"^{_SEP}(?:\+{_SEP}8{_SEP}4|8{_SEP}4|0){_SEP}"
    rf"(?:[35789](?:{_D}){{8}}|2(?:{_D}){{9}}){_SEP}$"
)
PRICE = rf"^(?:{_whole_range(MIN_PRICE, MAX_PRICE)}|lien-he)$"
EMAIL = r"^\s*[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\s*$"
URL = r"^\s*https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::[0-9]+)?(?:/[^\s<>\"'`]*)?\s*$"
_DAY_MONTH = (
    r"(?:(?:0?[1-9]|1[0-9]|2[0-8])/(?:0?[1-9]|1[0-2])"
    r"|(?:29|30)/(?:0?[13-9]|1[0-2])"
    r"|31/(?:0?[13578]|1[02]))/(?!0000)[0-9]{4}"
)
_LEAP = r"29/0?2/(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
DATE = rf"^\s*(?:{_DAY_MONTH}|{_LEAP})\s*$"
CODE = r"^\s*[A-Za-z0-9][A-Za-z0-9-]{2,15}\s*$"
MESSENGER = (
    r"^\s*(?:https://(?:www\.)?(?:m\.me|facebook\.com|fb\.com|m\.facebook\.com)/[A-Za-z0-9.]{5,50}/?"
    r"|[A-Za-z0-9.]{5,50})\s*$"
)


def text_pattern(max_length: int) -> str:
    """Non-empty text of at most *max_length* characters once runs of spaces count as one."""
    return rf"^\s*(?:\S|\s+(?=\S)){{1,{max_length}}}\s*$"


FORMS = {
    "price": Form(
        "string",
        PRICE,
        f"Giá {PRICE_UNCLEAR_VI}: ghi số đồng tròn, không dấu chấm, từ {MIN_PRICE} đến {MAX_PRICE}, "
        "ví dụ 450000; hoặc lien-he",
    ),
    "phone": Form(
        "string",
        PHONE,
        f"Số này {PHONE_INVALID_VI}: {PHONE_RULE_VI}. Ví dụ 0912 345 678",
    ),
    "email": Form("string", EMAIL, "Địa chỉ email, ví dụ ten@example.com"),
    "url": Form("string", URL, "Địa chỉ web bắt đầu bằng https://, ví dụ https://chenahang.vn"),
    "date": Form("string", DATE, "Ngày có thật, ghi ngày/tháng/năm, ví dụ 15/11/2023"),
    "code": Form("string", CODE, "3–16 chữ cái không dấu, số hoặc dấu -, ví dụ TQ-CHE01"),
    "messenger": Form(
        "string", MESSENGER, "Tên trang Facebook: chữ không dấu, số, dấu chấm, từ 5 ký tự, ví dụ htxchenahang"
    ),
    "bool": Form("boolean"),
    "file": Form("image", options=(("choose_url", False),)),
}

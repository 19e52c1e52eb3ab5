"""Vietnamese text helpers: normalisation, folding, slugs, collation, money, dates, phones.

Pure functions only; no I/O. Rules follow ../shared/reference/locale_vi.md.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata

NBSP = "\u00a0"
DONG = "\u20ab"  # ₫

_COMBINING_TONES = {
    "\u0300": 1,  # huyền (grave)
    "\u0309": 2,  # hỏi (hook above)
    "\u0303": 3,  # ngã (tilde)
    "\u0301": 4,  # sắc (acute)
    "\u0323": 5,  # nặng (dot below)
}
_VOWEL_MODIFIERS = {"\u0306": "\u0306", "\u0302": "\u0302", "\u031b": "\u031b"}

# Vietnamese alphabet order; letters outside it (f, j, w, z, digits, …) sort after
# their code point within a separate band so ordering stays total and stable.
_ALPHABET = [
    "a", "a\u0306", "a\u0302", "b", "c", "d", "đ", "e", "e\u0302", "f", "g", "h", "i",
    "j", "k", "l", "m", "n", "o", "o\u0302", "o\u031b", "p", "q", "r", "s", "t", "u",
    "u\u031b", "v", "w", "x", "y", "z",
]  # fmt: skip
_LETTER_RANK = {letter: i + 100 for i, letter in enumerate(_ALPHABET)}


# Reasons the CMS forms show too (chophien/catalogue/field_types.py), so a form refuses in the validator's words.
PRICE_UNCLEAR_VI = "không rõ là bao nhiêu đồng"
PHONE_INVALID_VI = "không phải là số điện thoại Việt Nam hợp lệ"
PHONE_RULE_VI = "di động 10 số bắt đầu 03, 05, 07, 08, 09; cố định 11 số bắt đầu 02"


def nfc(text: str) -> str:
    """Return *text* in Unicode NFC form (volunteers' keyboards may produce NFD)."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lowercase and remove every Vietnamese diacritic, including đ → d.

    >>> fold("Điện Biên")
    'dien bien'
    """
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


# What a slug is (file names of cooperatives, products, pages; survey codes): what slugify gives.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def slugify(text: str) -> str:
    """ASCII slug: fold diacritics (đ → d), lowercase, non-alphanumerics become '-'.

    >>> slugify("Chè Shan tuyết Hà Giang")
    'che-shan-tuyet-ha-giang'
    """
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def search_key(text: str) -> str:
    """Fold and strip punctuation so `H'Mông`, `Hmông` and `hmong` compare equal."""
    return re.sub(r"[^a-z0-9]+", "", fold(text))


@functools.lru_cache(maxsize=4096)
def _char_collation(ch: str) -> tuple[int, int, int]:
    """(letter rank, tone rank, case) of one character."""
    lower = ch.lower()
    case = 0 if ch == lower else 1
    if lower == "đ":
        return _LETTER_RANK["đ"], 0, case
    parts = unicodedata.normalize("NFD", lower)
    base, marks = parts[0], parts[1:]
    letter = base + "".join(m for m in marks if m in _VOWEL_MODIFIERS)
    tone = next((_COMBINING_TONES[m] for m in marks if m in _COMBINING_TONES), 0)
    if letter in _LETTER_RANK:
        rank = _LETTER_RANK[letter]
    elif base.isspace():
        rank = 1
    elif base.isdigit():
        rank = 10 + int(base) if base.isascii() else 50
    else:
        rank = 1000 + ord(base)
    return rank, tone, case


def collation_key(text: str) -> tuple:
    """Sort key for Vietnamese alphabetical order (a ă â b c d đ e ê …, tones after base).

    Primary: letters in the Vietnamese alphabet; secondary: tones in dictionary order
    (ngang, huyền, hỏi, ngã, sắc, nặng); tertiary: case.
    """
    keys = [_char_collation(ch) for ch in nfc(text)]
    return (tuple(k[0] for k in keys), tuple(k[1] for k in keys), tuple(k[2] for k in keys))


def vi_sorted(items, key=lambda item: item):
    """Sort *items* in Vietnamese alphabetical order of ``key(item)``."""
    return sorted(items, key=lambda item: collation_key(key(item)))


# --- money -----------------------------------------------------------------

MIN_PRICE = 1_000
MAX_PRICE = 500_000_000


class Bilingual(Exception):
    """An error about content, worded for a volunteer in Vietnamese and English, with an example."""

    def __init__(self, vi: str, en: str, example: str = ""):
        super().__init__(en)
        self.vi = vi
        self.en = en
        self.example = example


class TextValueError(Bilingual, ValueError):
    """A value that cannot be converted."""


def group_thousands(number: int) -> str:
    """1234567 → '1.234.567' (Vietnamese grouping uses '.')."""
    sign = "-" if number < 0 else ""
    return sign + f"{abs(number):,}".replace(",", ".")


def format_money(amount: int) -> str:
    """450000 → '450.000 ₫' (no-break space before ₫, as Intl.NumberFormat('vi-VN'))."""
    return f"{group_thousands(amount)}{NBSP}{DONG}"


_PRICE_SUFFIX = re.compile(r"\s*(₫|đ|đồng|vnđ|vnd|d)\s*$", re.IGNORECASE)
_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_price(raw: str) -> int:
    """Parse a whole number of đồng: '450000', '450.000', '450.000 ₫', '450.000đ'.

    Decimal-looking values ('4.5', '4,5'), comma grouping, negatives, values below
    1.000 ₫ or above 500.000.000 ₫ raise TextValueError.
    """
    text = nfc(raw).strip().replace(NBSP, " ")
    example = "450000"  # the canonical written form (chophien fmt): every YAML parser reads it alike
    body = _PRICE_SUFFIX.sub("", text).strip()
    if body.startswith("-"):
        raise TextValueError("giá không được âm", "a price cannot be negative", example)
    if re.fullmatch(r"\d+", body):
        value = int(body)
    elif _GROUPED.fullmatch(body):
        value = int(body.replace(".", ""))
    elif re.fullmatch(r"\d+[.,]\d+", body) or re.fullmatch(r"\d{1,3}(,\d{3})+", body):
        raise TextValueError(
            f"“{raw}” {PRICE_UNCLEAR_VI}: giá phải là số đồng tròn, các chữ số viết liền",
            f"“{raw}” is ambiguous: a price is a whole number of đồng, its digits written together",
            example,
        )
    else:
        raise TextValueError(
            f"“{raw}” không phải là giá tiền; ghi số đồng, hoặc lien-he nếu giá thương lượng",
            f"“{raw}” is not a price; write a whole number of đồng, or lien-he when the price is negotiated",
            example,
        )
    if value < MIN_PRICE:
        raise TextValueError(
            f"giá {group_thousands(value)} ₫ quá thấp (tối thiểu "
            f"{group_thousands(MIN_PRICE)} ₫); có phải {group_thousands(value * 1000)}?",
            f"price {group_thousands(value)} ₫ is too low (minimum "
            f"{group_thousands(MIN_PRICE)} ₫); did you mean {group_thousands(value * 1000)}?",
            example,
        )
    if value > MAX_PRICE:
        raise TextValueError(
            f"giá {group_thousands(value)} ₫ quá cao (tối đa {group_thousands(MAX_PRICE)} ₫)",
            f"price {group_thousands(value)} ₫ is too high (maximum {group_thousands(MAX_PRICE)} ₫)",
            example,
        )
    return value


# --- dates -----------------------------------------------------------------


def format_date(day: _dt.date) -> str:
    """date(2025, 7, 1) → '01/07/2025'."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def parse_date(raw: str) -> _dt.date:
    """Parse 'dd/mm/yyyy' (Vietnamese) or ISO 'yyyy-mm-dd'."""
    text = raw.strip()
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return _dt.date(year, month, day)
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return _dt.date(year, month, day)
    except ValueError:
        pass
    raise TextValueError(
        f"“{raw}” không phải là ngày hợp lệ (ngày/tháng/năm)",
        f"“{raw}” is not a valid date (day/month/year)",
        "15/11/2023",
    )


def add_months(day: _dt.date, months: int) -> _dt.date:
    """Calendar month arithmetic, clamping to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return _dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --- phones ----------------------------------------------------------------

_MOBILE_PREFIXES = ("3", "5", "7", "8", "9")


# Spaces, dots, dashes (ASCII, Unicode and full-width) and brackets people put between digits.
_PHONE_SEPARATORS = re.compile(r"[\s.\-()\u2010-\u2015\u2212\u30fb\uff08\uff09\uff0d\uff0e]")
# Letters typed for digits: O for 0, l or I for 1. Never read as digits, only suggested.
_LOOKALIKE_DIGITS = str.maketrans({"o": "0", "O": "0", "l": "1", "I": "1"})


def _ascii_digits(text: str) -> str:
    """Every Unicode decimal digit (Arabic-Indic ٠١٢, full-width ０９, Devanagari …) as ASCII.

    Only characters of category Nd have a decimal value: superscripts (²), circled or
    fraction digits stay as they are, and are rejected by the caller.
    """
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text).replace("＋", "+")


def _e164(digits: str) -> str | None:
    if digits.startswith("+84"):
        national = digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return None
    if not re.fullmatch(r"[0-9]+", national):  # ASCII only: tel:, sms: and Zalo links carry it
        return None
    if len(national) == 9 and national[0] in _MOBILE_PREFIXES:
        return "+84" + national
    if len(national) == 10 and national[0] == "2":
        return "+84" + national
    return None


def parse_phone(raw: str) -> str:
    """Validate a Vietnamese phone number and return it in E.164 (+84…), ASCII only.

    Mobiles: 10 digits starting 03/05/07/08/09 (or +84 and 9 digits).
    Landlines: 11 digits starting 02 (area code + subscriber number).
    Digits of any script are read as the digits they are; letters that look like digits
    (O, l) are not, but the message suggests the number they may have meant.
    """
    digits = _PHONE_SEPARATORS.sub("", _ascii_digits(nfc(raw).strip()))
    e164 = _e164(digits)
    if e164 is not None:
        return e164
    guess = _e164(digits.translate(_LOOKALIKE_DIGITS))
    if guess:
        shown = format_phone(guess)
        raise TextValueError(
            f"“{raw}” có chữ cái thay cho chữ số (chữ O thay số 0, chữ l thay số 1); có phải “{shown}”?",
            f"“{raw}” has letters in place of digits (O for 0, l for 1); did you mean “{shown}”?",
            shown,
        )
    raise TextValueError(
        f"“{raw}” {PHONE_INVALID_VI} ({PHONE_RULE_VI})",
        f"“{raw}” is not a valid Vietnamese phone number (mobile: 10 digits starting "
        "03, 05, 07, 08, 09; landline: 11 digits starting 02)",
        "0912 345 678",
    )


def format_phone(e164: str) -> str:
    """'+84912345678' → '0912 345 678'; landline '+842033823456' → '0203 3823 456'."""
    national = "0" + e164[3:]
    if len(national) == 10:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:4]} {national[4:8]} {national[8:]}"


def hint(guess: str | None, quote: str = "“”") -> tuple[str, str]:
    """'; có phải “x”?' / '; did you mean “x”?' for a guess, or empty strings."""
    if not guess:
        return "", ""
    shown = f"{quote[0]}{guess}{quote[-1]}"
    return f"; có phải {shown}?", f"; did you mean {shown}?"


def did_you_mean(word: str, candidates, cutoff: float = 0.6) -> str | None:
    """The candidate closest to *word*, compared without diacritics, or None."""
    import difflib

    by_key = {}
    for candidate in candidates:
        by_key.setdefault(search_key(candidate), candidate)
    matches = difflib.get_close_matches(search_key(word), list(by_key), n=1, cutoff=cutoff)
    return by_key[matches[0]] if matches else None


# --- characters that must never reach a page, a feed, a terminal or a CI log ------------

# Names of the control characters (unicodedata has none for them): Unicode's name aliases.
_C0_NAMES = (
    "NULL", "START OF HEADING", "START OF TEXT", "END OF TEXT", "END OF TRANSMISSION", "ENQUIRY",
    "ACKNOWLEDGE", "ALERT", "BACKSPACE", "CHARACTER TABULATION", "LINE FEED", "LINE TABULATION",
    "FORM FEED", "CARRIAGE RETURN", "SHIFT OUT", "SHIFT IN", "DATA LINK ESCAPE", "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO", "DEVICE CONTROL THREE", "DEVICE CONTROL FOUR", "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE", "END OF TRANSMISSION BLOCK", "CANCEL", "END OF MEDIUM", "SUBSTITUTE",
    "ESCAPE", "FILE SEPARATOR", "GROUP SEPARATOR", "RECORD SEPARATOR", "UNIT SEPARATOR",
)  # fmt: skip
_C1_NAMES = (
    "PADDING CHARACTER", "HIGH OCTET PRESET", "BREAK PERMITTED HERE", "NO BREAK HERE", "INDEX",
    "NEXT LINE", "START OF SELECTED AREA", "END OF SELECTED AREA", "CHARACTER TABULATION SET",
    "CHARACTER TABULATION WITH JUSTIFICATION", "LINE TABULATION SET", "PARTIAL LINE FORWARD",
    "PARTIAL LINE BACKWARD", "REVERSE LINE FEED", "SINGLE SHIFT TWO", "SINGLE SHIFT THREE",
    "DEVICE CONTROL STRING", "PRIVATE USE ONE", "PRIVATE USE TWO", "SET TRANSMIT STATE",
    "CANCEL CHARACTER", "MESSAGE WAITING", "START OF GUARDED AREA", "END OF GUARDED AREA",
    "START OF STRING", "SINGLE GRAPHIC CHARACTER INTRODUCER", "SINGLE CHARACTER INTRODUCER",
    "CONTROL SEQUENCE INTRODUCER", "STRING TERMINATOR", "OPERATING SYSTEM COMMAND",
    "PRIVACY MESSAGE", "APPLICATION PROGRAM COMMAND",
)  # fmt: skip

# Every character that is invisible, moves text around or controls a terminal, listed as
# ranges so one compiled pattern finds them (tests/core/test_hostile_text.py checks the list
# against unicodedata): controls (Cc) except Tab and LF; format characters (Cf: bidi
# embeddings, overrides, isolates and marks, zero-width spaces and joiners, soft hyphen,
# BOM, tags…); line and paragraph separators (Zl, Zp); non-characters; letters or marks
# that draw nothing (Hangul fillers, the combining grapheme joiner, Khmer inherent vowels);
# and U+FFFD, the replacement character: damaged text, or where the strict YAML reader put
# one of the others (strictyaml.REPLACEMENT), so text rebuilt from read values is caught too.
_UNSAFE_RANGES = (
    (0x00, 0x08), (0x0B, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x34F, 0x34F),
    (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2),
    (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180E, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E),
    (0x2060, 0x2064), (0x2066, 0x206F), (0x3164, 0x3164), (0xFDD0, 0xFDEF), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF9, 0xFFFB), (0xFFFD, 0xFFFD), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
    (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
    *((plane + 0xFFFE, plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000)),
)  # fmt: skip


def _char_class(ranges) -> str:
    return "[" + "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}" for a, b in ranges) + "]"


# One class over all the ranges costs ~150 ns a character (the astral ranges defeat re's
# bitmap); the BMP ones alone cost ~5 ns, and the astral ones are searched only in text
# that has an astral character at all (emoji, mostly).
_UNSAFE_BMP = re.compile(_char_class(r for r in _UNSAFE_RANGES if r[1] <= 0xFFFF))
_UNSAFE_ASTRAL = re.compile(_char_class(r for r in _UNSAFE_RANGES if r[0] > 0xFFFF))
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_UNSAFE = re.compile(_UNSAFE_BMP.pattern + "|" + _UNSAFE_ASTRAL.pattern)
ZERO_WIDTH_JOINER = "\u200d"
# What may stand on either side of a zero-width joiner inside one emoji ("👨‍🌾" is 👨 ZWJ 🌾).
_EMOJI_SKIPPED = "\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"


def _is_emoji(ch: str) -> bool:
    code = ord(ch)
    return 0x1F000 <= code < 0x20000 or 0x2190 <= code <= 0x2BFF


def _joins_emoji(text: str, index: int) -> bool:
    """True when the zero-width joiner at *index* sits between two emoji (an emoji sequence)."""
    before = index - 1
    while before >= 0 and text[before] in _EMOJI_SKIPPED:
        before -= 1
    after = index + 1
    return before >= 0 and after < len(text) and _is_emoji(text[before]) and _is_emoji(text[after])


def unsafe_characters(text: str) -> list[tuple[int, str]]:
    """(index, character) of every character that must not reach any output.

    Tab and line feed are allowed; a zero-width joiner is allowed inside an emoji sequence.
    """
    matches = list(_UNSAFE_BMP.finditer(text))
    if _ASTRAL.search(text):
        matches = sorted(matches + list(_UNSAFE_ASTRAL.finditer(text)), key=lambda m: m.start())
    return [
        (match.start(), match.group())
        for match in matches
        if not (match.group() == ZERO_WIDTH_JOINER and _joins_emoji(text, match.start()))
    ]


def remove_unsafe(text: str) -> str:
    """*text* without the characters `unsafe_characters` finds (for values bound for output)."""
    drop = {index for index, _ in unsafe_characters(text)}
    if not drop:
        return text
    return "".join(ch for index, ch in enumerate(text) if index not in drop)


def character_name(ch: str) -> str:
    """'U+202E (RIGHT-TO-LEFT OVERRIDE)', also for controls, which have no Unicode name."""
    code = ord(ch)
    if code < 0x20:
        name = _C0_NAMES[code]
    elif code == 0x7F:
        name = "DELETE"
    elif 0x80 <= code <= 0x9F:
        name = _C1_NAMES[code - 0x80]
    elif 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        name = "NONCHARACTER"
    else:
        name = unicodedata.name(ch, "UNASSIGNED")
    return f"U+{code:04X} ({name})"


_TERMINAL_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SHOWN_ESCAPED = re.compile("[\t\n\r]|" + _UNSAFE.pattern)


def _escape_one(match: re.Match) -> str:
    ch = match.group()
    if ch in _TERMINAL_ESCAPES:
        return _TERMINAL_ESCAPES[ch]
    if ch == "\ufffd":  # harmless, and shown as itself it says "something was here"
        return ch
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def printable(text: str) -> str:
    """*text* for one line of a terminal or log: line breaks, Tabs, escape sequences and
    invisible characters shown as `\\n`, `\\x1b`, `\\u202e`, so nothing can forge a line,
    colour the terminal or reorder what is shown."""
    return _SHOWN_ESCAPED.sub(_escape_one, text)


# --- text a spreadsheet program would run ------------------------------------------------------

# What Excel, LibreOffice and Google Sheets start a formula with (OWASP "CSV injection"), and
# the full-width and small forms an East Asian input method types for them.
FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212")
TEXT_MARK = "'"  # a leading apostrophe: "this cell is text" to every spreadsheet program


def reads_as_formula(value: str) -> bool:
    """True when a spreadsheet program could take *value* for a formula (or lose its spaces)."""
    return bool(value) and (value[0].isspace() or value.lstrip()[:1] in FORMULA_START)

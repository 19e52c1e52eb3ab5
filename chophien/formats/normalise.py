"""Bad input from volunteers' editors: guess encodings, repair what is unambiguous, explain the rest.

Phones and office software produce UTF-16, Windows-1258, byte-order marks, CRLF, curly
("smart") quotes, full-width colons from Vietnamese input methods and stray Tabs. What has
one sensible reading is repaired here before YAML sees it (columns stay put, so messages
still point at the right place); what could be read two ways is reported with the fix.
"""

from __future__ import annotations

import codecs
import re

from chophien.core.text import Bilingual

UTF8 = "utf-8"
UTF16 = "utf-16"
CP1258 = "cp1258"

# Letters (and tone marks) of Vietnamese: what Windows-1258 bytes of Vietnamese text decode to.
_VIETNAMESE_LETTERS = set(
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ\u0300\u0301\u0303\u0309\u0323"
)


def _looks_vietnamese(text: str) -> bool:
    """Mostly Vietnamese letters among the non-ASCII characters (not random bytes)."""
    others = [ch for ch in text if ord(ch) > 127]
    hits = sum(ch.lower() in _VIETNAMESE_LETTERS for ch in others)
    return bool(others) and hits >= 0.9 * len(others)


class EncodingProblem(Bilingual):
    """Bytes that are not UTF-8 and cannot be read safely; *line* is where reading failed."""

    def __init__(self, vi: str, en: str, line: int = 1):
        super().__init__(vi, en)
        self.line = line


def _looks_utf16(raw: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' for BOM-less UTF-16 of mostly-ASCII text, else None."""
    sample = raw[:4000]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.6 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.6 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return None


def decode_bytes(raw: bytes, allow_legacy: bool = False) -> tuple[str, str]:
    """Text and the encoding it was in (utf-8, utf-16 or, when *allow_legacy*, cp1258).

    UTF-8 (with or without BOM) and UTF-16 (with BOM, or recognisably without) are read.
    Anything else raises EncodingProblem, explaining Windows-1258 when it looks like it,
    unless *allow_legacy* accepts it (for spreadsheets exported by Excel on Windows).
    """
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]  # a UTF-8 mark does not make the rest valid UTF-8
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _utf16(raw, UTF16), UTF16
    elif guessed := _looks_utf16(raw):
        return _utf16(raw, guessed), UTF16
    try:
        return raw.decode(UTF8), UTF8
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        legacy = raw.decode(CP1258, errors="replace")
        if _looks_vietnamese(legacy):
            if allow_legacy:
                return legacy, CP1258
            raise EncodingProblem(
                f"tệp được lưu bằng bảng mã cũ Windows-1258 (dòng {line}), không phải UTF-8; "
                "hãy mở tệp, chọn “Lưu thành” (Save as) và chọn mã hoá UTF-8",
                f"the file is saved in the old Windows-1258 encoding (line {line}), not UTF-8; "
                "open it, choose “Save as” and pick the UTF-8 encoding",
                line,
            ) from None
        raise EncodingProblem(
            f"tệp không phải UTF-8 (dòng {line}); hãy lưu lại với mã hoá UTF-8",
            f"file is not UTF-8 (line {line}); save it again with UTF-8 encoding",
            line,
        ) from None


def _utf16(raw: bytes, codec: str) -> str:
    try:
        return raw.decode(codec)
    except UnicodeDecodeError:
        raise EncodingProblem(
            "tệp lưu bằng UTF-16 nhưng bị hỏng; hãy lưu lại với mã hoá UTF-8",
            "the file is UTF-16 but damaged; save it again with UTF-8 encoding",
        ) from None


UTF16_WARNING = (
    "tệp được lưu bằng mã hoá UTF-16; đã đọc được, nhưng GitHub không hiện được nội dung khi duyệt. "
    "Hãy lưu lại bằng UTF-8",
    "the file is saved as UTF-16; it was read, but GitHub cannot show it in a review. Save it as UTF-8",
)

# --- repairs on the YAML text (one line at a time, columns unchanged where possible) ---

_OPEN_CLOSE = {"“": "”", "„": "”", "‘": "’", "«": "»"}
_KEY = r"[A-Za-z_][A-Za-z0-9_]*"
_QUOTED_KEY = re.compile(rf"^(\s*(?:-\s+)?)[“”„‘’«»]({_KEY})[“”‘’«»](\s*)([:：])")
_WIDE_COLON_KEY = re.compile(rf"^(\s*(?:-\s+)?)({_KEY})(\s*)：[ \t\u3000]*")
_VALUE = re.compile(rf"^(\s*(?:-\s+)?(?:\"?{_KEY}\"?\s*:\s+|-\s+))(.*?)(\s*)$")


def _requote(value: str) -> str:
    """A whole value wrapped in curly quotes becomes a YAML-quoted value of the same text."""
    if len(value) < 2 or value[0] not in _OPEN_CLOSE or value[-1] != _OPEN_CLOSE[value[0]]:
        return value
    inner = value[1:-1]
    if value[0] == "‘":
        return "'" + inner.replace("'", "''") + "'"
    return '"' + inner.replace("\\", "\\\\").replace('"', '\\"') + '"'


def repair_line(line: str) -> str:
    indent = len(line) - len(line.lstrip(" \t"))
    if line.lstrip(" ").startswith("#"):
        return line
    # Tabs inside a line (after the indentation) are spacing typed by mistake; leading Tabs
    # are not repaired: how deep they indent is ambiguous, so the loader explains them.
    line = line[:indent] + line[indent:].replace("\t", " ")
    line = _QUOTED_KEY.sub(lambda m: f'{m.group(1)}"{m.group(2)}"{m.group(3)}:', line)
    line = _WIDE_COLON_KEY.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}: ", line)
    match = _VALUE.match(line)
    if match:
        line = match.group(1) + _requote(match.group(2)) + match.group(3)
    return line


def repair_front_matter(front: str) -> str:
    """Repair smart quotes around keys and whole values, full-width colons and inner Tabs."""
    return "\n".join(repair_line(line) for line in front.split("\n"))

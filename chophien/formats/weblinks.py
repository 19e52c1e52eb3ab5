"""Web addresses written in content: parsed the way a browser reads them, or refused.

A link's label (a "Mua trên Shopee" button, "Trang Facebook") is only honest if the link
goes where the label says. Browsers go to the *host*: not to what the address starts with
(`https://shopee.vn@evil.example/` goes to evil.example, `https://shopee.vn.evil.example/`
too), and they read a backslash as a slash. So every address is split with urllib.parse
and must be https, with an ASCII domain name, no user name, a real port and nothing a
browser would read differently from a person; reference.imitated_by_host then catches
hosts made to look like a known platform. Pure functions; messages in vi/en.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from chophien.core.text import TextValueError, nfc

MAX_URL_LENGTH = 2000
_EXAMPLE = "https://chenahang.vn"
# Characters no address needs and browsers or people read differently: spaces and other
# white space, backslash (a slash to browsers), quotes, angle brackets, braces, pipe, caret.
_FORBIDDEN = re.compile(r"[\s\\\"'<>{}|^`]")
_FORBIDDEN_NAMES = {"\\": "dấu gạch chéo ngược `\\`", '"': 'dấu nháy `"`', "'": "dấu nháy `'`"}
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
# Schemes that are not a web page (a domain with a port, "shopee.vn:443", is not one of these).
_OTHER_SCHEME = re.compile(r"(?i)(?:javascript|data|vbscript|file|mailto|tel|sms|ftp|zalo|fb)\s*:")


@dataclass(frozen=True)
class WebAddress:
    url: str  # as written, trimmed
    host: str  # lowercase ASCII domain name, no port, no final dot


def _invalid(raw: str, vi: str, en: str, example: str = _EXAMPLE, sep: str = ": ") -> TextValueError:
    return TextValueError(f"“{raw}”{sep}{vi}", f"“{raw}”{sep}{en}", example)


def parse_web_address(raw: str) -> WebAddress:
    """*raw* as an https address with its real host, or TextValueError saying what is wrong."""
    url = nfc(raw).strip()
    if not url:
        raise TextValueError("thiếu địa chỉ web", "web address missing", _EXAMPLE)
    if len(url) > MAX_URL_LENGTH:
        raise _invalid(
            url[:60] + "…",
            f"địa chỉ dài quá {MAX_URL_LENGTH} ký tự",
            f"the address is longer than {MAX_URL_LENGTH} characters",
        )
    bad = _FORBIDDEN.search(url)
    if bad:
        ch = bad.group()
        shown_vi = "dấu cách" if ch.isspace() else _FORBIDDEN_NAMES.get(ch, f"ký tự `{ch}`")
        shown_en = "a space" if ch.isspace() else f"the character `{ch}`"
        raise _invalid(
            raw,
            f"địa chỉ web không được có {shown_vi}; hãy chép lại địa chỉ từ thanh địa chỉ của trình duyệt",
            f"a web address cannot contain {shown_en}; copy the address again from the browser's address bar",
        )
    lower = url.lower()
    if lower.startswith("http://"):
        raise TextValueError(
            "địa chỉ web phải bắt đầu bằng https:// (bảo mật)",
            "web addresses must start with https://",
            _EXAMPLE,
        )
    if not lower.startswith("https://"):
        first = url.split("/", 1)[0]
        if "." in first and "@" not in first and not _OTHER_SCHEME.match(url):
            raise _invalid(
                raw,
                "thiếu https:// ở đầu địa chỉ",
                "the address lacks https:// at the start",
                "https://" + url,
            )
        raise _invalid(
            raw,
            "không phải địa chỉ web bắt đầu bằng https://",
            "is not a web address starting with https://",
            sep=" ",
        )
    parts = urlsplit(url)
    if "@" in parts.netloc:
        after = parts.netloc.rsplit("@", 1)[1]
        raise _invalid(
            raw,
            f"phần trước dấu @ không phải là trang web: đường dẫn này thật ra dẫn tới “{after}”",
            f"the part before @ is not the site: this link really goes to “{after}”",
        )
    try:
        port = parts.port
    except ValueError:  # not a number, or above 65535
        port = -1
    if port is not None and not 1 <= port <= 65535:
        raise _invalid(
            raw,
            "số cổng sau dấu hai chấm không dùng được (phải từ 1 đến 65535); thường chỉ cần bỏ phần “:…” đi",
            "the port after the colon is impossible (it must be 1 to 65535); usually just remove the “:…” part",
        )
    host = parts.hostname or ""
    if host.endswith("."):
        raise _invalid(
            raw,
            "tên miền kết thúc bằng dấu chấm; hãy bỏ dấu chấm đó",
            "the domain name ends with a dot; remove it",
        )
    if not host.isascii() or any(label.startswith("xn--") for label in host.split(".")):
        raise _invalid(
            raw,
            "tên miền có chữ có dấu hoặc chữ của bảng chữ cái khác (tên miền quốc tế hoá, có thể giả dạng "
            "trang khác); hãy dùng tên miền chỉ có chữ không dấu",
            "the domain name has accented or non-Latin letters (an internationalised domain, which can "
            "imitate another site); use a plain ASCII domain name",
        )
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or not labels[-1].isalpha():
        raise _invalid(
            raw,
            "không có tên miền hợp lệ sau https:// (ví dụ chenahang.vn)",
            "has no valid domain name after https:// (e.g. chenahang.vn)",
        )
    return WebAddress(url, host)

"""`federation.yaml`, the list of member sites a national site is built from: read strictly, every problem at once.

```yaml
members:
  - id: tuyen-quang                       # a slug, unique: the key of the member's products and its cache file
    name: Chợ phiên Tuyên Quang
    url: https://tuyen-quang.example.vn/   # the member site's public address (http or https)
    province: tuyen-quang                 # a province (slug or name, chophien/reference)
    media: https://anh.tuyen-quang.example.vn   # optional: where its photos may come from besides its own address
```

Read with the project's strict YAML reader (formats/strictyaml: all strings, positions, no
duplicate keys or anchors) and checked with the content schema's machinery (catalogue/schema:
unknown fields with a "did you mean", required fields, Vietnamese messages with the file, line,
field and an example). Across members: ids and addresses must be unique.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from urllib.parse import urlsplit

from chophien.catalogue.field_types import PROVINCE, Invalid, TextType
from chophien.catalogue.schema import CheckContext, F, check_mapping, field_label, scalar, typed
from chophien.core.problems import WARNING, ProblemList
from chophien.core.text import SLUG
from chophien.federation.model import Member, origin_of
from chophien.formats.strictyaml import YamlProblem, parse_yaml_file

FILE_NAME = "federation.yaml"
MAX_MEMBERS = 500
URL_EXAMPLE = "https://tuyen-quang.example.vn/"
_FORBIDDEN = re.compile(r"[\s\\\"'<>{}|^`]")


def member_id(raw: str) -> str:
    value = raw.strip()
    if not SLUG.fullmatch(value) or len(value) > 60:
        raise Invalid(
            f"“{value}” không phải mã thành viên (chữ thường không dấu, số, dấu -; tối đa 60 ký tự)",
            f"“{value}” is not a member id (lowercase ASCII letters, digits, -; at most 60 characters)",
        )
    return value


def _address(raw: str, *, path_allowed: bool) -> str:
    value = raw.strip()
    if _FORBIDDEN.search(value) or len(value) > 500:
        raise Invalid(
            f"“{value[:60]}” có khoảng trắng, dấu nháy hay ký tự không dùng được trong địa chỉ web",
            f"“{value[:60]}” contains white space, quotes or characters a web address cannot hold",
        )
    origin = origin_of(value)
    if not origin:
        raise Invalid(
            f"“{value[:60]}” không phải địa chỉ web http:// hoặc https:// đầy đủ",
            f"“{value[:60]}” is not a full http:// or https:// web address",
        )
    parts = urlsplit(value)
    if parts.username is not None or parts.password is not None:
        raise Invalid(
            "địa chỉ không được chứa tên đăng nhập hay mật khẩu",
            "the address must not carry a user name or password",
        )
    if parts.query or parts.fragment or "#" in value:
        raise Invalid("địa chỉ không được có phần ?… hay #…", "the address must not have a ?… or #… part")
    path = parts.path or "/"
    if not path_allowed and path != "/":
        raise Invalid(
            "chỉ ghi nguồn (giao thức, tên miền, cổng), không ghi đường dẫn",
            "give the origin only (scheme, host, port), no path",
        )
    return origin + (path if path.endswith("/") else path + "/")


def site_address(raw: str) -> str:
    """A member's public address, normalised: lower-case scheme and host, no default port, ending in "/"."""
    return _address(raw, path_allowed=True)


def media_origin(raw: str) -> str:
    """A member's media origin: scheme, host and port only."""
    return _address(raw, path_allowed=False).rstrip("/")


MEMBER_FIELDS = (
    scalar("id", "text", member_id, "Mã của thành viên (slug, không đổi)", "Member id (a slug; never changes)", "tuyen-quang", required=True),
    typed("name", TextType(120), "Tên trang của thành viên", "The member site's name", "Chợ phiên Tuyên Quang", required=True),
    scalar("url", "url", site_address, "Địa chỉ công khai của trang thành viên", "The member site's public address", URL_EXAMPLE, required=True),
    typed("province", PROVINCE, "Tỉnh/thành phố của thành viên", "The member's province", "tuyen-quang", required=True),
    scalar("media", "url", media_origin, "Nguồn ảnh riêng (nếu ảnh không nằm trên trang)", "Separate media origin (when photos are not on the site)", "https://anh.tuyen-quang.example.vn"),
)  # fmt: skip
FIELDS = (
    F("members", "list", "Các trang thành viên", "The member sites", "- id: tuyen-quang",
      required=True, item=F("member", "mapping", "Một trang thành viên", "One member site", "id: tuyen-quang", fields=MEMBER_FIELDS)),
)  # fmt: skip


def read_members(path: Path, display: str | None = None) -> tuple[tuple[Member, ...], ProblemList]:
    """The members *path* lists, and every problem found in it (members with an error are left out)."""
    problems = ProblemList()
    shown = display or str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        problems.add(shown, 0, 0, "", f"không đọc được tệp ({error.strerror})", f"cannot read the file ({error.strerror})",
                     "members:\n  - id: tuyen-quang")  # fmt: skip
        return (), problems
    return parse_members(raw, shown, problems), problems


def parse_members(raw: bytes, shown: str, problems: ProblemList) -> tuple[Member, ...]:
    """The members of a federation.yaml's bytes; its problems go to *problems* (shown as *shown*)."""
    try:
        doc = parse_yaml_file(raw)
    except YamlProblem as problem:
        problems.add(shown, problem.line, problem.column, "", problem.vi, problem.en, problem.example)
        return ()
    ctx = CheckContext(shown, doc, problems)
    for vi, en in doc.warnings:
        problems.add(shown, 1, 0, "", vi, en, severity=WARNING)
    entries = doc.data.get("members")
    if isinstance(entries, list) and len(entries) > MAX_MEMBERS:
        ctx.report(("members",), f"có {len(entries)} thành viên, tối đa {MAX_MEMBERS}",
                   f"{len(entries)} members, at most {MAX_MEMBERS}")  # fmt: skip
        return ()
    checked = check_mapping(FIELDS, doc.data, (), ctx).get("members", ())
    # check_value keeps a mapping even when some of its fields failed, and drops what is not a mapping
    indexes = [
        i for i, entry in enumerate(entries if isinstance(entries, list) else []) if isinstance(entry, dict)
    ]
    failed = {p.field.split(".")[0] for p in problems.errors}
    members: list[Member] = []
    seen: dict[str, dict[str, int]] = {"id": {}, "url": {}}
    for index, values in zip(indexes, checked, strict=True):
        where = ("members", index)
        if field_label(where) in failed:
            continue
        member = Member(values["id"], values["name"], values["url"], values["province"].slug,
                        values.get("media"), line=doc.where(where)[0])  # fmt: skip
        duplicate = False
        for key, value in (("id", member.id), ("url", member.url)):
            if value in seen[key]:
                first = seen[key][value]
                ctx.report(
                    where + (key,),
                    f"“{value}” đã dùng cho thành viên thứ {first + 1} (dòng {doc.where(('members', first))[0]}); "
                    f"mỗi thành viên cần {key} riêng",
                    f"“{value}” is already used by member {first + 1}; each member needs its own {key}",
                    f"{key}: {URL_EXAMPLE if key == 'url' else value + '-2'}",
                )
                duplicate = True
            seen[key].setdefault(value, index)
        if duplicate:
            continue
        if member.url.startswith("http://") and not _loopback(member.url):
            ctx.report(where + ("url",), "nên dùng https:// (người mua và trang quốc gia đọc trang này qua mạng)",
                       "should be https:// (buyers and the national site read it over the network)",
                       f"url: {member.url.replace('http://', 'https://', 1)}", severity=WARNING)  # fmt: skip
        members.append(member)
    return tuple(members)


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

"""Strict YAML front matter: every scalar a string, positions kept, no duplicates/anchors/tags.

PyYAML guesses types (`0912345678` → octal int, `120.000` → 120.0, `no` → False) and lets
duplicate keys and alias bombs through. We walk PyYAML's *events* ourselves (using the C
parser when available), so nothing is ever resolved to a non-string type, and every key
and value keeps its line and column for error messages.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from chophien.core.text import Bilingual, nfc, unsafe_characters
from chophien.formats.normalise import (
    UTF16,
    UTF16_WARNING,
    EncodingProblem,
    decode_bytes,
    repair_front_matter,
)

# libyaml's parser (~7× faster than the pure-Python one); only its events are used.
_Parser = getattr(yaml, "CBaseLoader", None)

MAX_FILE_BYTES = 256 * 1024
# Content nests a few levels (images[1].alt, translations.en.name); libyaml allows 1,000, which
# is deeper than Python's recursion limit lets the reader below follow.
MAX_DEPTH = 20

Path = tuple  # ("contact", "phone") or ("images", 0, "file")


class YamlProblem(Bilingual):
    """A front-matter problem with a 1-based position and messages in vi/en."""

    def __init__(self, line: int, column: int, vi: str, en: str, example: str = ""):
        super().__init__(vi, en, example)
        self.line = line
        self.column = column


REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class UnsafeCharacter:
    """An invisible or control character found in a file (text.unsafe_characters)."""

    line: int
    column: int
    char: str
    path: Path | None  # the field it stands in (or after); None in the Markdown body


class FrontMatter(dict):
    """Front-matter data; ``unsafe`` lists the invisible or control characters of its file.

    They were replaced by U+FFFD before YAML saw the text, so no value, key or body carries
    them (and the YAML reader's own line breaks U+0085/U+2028 cannot shift line numbers);
    schema.check_mapping reports each one at its exact line and column.
    """

    unsafe: tuple[UnsafeCharacter, ...] = ()


@dataclass
class Document:
    """Front matter as plain str/list/dict data, with each path's (line, column)."""

    data: dict
    positions: dict
    body: str
    body_line: int  # 1-based line where the Markdown body starts
    warnings: tuple[tuple[str, str], ...] = ()  # (vi, en) about input that was read after repair
    plain: frozenset = frozenset()  # paths whose value is a plain (unquoted) scalar: YAML may retype it
    flow: frozenset = frozenset()  # paths whose list or mapping is written inline: [a, b], {k: v}

    def where(self, path: Path) -> tuple[int, int]:
        """Position of *path*, falling back to its nearest located parent."""
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get((), (1, 1))


def decode(raw: bytes) -> str:
    """UTF-8 (BOM accepted) or UTF-16 → NFC text with LF line ends."""
    return decode_with_encoding(raw)[0]


def decode_with_encoding(raw: bytes) -> tuple[str, str]:
    """NFC text with LF line ends, and the encoding it was read from (normalise.decode_bytes)."""
    try:
        text, encoding = decode_bytes(raw)
    except EncodingProblem as error:
        raise YamlProblem(error.line, 0, error.vi, error.en) from None
    return nfc(text.replace("\r\n", "\n").replace("\r", "\n")), encoding


def _replace(text: str, found: list[tuple[int, str]]) -> str:
    chars = list(text)
    for index, _ch in found:
        chars[index] = REPLACEMENT
    return "".join(chars)


def neutralise(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """*text* with every unsafe character replaced by U+FFFD (one for one: columns stay put),
    and (line, column, character) of each, 1-based."""
    found = unsafe_characters(text)
    located = []
    for index, ch in found:
        line_start = text.rfind("\n", 0, index) + 1
        located.append((text.count("\n", 0, index) + 1, index - line_start + 1, ch))
    return (_replace(text, found) if found else text), located


def clean_value(value):
    """*value* (str, list or dict) as the strict reader returns it: unsafe characters → U+FFFD."""
    if isinstance(value, str):
        found = unsafe_characters(value)
        return _replace(value, found) if found else value
    if isinstance(value, list):
        return [clean_value(item) for item in value]
    if isinstance(value, dict):
        return {clean_value(key): clean_value(item) for key, item in value.items()}
    return value


def _locate(found, positions: dict, body_line: int | None, escaped=()) -> tuple[UnsafeCharacter, ...]:
    """Give each unsafe character the field it belongs to: the last key or value before it.

    *escaped* (found by the YAML reader, already located) are merged in, in file order.
    """
    ordered = sorted(positions.items(), key=lambda item: (item[1], len(item[0])))
    located = []
    for line, column, ch in found:
        path = None
        if body_line is None or line < body_line:
            path = ()
            for candidate, position in ordered:
                if position > (line, column):
                    break
                path = candidate
        located.append(UnsafeCharacter(line, column, ch, path))
    return tuple(sorted(located + list(escaped), key=lambda u: (u.line, u.column)))


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split '---\\nYAML\\n---\\nbody' → (yaml, body, body_line)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise YamlProblem(
            1,
            1,
            "tệp phải bắt đầu bằng dòng `---`, rồi các trường, rồi một dòng `---` nữa",
            "the file must start with a `---` line, then the fields, then another `---` line",
            "---\\nname: Chè Shan tuyết\\n---",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise YamlProblem(
        len(lines),
        1,
        "thiếu dòng `---` đóng phần thông tin ở đầu tệp",
        "the closing `---` line of the front matter is missing",
        "---",
    )


def _char_at(source: str, mark) -> str:
    lines = source.split("\n")
    if mark is None or mark.line >= len(lines):
        return ""
    line = lines[mark.line]
    return line[mark.column] if mark.column < len(line) else ""


def _translate_parser_error(error: yaml.MarkedYAMLError, offset: int, source: str = "") -> YamlProblem:
    mark = error.problem_mark or error.context_mark
    line = (mark.line + 1 + offset) if mark else offset + 1
    column = (mark.column + 1) if mark else 1
    problem = (error.problem or "").lower()
    context = (error.context or "").lower()
    if "\\t" in problem or "\t" in problem or "tab" in problem or _char_at(source, mark) == "\t":
        vi = "có ký tự Tab; YAML chỉ cho phép thụt đầu dòng bằng dấu cách"
        en = "a Tab character; YAML indentation must use spaces"
        example = "  phone: 0912 345 678"
    elif "mapping values are not allowed" in problem:
        vi = "có dấu hai chấm `:` trong giá trị; hãy đặt cả giá trị trong dấu nháy kép"
        en = "a colon `:` inside a value; put the whole value in double quotes"
        example = 'address: "Thôn 3: xã Nà Hang"'
    elif "could not find expected ':'" in problem or "simple key" in context:
        vi = "dòng này thiếu dấu hai chấm sau tên trường, hoặc thụt đầu dòng sai"
        en = "this line lacks a colon after the field name, or is wrongly indented"
        example = "name: Chè Shan tuyết"
    elif "indentation" in problem or "block end" in problem or "block mapping" in context:
        vi = "thụt đầu dòng không khớp với các dòng phía trên"
        en = "indentation does not match the lines above"
        example = "contact:\\n  phone: 0912 345 678"
    elif "found unexpected end of stream" in problem or "quoted scalar" in context:
        vi = "dấu nháy mở nhưng không đóng"
        en = "a quote is opened but never closed"
        example = 'name: "Chè Shan tuyết"'
    else:
        vi = f"YAML không hợp lệ ({error.problem})"
        en = f"invalid YAML ({error.problem})"
        example = "name: Chè Shan tuyết"
    return YamlProblem(line, column, vi, en, example)


class _EventReader:
    def __init__(self, source: str, offset: int):
        self.offset = offset  # lines before the YAML starts (the opening `---`)
        self.source = source
        self.parser = _Parser(source) if _Parser else yaml.BaseLoader(source)
        self.positions: dict = {}
        self.plain: set = set()
        self.flow: set = set()
        # Unsafe characters written as YAML escapes ("\\u202e", "\\e", "\\N") appear only
        # once a scalar is read: each is placed at the start of its scalar.
        self.escaped: list[UnsafeCharacter] = []

    def pos(self, event) -> tuple[int, int]:
        return (event.start_mark.line + 1 + self.offset, event.start_mark.column + 1)

    def next(self):
        return self.parser.get_event()

    def scalar(self, event, path: Path, key: bool = False) -> str:
        """The scalar's text; for a key, *path* is its mapping's and the key is appended."""
        value = event.value
        # Only a double-quoted scalar has escapes, so only it can hold what `neutralise`
        # removed; U+FFFD here was put there by `neutralise` (or was in the file): reported.
        found = (
            [(i, ch) for i, ch in unsafe_characters(value) if ch != REPLACEMENT] if event.style == '"' else ()
        )
        if not found:
            return value
        value = _replace(value, found)
        line, column = self.pos(event)
        self.escaped.extend(
            UnsafeCharacter(line, column, ch, path + (value,) if key else path) for _, ch in found
        )
        return value

    def reject_extras(self, event) -> None:
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            line, col = self.pos(event)
            raise YamlProblem(
                line,
                col,
                "không dùng neo/bí danh YAML (`&` và `*`); hãy viết giá trị ra đầy đủ",
                "YAML anchors and aliases (`&`, `*`) are not allowed; write the value out",
            )
        tag = getattr(event, "tag", None)
        if tag and tag != "!":
            line, col = self.pos(event)
            raise YamlProblem(
                line,
                col,
                f"không dùng thẻ kiểu YAML ({tag}); mọi giá trị được đọc như chữ",
                f"YAML tags ({tag}) are not allowed; every value is read as text",
            )

    def node(self, event, path: Path):
        self.reject_extras(event)
        if len(path) > MAX_DEPTH:
            raise YamlProblem(
                *self.pos(event),
                f"lồng nhau quá sâu (hơn {MAX_DEPTH} mức); các trường chỉ lồng vài mức",
                f"nested too deeply (more than {MAX_DEPTH} levels); fields nest only a few levels",
                "images:\n  - file: che.jpg\n    alt: Búp chè",
            )
        self.positions[path] = self.pos(event)
        if isinstance(event, yaml.ScalarEvent):
            if not event.style:  # None from the Python parser, '' from libyaml
                self.plain.add(path)
            return self.scalar(event, path)
        if isinstance(event, yaml.CollectionStartEvent) and event.flow_style:
            self.flow.add(path)
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            while True:
                child = self.next()
                if isinstance(child, yaml.SequenceEndEvent):
                    return items
                items.append(self.node(child, path + (len(items),)))
        if isinstance(event, yaml.MappingStartEvent):
            mapping: dict = {}
            while True:
                key_event = self.next()
                if isinstance(key_event, yaml.MappingEndEvent):
                    return mapping
                self.reject_extras(key_event)
                if not isinstance(key_event, yaml.ScalarEvent):
                    line, col = self.pos(key_event)
                    raise YamlProblem(
                        line,
                        col,
                        "tên trường phải là một từ, không phải danh sách",
                        "a field name must be a plain word, not a list or mapping",
                        "name: Chè Shan tuyết",
                    )
                key = self.scalar(key_event, path, key=True)
                if key in mapping:
                    line, col = self.pos(key_event)
                    first = self.positions[path + (key,)][0]
                    raise YamlProblem(
                        line,
                        col,
                        f"trường `{key}` bị lặp (đã có ở dòng {first}); chỉ giữ một",
                        f"field `{key}` is repeated (already on line {first}); keep one",
                    )
                value_event = self.next()
                child_path = path + (key,)
                # A key's position is the key itself: that is where a volunteer looks.
                mapping[key] = self.node(value_event, child_path)
                self.positions[child_path] = self.pos(key_event)
        raise YamlProblem(*self.pos(event), "cấu trúc YAML lạ", "unexpected YAML structure")

    def document(self):
        try:
            event = self.next()  # StreamStart
            event = self.next()
            if isinstance(event, yaml.StreamEndEvent):
                return {}
            event = self.next()  # first node of the DocumentStart
            data = self.node(event, ())
            event = self.next()  # DocumentEnd
            if not isinstance(self.next(), yaml.StreamEndEvent):
                raise YamlProblem(
                    self.pos(event)[0],
                    1,
                    "phần thông tin đầu tệp chỉ được có một khối YAML",
                    "front matter must hold a single YAML document",
                )
            return data
        except yaml.MarkedYAMLError as error:
            raise _translate_parser_error(error, self.offset, self.source) from None
        except yaml.YAMLError as error:  # reader errors (control characters)
            raise YamlProblem(
                self.offset + 1,
                1,
                f"YAML không đọc được ({error})",
                f"YAML cannot be read ({error})",
            ) from None
        finally:
            dispose = getattr(self.parser, "dispose", None)
            if dispose:
                dispose()


def _check_size(raw: bytes) -> None:
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(
            1,
            1,
            f"tệp quá lớn ({len(raw) // 1024} KB; tối đa {MAX_FILE_BYTES // 1024} KB)",
            f"file too large ({len(raw) // 1024} KB; at most {MAX_FILE_BYTES // 1024} KB)",
        )


def parse_front_matter(raw: bytes) -> Document:
    """Parse a content file's bytes into a strict, located Document."""
    _check_size(raw)
    text, encoding = decode_with_encoding(raw)
    text, found = neutralise(text)
    front, body, body_line = split_front_matter(text)
    reader = _EventReader(repair_front_matter(front), offset=1)
    data = reader.document()
    if data is None or data == "":
        data = {}
    if not isinstance(data, dict):
        raise YamlProblem(
            2,
            1,
            "phần thông tin đầu tệp phải là các dòng `trường: giá trị`",
            "front matter must be `field: value` lines",
            "name: Chè Shan tuyết",
        )
    reader.positions.setdefault((), (2, 1))
    data = FrontMatter(data)
    data.unsafe = _locate(found, reader.positions, body_line, reader.escaped)
    warnings = (UTF16_WARNING,) if encoding == UTF16 else ()
    return Document(
        data, reader.positions, body, body_line, warnings, frozenset(reader.plain), frozenset(reader.flow)
    )


def parse_yaml_file(raw: bytes) -> Document:
    """Parse a whole YAML file (no `---` front matter, no body), e.g. a survey's survey.yaml."""
    _check_size(raw)
    text, encoding = decode_with_encoding(raw)
    text, found = neutralise(text)
    reader = _EventReader(repair_front_matter(text), offset=0)
    data = reader.document()
    if data is None or data == "":
        data = {}
    if not isinstance(data, dict):
        raise YamlProblem(
            1, 1, "tệp phải là các dòng `trường: giá trị`", "the file must be `field: value` lines"
        )
    reader.positions.setdefault((), (1, 1))
    data = FrontMatter(data)
    data.unsafe = _locate(found, reader.positions, None, reader.escaped)
    return Document(data, reader.positions, "", 0, (UTF16_WARNING,) if encoding == UTF16 else ())

"""Write front matter the strict loader reads back unchanged, and edit it in place keeping comments.

Templates (`chophien new`) and spreadsheet imports write YAML through `emit`; updates go
through `FrontMatterEditor`, which replaces only the lines of the keys that change, so the
volunteer's comments, blank lines, key order and Markdown story stay as they were. Every
edit is checked by parsing the result with the strict loader. Text is written plain only
when every standard YAML parser reads it as the same text (chophien/formats/yamlread.py), else
double-quoted; ints and bools are written as YAML numbers and true/false, lists one item a
line (the layout Decap CMS writes, so a save through the CMS changes nothing). An editor given
a canonicaliser (a function of key path and value, e.g. chophien/catalogue/canonical.py's
`value_writer`) writes each value in the form it returns; this module knows no schema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import yaml

from chophien.formats.strictyaml import YamlProblem, clean_value, parse_front_matter, split_front_matter
from chophien.formats.yamlread import reads_as_text


def _parses_to(source: str, expected: str, path: tuple) -> bool:
    try:
        events = list(yaml.parse(source))
    except yaml.YAMLError:
        return False
    scalars = [e for e in events if isinstance(e, yaml.ScalarEvent)]
    aliases = [e for e in events if isinstance(e, yaml.AliasEvent)]
    if aliases or any(e.anchor or (e.tag and e.tag != "!") for e in scalars):
        return False
    return len(scalars) == len(path) and scalars[-1].value == expected and scalars[-1].style is None


def scalar(value: str) -> str:
    """*value* as a YAML scalar: plain when it reads back as the same text, else double-quoted."""
    if value and "\n" not in value and reads_as_text(value) and _parses_to(f"k: {value}", value, ("k", "v")):
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _literal(value: bool | int) -> str:
    """A bool or int as YAML writes it: true/false, or decimal digits."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


_BLOCK_KEY = re.compile(r"^\s*[^#\s][^#]*:\s*[|>][-+0-9]*\s*(#.*)?$")


def block(key: str, value: str, indent: int = 0) -> list[str] | None:
    """Multi-line *value* as a literal block scalar (`key: |-`, each line indented 2 more), the
    form Decap CMS writes a Markdown field in; None when it would not read back as the same text
    (leading spaces, trailing spaces or line breaks: a block's last line break depends on what
    follows it), which is then quoted."""
    if "\n" not in value or value.endswith("\n") or value[:1].isspace() or "\r" in value:
        return None
    lines = value.split("\n")
    if any(line != line.rstrip() for line in lines):
        return None  # trailing spaces: YAML keeps them, editors strip them
    body = [("  " + line) if line else "" for line in lines]
    try:
        events = list(yaml.parse("\n".join(["k: |-", *body]) + "\n"))
    except yaml.YAMLError:
        return None
    scalars = [e for e in events if isinstance(e, yaml.ScalarEvent)]
    if len(scalars) != 2 or scalars[1].value != value:
        return None
    pad = " " * indent
    return [f"{pad}{key}: |-", *(pad + line if line else "" for line in body)]


def emit(key: str, value, indent: int = 0) -> list[str]:
    """Lines for `key: value` at *indent* spaces; value is str, list or dict of those."""
    pad = " " * indent
    if isinstance(value, str):
        return block(key, value, indent) or [f"{pad}{key}: {scalar(value)}"]
    if isinstance(value, bool | int):
        return [f"{pad}{key}: {_literal(value)}"]
    if isinstance(value, dict):
        lines = [f"{pad}{key}:"]
        for child, child_value in value.items():
            lines.extend(emit(child, child_value, indent + 2))
        return lines
    if isinstance(value, list | tuple):
        # Lists are written one item per line, as the CMS writes them: a CMS save changes nothing.
        if not value:
            return [f"{pad}{key}: []"]
        lines = [f"{pad}{key}:"]
        for item in value:
            lines.extend(_emit_item(item, indent + 2))
        return lines
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


def _emit_item(item, indent: int) -> list[str]:
    pad = " " * indent
    if isinstance(item, str):
        return [f"{pad}- {scalar(item)}"]
    if isinstance(item, bool | int):
        return [f"{pad}- {_literal(item)}"]
    if isinstance(item, dict):
        lines: list[str] = []
        for child, child_value in item.items():
            child_lines = emit(child, child_value, indent + 2)
            if not lines:
                child_lines[0] = f"{pad}- {child_lines[0].lstrip()}"
            lines.extend(child_lines)
        return lines or [f"{pad}- {{}}"]
    raise TypeError(f"cannot write {type(item).__name__} in a YAML list")


def _is_filler(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


class FrontMatterEditor:
    """Edit the front matter of one content file; `text()` returns the whole file."""

    def __init__(
        self,
        text: str,
        order: dict[tuple, list[str]] | None = None,
        canonical: Callable[[tuple, Any], Any] | None = None,
    ):
        front, body, _ = split_front_matter(text)
        self.lines = front.split("\n") if front else []
        self.body = body
        self.order = order or {}  # parent path → keys in schema order, for inserting
        self.canonical = canonical  # (key path, value) → the value in the form to write
        self._parse()

    # -- state -------------------------------------------------------------------

    def _source(self) -> str:
        return "---\n" + "".join(line + "\n" for line in self.lines) + "---\n" + self.body

    def text(self) -> str:
        return self._source()

    def _parse(self) -> None:
        self.doc = parse_front_matter(self._source().encode("utf-8"))

    @property
    def data(self) -> dict:
        return self.doc.data

    def _get(self, path: tuple):
        value = self.data
        for part in path:
            if not isinstance(value, dict) or part not in value:
                return None
            value = value[part]
        return value

    # -- line geometry (0-based indexes into self.lines) --------------------------

    def _index(self, path: tuple) -> int:
        return self.doc.positions[path][0] - 2

    def _block_end(self, path: tuple) -> int:
        """Index just past the last line of *path*'s block, trailing comments excluded."""
        parent = path[:-1]
        siblings = list(self._get(parent).keys())
        position = siblings.index(path[-1])
        if position + 1 < len(siblings):
            end = self._index(parent + (siblings[position + 1],))
        elif parent:
            end = self._block_end(parent)
        else:
            end = len(self.lines)
        start = self._index(path)
        while end - 1 > start and _is_filler(self.lines[end - 1]) and not self._in_block(end - 1):
            end -= 1
        return end

    def _in_block(self, index: int) -> bool:
        """True when line *index* is text of a block scalar (`story: |`), e.g. a "# heading"."""
        line = self.lines[index]
        if not line.strip():
            return False
        depth = len(line) - len(line.lstrip(" "))
        for above in reversed(self.lines[:index]):
            if above.strip() and len(above) - len(above.lstrip(" ")) < depth:
                return bool(_BLOCK_KEY.match(above))
        return False

    def _block_style(self, path: tuple) -> bool:
        """True when *path*'s parent mappings are all written one key per line."""
        for depth in range(1, len(path)):
            parent = path[:depth]
            value = self._get(parent)
            if value is None:
                return True  # created below as a block
            if not isinstance(value, dict):
                return False
            if any(self._index(parent + (key,)) == self._index(parent) for key in value):
                return False
        return True

    # -- edits ---------------------------------------------------------------------

    def set(self, path: tuple, value, force: bool = False) -> None:
        """Set *path* (a tuple of keys) to *value*, touching only the lines it needs.

        An unchanged value is left as written, unless *force* (rewrite it in canonical form).
        """
        if self._get(path) == _plain(value) and path in self.doc.positions and not force:
            return
        if self.canonical is not None:
            value = self.canonical(path, value)
        if not self._block_style(path):
            top = path[0]
            merged = _with(self._get((top,)) if isinstance(self._get((top,)), dict) else {}, path[1:], value)
            self.set((top,), merged if len(path) > 1 else value, force)
            return
        if path in self.doc.positions:
            start, end = self._index(path), self._block_end(path)
            indent = self.doc.positions[path][1] - 1
            new = emit(path[-1], value, indent)
            comment = _inline_comment(self.lines[start]) if end - start == 1 else ""
            if comment and len(new) == 1:
                new[0] += comment
            self.lines[start:end] = new
        elif len(path) > 1 and not isinstance(self._get(path[:-1]), dict):
            self.set(path[:-1], {path[-1]: value}, force)
            return
        else:
            self.lines[self._insert_at(path) : self._insert_at(path)] = emit(
                path[-1], value, self._indent_for(path)
            )
        self._parse()
        # The reader turns invisible/control characters into U+FFFD (and reports them).
        if self._get(path) != clean_value(_plain(value)):
            raise AssertionError(f"front matter edit of {path} did not read back")

    def delete(self, path: tuple) -> None:
        if path not in self.doc.positions:
            return
        if not self._block_style(path):
            top = self._get((path[0],))
            if len(path) > 1 and isinstance(top, dict):
                self.set((path[0],), _without(top, path[1:]))
            return
        start, end = self._index(path), self._block_end(path)
        del self.lines[start:end]
        self._parse()
        parent = path[:-1]
        if parent and self._get(parent) in ({}, None, ""):
            self.delete(parent)

    def set_body(self, body: str) -> None:
        self.body = body if body.endswith("\n") or not body else body + "\n"

    def _indent_for(self, path: tuple) -> int:
        parent = path[:-1]
        siblings = list((self._get(parent) or {}).keys())
        if siblings:
            return self.doc.positions[parent + (siblings[0],)][1] - 1
        return (self.doc.positions[parent][1] - 1 + 2) if parent else 0

    def _insert_at(self, path: tuple) -> int:
        parent = path[:-1]
        existing = list((self._get(parent) or {}).keys())
        order = self.order.get(parent, [])
        rank = {key: i for i, key in enumerate(order)}
        mine = rank.get(path[-1], len(order))
        before = [key for key in existing if rank.get(key, len(order)) <= mine]
        if before:
            return self._block_end(parent + (before[-1],))
        if existing:
            return self._index(parent + (existing[0],))
        return self._index(parent) + 1 if parent else len(self.lines)


def _inline_comment(line: str) -> str:
    """A trailing ` # comment` of a one-line plain/quoted value, or ''."""
    match = re.match(r"""^(\s*[^:#]+:\s*)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^'"#][^#]*?|)(\s+#.*)$""", line)
    return match.group(3) if match else ""


def _plain(value):
    """*value* as the strict loader reads it back: every scalar a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _with(mapping: dict, path: tuple, value) -> dict:
    result = dict(mapping)
    if len(path) == 1:
        result[path[0]] = value
    else:
        inner = result.get(path[0])
        result[path[0]] = _with(inner if isinstance(inner, dict) else {}, path[1:], value)
    return result


def _without(mapping: dict, path: tuple) -> dict:
    result = dict(mapping)
    if len(path) == 1:
        result.pop(path[0], None)
    elif isinstance(result.get(path[0]), dict):
        result[path[0]] = _without(result[path[0]], path[1:])
    return result


def check_readable(text: str) -> None:
    """Raise YamlProblem when *text* would not load (used before any file is written)."""
    parse_front_matter(text.encode("utf-8"))


__all__ = ["FrontMatterEditor", "YamlProblem", "check_readable", "emit", "scalar"]

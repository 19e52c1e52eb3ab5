"""Content problems (errors and warnings) and their renderers: human, GitHub, JSON, Markdown.

A problem quotes what the volunteer wrote and names files as they are on disk, so every
renderer treats its text as hostile: nothing in it may forge a line, a terminal escape,
a GitHub workflow command or Markdown in a CI summary (docs/security.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from chophien.core.text import printable, unsafe_characters

ERROR = "error"
WARNING = "warning"

_LABELS = {
    "vi": {ERROR: "lỗi", WARNING: "cảnh báo", "example": "Ví dụ"},
    "en": {ERROR: "error", WARNING: "warning", "example": "Example"},
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located as precisely as we know."""

    path: str
    line: int = 0
    column: int = 0
    field: str = ""
    message_vi: str = ""
    message_en: str = ""
    example: str = ""
    severity: str = ERROR

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi

    def location(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return where

    def render(self, lang: str = "vi") -> str:
        """`path:line:col: lỗi: field: message. Ví dụ: …`, as one safe line (see log_line)."""
        labels = _LABELS["en" if lang == "en" else "vi"]
        text = f"{self.location()}: {labels[self.severity]}: "
        if self.field:
            text += f"{self.field}: "
        message = self.message(lang).rstrip(".")
        text += message if message.endswith(("?", "!")) else message + "."
        if self.example:
            text += f" {labels['example']}: {self.example}"
        return log_line(text)


_V1_COMMAND = "##["  # GitHub's older workflow-command syntax, recognised anywhere in a line


def log_line(text: str) -> str:
    """*text* as one line that a terminal or a CI log shows as it is.

    Line breaks, escape sequences and invisible characters are shown escaped (`\\n`,
    `\\x1b`, `\\u202e`: text.printable), and neither GitHub workflow-command syntax can
    start: `::` at the start of the line (after spaces) and `##[` anywhere.
    """
    text = printable(text).replace(_V1_COMMAND, "#\\x23[")
    stripped = text.lstrip()
    if stripped.startswith("::"):
        start = len(text) - len(stripped)
        text = text[:start] + "\\x3a" + text[start + 1 :]
    return text


@dataclass
class ProblemList:
    """Collects every problem found, so a volunteer can fix them all in one round."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        path: str,
        line: int = 0,
        column: int = 0,
        field: str = "",
        vi: str = "",
        en: str = "",
        example: str = "",
        severity: str = ERROR,
    ) -> None:
        self.items.append(Problem(path, line, column, field, vi, en or vi, example, severity))

    def extend(self, other: ProblemList) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items), key=lambda p: (p.path, p.line, p.column, p.field, p.message_en))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)


def summary(problems: ProblemList, lang: str = "vi", files_checked: int | None = None) -> str:
    """Last line of a validation run: `N lỗi trong M tệp (đã kiểm tra K tệp)`."""
    errors = problems.errors
    files = len({p.path for p in errors})
    warnings = len(problems.warnings)
    if lang == "en":
        text = (
            f"{len(errors)} error{'s' if len(errors) != 1 else ''} in {files} file{'s' if files != 1 else ''}"
        )
        extras = []
        if warnings:
            extras.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        if files_checked is not None:
            extras.append(f"{files_checked} file{'s' if files_checked != 1 else ''} checked")
    else:
        text = f"{len(errors)} lỗi trong {files} tệp"
        extras = []
        if warnings:
            extras.append(f"{warnings} cảnh báo")
        if files_checked is not None:
            extras.append(f"đã kiểm tra {files_checked} tệp")
    if extras:
        text += f" ({', '.join(extras)})"
    return text


def render_human(problems: ProblemList, lang: str = "vi", files_checked: int | None = None) -> str:
    lines = [p.render(lang) for p in problems.sorted()]
    lines.append(summary(problems, lang, files_checked))
    return "\n".join(lines)


def github_data(text: str) -> str:
    """A workflow command's message: `%`, CR and LF percent-encoded (GitHub's own rules)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command's property value: also `:` and `,`, which end a property.

    GitHub decodes these back, so a file whose name holds a line break is still annotated;
    other control and invisible characters are shown escaped (they cannot be decoded back).
    """
    escaped = github_data(text).replace(":", "%3A").replace(",", "%2C")
    return printable(escaped).replace(_V1_COMMAND, "#\\x23[")


def render_github(problems: ProblemList, lang: str = "vi") -> str:
    """GitHub Actions workflow commands, so problems show on the pull request's diff."""
    lines = []
    for p in problems.sorted():
        kind = "error" if p.severity == ERROR else "warning"
        props = f"file={github_property(p.path)}"
        if p.line:
            props += f",line={p.line}"
            if p.column:
                props += f",col={p.column}"
        lines.append(f"::{kind} {props}::{github_data(p.render(lang))}")
    return "\n".join(lines)


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code > 0xFFFF:  # JSON escapes astral characters as a UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def render_json(problems: ProblemList) -> str:
    """The problems as JSON, valid and safe to print in a CI log: invisible and control
    characters are \\u escapes (json.dumps leaves DEL, C1 controls and bidi overrides raw
    when ensure_ascii is off), and so is the `#` that would start a `##[` workflow command."""
    text = json.dumps(
        {
            "problems": [asdict(p) for p in problems.sorted()],
            "errors": len(problems.errors),
            "warnings": len(problems.warnings),
        },
        ensure_ascii=False,
        indent=2,
    )
    chars = list(text)
    for index, ch in unsafe_characters(text):
        chars[index] = _json_escape(ch)
    return "".join(chars).replace(_V1_COMMAND, "#\\u0023[")


_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# The ASCII punctuation that can open something inside a cell is backslash-escaped: emphasis and
# strikethrough (* _ ~), code spans (`), links and images ([ ]), the cell's end (|), GitHub's math
# ($), references and mentions (# @), escapes (\\) and autolinks (`www.`, `https:`, `a@b.c`: . :).
# The rest ( ) / - , ; ! ? ' " = + % ^ { } cannot start anything inside a cell, and is left as
# written, so dates (15/09/2024), decisions (3287/QĐ-UBND) and sentences stay readable.
_MARKDOWN_PUNCTUATION = re.compile(r"""[#$*.:@\[\\\]_`|~]""")


def markdown_text(text: str) -> str:
    """Text for one cell of a GitHub-flavoured Markdown table, shown literally."""
    text = _MARKDOWN_PUNCTUATION.sub(lambda m: "\\" + m.group(), printable(text))
    return "".join(_HTML.get(ch, ch) for ch in text)


def markdown_code(text: str) -> str:
    """Text as a code span in a table cell: nothing inside is Markdown or HTML; the fence is
    longer than any run of backticks inside, and `|` is escaped (GitHub splits cells first)."""
    text = printable(text).replace("|", "\\|")
    if not text:
        return ""
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_markdown(problems: ProblemList, lang: str = "vi", files_checked: int | None = None) -> str:
    """A Markdown table for a CI job summary ($GITHUB_STEP_SUMMARY): one row per problem."""
    title = "Kiểm tra nội dung" if lang != "en" else "Content check"
    lines = [f"### {title}: {summary(problems, lang, files_checked)}", ""]
    if not problems:
        lines.append("✅ " + ("Không có lỗi." if lang != "en" else "No problems."))
        return "\n".join(lines)
    labels = _LABELS["en" if lang == "en" else "vi"]
    header = ("Tệp", "Dòng", "Trường", "Mức", "Vấn đề", "Ví dụ") if lang != "en" else (
        "File", "Line", "Field", "Severity", "Problem", "Example")  # fmt: skip
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|---|---:|---|---|---|---|")
    for p in problems.sorted():
        lines.append(
            f"| {markdown_code(p.path)} | {p.line or ''} | {markdown_text(p.field)} | {labels[p.severity]} | "
            f"{markdown_text(p.message(lang))} | {markdown_code(p.example)} |"
        )
    return "\n".join(lines)

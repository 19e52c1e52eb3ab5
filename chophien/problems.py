"""Content problems (errors and warnings) and their renderers: human, GitHub, JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

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
        """`path:line:col: lỗi: field: message. Ví dụ: …`"""
        labels = _LABELS["en" if lang == "en" else "vi"]
        text = f"{self.location()}: {labels[self.severity]}: "
        if self.field:
            text += f"{self.field}: "
        message = self.message(lang).rstrip(".")
        text += message if message.endswith(("?", "!")) else message + "."
        if self.example:
            text += f" {labels['example']}: {self.example}"
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


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def render_github(problems: ProblemList, lang: str = "vi") -> str:
    """GitHub Actions workflow commands, so problems show on the pull request's diff."""
    lines = []
    for p in problems.sorted():
        kind = "error" if p.severity == ERROR else "warning"
        props = f"file={p.path}"
        if p.line:
            props += f",line={p.line}"
            if p.column:
                props += f",col={p.column}"
        lines.append(f"::{kind} {props}::{_github_escape(p.render(lang))}")
    return "\n".join(lines)


def render_json(problems: ProblemList) -> str:
    return json.dumps(
        {
            "problems": [asdict(p) for p in problems.sorted()],
            "errors": len(problems.errors),
            "warnings": len(problems.warnings),
        },
        ensure_ascii=False,
        indent=2,
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


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
        example = f"`{_cell(p.example)}`" if p.example else ""
        lines.append(
            f"| `{_cell(p.path)}` | {p.line or ''} | {_cell(p.field)} | {labels[p.severity]} | "
            f"{_cell(p.message(lang))} | {example} |"
        )
    return "\n".join(lines)

"""Reading one assessment file: its path as shown in problems, problems located in it, YAML checked against a field table.

Shared by the readers of scoring models, survey.yaml, published.yaml and responses.csv, which
add every problem to one ProblemList and count the files they checked.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from chophien.catalogue.schema import CheckContext, check_mapping
from chophien.core.problems import WARNING, ProblemList
from chophien.core.text import SLUG, nfc, slugify
from chophien.formats.strictyaml import YamlProblem, parse_yaml_file


class AssessmentFiles:
    """The content folder, the problems found so far and how many files were checked."""

    def __init__(self, content_dir: Path, problems: ProblemList):
        self.content = Path(content_dir)
        self.problems = problems
        self.files_checked = 0

    def display(self, path: Path) -> str:
        try:
            return nfc(path.relative_to(self.content.parent).as_posix())
        except ValueError:
            return nfc(path.as_posix())

    def error(
        self, path: Path, vi: str, en: str, example: str = "", line: int = 0, column: int = 0, field=""
    ):
        self.problems.add(self.display(path), line, column, field, vi, en, example)

    def error_count(self) -> int:
        return len(self.problems.errors)

    def slug_of(self, path: Path, what_vi: str, what_en: str) -> str | None:
        """A file's stem or a folder's name when it is a slug, else None and a problem suggesting one."""
        stem = path.stem if path.is_file() else path.name
        if SLUG.fullmatch(stem) and unicodedata.is_normalized("NFC", stem):
            return stem
        suggestion = slugify(stem) or "ten"
        self.error(
            path,
            f"tên {what_vi} “{nfc(stem)}” phải là chữ thường không dấu, số và dấu gạch ngang; hãy đổi thành “{suggestion}”",
            f"{what_en} name “{nfc(stem)}” must be lowercase ASCII letters, digits and dashes; rename it to “{suggestion}”",
            suggestion,
        )
        return None

    def read_yaml(self, path: Path, fields) -> tuple[dict | None, CheckContext | None]:
        """The file's values checked against *fields* (None when it has errors), and the context to report more."""
        self.files_checked += 1
        try:
            doc = parse_yaml_file(path.read_bytes())
        except YamlProblem as problem:
            self.error(path, problem.vi, problem.en, problem.example, problem.line, problem.column)
            return None, None
        except OSError as error:
            self.error(path, f"không đọc được tệp ({error.strerror})", f"cannot read file ({error.strerror})")
            return None, None
        ctx = CheckContext(self.display(path), doc, self.problems)
        for vi, en in doc.warnings:
            self.problems.add(self.display(path), 1, 0, "", vi, en, severity=WARNING)
        before = self.error_count()
        values = check_mapping(fields, doc.data, (), ctx)
        return (values if self.error_count() == before else None), ctx

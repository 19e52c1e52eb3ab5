"""Reads responses.csv: one row per respondent, checked cell by cell and located as file:row:column, scored by the survey's model.

The delimiter is sniffed (Excel in a Vietnamese locale saves "CSV" with semicolons); only a
closed set of columns is accepted (chophien.assessment.schema); a quoted cell running over
several lines is refused (free text has no place here). Each row is then checked against the
rest of the site: one row per respondent, the region is the province's, a cooperative's
province and consent agree with its page.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from chophien import reference
from chophien.assessment.converters import ANONYMOUS, region
from chophien.assessment.files import AssessmentFiles
from chophien.assessment.model import SECTORS, SIZE_BANDS, Criterion, Response, ScoringModel, Survey
from chophien.assessment.schema import BASE_COLUMNS, REQUIRED_COLUMNS
from chophien.assessment.scoring import score
from chophien.catalogue.field_types import BOOL, PROVINCE, EnumType, Invalid, Warned, WholeType
from chophien.catalogue.model import KINDS
from chophien.core.problems import ERROR, WARNING
from chophien.core.text import Bilingual, did_you_mean, hint
from chophien.formats.strictyaml import YamlProblem, decode

MAX_CSV_BYTES = 5 * 1024 * 1024
OPTIONAL_CELLS = ("region", "consent")  # may be left empty in a row


def sniff_delimiter(text: str) -> str:
    """`;` when the header row has more semicolons than commas (Excel in a Vietnamese locale), else `,`."""
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


class _RowReader:
    """csv rows with the line each starts on, and whether a quoted cell ran over lines."""

    def __init__(self, reader):
        self.reader = reader
        self.line = 0
        self.broken_at = 0  # line where the csv module gave up (a cell over its size limit)

    def next(self) -> tuple[int, list[str], bool] | None:
        start = self.line + 1
        try:
            cells = next(self.reader)
        except StopIteration:
            return None
        except csv.Error:
            self.broken_at = start
            return None
        self.line = self.reader.line_num
        return start, cells, self.line > start


def load_responses(
    files: AssessmentFiles, path: Path, survey: Survey, cooperatives: dict, cooperative_slugs: set[str]
) -> tuple[Response, ...] | None:
    """Every response of *path*, scored, or None when the file has errors (added to *files*' problems).

    *cooperatives*: slug → Cooperative of those that loaded; *cooperative_slugs*: every
    cooperative file's name, loaded or not (a respondent may be one of them).
    """
    return ResponsesFile(files, path, survey, cooperatives, cooperative_slugs).read()


class ResponsesFile:
    """One responses.csv being read: its header, its columns' converters, the respondents seen so far."""

    def __init__(
        self,
        files: AssessmentFiles,
        path: Path,
        survey: Survey,
        cooperatives: dict,
        cooperative_slugs: set[str],
    ):
        self.files = files
        self.problems = files.problems
        self.path = path
        self.shown = files.display(path)
        self.model: ScoringModel = survey.model
        self.cooperatives = cooperatives
        self.cooperative_slugs = cooperative_slugs
        self.header: list[str] = []
        self.columns: set[str] = set()
        self.column_of: dict[str, int] = {}
        self.converters = self._converters()
        self.seen: dict[str, int] = {}  # respondent → the row it is on

    def add(self, line: int, column: int, field: str, vi: str, en: str, example: str = "", severity=ERROR):
        self.problems.add(self.shown, line, column, field, vi, en, example, severity)

    def read(self) -> tuple[Response, ...] | None:
        self.files.files_checked += 1
        text = self._text()
        if text is None:
            return None
        rows = _RowReader(csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text), strict=False))
        first = rows.next()
        if first is None:
            if rows.broken_at:
                self._unreadable(rows.broken_at)
            else:
                self.files.error(
                    self.path, "tệp trống: cần một dòng tiêu đề cột", "empty file: a header row is needed"
                )
            return None
        before = self.files.error_count()
        self._read_header(first[1])
        if self.files.error_count() != before:
            return None
        responses = []
        while (row := rows.next()) is not None:
            response = self._response(*row)
            if response is not None:
                responses.append(response)
        if rows.broken_at:
            self._unreadable(rows.broken_at)
        if self.files.error_count() != before:
            return None
        return tuple(responses)

    # --- the file and its header ------------------------------------------------------------

    def _text(self) -> str | None:
        """The file's text, or None when it is too large or not UTF-8 text (reported)."""
        raw = self.path.read_bytes()
        if len(raw) > MAX_CSV_BYTES:
            self.files.error(
                self.path,
                f"tệp quá lớn ({len(raw) // 1024} KB; tối đa {MAX_CSV_BYTES // 1024} KB)",
                f"file too large ({len(raw) // 1024} KB; at most {MAX_CSV_BYTES // 1024} KB)",
            )
            return None
        try:
            return decode(raw)
        except YamlProblem as problem:
            self.files.error(self.path, problem.vi, problem.en, line=problem.line)
            return None

    def _unreadable(self, line: int) -> None:
        limit = csv.field_size_limit()
        self.add(
            line,
            0,
            "",
            f'không đọc được từ dòng này: có ô dài quá {limit:,} ký tự (thường do một dấu nháy `"` '
            "không được đóng)".replace(",", "."),
            f"cannot read from this line on: a cell is longer than {limit:,} characters (usually a "
            'quote `"` that is never closed)',
        )

    def _read_header(self, cells: list[str]) -> None:
        """Every column known and none repeated or missing (reported), and each known column's number."""
        self.header = [name.strip() for name in cells]
        allowed = list(BASE_COLUMNS) + [c.key for c in self.model.criteria]
        required = list(REQUIRED_COLUMNS) + [c.key for c in self.model.criteria]
        columns: set[str] = set()
        for index, column in enumerate(self.header):
            if column in columns:
                self.add(1, index + 1, column, "cột bị lặp", "the column is repeated")
            elif column not in allowed:
                guess = did_you_mean(column, allowed, cutoff=0.75)
                hint_vi, hint_en = hint(guess, "`")
                self.add(
                    1,
                    index + 1,
                    column,
                    f"cột không có trong mẫu{hint_vi} (không đưa tên người, số điện thoại hay câu trả lời tự do vào tệp)",
                    f"unknown column{hint_en} (names, phone numbers and free-text answers do not belong here)",
                )
            columns.add(column)
        missing = [name for name in required if name not in columns]
        if missing:
            self.add(
                1,
                0,
                "",
                f"thiếu cột: {', '.join(missing)}",
                f"missing columns: {', '.join(missing)}",
                ",".join(required[:8]) + ",…",
            )
        self.columns = columns & set(allowed)
        self.column_of = {name: self.header.index(name) + 1 for name in self.columns}

    def _converters(self) -> dict:
        """Column → (converter, example)."""
        equipment = {e.key: (e.name, e.name_en or e.name) for e in self.model.equipment}
        converters = {
            "respondent": (self._respondent, "an-001 hoặc htx-che-shan-tuyet-ho-thau"),
            "province": (PROVINCE, "Lào Cai"),
            "region": (region, "trung-du-mien-nui-phia-bac"),
            "sector": (EnumType(SECTORS), "nong-nghiep"),
            "kind": (EnumType(KINDS), "hop-tac-xa"),
            "size": (EnumType(SIZE_BANDS), "10-29"),
            "equipment": (EnumType(equipment), next(iter(equipment), "")),
            "consent": (BOOL, "no"),
        }
        for criterion in self.model.criteria:
            converters[criterion.key] = (_points_of(criterion), str(criterion.maximum))
        return converters

    def _respondent(self, raw: str) -> str:
        value = raw.strip()
        if value in self.cooperative_slugs or ANONYMOUS.fullmatch(value):
            return value
        guess = did_you_mean(value, sorted(self.cooperative_slugs))
        hint_vi, hint_en = hint(guess)
        raise Invalid(
            f"“{raw}” không phải tên tệp hợp tác xã trong content/cooperatives/ hay mã ẩn danh an-…{hint_vi}; "
            "không ghi tên người",
            f"“{raw}” is neither a cooperative file name in content/cooperatives/ nor an anonymous id an-…{hint_en}; "
            "never a person's name",
        )

    # --- one row, step by step --------------------------------------------------------------

    def _response(self, line: int, cells: list[str], spans_lines: bool) -> Response | None:
        """The row's response, or None when it is blank or has an error (reported)."""
        if not any(cell.strip() for cell in cells) or not self._well_formed(line, cells, spans_lines):
            return None
        values = self._values(line, cells)
        if values is None or not self._new_respondent(line, values) or not self._region_agrees(line, values):
            return None
        respondent = values["respondent"]
        cooperative = respondent if respondent in self.cooperative_slugs else None
        consent = bool(values.get("consent", False))
        self._warn_about_disagreements(line, values, cooperative, consent)
        points = tuple(values[c.key] for c in self.model.criteria)
        return Response(
            respondent=respondent,
            cooperative=cooperative,
            province=values["province"].slug,
            region=values.get("region", values["province"].region),
            sector=values["sector"],
            kind=values["kind"],
            size=values["size"],
            equipment=values["equipment"],
            consent=consent,
            points=points,
            score=score(self.model, dict(zip((c.key for c in self.model.criteria), points, strict=True))),
        )

    def _well_formed(self, line: int, cells: list[str], spans_lines: bool) -> bool:
        """On one line, and as many cells as the header has columns."""
        if spans_lines:
            self.add(
                line,
                0,
                "",
                "có ô xuống dòng trong dấu nháy: không ghi câu trả lời tự do vào tệp này",
                "a quoted cell spans lines: free-text answers do not belong in this file",
            )
            return False
        if len(cells) != len(self.header):
            self.add(
                line,
                min(len(cells), len(self.header)) + 1,
                "",
                f"dòng có {len(cells)} ô nhưng tiêu đề có {len(self.header)} cột",
                f"the row has {len(cells)} cells but the header has {len(self.header)} columns",
            )
            return False
        return True

    def _values(self, line: int, cells: list[str]) -> dict[str, object] | None:
        """Column → converted value of every known column, or None when a cell has an error."""
        values: dict[str, object] = {}
        ok = True
        for index, (name, cell) in enumerate(zip(self.header, cells, strict=True)):
            if name not in self.columns:
                continue
            value = cell.strip()
            convert, example = self.converters[name]
            if not value:
                if name in OPTIONAL_CELLS:
                    continue
                self.add(line, index + 1, name, "ô trống", "empty cell", example)
                ok = False
                continue
            try:
                converted = convert(value)
            except Bilingual as error:
                self.add(line, index + 1, name, error.vi, error.en, example)
                ok = False
                continue
            if isinstance(converted, Warned):
                self.add(line, index + 1, name, converted.vi, converted.en, severity=WARNING)
                converted = converted.value
            values[name] = converted
        return values if ok else None

    def _new_respondent(self, line: int, values: dict) -> bool:
        respondent = values["respondent"]
        if respondent in self.seen:
            self.add(
                line,
                self.column_of["respondent"],
                "respondent",
                f"“{respondent}” đã có ở dòng {self.seen[respondent]}; mỗi đơn vị trả lời một dòng",
                f"“{respondent}” is already on row {self.seen[respondent]}; one row per respondent",
            )
            return False
        self.seen[respondent] = line
        return True

    def _region_agrees(self, line: int, values: dict) -> bool:
        """An empty region is the province's; a written one must be the province's (the reference data's)."""
        province = values["province"]
        if values.get("region", province.region) == province.region:
            return True
        expected = reference.region_by_slug(province.region)
        self.add(
            line,
            self.column_of["region"],
            "region",
            f"{province.name} thuộc vùng “{expected.name}” (theo danh mục tỉnh); để trống hoặc ghi {expected.slug}",
            f"{province.name} is in region “{expected.name}” (province reference data); leave it empty or write {expected.slug}",
            expected.slug,
        )
        return False

    def _warn_about_disagreements(
        self, line: int, values: dict, cooperative: str | None, consent: bool
    ) -> None:
        """Warnings: a province other than the cooperative's page says; consent from an anonymous id."""
        province = values["province"]
        coop = self.cooperatives.get(cooperative) if cooperative else None
        if coop is not None and coop.province.slug != province.slug:
            self.add(
                line,
                self.column_of["province"],
                "province",
                f"{coop.source} ghi tỉnh {coop.province.name}",
                f"{coop.source} says the province is {coop.province.name}",
                coop.province.name,
                severity=WARNING,
            )
        if consent and cooperative is None:
            self.add(
                line,
                self.column_of["consent"],
                "consent",
                "mã ẩn danh không có trang hợp tác xã, nên consent: yes không có tác dụng",
                "an anonymous id has no cooperative page, so consent: yes has no effect",
                severity=WARNING,
            )


def _points_of(criterion: Criterion):
    """A cell's points for *criterion*: a whole number 0–maximum that one of its options gives."""
    whole = WholeType(0, criterion.maximum, "số điểm", "a number of points")
    allowed = criterion.allowed_points

    def convert(raw: str) -> int:
        value = whole(raw)
        if value not in allowed:
            listed = ", ".join(map(str, allowed))
            raise Invalid(
                f"{value} không phải điểm của phương án nào của tiêu chí {criterion.key} ({listed})",
                f"{value} is not the points of any option of criterion {criterion.key} ({listed})",
            )
        return value

    return convert

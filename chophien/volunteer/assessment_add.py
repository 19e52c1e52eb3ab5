"""`chophien assessment add`: merge responses from the field (CSV, JSON or response codes) into a survey's responses.csv.

Every input is read by the same reader as the build (chophien.assessment.responses), so whatever
`add` accepts the build accepts. A respondent already in the file with the same answers is left as
it is; with other answers both are shown side by side, column by column, and the new one replaces
the old only with --replace. Nothing is written unless every input is valid: then responses.csv
(its header, column order, delimiter, line ends and byte-order mark kept, new rows at the end) and
survey.yaml's sample_size are each replaced atomically.

Exit codes: 0 merged, or nothing new; 1 refused (a problem in an input or in the survey, or a
conflict without --replace); 2 a usage error (no such survey folder or input file).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from chophien import reference
from chophien.assessment.files import AssessmentFiles
from chophien.assessment.loader import AssessmentLoader
from chophien.assessment.model import Response, Survey
from chophien.assessment.response_code import Codebook, CodeProblem, decode, grouped
from chophien.assessment.responses import MAX_CSV_BYTES, ResponsesFile, sniff_delimiter
from chophien.assessment.schema import responses_header
from chophien.core.files import write_atomic
from chophien.core.problems import Problem, ProblemList

OK, REFUSED, USAGE = 0, 1, 2
MAX_CODE_CHARS = 400
SAMPLE_SIZE = re.compile(r"^(sample_size:[ \t]*)(\d+)([ \t]*(?:#.*)?)$", re.MULTILINE)


@dataclass
class Outcome:
    code: int
    problems: ProblemList = field(default_factory=ProblemList)
    lines: list[str] = field(default_factory=list)  # what happened, in Vietnamese then English

    def say(self, vi: str, en: str, lang: str) -> None:
        self.lines.append(en if lang == "en" else vi)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):  # a name too long for a file, a NUL in it: a code, then
        return False


def header_of(survey: Survey) -> list[str]:
    """The column layout of a survey's responses.csv: the base columns, then the model's criteria."""
    return responses_header(survey.model)


def row_of(response: Response, survey: Survey) -> dict[str, str]:
    """A response as responses.csv writes it: province name, codes, yes/no, points."""
    row = {
        "respondent": response.respondent,
        "province": reference.province_by_slug(response.province).name,
        "region": response.region,
        "sector": response.sector,
        "kind": response.kind,
        "size": response.size,
        "equipment": response.equipment,
        "consent": "yes" if response.consent else "no",
    }
    row.update({c.key: str(p) for c, p in zip(survey.model.criteria, response.points, strict=True)})
    return row


class _TextResponses(ResponsesFile):
    """A responses file whose text is given (a JSON file's or a code's rows, or the merged file)."""

    def __init__(self, files, shown: str, text: str, survey: Survey, slugs: set[str]):
        super().__init__(files, Path(shown), survey, {}, slugs)
        self.shown = shown
        self.given = text

    def _text(self) -> str | None:
        return self.given


def _csv_text(
    header: list[str], rows: list[dict[str, str]], delimiter: str = ",", newline: str = "\n"
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue()


class Adder:
    def __init__(self, survey_dir: Path, replace: bool, lang: str):
        self.folder = survey_dir
        self.replace = replace
        self.lang = lang
        self.outcome = Outcome(OK)
        self.problems = self.outcome.problems

    def say(self, vi: str, en: str) -> None:
        self.outcome.say(vi, en, self.lang)

    def usage(self, vi: str, en: str) -> Outcome:
        self.say(vi, en)
        self.outcome.code = USAGE
        return self.outcome

    # --- the survey -----------------------------------------------------------------------

    def _load_survey(self) -> Survey | None:
        content = self.folder.resolve().parent.parent
        self.loader = AssessmentLoader(content, self.problems, {})
        self.files: AssessmentFiles = self.loader.files
        models_dir = content / "assessments" / "models"
        models = self.loader._load_models(models_dir)
        model_files = {p.stem for p in models_dir.glob("*.yaml")}
        return self.loader.load_survey(self.folder.resolve(), self.folder.resolve().name, models, model_files)

    # --- the inputs -------------------------------------------------------------------------

    def read_inputs(self, inputs: list[str], survey: Survey) -> list[tuple[str, Response]] | None:
        """(where it came from, response) of every input, or None when any has a problem (reported)."""
        got: list[tuple[str, Response]] = []
        before = len(self.problems.errors)
        codes = 0
        for item in inputs:
            path = Path(item)
            suffix = path.suffix.lower()
            if suffix in (".csv", ".json") or (len(item) <= MAX_CODE_CHARS and _exists(path)):
                if not path.is_file():
                    self.problems.add(item, 0, 0, "", "không có tệp này", "no such file")
                    continue
                if suffix == ".csv":
                    got += self._from_csv(path, survey)
                elif suffix == ".json":
                    got += self._from_json(path, survey)
                else:
                    self.problems.add(
                        item,
                        0,
                        0,
                        "",
                        "chỉ đọc tệp .csv, .json hoặc mã phiếu",
                        "only .csv, .json files or response codes",
                    )
            else:
                codes += 1
                got += self._from_code(item, codes, survey)
        return got if len(self.problems.errors) == before else None

    def _from_csv(self, path: Path, survey: Survey) -> list[tuple[str, Response]]:
        reader = ResponsesFile(self.files, path, survey, {}, self.loader.cooperative_slugs)
        reader.shown = path.as_posix()
        responses = reader.read() or ()
        return [
            (f"{reader.shown}:{line}", r) for line, r in zip(self._lines(reader), responses, strict=False)
        ]

    @staticmethod
    def _lines(reader: ResponsesFile) -> list[int]:
        return sorted(reader.seen.values())

    def _from_json(self, path: Path, survey: Survey) -> list[tuple[str, Response]]:
        shown = path.as_posix()
        data = self._json_list(path, shown)
        if data is None:
            return []
        header = header_of(survey)
        rows, ok = [], True
        for number, item in enumerate(data, 1):
            if not isinstance(item, dict) or not all(
                isinstance(v, (str, int, bool)) and not isinstance(v, float) for v in item.values()
            ):
                self.problems.add(
                    shown,
                    number,
                    0,
                    "",
                    "mỗi phiếu là một đối tượng {cột: giá trị} với giá trị là chữ, số nguyên hoặc true/false",
                    "each response is an object {column: value} whose values are text, whole numbers or true/false",
                )
                ok = False
                continue
            header += [k for k in item if k not in header]
            rows.append(
                {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in item.items()}
            )
        if not ok:
            return []
        local = ProblemList()
        files = AssessmentFiles(self.files.content, local)
        reader = _TextResponses(files, shown, _csv_text(header, rows), survey, self.loader.cooperative_slugs)
        responses = reader.read() or ()
        for problem in local.items:  # the CSV's line n is the list's item n − 1; a column is its field
            line = max(problem.line - 1, 0)
            self.problems.items.append(
                Problem(
                    shown,
                    line,
                    0,
                    problem.field,
                    problem.message_vi,
                    problem.message_en,
                    problem.example,
                    problem.severity,
                )
            )
        return [(f"{shown}:{line - 1}", r) for line, r in zip(self._lines(reader), responses, strict=False)]

    def _json_list(self, path: Path, shown: str) -> list | None:
        """The file's JSON list of responses, or None when it is too large, unreadable or not a list (reported)."""
        raw = path.read_bytes()
        if len(raw) > MAX_CSV_BYTES:
            self.problems.add(
                shown,
                0,
                0,
                "",
                f"tệp quá lớn (tối đa {MAX_CSV_BYTES // 1024} KB)",
                f"file too large (at most {MAX_CSV_BYTES // 1024} KB)",
            )
            return None
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:
            self.problems.add(
                shown,
                0,
                0,
                "",
                f"không đọc được JSON ({type(error).__name__})",
                f"not readable JSON ({type(error).__name__})",
            )
            return None
        if not isinstance(data, list):
            self.problems.add(
                shown,
                0,
                0,
                "",
                "tệp JSON phải là một danh sách phiếu [{…}, {…}]",
                "the JSON file must be a list of responses [{…}, {…}]",
                '[{"respondent": "an-7k2m9q4x", "province": "Lào Cai", …}]',
            )
            return None
        return data

    def _from_code(self, text: str, number: int, survey: Survey) -> list[tuple[str, Response]]:
        where = f"mã {number}" if self.lang != "en" else f"code {number}"
        if len(text) > MAX_CODE_CHARS:
            self.problems.add(where, 0, 0, "", "mã quá dài", "the code is too long")
            return []
        try:
            decoded = decode(Codebook.of(survey.model), text, self.loader.cooperative_slugs)
        except CodeProblem as problem:
            char = "ký tự" if self.lang != "en" else "character"
            place = f"{where}, {char} {problem.position}" if problem.position else where
            self.problems.add(place, 0, 0, "", problem.vi, problem.en)
            return []
        province = reference.province_by_slug(decoded["province"])
        row = {k: v for k, v in decoded.items() if k != "answers"}
        row.update(
            province=province.name, region=province.region, consent="yes" if decoded["consent"] else "no"
        )
        row.update({k: str(v) for k, v in decoded["answers"].items()})
        local = ProblemList()
        reader = _TextResponses(
            AssessmentFiles(self.files.content, local),
            where,
            _csv_text(header_of(survey), [row]),
            survey,
            self.loader.cooperative_slugs,
        )
        responses = reader.read() or ()
        for problem in local.items:
            self.problems.items.append(
                Problem(
                    where,
                    0,
                    0,
                    problem.field,
                    problem.message_vi,
                    problem.message_en,
                    problem.example,
                    problem.severity,
                )
            )
        return [(f"{where} ({grouped(text.strip().upper())[:11]}…)", r) for r in responses]

    # --- merging ------------------------------------------------------------------------------

    def _differences(self, old: dict[str, str], new: dict[str, str], header: list[str]) -> list[str]:
        width = max(len(name) for name in header)
        lines = []
        for name in header:
            if old.get(name, "") != new.get(name, ""):
                lines.append(f"    {name:<{width}}  {old.get(name, ''):>24}  →  {new.get(name, '')}")
        return lines

    def run(self, inputs: list[str]) -> Outcome:
        if not (self.folder / "survey.yaml").is_file():
            return self.usage(
                f"không có khảo sát ở {self.folder.as_posix()}: cần thư mục content/assessments/<ten-khao-sat>/ có survey.yaml",
                f"no survey at {self.folder.as_posix()}: a folder content/assessments/<survey>/ with survey.yaml is needed",
            )
        target = self.folder / "responses.csv"
        if not target.is_file():
            return self.usage(
                "khảo sát này không có responses.csv (khảo sát chỉ có số liệu công bố không nhận phiếu)",
                "this survey has no responses.csv (a survey of published figures takes no responses)",
            )
        if not inputs:
            return self.usage("chưa có tệp hay mã nào để thêm", "nothing to add: give files or codes")
        survey = self._load_survey()
        if survey is None or self.problems.errors:
            self.say(
                "khảo sát đang có lỗi: sửa trước khi thêm phiếu (chophien validate)",
                "the survey has errors: fix them before adding responses (chophien validate)",
            )
            self.outcome.code = REFUSED
            return self.outcome
        got = self.read_inputs(inputs, survey)
        if got is None:
            self.outcome.code = REFUSED
            return self.outcome
        return self._merge(survey, target, got)

    def _merge(self, survey: Survey, target: Path, got: list[tuple[str, Response]]) -> Outcome:
        header = header_of(survey)
        existing = {r.respondent: row_of(r, survey) for r in survey.responses or ()}
        chosen: dict[str, tuple[str, dict[str, str]]] = {}
        replaced, unchanged, conflicts = [], [], 0
        for where, response in got:
            row = row_of(response, survey)
            key = response.respondent
            if key in chosen:
                first_where, first = chosen[key]
                if first != row:
                    conflicts += 1
                    self.problems.add(
                        where,
                        0,
                        0,
                        "respondent",
                        f"“{key}” có hai phiếu khác nhau trong các tệp/mã đưa vào (cũng ở {first_where}); giữ một",
                        f"“{key}” has two different responses in the inputs (also at {first_where}); keep one",
                    )
                    self.lines_of_difference(first, row, header)
                continue
            chosen[key] = (where, row)
            if key in existing:
                if existing[key] == row:
                    unchanged.append(key)
                    continue
                self.say(
                    f"{where}: “{key}” đã có trong {target.name} với câu trả lời khác (cột, trong tệp → mới):",
                    f"{where}: “{key}” is already in {target.name} with other answers (column, in file → new):",
                )
                self.lines_of_difference(existing[key], row, header)
                if not self.replace:
                    conflicts += 1
                    continue
                replaced.append(key)
        if conflicts or self.problems.errors:
            if conflicts and not self.problems.errors:
                self.say(
                    f"không ghi gì: {conflicts} phiếu trùng đơn vị mà khác câu trả lời; thêm --replace nếu phiếu mới là đúng",
                    f"nothing written: {conflicts} response(s) conflict with another for the same respondent; add --replace if the new one is right",
                )
            self.outcome.code = REFUSED
            return self.outcome
        for key in unchanged:
            self.say(f"“{key}” đã có, giống hệt: bỏ qua", f"“{key}” is already there, identical: skipped")
        new = {k: row for k, (_, row) in chosen.items() if k not in existing}
        if not new and not replaced:
            self.say("không có gì mới: tệp giữ nguyên", "nothing new: the file is unchanged")
            return self.outcome
        return self._write(survey, target, header, {k: chosen[k][1] for k in replaced}, new)

    def lines_of_difference(self, old: dict, new: dict, header: list[str]) -> None:
        for line in self._differences(old, new, header):
            self.outcome.lines.append(line)

    def _write(self, survey: Survey, target: Path, header: list[str], replaced: dict, new: dict) -> Outcome:
        raw = target.read_bytes()
        bom = raw.startswith(b"\xef\xbb\xbf")
        text = raw.decode("utf-8-sig")
        newline = "\r\n" if "\r\n" in text.split("\n", 1)[0] + "\n" else "\n"
        delimiter = sniff_delimiter(text)
        lines = text.splitlines(keepends=True)
        file_header = [c.strip() for c in next(csv.reader([lines[0]], delimiter=delimiter))]
        for index, line in enumerate(lines[1:], 1):
            cells = next(csv.reader([line], delimiter=delimiter), [])
            if cells and cells[0].strip() in replaced:
                lines[index] = _csv_text(file_header, [replaced[cells[0].strip()]], delimiter, newline).split(
                    newline, 1
                )[1]
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        for row in new.values():
            lines.append(_csv_text(file_header, [row], delimiter, newline).split(newline, 1)[1])
        merged = "".join(lines)
        count = (survey.sample_size or 0) + len(new)
        survey_text = (self.folder / "survey.yaml").read_bytes().decode("utf-8")
        found = SAMPLE_SIZE.findall(survey_text)
        if len(found) != 1:
            self.problems.add(
                (self.folder / "survey.yaml").as_posix(),
                0,
                0,
                "sample_size",
                "không tìm thấy đúng một dòng sample_size: N để cập nhật",
                "cannot find exactly one line sample_size: N to update",
                f"sample_size: {count}",
            )
            self.outcome.code = REFUSED
            return self.outcome
        survey_text = SAMPLE_SIZE.sub(lambda m: f"{m.group(1)}{count}{m.group(3)}", survey_text, count=1)
        # the merged file must read as the build reads it before anything is written
        check = ProblemList()
        reader = _TextResponses(
            AssessmentFiles(self.files.content, check),
            target.as_posix(),
            merged,
            survey,
            self.loader.cooperative_slugs,
        )
        if reader.read() is None or check.errors:
            self.problems.extend(check)
            self.outcome.code = REFUSED
            return self.outcome
        write_atomic(target, (b"\xef\xbb\xbf" if bom else b"") + merged.encode("utf-8"))
        write_atomic(self.folder / "survey.yaml", survey_text.encode("utf-8"))
        self.say(
            f"đã thêm {len(new)} phiếu, thay {len(replaced)} phiếu; {target.as_posix()} nay có {count} phiếu (sample_size: {count})",
            f"added {len(new)}, replaced {len(replaced)}; {target.as_posix()} now holds {count} responses (sample_size: {count})",
        )
        return self.outcome


def add(survey_dir: Path, inputs: list[str], replace: bool = False, lang: str = "vi") -> Outcome:
    """Merge *inputs* (CSV/JSON files or response codes) into *survey_dir*'s responses.csv."""
    return Adder(Path(survey_dir), replace, lang).run(inputs)

"""Reads content/assessments/: scoring models, survey.yaml, responses.csv, published.yaml; collects every Problem.

YAML files go through the strict reader and the schema checker used for cooperatives and
products. responses.csv is checked cell by cell and every problem is located as
`file:row:column`. Only a closed set of columns is accepted: a name, a phone number or a
free-text answer has no column to live in.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import replace
from pathlib import Path

from chophien import reference
from chophien.assessment.model import (
    SECTORS,
    SIZE_BANDS,
    Assessments,
    Criterion,
    EquipmentClass,
    EquipmentShare,
    Level,
    Pillar,
    Placement,
    PublishedFigures,
    Response,
    ScoringModel,
    Survey,
    score,
)
from chophien.assessment.suppression import DEFAULT_THRESHOLD
from chophien.catalogue.field_types import BOOL as _bool
from chophien.catalogue.field_types import PROVINCE as _province
from chophien.catalogue.field_types import URL as _url
from chophien.catalogue.field_types import EnumType as _enum
from chophien.catalogue.field_types import Invalid, Warned
from chophien.catalogue.field_types import TextType as _text
from chophien.catalogue.field_types import WholeType as _whole
from chophien.catalogue.model import KINDS
from chophien.catalogue.schema import CheckContext as _CheckContext
from chophien.catalogue.schema import F, check_mapping, scalar
from chophien.core.problems import WARNING, ProblemList
from chophien.core.text import Bilingual, did_you_mean, hint, nfc, search_key, slugify
from chophien.formats.strictyaml import YamlProblem, decode, parse_yaml_file

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CRITERION_KEY = re.compile(r"[a-z][a-z0-9]{0,15}")
ANONYMOUS = re.compile(r"an-[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED = {"models", "phuong-phap", "so-sanh"}  # folder names that are not surveys / URLs in use
MAX_CSV_BYTES = 5 * 1024 * 1024
SURVEY_FILES = {"survey.yaml", "responses.csv", "published.yaml", "README.md"}

BASE_COLUMNS = ("respondent", "province", "region", "sector", "kind", "size", "equipment", "consent")
REQUIRED_COLUMNS = ("respondent", "province", "sector", "kind", "size", "equipment")


# --- converters ------------------------------------------------------------------


def _key(pattern: re.Pattern, example: str):
    def convert(raw: str) -> str:
        value = raw.strip()
        if not pattern.fullmatch(value):
            raise Invalid(
                f"“{raw}” phải là chữ thường không dấu, số (và dấu gạch ngang), ví dụ {example}",
                f"“{raw}” must be lowercase ASCII letters and digits (and dashes), e.g. {example}",
            )
        return value

    return convert


def _decimal(minimum: float, maximum: float, what_vi: str, what_en: str):
    """'70', '70%', '6,5' and '6.5' are all numbers here: none of them can be a thousands group."""

    def convert(raw: str) -> float:
        text = raw.strip().removesuffix("%").strip().replace(",", ".")
        if not re.fullmatch(r"\d+(\.\d+)?", text):
            raise Invalid(f"“{raw}” không phải {what_vi}", f"“{raw}” is not {what_en}")
        value = float(text)
        if not minimum <= value <= maximum:
            raise Invalid(
                f"{raw.strip()} nằm ngoài khoảng {minimum:g}–{maximum:g}",
                f"{raw.strip()} is outside {minimum:g}–{maximum:g}",
            )
        return value

    return convert


_percent = _decimal(0, 100, "một tỉ lệ phần trăm (0–100)", "a percentage (0–100)")
_slug = _key(SLUG, "tu-dong-co-dinh")
_criterion = _key(CRITERION_KEY, "kh1")


# --- field specs -------------------------------------------------------------------

LEVEL_FIELDS = (
    scalar("level", "int", _whole(0, 9, "số mức", "a level number"), "Số thứ tự của mức, từ 0", "Level number, from 0", "2", required=True),
    scalar("name", "text", _text(60), "Tên mức", "Level name", "Bắt đầu", required=True),
    scalar("name_en", "text", _text(60), "Tên tiếng Anh", "English name", "Beginning"),
    scalar("description", "text", _text(400), "Mô tả ngắn", "Short description", "Đã có một số hoạt động số"),
    scalar("pillar_above", "percent", _whole(0, 100, "một tỉ lệ phần trăm", "a percentage"), "Trụ cột đạt mức này khi điểm trên …% điểm tối đa của trụ cột", "A pillar reaches this level above …% of its maximum", "20"),
    scalar("total_above", "int", _whole(0, 100000, "số điểm", "a number of points"), "Mức chung: tổng điểm phải trên …", "Overall: total points must be above …", "64"),
    scalar("pillars_at_level", "int", _whole(1, 50, "số trụ cột", "a number of pillars"), "Mức chung: và ít nhất … trụ cột đạt mức này trở lên", "Overall: and at least … pillars at this level or higher", "4"),
)  # fmt: skip

CRITERION_FIELDS = (
    scalar("key", "key", _criterion, "Mã tiêu chí, cũng là tên cột trong responses.csv", "Criterion code, also the column name in responses.csv", "kh1", required=True),
    scalar("name", "text", _text(200), "Nội dung tiêu chí", "What the criterion asks", "Có trang web hoặc fanpage", required=True),
    scalar("max", "int", _whole(1, 1000, "số điểm", "a number of points"), "Điểm tối đa", "Maximum points", "15", required=True),
)  # fmt: skip

PILLAR_FIELDS = (
    scalar("key", "slug", _slug, "Mã trụ cột", "Pillar code", "khach-hang", required=True),
    scalar("name", "text", _text(120), "Tên trụ cột", "Pillar name", "Trải nghiệm số cho khách hàng", required=True),
    scalar("short_name", "text", _text(16), "Tên ngắn trên biểu đồ (≤ 16 ký tự)", "Short name for charts (≤ 16 characters)", "Khách hàng", required=True),
    scalar("name_en", "text", _text(120), "Tên tiếng Anh", "English name", "Digital customer experience"),
    scalar("max", "int", _whole(1, 10000, "số điểm", "a number of points"), "Điểm tối đa của trụ cột", "Pillar maximum points", "65", required=True),
    F("criteria", "list", "Các tiêu chí của trụ cột", "The pillar's criteria", "- key: kh1\n  name: …\n  max: 15", required=True, item=F("criterion", "mapping", "Một tiêu chí", "One criterion", "key: kh1", fields=CRITERION_FIELDS)),
)  # fmt: skip

EQUIPMENT_FIELDS = (
    scalar("key", "slug", _slug, "Mã loại thiết bị (giá trị trong cột equipment)", "Equipment class code (value of the equipment column)", "ban-tu-dong", required=True),
    scalar("name", "text", _text(120), "Tên", "Name", "Bán tự động", required=True),
    scalar("short_name", "text", _text(24), "Tên ngắn trên biểu đồ (≤ 24 ký tự)", "Short name for charts (≤ 24 characters)", "Bán tự động", required=True),
    scalar("name_en", "text", _text(120), "Tên tiếng Anh", "English name", "Semi-automatic"),
    scalar("description", "text", _text(400), "Định nghĩa", "Definition", "Máy chạy một chu trình; người nạp liệu, khởi động"),
    scalar("example", "text", _text(200), "Ví dụ ở hợp tác xã", "Example at a cooperative", "máy đóng gói bán tự động"),
)  # fmt: skip

MODEL_FIELDS = (
    scalar("name", "text", _text(200), "Tên bộ tiêu chí", "Model name", "Bộ chỉ số DBI 2021", required=True),
    scalar("name_en", "text", _text(200), "Tên tiếng Anh", "English name", "Digital Business Indicators 2021"),
    scalar("short_name", "text", _text(40), "Tên ngắn", "Short name", "DBI 2021", required=True),
    scalar("source", "text", _text(400), "Văn bản, nguồn", "Source document", "Quyết định 1970/QĐ-BTTTT ngày 13/12/2021", required=True),
    scalar("source_url", "url", _url, "Địa chỉ nguồn (https://…)", "Source address (https://…)", "https://dbi.gov.vn"),
    F("notes", "list", "Ghi chú, điều chưa kiểm chứng", "Notes, what is unverified", "- Tên tiêu chí là bản rút gọn", item=scalar("note", "text", _text(600), "Một ghi chú", "A note", "…")),
    F("levels", "list", "Các mức, từ 0", "Levels, from 0", "- level: 0\n  name: Chưa khởi động", required=True, item=F("level", "mapping", "Một mức", "One level", "level: 1", fields=LEVEL_FIELDS)),
    F("pillars", "list", "Các trụ cột", "Pillars", "- key: khach-hang\n  …", required=True, item=F("pillar", "mapping", "Một trụ cột", "One pillar", "key: khach-hang", fields=PILLAR_FIELDS)),
    F("equipment", "list", "Thang tự động hoá thiết bị, từ thấp đến cao", "Equipment-automation scale, lowest first", "- key: khong-co\n  name: Không có thiết bị", required=True, item=F("class", "mapping", "Một loại", "One class", "key: khong-co", fields=EQUIPMENT_FIELDS)),
)  # fmt: skip

CONSENT_FIELDS = (
    scalar("own_results", "bool", _bool, "Hợp tác xã đồng ý (cột consent: yes) thì kết quả riêng được hiện trên trang của hợp tác xã (có/không)", "A consenting cooperative's own result is shown on its page (yes/no)", "yes", required=True),
    scalar("statement", "text", _text(600), "Điều người trả lời đã được hỏi và đồng ý", "What respondents were asked and agreed to", "HTX đồng ý công khai kết quả của mình trên Chợ phiên"),
)  # fmt: skip

PRIVACY_FIELDS = (
    scalar("threshold", "int", _whole(3, 100, "một ngưỡng", "a threshold"), f"Số nhỏ hơn ngưỡng này bị ẩn (mặc định {DEFAULT_THRESHOLD}, ít nhất 3)", f"Counts below this are hidden (default {DEFAULT_THRESHOLD}, at least 3)", "5"),
)  # fmt: skip

SURVEY_FIELDS = (
    scalar("title", "text", _text(200), "Tên cuộc khảo sát", "Survey title", "Khảo sát chuyển đổi số hợp tác xã 2022", required=True),
    scalar("title_en", "text", _text(200), "Tên tiếng Anh", "English title", "Cooperative digital transformation survey 2022"),
    scalar("organiser", "text", _text(200), "Đơn vị thực hiện", "Organiser", "Viện Khoa học Công nghệ và Môi trường", required=True),
    scalar("period", "text", _text(60), "Thời gian khảo sát", "Survey period", "03–06/2022", required=True),
    scalar("year", "year", _whole(1990, 2100, "một năm", "a year"), "Năm khảo sát (để sắp xếp, so sánh)", "Survey year (for ordering and comparisons)", "2022", required=True),
    scalar("method", "text", _text(1200), "Phương pháp: chọn mẫu, cách hỏi, ai chấm điểm", "Method: sampling, how asked, who scored", "Phỏng vấn trực tiếp theo phiếu", required=True),
    scalar("sample_size", "int", _whole(1, 1_000_000, "số người trả lời", "a number of respondents"), "Số đơn vị trả lời", "Number of respondents", "200", required=True),
    scalar("model", "slug", _slug, "Bộ tiêu chí chấm điểm (tên tệp trong content/assessments/models/)", "Scoring model (file name in content/assessments/models/)", "dbi-2021-dnnvv", required=True),
    scalar("source", "text", _text(400), "Nguồn số liệu", "Source of the data", "Liên minh HTX Việt Nam", required=True),
    scalar("source_url", "url", _url, "Địa chỉ nguồn (https://…)", "Source address (https://…)", "https://vietnamnet.vn/…"),
    scalar("sample_data", "bool", _bool, "Dữ liệu mẫu, không có thật (có/không)", "Sample data, not real (yes/no)", "no"),
    scalar("summary", "text", _text(1000), "Tóm tắt hiện ở đầu trang", "Summary shown at the top of the page", "Khảo sát 200 HTX trên cả nước"),
    F("consent", "mapping", "Quy tắc đồng ý công khai kết quả riêng", "Consent rules for publishing own results", "own_results: no", fields=CONSENT_FIELDS),
    F("privacy", "mapping", "Bảo vệ người trả lời", "Respondent protection", "threshold: 5", fields=PRIVACY_FIELDS),
)  # fmt: skip

PUBLISHED_FIELDS = (
    scalar("source", "text", _text(600), "Ấn phẩm, bài viết công bố các số liệu này", "Publication the figures come from", "VietNamNet, 2023", required=True),
    scalar("source_url", "url", _url, "Địa chỉ ấn phẩm (https://…)", "Publication address (https://…)", "https://vietnamnet.vn/…"),
    F("placements", "list", "Xếp mức chung cho một nhóm", "Overall level given to a group", "- group: Vùng DTTS và miền núi\n  level: 2", item=F("placement", "mapping", "Một nhóm", "One group", "level: 2", fields=(
        scalar("group", "text", _text(200), "Nhóm", "Group", "Vùng đồng bào DTTS và miền núi", required=True),
        scalar("level", "int", _whole(0, 9, "số mức", "a level number"), "Mức", "Level", "2", required=True),
        scalar("note", "text", _text(400), "Ghi chú", "Note", "đầu mức 2"),
    ))),
    F("levels", "list", "Tỉ lệ theo mức chung (% số người trả lời)", "Shares by overall level (% of respondents)", "- level: 2\n  percent: 40", item=F("share", "mapping", "Một mức", "One level", "level: 2", fields=(
        scalar("level", "int", _whole(0, 9, "số mức", "a level number"), "Mức", "Level", "2", required=True),
        scalar("percent", "percent", _percent, "Tỉ lệ %", "Share %", "40", required=True),
    ))),
    F("pillars", "list", "Mức trung bình của từng trụ cột", "Average level per pillar", "- pillar: khach-hang\n  average_level: 1,8", item=F("pillar", "mapping", "Một trụ cột", "One pillar", "pillar: khach-hang", fields=(
        scalar("pillar", "slug", _slug, "Mã trụ cột trong bộ tiêu chí", "Pillar code in the model", "khach-hang", required=True),
        scalar("average_level", "decimal", _decimal(0, 9, "một mức trung bình", "an average level"), "Mức trung bình", "Average level", "1,8", required=True),
    ))),
    F("equipment", "list", "Tỉ lệ theo mức tự động hoá thiết bị (% số người trả lời)", "Shares by equipment automation (% of respondents)", "- categories: [ban-tu-dong]\n  percent: 23", item=F("share", "mapping", "Một nhóm thiết bị", "One equipment group", "categories: [ban-tu-dong]", fields=(
        F("categories", "list", "Các loại thiết bị gộp trong nhóm này", "Equipment classes counted together", "[tu-dong-co-dinh, tu-dong-linh-hoat]", required=True, item=scalar("category", "slug", _slug, "Mã loại thiết bị", "Equipment class code", "ban-tu-dong")),
        scalar("label", "text", _text(120), "Tên nhóm (mặc định: tên loại thiết bị)", "Group label (default: the class name)", "Tự động"),
        scalar("percent", "percent", _percent, "Tỉ lệ %", "Share %", "23", required=True),
        scalar("note", "text", _text(400), "Ghi chú", "Note", "chủ yếu là tưới tiêu"),
    ))),
    F("notes", "list", "Ghi chú về số liệu", "Notes about the figures", "- …", item=scalar("note", "text", _text(600), "Một ghi chú", "A note", "…")),
)  # fmt: skip


# --- loading ------------------------------------------------------------------------------


class AssessmentLoader:
    def __init__(self, content_dir: Path, problems: ProblemList, cooperatives: dict):
        self.content = Path(content_dir)
        self.root = self.content / "assessments"
        self.problems = problems
        self.cooperatives = cooperatives  # slug → Cooperative (those that loaded)
        folder = self.content / "cooperatives"
        self.cooperative_slugs = (
            {p.stem for p in folder.iterdir() if p.suffix.lower() == ".md"} if folder.is_dir() else set()
        )
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

    def _slug_of(self, path: Path, what_vi: str, what_en: str) -> str | None:
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

    def _yaml(self, path: Path, fields) -> tuple[dict | None, _CheckContext | None]:
        self.files_checked += 1
        try:
            doc = parse_yaml_file(path.read_bytes())
        except YamlProblem as problem:
            self.error(path, problem.vi, problem.en, problem.example, problem.line, problem.column)
            return None, None
        except OSError as error:
            self.error(path, f"không đọc được tệp ({error.strerror})", f"cannot read file ({error.strerror})")
            return None, None
        ctx = _CheckContext(self.display(path), doc, self.problems)
        for vi, en in doc.warnings:
            self.problems.add(self.display(path), 1, 0, "", vi, en, severity=WARNING)
        before = len(self.problems.errors)
        values = check_mapping(fields, doc.data, (), ctx)
        return (values if len(self.problems.errors) == before else None), ctx

    # -- models ------------------------------------------------------------------------

    def load_model(self, path: Path) -> ScoringModel | None:
        slug = self._slug_of(path, "tệp", "file")
        values, ctx = self._yaml(path, MODEL_FIELDS)
        if values is None or slug is None:
            return None
        before = len(self.problems.errors)
        levels = tuple(
            Level(
                v["level"],
                v["name"],
                v.get("name_en", ""),
                v.get("description", ""),
                v.get("pillar_above"),
                v.get("total_above"),
                v.get("pillars_at_level"),
            )
            for v in values["levels"]
        )
        pillars = tuple(
            Pillar(
                p["key"],
                p["name"],
                p["short_name"],
                p.get("name_en", ""),
                p["max"],
                tuple(Criterion(c["key"], c["name"], c["max"]) for c in p["criteria"]),
            )
            for p in values["pillars"]
        )
        equipment = tuple(
            EquipmentClass(
                e["key"],
                e["name"],
                e["short_name"],
                e.get("name_en", ""),
                e.get("description", ""),
                e.get("example", ""),
            )
            for e in values["equipment"]
        )
        self._check_levels(levels, pillars, ctx)
        self._check_pillars(pillars, ctx)
        self._unique([e.key for e in equipment], ("equipment",), "key", ctx)
        if len(self.problems.errors) != before:
            return None
        return ScoringModel(
            slug,
            values["name"],
            values.get("name_en", ""),
            values["short_name"],
            values["source"],
            values.get("source_url", ""),
            tuple(values.get("notes", ())),
            levels,
            pillars,
            equipment,
        )

    def _unique(self, keys: list[str], where: tuple, field: str, ctx: _CheckContext) -> None:
        first: dict[str, int] = {}
        for index, key in enumerate(keys):
            if key in first:
                line = ctx.doc.where(where + (first[key], field))[0]
                ctx.report(
                    where + (index, field),
                    f"mã “{key}” bị trùng (đã có ở dòng {line}); mỗi mã chỉ dùng một lần",
                    f"code “{key}” is repeated (already on line {line}); use each code once",
                )
            else:
                first[key] = index

    def _check_levels(self, levels, pillars, ctx) -> None:
        previous = None
        for index, level in enumerate(levels):
            where = ("levels", index)
            if level.number != index:
                ctx.report(
                    where + ("level",),
                    f"các mức phải đánh số liên tục từ 0; ở đây cần mức {index}",
                    f"levels must be numbered from 0 without gaps; level {index} is expected here",
                    f"level: {index}",
                )
                continue
            rules = (level.pillar_above, level.total_above, level.pillars_at_level)
            if index == 0:
                if any(rule is not None for rule in rules):
                    ctx.report(
                        where,
                        "mức 0 là mức mặc định, không có điều kiện pillar_above/total_above/pillars_at_level",
                        "level 0 is the default and has no pillar_above/total_above/pillars_at_level",
                    )
                continue
            missing = [
                name
                for name, rule in zip(("pillar_above", "total_above", "pillars_at_level"), rules, strict=True)
                if rule is None
            ]
            if missing:
                ctx.report(
                    where,
                    f"mức {index} thiếu điều kiện {', '.join(missing)}",
                    f"level {index} lacks {', '.join(missing)}",
                    "pillar_above: 20\ntotal_above: 64\npillars_at_level: 4",
                )
                continue
            if level.pillars_at_level > len(pillars):
                ctx.report(
                    where + ("pillars_at_level",),
                    f"chỉ có {len(pillars)} trụ cột",
                    f"there are only {len(pillars)} pillars",
                    f"pillars_at_level: {len(pillars)}",
                )
            total_max = sum(p.maximum for p in pillars)
            if level.total_above >= total_max:
                ctx.report(
                    where + ("total_above",),
                    f"không thể đạt: tổng điểm tối đa là {total_max}",
                    f"unreachable: the maximum total is {total_max}",
                )
            if previous is not None:
                for name in ("pillar_above", "total_above"):
                    if getattr(level, name) <= getattr(previous, name):
                        ctx.report(
                            where + (name,),
                            f"phải lớn hơn {name} của mức {previous.number} ({getattr(previous, name)})",
                            f"must be greater than level {previous.number}'s {name} ({getattr(previous, name)})",
                        )
                if level.pillars_at_level < previous.pillars_at_level:
                    ctx.report(
                        where + ("pillars_at_level",),
                        f"không được nhỏ hơn của mức {previous.number} ({previous.pillars_at_level})",
                        f"must not be smaller than level {previous.number}'s ({previous.pillars_at_level})",
                    )
            previous = level

    def _check_pillars(self, pillars, ctx) -> None:
        self._unique([p.key for p in pillars], ("pillars",), "key", ctx)
        seen: dict[str, tuple[int, int]] = {}
        for index, pillar in enumerate(pillars):
            criteria_total = sum(c.maximum for c in pillar.criteria)
            if criteria_total != pillar.maximum:
                ctx.report(
                    ("pillars", index, "max"),
                    f"điểm tối đa {pillar.maximum} khác tổng điểm tối đa các tiêu chí ({criteria_total})",
                    f"maximum {pillar.maximum} differs from the sum of its criteria's maxima ({criteria_total})",
                    f"max: {criteria_total}",
                )
            for number, criterion in enumerate(pillar.criteria):
                where = ("pillars", index, "criteria", number, "key")
                if criterion.key in BASE_COLUMNS:
                    ctx.report(
                        where,
                        f"“{criterion.key}” là tên một cột chung của responses.csv; hãy đặt mã khác",
                        f"“{criterion.key}” is a common column of responses.csv; choose another code",
                    )
                elif criterion.key in seen:
                    line = ctx.doc.where(("pillars", *seen[criterion.key], "key"))[0]
                    ctx.report(
                        where,
                        f"mã tiêu chí “{criterion.key}” bị trùng (đã có ở dòng {line})",
                        f"criterion code “{criterion.key}” is repeated (already on line {line})",
                    )
                else:
                    seen[criterion.key] = (index, "criteria", number)

    # -- surveys --------------------------------------------------------------------------

    def load(self) -> Assessments:
        assessments = Assessments()
        if not self.root.is_dir():
            return assessments
        models_dir = self.root / "models"
        if models_dir.is_dir():
            for path in sorted(models_dir.iterdir()):
                if path.is_file() and path.suffix == ".yaml":
                    model = self.load_model(path)
                    if model is not None:
                        assessments.models[model.slug] = model
                elif path.name != "README.md":
                    self.error(
                        path,
                        "thư mục models/ chỉ chứa các tệp bộ tiêu chí .yaml",
                        "the models/ folder holds only .yaml scoring models",
                    )
        model_files = {p.stem for p in models_dir.glob("*.yaml")} if models_dir.is_dir() else set()
        for entry in sorted(self.root.iterdir()):
            if entry.name in ("models", "README.md"):
                continue
            if not entry.is_dir():
                self.error(
                    entry,
                    "mỗi cuộc khảo sát là một thư mục content/assessments/<ten-khao-sat>/ có survey.yaml",
                    "each survey is a folder content/assessments/<survey>/ holding survey.yaml",
                )
                continue
            slug = self._slug_of(entry, "thư mục", "folder")
            if slug in RESERVED:
                self.error(
                    entry,
                    f"tên “{slug}” đã dùng cho trang khác; hãy đặt tên khác",
                    f"the name “{slug}” is taken by another page; choose another",
                    f"khao-sat-{slug}",
                )
                continue
            survey = self.load_survey(entry, slug, assessments.models, model_files)
            if survey is not None:
                assessments.surveys.append(survey)
        assessments.surveys.sort(key=lambda s: (-s.year, s.slug))
        return assessments

    def load_survey(self, folder: Path, slug: str | None, models: dict, model_files: set) -> Survey | None:
        names = {p.name for p in folder.iterdir()}
        for name in sorted(names - SURVEY_FILES):
            self.error(
                folder / name,
                "tệp lạ trong thư mục khảo sát: chỉ có survey.yaml và responses.csv hoặc published.yaml "
                "(không để phiếu gốc, danh sách tên hay số điện thoại ở đây)",
                "unexpected file in a survey folder: only survey.yaml and responses.csv or published.yaml "
                "(keep original forms, names and phone numbers out of it)",
            )
        survey_path = folder / "survey.yaml"
        if "survey.yaml" not in names:
            self.error(
                survey_path, "thiếu tệp survey.yaml của cuộc khảo sát", "the survey's survey.yaml is missing"
            )
            return None
        has_csv, has_published = "responses.csv" in names, "published.yaml" in names
        if has_csv == has_published:
            self.error(
                folder,
                "cần đúng một trong hai tệp: responses.csv (phiếu trả lời) hoặc published.yaml (số liệu đã công bố)",
                "exactly one of responses.csv (responses) or published.yaml (published figures) is needed",
            )
        values, ctx = self._yaml(survey_path, SURVEY_FIELDS)
        if values is None:
            return None
        model = models.get(values["model"])
        if model is None:
            if values["model"] not in model_files:  # a model with its own errors is reported there
                guess = did_you_mean(values["model"], sorted(model_files))
                hint_vi, hint_en = hint(guess)
                ctx.report(
                    ("model",),
                    f"không có bộ tiêu chí content/assessments/models/{values['model']}.yaml{hint_vi}",
                    f"there is no scoring model content/assessments/models/{values['model']}.yaml{hint_en}",
                    f"model: {guess or 'dbi-2021-dnnvv'}",
                )
            return None
        if slug is None or has_csv == has_published:
            return None
        consent = values.get("consent", {})
        survey = Survey(
            slug=slug,
            title=values["title"],
            title_en=values.get("title_en", ""),
            organiser=values["organiser"],
            period=values["period"],
            year=values["year"],
            method=values["method"],
            sample_size=values["sample_size"],
            model=model,
            source=values["source"],
            source_url=values.get("source_url", ""),
            sample_data=values.get("sample_data", False),
            summary=values.get("summary", ""),
            own_results=consent.get("own_results", False),
            consent_statement=consent.get("statement", ""),
            threshold=values.get("privacy", {}).get("threshold", DEFAULT_THRESHOLD),
            files=tuple(self.display(folder / n) for n in sorted(names & SURVEY_FILES)),
        )
        if has_published:
            published = self.load_published(folder / "published.yaml", model)
            return None if published is None else replace(survey, published=published)
        responses = self.load_responses(folder / "responses.csv", survey)
        if responses is None:
            return None
        if len(responses) != survey.sample_size:
            ctx.report(
                ("sample_size",),
                f"sample_size là {survey.sample_size} nhưng responses.csv có {len(responses)} dòng trả lời",
                f"sample_size is {survey.sample_size} but responses.csv has {len(responses)} response rows",
                f"sample_size: {len(responses)}",
            )
            return None
        if not survey.own_results and any(r.consent and r.cooperative for r in responses):
            ctx.report(
                ("consent",),
                "có hợp tác xã ghi consent: yes nhưng consent.own_results là no: kết quả riêng sẽ không hiện",
                "some cooperatives say consent: yes but consent.own_results is no: own results stay hidden",
                "consent:\n  own_results: yes",
                severity=WARNING,
            )
        return replace(survey, responses=responses)

    def load_published(self, path: Path, model: ScoringModel) -> PublishedFigures | None:
        values, ctx = self._yaml(path, PUBLISHED_FIELDS)
        if values is None:
            return None
        before = len(self.problems.errors)
        numbers = [lv.number for lv in model.levels]
        for field in ("placements", "levels"):
            for index, item in enumerate(values.get(field, ())):
                if item["level"] not in numbers:
                    ctx.report(
                        (field, index, "level"),
                        f"bộ tiêu chí {model.short_name} chỉ có các mức {numbers[0]}–{numbers[-1]}",
                        f"model {model.short_name} only has levels {numbers[0]}–{numbers[-1]}",
                    )
        pillar_keys = [p.key for p in model.pillars]
        for index, item in enumerate(values.get("pillars", ())):
            if item["pillar"] not in pillar_keys:
                guess = did_you_mean(item["pillar"], pillar_keys)
                hint_vi, hint_en = hint(guess)
                ctx.report(
                    ("pillars", index, "pillar"),
                    f"không có trụ cột “{item['pillar']}” trong {model.short_name}{hint_vi}",
                    f"model {model.short_name} has no pillar “{item['pillar']}”{hint_en}",
                )
        equipment_keys = [e.key for e in model.equipment]
        for index, item in enumerate(values.get("equipment", ())):
            for number, key in enumerate(item["categories"]):
                if key not in equipment_keys:
                    guess = did_you_mean(key, equipment_keys)
                    hint_vi, hint_en = hint(guess)
                    ctx.report(
                        ("equipment", index, "categories", number),
                        f"không có loại thiết bị “{key}” trong {model.short_name}{hint_vi}",
                        f"model {model.short_name} has no equipment class “{key}”{hint_en}",
                        f"categories: [{guess or equipment_keys[0]}]",
                    )
        for field in ("levels", "equipment"):
            total = sum(item["percent"] for item in values.get(field, ()))
            if total > 100.5:
                ctx.report(
                    (field,),
                    f"các tỉ lệ cộng lại {total:g}%, quá 100%".replace(".", ","),
                    f"the shares add up to {total:g}%, more than 100%",
                )
        if len(self.problems.errors) != before:
            return None
        names = {e.key: e.name for e in model.equipment}
        return PublishedFigures(
            source=values["source"],
            source_url=values.get("source_url", ""),
            placements=tuple(
                Placement(p["group"], p["level"], p.get("note", "")) for p in values.get("placements", ())
            ),
            level_percents=tuple((item["level"], item["percent"]) for item in values.get("levels", ())),
            pillar_averages=tuple(
                (item["pillar"], item["average_level"]) for item in values.get("pillars", ())
            ),
            equipment=tuple(
                EquipmentShare(
                    tuple(item["categories"]),
                    item.get("label") or " / ".join(names[k] for k in item["categories"]),
                    item["percent"],
                    item.get("note", ""),
                )
                for item in values.get("equipment", ())
            ),
            notes=tuple(values.get("notes", ())),
        )

    # -- responses.csv -----------------------------------------------------------------------------

    def load_responses(self, path: Path, survey: Survey) -> tuple[Response, ...] | None:
        self.files_checked += 1
        shown = self.display(path)
        raw = path.read_bytes()
        if len(raw) > MAX_CSV_BYTES:
            self.error(
                path,
                f"tệp quá lớn ({len(raw) // 1024} KB; tối đa {MAX_CSV_BYTES // 1024} KB)",
                f"file too large ({len(raw) // 1024} KB; at most {MAX_CSV_BYTES // 1024} KB)",
            )
            return None
        try:
            text = decode(raw)
        except YamlProblem as problem:
            self.error(path, problem.vi, problem.en, line=problem.line)
            return None
        first_line = text.split("\n", 1)[0]
        # Excel in a Vietnamese locale saves "CSV" with semicolons.
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=False)
        rows = _RowReader(reader)
        first = rows.next()
        if first is None:
            if rows.broken_at:
                self._unreadable(shown, rows.broken_at)
            else:
                self.error(path, "tệp trống: cần một dòng tiêu đề cột", "empty file: a header row is needed")
            return None
        header = [name.strip() for name in first[1]]
        before = len(self.problems.errors)
        columns = self._check_header(header, shown, survey.model)
        if len(self.problems.errors) != before:
            return None
        model = survey.model
        converters = self._converters(model)
        responses: list[Response] = []
        seen: dict[str, int] = {}
        while (row := rows.next()) is not None:
            line, cells, spans_lines = row
            if not any(cell.strip() for cell in cells):
                continue
            if spans_lines:
                self.problems.add(
                    shown,
                    line,
                    0,
                    "",
                    "có ô xuống dòng trong dấu nháy: không ghi câu trả lời tự do vào tệp này",
                    "a quoted cell spans lines: free-text answers do not belong in this file",
                )
                continue
            if len(cells) != len(header):
                self.problems.add(
                    shown,
                    line,
                    min(len(cells), len(header)) + 1,
                    "",
                    f"dòng có {len(cells)} ô nhưng tiêu đề có {len(header)} cột",
                    f"the row has {len(cells)} cells but the header has {len(header)} columns",
                )
                continue
            values: dict[str, object] = {}
            ok = True
            for index, (name, cell) in enumerate(zip(header, cells, strict=True)):
                if name not in columns:
                    continue
                value = cell.strip()
                convert, example = converters[name]
                if not value:
                    if name in ("region", "consent"):
                        continue
                    self.problems.add(shown, line, index + 1, name, "ô trống", "empty cell", example)
                    ok = False
                    continue
                try:
                    converted = convert(value)
                except Bilingual as error:
                    self.problems.add(shown, line, index + 1, name, error.vi, error.en, example)
                    ok = False
                    continue
                if isinstance(converted, Warned):
                    self.problems.add(
                        shown, line, index + 1, name, converted.vi, converted.en, severity=WARNING
                    )
                    converted = converted.value
                values[name] = converted
            if not ok:
                continue
            column_of = {name: header.index(name) + 1 for name in columns}
            respondent = values["respondent"]
            if respondent in seen:
                self.problems.add(
                    shown,
                    line,
                    column_of["respondent"],
                    "respondent",
                    f"“{respondent}” đã có ở dòng {seen[respondent]}; mỗi đơn vị trả lời một dòng",
                    f"“{respondent}” is already on row {seen[respondent]}; one row per respondent",
                )
                continue
            seen[respondent] = line
            province = values["province"]
            region = values.get("region", province.region)
            if region != province.region:
                expected = reference.region_by_slug(province.region)
                self.problems.add(
                    shown,
                    line,
                    column_of["region"],
                    "region",
                    f"{province.name} thuộc vùng “{expected.name}” (theo danh mục tỉnh); để trống hoặc ghi {expected.slug}",
                    f"{province.name} is in region “{expected.name}” (province reference data); leave it empty or write {expected.slug}",
                    expected.slug,
                )
                continue
            cooperative = respondent if respondent in self.cooperative_slugs else None
            consent = bool(values.get("consent", False))
            coop = self.cooperatives.get(cooperative) if cooperative else None
            if coop is not None and coop.province.slug != province.slug:
                self.problems.add(
                    shown,
                    line,
                    column_of["province"],
                    "province",
                    f"{coop.source} ghi tỉnh {coop.province.name}",
                    f"{coop.source} says the province is {coop.province.name}",
                    coop.province.name,
                    severity=WARNING,
                )
            if consent and cooperative is None:
                self.problems.add(
                    shown,
                    line,
                    column_of["consent"],
                    "consent",
                    "mã ẩn danh không có trang hợp tác xã, nên consent: yes không có tác dụng",
                    "an anonymous id has no cooperative page, so consent: yes has no effect",
                    severity=WARNING,
                )
            points = tuple(values[c.key] for c in model.criteria)
            responses.append(
                Response(
                    respondent=respondent,
                    cooperative=cooperative,
                    province=province.slug,
                    region=region,
                    sector=values["sector"],
                    kind=values["kind"],
                    size=values["size"],
                    equipment=values["equipment"],
                    consent=consent,
                    points=points,
                    score=score(model, dict(zip((c.key for c in model.criteria), points, strict=True))),
                )
            )
        if rows.broken_at:
            self._unreadable(shown, rows.broken_at)
        if len(self.problems.errors) != before:
            return None
        return tuple(responses)

    def _unreadable(self, shown: str, line: int) -> None:
        limit = csv.field_size_limit()
        self.problems.add(
            shown,
            line,
            0,
            "",
            f'không đọc được từ dòng này: có ô dài quá {limit:,} ký tự (thường do một dấu nháy `"` '
            "không được đóng)".replace(",", "."),
            f"cannot read from this line on: a cell is longer than {limit:,} characters (usually a "
            'quote `"` that is never closed)',
        )

    def _check_header(self, header: list[str], shown: str, model: ScoringModel) -> set[str]:
        allowed = list(BASE_COLUMNS) + [c.key for c in model.criteria]
        required = list(REQUIRED_COLUMNS) + [c.key for c in model.criteria]
        columns: set[str] = set()
        for index, name in enumerate(header):
            column = name.strip()
            if column in columns:
                self.problems.add(shown, 1, index + 1, column, "cột bị lặp", "the column is repeated")
            elif column not in allowed:
                guess = did_you_mean(column, allowed, cutoff=0.75)
                hint_vi, hint_en = hint(guess, "`")
                self.problems.add(
                    shown,
                    1,
                    index + 1,
                    column,
                    f"cột không có trong mẫu{hint_vi} (không đưa tên người, số điện thoại hay câu trả lời tự do vào tệp)",
                    f"unknown column{hint_en} (names, phone numbers and free-text answers do not belong here)",
                )
            columns.add(column)
        missing = [name for name in required if name not in columns]
        if missing:
            self.problems.add(
                shown,
                1,
                0,
                "",
                f"thiếu cột: {', '.join(missing)}",
                f"missing columns: {', '.join(missing)}",
                ",".join(required[:8]) + ",…",
            )
        return columns & set(allowed)

    def _converters(self, model: ScoringModel) -> dict:
        equipment = {e.key: (e.name, e.name_en or e.name) for e in model.equipment}
        converters = {
            "respondent": (self._respondent, "an-001 hoặc htx-che-shan-tuyet-ho-thau"),
            "province": (_province, "Lào Cai"),
            "region": (_region, "trung-du-mien-nui-phia-bac"),
            "sector": (_enum(SECTORS), "nong-nghiep"),
            "kind": (_enum(KINDS), "hop-tac-xa"),
            "size": (_enum(SIZE_BANDS), "10-29"),
            "equipment": (_enum(equipment), next(iter(equipment), "")),
            "consent": (_bool, "no"),
        }
        for criterion in model.criteria:
            converters[criterion.key] = (
                _whole(0, criterion.maximum, "số điểm", "a number of points"),
                str(criterion.maximum),
            )
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


def _region(raw: str) -> str:
    key = search_key(raw)
    for region in reference.regions():
        if key in (search_key(region.slug), search_key(region.name)):
            return region.slug
    slugs = [r.slug for r in reference.regions()]
    guess = did_you_mean(raw, slugs)
    hint_vi, hint_en = hint(guess)
    raise Invalid(
        f"không có vùng “{raw}” ({', '.join(slugs)}){hint_vi}",
        f"there is no region “{raw}” ({', '.join(slugs)}){hint_en}",
    )


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


def load_assessments(content_dir, problems: ProblemList, cooperatives: dict) -> tuple[Assessments, int]:
    """Load content/assessments/ (if any); problems are added to *problems*; returns the files checked."""
    loader = AssessmentLoader(Path(content_dir), problems, cooperatives)
    assessments = loader.load()
    return assessments, loader.files_checked

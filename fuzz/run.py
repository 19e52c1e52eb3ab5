"""`make fuzz`: feed generated and mutated input to the content readers; any traceback fails.

Not part of the test suite (pytest only collects tests/). Each target runs for a fixed time
(`--seconds`, default 60; `make fuzz FUZZ_SECONDS=600`) and reports how many inputs it ran:

  yaml         formats.strictyaml.parse_front_matter / parse_yaml_file on bytes
  schema       the cooperative and product schemas (catalogue.schema.check_mapping) on parsed front matter
               and on generated data, and catalogue.loader.load_catalogue on a tree holding a fuzzed file
  spreadsheet  volunteer.spreadsheet.importer.import_spreadsheet on CSV and xlsx bytes (nothing written)
  survey       assessment.loader.load_assessments on a survey folder with a fuzzed survey.yaml,
               responses.csv, published.yaml or scoring model
  code         assessment.response_code.decode on pasted text: random text, valid codes of the sample
               survey's responses mutated a character at a time, and bodies with a correct checksum;
               a code that decodes must encode back to the same characters

A reader may only answer with its own reported problems (YamlProblem, a ProblemList); any
other exception is a finding. Parsed values must stay plain text (str/list/dict), and every
problem must render in the human, GitHub and JSON formats.

Why Hypothesis rather than Atheris: the inputs that matter are structured (YAML documents,
spreadsheets with a header, survey folders), and Hypothesis builds them from strategies and
shrinks a failure to a minimal reproducer, in pure Python on any interpreter version. Atheris'
coverage guidance shines on byte parsers written in C, which here are libyaml, csv and zipfile,
not this project's code. Seeds are the sample content and the spreadsheet templates; strategies
add random YAML-like lines, real files mutated line by line and byte by byte, weird Unicode
(bidi overrides, NUL, U+0085, U+2028, combining marks), huge numbers, deep nesting,
anchors/aliases/tags, Tabs, byte-order marks, CRLF and other encodings.

Failures are kept in .cache/fuzz-examples and replayed first on the next run; the shrunk\ninput of the last failure of each target is written to .cache/fuzz-findings/<target>.repr.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chophien.assessment import response_code  # noqa: E402
from chophien.assessment.loader import load_assessments  # noqa: E402
from chophien.assessment.schema import MODEL_FIELDS, PUBLISHED_FIELDS, SURVEY_FIELDS  # noqa: E402
from chophien.catalogue.loader import load_catalogue  # noqa: E402
from chophien.catalogue.schema import COOPERATIVE_FIELDS, PRODUCT_FIELDS, CheckContext, check_mapping  # noqa: E402
from chophien.core.problems import ProblemList, render_github, render_human, render_json  # noqa: E402
from chophien.formats.strictyaml import Document, YamlProblem, parse_front_matter, parse_yaml_file  # noqa: E402
from chophien.volunteer.spreadsheet.importer import import_spreadsheet  # noqa: E402
from chophien.volunteer.spreadsheet.layout import LAYOUTS  # noqa: E402

CONTENT = ROOT / "content"
TEMPLATES = ROOT / "docs" / "mau-bang-tinh"
TODAY = dt.date(2026, 6, 1)


def _read_all(paths) -> list[bytes]:
    return [p.read_bytes() for p in sorted(paths)]


SEEDS = {
    "cooperative": _read_all(CONTENT.glob("cooperatives/*.md")),
    "product": _read_all(CONTENT.glob("products/*/*.md")),
    "survey": _read_all(CONTENT.glob("assessments/*/survey.yaml")),
    "published": _read_all(CONTENT.glob("assessments/*/published.yaml")),
    "model": _read_all(CONTENT.glob("assessments/models/*.yaml")),
    "responses": _read_all(CONTENT.glob("assessments/*/responses.csv")),
    "csv": _read_all(TEMPLATES.glob("*.csv")),
    "xlsx": _read_all(TEMPLATES.glob("*.xlsx")),
}


def _field_names(fields, names: set[str]) -> set[str]:
    for spec in fields:
        names.add(spec.name)
        if spec.fields:
            _field_names(spec.fields, names)
        if spec.item is not None:
            names.add(spec.item.name)
            if spec.item.fields:
                _field_names(spec.item.fields, names)
    return names


def _examples(fields, found: list[str]) -> list[str]:
    for spec in fields:
        if spec.example and "\n" not in spec.example:
            found.append(spec.example)
        for child in (spec.fields or ()) + ((spec.item,) if spec.item is not None else ()):
            _examples((child,), found)
    return found


ALL_FIELDS = COOPERATIVE_FIELDS + PRODUCT_FIELDS + SURVEY_FIELDS + MODEL_FIELDS + PUBLISHED_FIELDS
FIELD_NAMES = sorted(_field_names(ALL_FIELDS, set()))
EXAMPLES = sorted(set(_examples(ALL_FIELDS, [])))
HEADERS = sorted(
    {c.vi for cols in LAYOUTS.values() for c in cols} | {c.en for cols in LAYOUTS.values() for c in cols}
)
RESPONSE_COLUMNS = ["respondent", "province", "region", "sector", "kind", "size", "equipment", "consent"]

# Pieces that have broken YAML readers, converters and renderers somewhere.
TOKENS = [
    "&a ", "*a", "<<: *a", "!!int ", "!!python/object/apply:os.system ", "!x ", "! ", "? ", "- ", "-",
    ": ", ":", "|", "|-", ">+", "---", "...", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "# c", "\t",
    "    ", "\x00", "\ufeff", "\r", "\r\n", "\u2028", "\u2029", "\u0085", "\u202e", "\u2066", "\u200b",
    "\x1b[31m", "\x7f", "\x0b", "\x0c", "{", "}", "[", "]", ",", '"', "'", "“", "”", "‘", "’", "«", "：",
    "\\", "\\x00", "\\u0000", "\\U0010FFFF", '"\\', "1e999", "-0", "0x1F", "0o17", "0912345678",
    "０９１２３４５６７８", "٠٩١٢", "450.000", "450.000 ₫", "4.5", "4,5", "no", "yes", "~", "null", ".inf",
    ".nan", "12:30", "2024-02-30", "31/02/2025", "9" * 400, "1" + "0" * 30, "-" + "9" * 25, "%", "@", "=1+1",
    "`", "ǅ", "ﬁ", "İ", "ß", "\u0301", "e\u0301", "\U0001f600", "\uffff", "\ufffe", "\ud7ff", "\U0010ffff",
    "https://", "https://shopee.vn.example.com/x", "http://[::1", "https://a:99999/", "mailto:", "javascript:",
    "tel:+84", "lien-he", "none", "con-hang", "hop-tac-xa", "Lào Cai", "Hà Tây", "Tày", "vietgap",
    "an-001", "../x", "/etc/passwd", "a b.jpg", "x.jpg\n", "NUL\x00.jpg", "..", ".", " ",
]  # fmt: skip


# --- strategies ---------------------------------------------------------------------------------

piece = st.one_of(
    st.sampled_from(TOKENS),
    st.sampled_from(EXAMPLES),
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=6),
)
scalar = st.lists(piece, max_size=4).map("".join)
key = st.one_of(st.sampled_from(FIELD_NAMES), st.sampled_from(FIELD_NAMES), scalar)


def _line(indent: int, kind: str, k: str, v: str) -> str:
    pad = " " * indent
    return {
        "pair": f"{pad}{k}: {v}",
        "open": f"{pad}{k}:",
        "item": f"{pad}- {v}",
        "item_pair": f"{pad}- {k}: {v}",
        "raw": pad + v,
        "tab": "\t" * (indent % 3 + 1) + f"{k}: {v}",
    }[kind]


line = st.builds(
    _line,
    st.integers(0, 10),
    st.sampled_from(["pair", "pair", "pair", "open", "item", "item_pair", "raw", "tab"]),
    key,
    scalar,
)
yaml_lines = st.lists(line, max_size=30).map("\n".join)

tree = st.recursive(
    st.one_of(scalar, st.none(), st.booleans(), st.integers(), st.floats()),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(key, children, max_size=5),
    ),
    max_leaves=25,
)

# What the strict loader can return: text, lists and mappings, nothing else.
text_tree = st.recursive(
    scalar,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(key, children, max_size=5)),
    max_leaves=25,
)


@st.composite
def dumped_yaml(draw) -> str:
    """A random data tree written by PyYAML in block, flow or mixed style."""
    data = draw(st.dictionaries(key, tree, max_size=8))
    style = draw(st.sampled_from([False, True, None]))
    try:
        return yaml.safe_dump(
            data, allow_unicode=draw(st.booleans()), default_flow_style=style, sort_keys=False
        )
    except yaml.YAMLError:
        return ""


@st.composite
def deep(draw) -> str:
    # Limits live at round numbers (libyaml stops at 1,000 levels, Python's recursion at ~1,000
    # frames): draw near them as well as anywhere.
    depth = draw(
        st.one_of(st.integers(1, 3000), st.integers(-30, 30).map(lambda d: 1000 + d), st.integers(15, 25))
    )
    shape = draw(st.sampled_from(["flow_list", "flow_map", "block_map", "block_list", "mixed"]))
    if shape == "flow_list":
        return "k: " + "[" * depth + "x" + "]" * depth
    if shape == "flow_map":
        return "k: " + "{a: " * depth + "x" + "}" * depth
    if shape == "block_map":
        return "\n".join(" " * i + "a:" for i in range(min(depth, 400))) + " x"
    if shape == "block_list":
        return "k:\n" + "\n".join(" " * i + "-" for i in range(min(depth, 400))) + " x"
    return "k: " + "[{a: " * depth + "x" + "}]" * depth


@st.composite
def aliases(draw) -> str:
    """Anchors, aliases, merge keys and tags where a volunteer would never write them."""
    count = draw(st.integers(1, 9))
    lines = ["a: &a [x, x, x]"] + [
        f"b{i}: &b{i} [*{'a' if i == 0 else 'b' + str(i - 1)}, *a]" for i in range(count)
    ]
    lines.append(
        draw(st.sampled_from(["c: *a", "<<: *a", "name: !!str x", "name: !!binary aGk=", "? [a]\n: b"]))
    )
    return "\n".join(lines)


@st.composite
def mutated_text(draw, sources: list[bytes]) -> str:
    """A real file changed a few lines or characters at a time."""
    text = draw(st.sampled_from(sources)).decode("utf-8", errors="replace")
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 6))):
        op = draw(
            st.sampled_from(["insert", "delete", "dup", "swap", "splice", "indent", "value", "truncate"])
        )
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if not lines:
            lines = [""]
        if op == "insert":
            lines.insert(at, draw(line))
        elif op == "delete" and len(lines) > 1:
            del lines[at]
        elif op == "dup":
            lines.insert(at, lines[at])
        elif op == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif op == "splice":
            where = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:where] + draw(piece) + lines[at][where:]
        elif op == "indent":
            lines[at] = draw(st.sampled_from([" ", "  ", "\t", "    ", "- "])) + lines[at]
        elif op == "value" and ":" in lines[at]:
            lines[at] = lines[at].split(":", 1)[0] + ": " + draw(scalar)
        elif op == "truncate":
            lines = lines[: at + 1]
    return "\n".join(lines)


@st.composite
def mutated_bytes(draw, raw: bytes) -> bytes:
    """A few byte-level edits: flips, insertions, deletions, truncation."""
    data = bytearray(raw)
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        # A fraction of the length, so the draws never depend on the bytes (xlsx files carry a time).
        at = draw(st.integers(0, 1 << 16)) * len(data) >> 16
        if op == "flip" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif op == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[at:]
    return bytes(data)


@st.composite
def encoded(draw, text: str) -> bytes:
    """*text* as a phone, Excel or Windows editor might have saved it."""
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    text = text.replace("\n", newline)
    encoding = draw(
        st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1258"])
    )
    raw = text.encode(encoding, errors="replace" if encoding == "cp1258" else "surrogatepass")
    if draw(st.integers(0, 5)) == 0:
        raw = draw(mutated_bytes(raw))
    if draw(st.integers(0, 40)) == 0:
        raw = raw * draw(st.integers(100, 3000))  # over the size limits
    return raw


def front_matter_text(sources: list[bytes]) -> st.SearchStrategy[str]:
    body = st.one_of(
        st.just(""),
        scalar,
        st.sampled_from(["# Tiêu đề\n\nNội dung.", "<script>x</script>", "[a](javascript:x)"]),
    )
    front = st.one_of(yaml_lines, dumped_yaml(), deep(), aliases())
    built = st.builds(
        lambda f, b, end: f"---\n{f}\n{end}\n{b}", front, body, st.sampled_from(["---", "...", "--- ", ""])
    )
    return st.one_of(built, built, mutated_text(sources), mutated_text(sources), yaml_lines)


def yaml_file_text(sources: list[bytes]) -> st.SearchStrategy[str]:
    return st.one_of(
        yaml_lines, dumped_yaml(), deep(), aliases(), mutated_text(sources), mutated_text(sources)
    )


def as_bytes(texts: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    return texts.flatmap(encoded)


# --- checks on what a reader returns ------------------------------------------------------------


def plain(value, where="") -> None:
    """Parsed data is only str, list and dict with str keys: nothing was type-guessed."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert isinstance(k, str), f"non-text key {k!r} at {where}"
            plain(v, f"{where}.{k}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            plain(item, f"{where}[{index}]")
    else:
        assert isinstance(value, str), f"{type(value).__name__} {value!r} at {where}"


def rendered(problems: ProblemList) -> None:
    for lang in ("vi", "en"):
        render_human(problems, lang)
        render_github(problems, lang)
    render_json(problems)


def yaml_problem(problem: YamlProblem) -> None:
    assert isinstance(problem.line, int) and isinstance(problem.column, int), problem
    problems = ProblemList()
    problems.add("x.md", problem.line, problem.column, "", problem.vi, problem.en, problem.example)
    rendered(problems)


# --- targets ------------------------------------------------------------------------------------


class Workspace:
    """Scratch content trees, made once per run and reset before each input."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="chophien-fuzz-"))
        self.sample = self.root / "sample"
        for path in CONTENT.glob("cooperatives/*.md"):
            self._copy(path)
        for path in CONTENT.glob("products/*/*.md"):
            self._copy(path)
        shutil.copytree(CONTENT / "assessments", self.sample / "assessments")
        catalogue, _, _ = load_catalogue(self.sample, today=TODAY)
        self.cooperatives = catalogue.cooperatives

    def _copy(self, path: Path) -> None:
        target = self.sample / path.relative_to(CONTENT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)

    def fresh(self, name: str) -> Path:
        folder = self.root / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir()
        return folder

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def target_yaml(ws: Workspace):
    sources = SEEDS["cooperative"] + SEEDS["product"] + SEEDS["survey"] + SEEDS["model"] + SEEDS["published"]
    inputs = st.one_of(
        as_bytes(front_matter_text(sources)), as_bytes(yaml_file_text(sources)), st.binary(max_size=300)
    )

    def run(raw: bytes) -> None:
        for parse in (parse_front_matter, parse_yaml_file):
            try:
                doc = parse(raw)
            except YamlProblem as problem:
                yaml_problem(problem)
                continue
            assert isinstance(doc.data, dict)
            plain(doc.data)
            for path, (line_no, column) in doc.positions.items():
                assert isinstance(line_no, int) and isinstance(column, int), (path, line_no, column)

    return inputs, run


def target_schema(ws: Workspace):
    fields = {"cooperative": COOPERATIVE_FIELDS, "product": PRODUCT_FIELDS}
    text = {kind: as_bytes(front_matter_text(SEEDS[kind])) for kind in fields}
    generated = st.dictionaries(key, text_tree, max_size=12)
    inputs = st.one_of(
        st.tuples(
            st.just("parsed"),
            st.sampled_from(sorted(fields)),
            st.one_of(text["cooperative"], text["product"]),
        ),
        st.tuples(st.just("data"), st.sampled_from(sorted(fields)), generated),
        st.tuples(
            st.just("tree"), st.sampled_from(sorted(fields)), st.one_of(text["cooperative"], text["product"])
        ),
    )

    def run(case) -> None:
        mode, kind, value = case
        problems = ProblemList()
        if mode == "tree":
            folder = ws.fresh("schema")
            shutil.copytree(ws.sample / "cooperatives", folder / "cooperatives")
            if kind == "cooperative":
                (folder / "cooperatives" / "htx-che-shan-tuyet-ho-thau.md").write_bytes(value)
            else:
                coop = folder / "products" / "htx-che-shan-tuyet-ho-thau"
                coop.mkdir(parents=True)
                (coop / "che.md").write_bytes(value)
            _, problems, _ = load_catalogue(folder, today=TODAY)
            rendered(problems)
            return
        if mode == "parsed":
            try:
                doc = parse_front_matter(value)
            except YamlProblem:
                return
        else:
            doc = Document(value, {}, "", 3)
        check_mapping(fields[kind], doc.data, (), CheckContext("x.md", doc, problems))
        rendered(problems)

    return inputs, run


@st.composite
def csv_text(draw, headers: list[str], values: list[str]) -> str:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    width = draw(st.integers(0, 12))
    cell = st.one_of(st.sampled_from(values), scalar, st.sampled_from(TOKENS))
    header = draw(st.lists(st.one_of(st.sampled_from(headers), scalar), min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=width + 2), max_size=8))
    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    try:
        writer = csv.writer(out, delimiter=delimiter, quoting=quoting, escapechar="\\", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    except csv.Error:
        return delimiter.join(header)
    return out.getvalue()


@st.composite
def xlsx_bytes(draw) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    workbook.remove(workbook.active)
    cell = st.one_of(
        st.sampled_from(EXAMPLES),
        scalar,
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
        st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
        st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),
        st.sampled_from(["=1+1", '=HYPERLINK("http://x")', "'0912"]),
    )
    for _ in range(draw(st.integers(1, 3))):
        title = draw(st.sampled_from(["Sản phẩm", "Hợp tác xã", "Hướng dẫn", "products", "Sheet"]))
        sheet = workbook.create_sheet(title)
        width = draw(st.integers(0, 10))
        header = draw(st.lists(st.one_of(st.sampled_from(HEADERS), scalar), min_size=width, max_size=width))
        for row in [header, *draw(st.lists(st.lists(cell, max_size=width + 2), max_size=6))]:
            # Excel (and openpyxl) cannot store control characters other than Tab, LF and CR.
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    try:
        workbook.save(out)
    except (ValueError, TypeError):
        return b""
    return out.getvalue()


@st.composite
def xlsx_broken_member(draw) -> bytes:
    """A well-formed zip around one damaged part (sheet XML, styles, relations, properties)."""
    raw = draw(st.one_of(st.sampled_from(SEEDS["xlsx"]), xlsx_bytes()))
    if not raw:
        return raw
    source = zipfile.ZipFile(io.BytesIO(raw))
    names = source.namelist()
    damaged = draw(st.sampled_from(names))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            data = source.read(name)
            if name == damaged:
                data = draw(mutated_bytes(data))
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return out.getvalue()


def target_spreadsheet(ws: Workspace):
    values = EXAMPLES + [c.vi for cols in LAYOUTS.values() for c in cols]
    csv_bytes = st.one_of(
        as_bytes(csv_text(HEADERS, values)),
        as_bytes(mutated_text(SEEDS["csv"])),
        st.sampled_from(SEEDS["csv"]).flatmap(mutated_bytes),
    )
    xlsx = st.one_of(
        xlsx_bytes(),
        xlsx_bytes().flatmap(mutated_bytes),
        xlsx_broken_member(),
        st.sampled_from(SEEDS["xlsx"]).flatmap(mutated_bytes),
    )
    inputs = st.one_of(st.tuples(st.just(".csv"), csv_bytes), st.tuples(st.just(".xlsx"), xlsx))

    def run(case) -> None:
        suffix, raw = case
        folder = ws.fresh("sheet")
        source = folder / f"bang-tinh{suffix}"
        source.write_bytes(raw)
        result = import_spreadsheet(source, ws.sample, write=False, display=source.name)
        rendered(result.problems)

    return inputs, run


def target_survey(ws: Workspace):
    criteria = SEEDS["responses"][0].decode("utf-8").split("\n", 1)[0].split(",")[len(RESPONSE_COLUMNS) :]
    cells = EXAMPLES + [
        "an-001",
        "an-002",
        "htx-che-shan-tuyet-ho-thau",
        "Lào Cai",
        "nong-nghiep",
        "10-29",
        "yes",
        "7",
    ]
    responses = st.one_of(
        as_bytes(csv_text(RESPONSE_COLUMNS + criteria, cells)),
        as_bytes(mutated_text(SEEDS["responses"])),
        st.sampled_from(SEEDS["responses"]).flatmap(mutated_bytes),
    )
    survey = as_bytes(yaml_file_text(SEEDS["survey"]))
    inputs = st.tuples(
        st.sampled_from(["survey", "responses", "responses", "published", "model"]),
        st.one_of(survey, responses, as_bytes(yaml_file_text(SEEDS["published"] + SEEDS["model"]))),
    )

    def run(case) -> None:
        which, raw = case
        folder = ws.fresh("survey")
        shutil.copytree(ws.sample / "assessments", folder / "assessments")
        (folder / "cooperatives").mkdir()
        for path in (ws.sample / "cooperatives").glob("*.md"):
            (folder / "cooperatives" / path.name).touch()
        target = {
            "survey": "khao-sat-mau-2026/survey.yaml",
            "responses": "khao-sat-mau-2026/responses.csv",
            "published": "khao-sat-htx-2022/published.yaml",
            "model": "models/dbi-2021.yaml",
        }[which]
        (folder / "assessments" / target).write_bytes(raw)
        problems = ProblemList()
        load_assessments(folder, problems, ws.cooperatives)
        rendered(problems)

    return inputs, run


def target_code(ws: Workspace):
    problems = ProblemList()
    assessments, _ = load_assessments(ws.sample, problems, ws.cooperatives)
    survey = next(s for s in assessments.surveys if s.has_microdata)
    codebook = response_code.Codebook.of(survey.model)
    slugs = set(ws.cooperatives)
    valid = []
    for r in survey.responses:
        respondent = r.respondent if r.cooperative else "an-" + response_code.ALPHABET[:8].lower()
        answers = dict(zip((c.key for c in survey.model.criteria), r.points, strict=True))
        fields = {
            "province": r.province,
            "sector": r.sector,
            "kind": r.kind,
            "size": r.size,
            "equipment": r.equipment,
        }
        valid.append(
            response_code.encode(
                codebook, {"respondent": respondent, **fields, "consent": r.consent, "answers": answers}
            )
        )
    alphabet = response_code.ALPHABET

    @st.composite
    def mutated_code(draw) -> str:
        chars = list(draw(st.sampled_from(valid)))
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(chars)))
            op = draw(st.sampled_from(["set", "insert", "delete", "token"]))
            if op == "set" and at < len(chars):
                chars[at] = draw(st.sampled_from(alphabet + "ILOU-o "))
            elif op == "insert":
                chars.insert(at, draw(st.sampled_from(alphabet)))
            elif op == "delete" and at < len(chars):
                del chars[at]
            elif op == "token":
                chars.insert(at, draw(st.sampled_from(TOKENS)))
        text = "".join(chars)
        return response_code.grouped(text) if draw(st.booleans()) else text

    @st.composite
    def checked_body(draw) -> str:
        """A random body behind a correct version and checksum: the decoder's structural checks run."""
        length = draw(st.sampled_from([codebook.length(False), codebook.length(True), 5, 80]))
        head = draw(st.sampled_from(valid))[
            :5
        ]  # the version and the 20-bit fingerprint: past the first check
        rest = draw(
            st.lists(st.sampled_from(alphabet), min_size=max(length - 9, 0), max_size=max(length - 9, 0))
        )
        body = head + "".join(rest)
        return body + response_code._check(body)

    as_typed = st.sampled_from(valid).map(lambda c: response_code.grouped(c).lower().replace("0", "o"))
    inputs = st.one_of(
        mutated_code(), mutated_code(), checked_body(), as_typed, scalar, st.text(max_size=120)
    )

    def run(text: str) -> None:
        try:
            decoded = response_code.decode(codebook, text, slugs)
        except response_code.CodeProblem as problem:
            found = ProblemList()
            found.add("mã 1", 0, problem.position, "", problem.vi, problem.en)
            rendered(found)
            return
        code, _ = response_code.normalise(text)
        assert response_code.encode(codebook, decoded) == code, (text, decoded)

    return inputs, run


TARGETS: dict[str, Callable] = {
    "yaml": target_yaml,
    "schema": target_schema,
    "spreadsheet": target_spreadsheet,
    "survey": target_survey,
    "code": target_code,
}


# --- runner -------------------------------------------------------------------------------------


FINDINGS = ROOT / ".cache" / "fuzz-findings"


def signature(error: BaseException) -> str:
    """Exception type and the innermost project line it passed through: one per distinct defect."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/chophien/" in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{type(error).__name__} at {where}"


def fuzz(name: str, ws: Workspace, seconds: float, database) -> tuple[int, float, list[BaseException]]:
    """Run one target for *seconds*; return the inputs run, the time taken and each distinct failure.

    Hypothesis shrinks each new failure to a minimal input; afterwards that defect (its
    signature) is counted but no longer stops the run, so one run finds every distinct one.
    """
    inputs, check = TARGETS[name](ws)
    count = 0
    last = None
    known: dict[str, int] = {}

    @settings(
        max_examples=400,
        deadline=dt.timedelta(seconds=10),
        database=database,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
    )
    @given(inputs)
    def property_(case) -> None:
        nonlocal count, last
        count += 1
        last = case
        try:
            check(case)
        except Exception as error:
            if signature(error) in known:
                known[signature(error)] += 1
                return
            raise

    property_.__name__ = property_.__qualname__ = f"fuzz_{name}"
    failures: list[BaseException] = []
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        try:
            property_()
        except Exception as error:  # every escape is a finding
            key = signature(error)
            if key in known:  # raised around the test (a deadline, a flaky input), already reported
                known[key] += 1
                continue
            known[key] = 1
            FINDINGS.mkdir(parents=True, exist_ok=True)
            saved = FINDINGS / f"{name}-{len(failures) + 1}.repr"
            saved.write_text(repr(last), encoding="utf-8")  # the shrunk input is the last one run
            shown = repr(last)
            if len(shown) > 1500:
                shown = shown[:1500] + f"… ({len(shown)} characters, all in {saved})"
            error.add_note(f"input: {shown}")
            failures.append(error)
    for error in failures:
        error.add_note(f"{signature(error)}: hit by {known[signature(error)]} inputs")
    return count, time.monotonic() - start, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", metavar="TARGET", help=f"default: all of {', '.join(TARGETS)}")
    parser.add_argument("--seconds", type=float, default=60, help="time per target (default 60)")
    args = parser.parse_args(argv)
    names = args.targets or list(TARGETS)
    unknown = [name for name in names if name not in TARGETS]
    if unknown:
        parser.error(f"unknown target {', '.join(unknown)} (targets: {', '.join(TARGETS)})")
    database = DirectoryBasedExampleDatabase(str(ROOT / ".cache" / "fuzz-examples"))
    ws = Workspace()
    found = 0
    try:
        for name in names:
            count, took, failures = fuzz(name, ws, args.seconds, database)
            status = f"{len(failures)} TRACEBACK(S)" if failures else "ok"
            print(f"fuzz {name:12} {count:8d} inputs in {took:6.1f} s  {status}", flush=True)
            for error in failures:
                traceback.print_exception(error)
            found += len(failures)
    finally:
        ws.close()
    print(f"fuzz: {found} distinct traceback(s) in {len(names)} target(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

"""How standard YAML parsers read a plain scalar (chophien/formats/yamlread.py): YAML 1.2 as the npm
`yaml` package Decap CMS uses (checked against that package under Node.js), YAML 1.1 as PyYAML."""

import json
import math
import subprocess

import pytest
from conftest import ROOT, yamljs

from chophien.formats.strictyaml import parse_front_matter
from chophien.formats.yamlread import read_11, read_12, read_cms, reads_as_text
from chophien.formats.yamlwrite import emit

YAMLJS = ROOT / "tests" / "yamljs"

# Plain scalars a volunteer may type, and the odd corners of the YAML 1.2 core schema.
CORPUS = [
    "450.000", "450000", "0450000", "450.000 ₫", "1.5", "4.5", "4,5", "0912345678", "0912 345 678",
    "+84912345678", "08", "012", "2023", "2023-11-15", "15/11/2023", "9-12", "yes", "no", "on", "off",
    "y", "n", "true", "True", "TRUE", "tRue", "false", "null", "Null", "NULL", "~", "1e3", "1E3",
    "1e+3", "1.", ".5", "-.5", "+5", "-0", "0o17", "0O17", "0x1F", "0X1F", "0b101", "1_000",
    ".inf", "-.Inf", "+.INF", ".nan", ".NaN", "12:30", "1:20:30", "lien-he", "huu-co", "con-hang",
    "Chè Shan tuyết", "TQ-CHE01", "12345",
]  # fmt: skip


def _content_scalars() -> list[str]:
    """Every plain (unquoted) scalar value in the sample content: the corpus a real CMS meets."""
    values = set()
    for path in sorted((ROOT / "content").glob("*/**/*.md")):
        try:
            doc = parse_front_matter(path.read_bytes())
        except Exception:
            continue  # the pages' Markdown without front matter
        for where in doc.plain:
            value = doc.data
            for part in where:
                value = value[part]
            values.add(value)
    return sorted(values)


def _npm_readings(values: list[str]) -> dict:
    yamljs()
    result = subprocess.run(
        ["node", str(YAMLJS / "read.mjs")],
        input=json.dumps(values),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def _as_js(value) -> dict:
    if isinstance(value, float) and (math.isinf(value) or math.isnan(value)):
        return {"special": "NaN" if math.isnan(value) else ("-Infinity" if value < 0 else "Infinity")}
    if value is None:
        return {"type": "null", "value": None}
    if isinstance(value, bool):
        return {"type": "boolean", "value": value}
    if isinstance(value, int | float):
        return {"type": "number", "value": value}
    return {"type": "string", "value": value}


def test_yaml12_readings_match_the_npm_yaml_package_decap_uses():
    values = sorted(set(CORPUS) | set(_content_scalars()))
    readings = _npm_readings(values)
    for parser in ("yaml1", "yaml2"):
        mismatches = [
            (text, js, _as_js(read_12(text)))
            for text, js in zip(values, readings[parser], strict=True)
            if js != _as_js(read_12(text))
        ]
        assert mismatches == [], parser
    assert len(values) > 300  # the sample content's own values are in the corpus


@pytest.mark.parametrize(
    ("text", "v12", "v11"),
    [
        ("450.000", 450.0, 450.0),
        ("0912345678", 912345678, "0912345678"),
        ("0450000", 450000, 0o450000),
        ("yes", "yes", True),
        ("on", "on", True),
        ("~", None, None),
        ("08", 8, "08"),
        ("2023-11-15", "2023-11-15", __import__("datetime").date(2023, 11, 15)),
        ("0912 345 678", "0912 345 678", "0912 345 678"),
    ],
)
def test_yaml12_and_yaml11_readings(text, v12, v11):
    assert (read_12(text), read_11(text)) == (v12, v11)
    assert reads_as_text(text) is (v12 == text and v11 == text)


def test_decaps_own_timestamp_tag_is_a_retyped_value():
    assert (
        read_cms("2023-11-15T10:00:00Z").year == 2023
        and read_12("2023-11-15T10:00:00Z") == "2023-11-15T10:00:00Z"
    )
    assert not reads_as_text("2023-11-15T10:00:00Z")
    assert emit("alt", "2023-11-15T10:00:00Z") == ['alt: "2023-11-15T10:00:00Z"']


@pytest.mark.parametrize(
    ("story", "first"),
    [
        ("Buds from old trees.\n\n## Brewing\n- 90 °C", "story: |-"),
        ("Buds from old trees.\n\n# Brewing\n", 'story: "'),  # its last line break: quoted
        ("  indented first line\nsecond", 'story: "'),  # a block cannot start with spaces: quoted
        ("two breaks at the end\n\n", 'story: "'),
        ("trailing space  \nhard break", 'story: "'),
    ],
)
def test_a_multi_line_text_is_written_as_a_literal_block_when_it_reads_back_the_same(story, first):
    lines = emit("story", story, 4)
    assert lines[0].startswith("    " + first)
    doc = parse_front_matter(("---\nen:\n" + "\n".join(lines) + "\n---\n").encode())
    assert doc.data["en"]["story"] == story


def test_editing_a_block_ending_in_a_heading_replaces_all_of_it():
    from chophien.formats.yamlwrite import FrontMatterEditor

    editor = FrontMatterEditor("---\nname: x\ntranslations:\n  en:\n    name: X\n---\nbody\n")
    editor.set(("translations", "en", "story"), "Hello.\n\n# Heading at the end")
    editor.set(("translations", "en", "story"), "Hello again.\n\n## Another")
    editor.set(("translations", "en", "unit"), "box")
    assert editor.data["translations"]["en"] == {"name": "X", "story": "Hello again.\n\n## Another", "unit": "box"}
    assert "# Heading at the end" not in editor.text()

"""chophien.assessment.response_code and theme/static/js/response-code.js: one format, the same vectors, hostile codes refused."""

from __future__ import annotations

import json
import random
import shutil
import subprocess

import pytest
from conftest import ROOT

from chophien.assessment.files import AssessmentFiles
from chophien.assessment.response_code import (
    ALPHABET,
    Codebook,
    CodeProblem,
    cooperative_hash,
    decode,
    encode,
    grouped,
)
from chophien.assessment.scoring_models import load_model
from chophien.core.problems import ProblemList

VECTORS = ROOT / "tests/assessment/response_code_vectors.json"
JS = ROOT / "theme/static/js/response-code.js"
MODELS = ("dbi-2021",)
# A small codebook with every odd width: one option (0 bits), two (1 bit), three (2 bits, 3 unused), 21.
SMALL = Codebook(
    model="thu-nho",
    criteria=(("a1", (0,)), ("a2", (0, 5)), ("b1", (0, 1, 3)), ("c1", tuple(range(21)))),
    provinces=("cao-bang", "lao-cai"),
    sectors=("nong-nghiep",),
    kinds=("hop-tac-xa", "to-hop-tac", "doanh-nghiep"),
    sizes=("duoi-10", "10-29", "30-99", "tu-100"),
    equipment=("khong-co", "thu-cong", "ban-tu-dong", "tu-dong-co-dinh", "tu-dong-linh-hoat"),
)


def _model(slug):
    problems = ProblemList()
    model = load_model(
        AssessmentFiles(ROOT / "content", problems), ROOT / f"content/assessments/models/{slug}.yaml"
    )
    assert model is not None, [p.render() for p in problems.sorted()]
    return model


SLUGS = sorted(p.stem for p in (ROOT / "content/cooperatives").glob("*.md"))


def cooperative_slugs():
    return SLUGS


def _random_response(book: Codebook, rng: random.Random, slugs, extreme: str = "") -> dict:
    def pick(items):
        return items[0] if extreme == "low" else items[-1] if extreme == "high" else rng.choice(items)

    anonymous = rng.random() < 0.5
    respondent = (
        "an-" + "".join(rng.choice(ALPHABET) for _ in range(8)).lower() if anonymous else rng.choice(slugs)
    )
    return {
        "respondent": respondent,
        "province": pick(book.provinces),
        "sector": pick(book.sectors),
        "kind": pick(book.kinds),
        "size": pick(book.sizes),
        "equipment": pick(book.equipment),
        "consent": extreme == "high" or (extreme != "low" and rng.random() < 0.5),
        "answers": {key: pick(points) for key, points in book.criteria},
    }


def make_vectors() -> dict:
    """The shared vectors: for each bundled model and SMALL, the codebook and 12 responses with their codes."""
    rng = random.Random(13)
    slugs = cooperative_slugs()
    books = []
    for book in [Codebook.of(_model(slug)) for slug in MODELS] + [SMALL]:
        cases = [_random_response(book, rng, slugs, extreme) for extreme in ("low", "high")]
        cases += [_random_response(book, rng, slugs) for _ in range(10)]
        books.append(
            {
                "codebook": book.as_json(),
                "canonical": book.canonical(),
                "cases": [{"response": r, "code": encode(book, r)} for r in cases],
            }
        )
    return {"cooperatives": slugs, "books": books}


def _book(data: dict) -> Codebook:
    return Codebook(
        model=data["model"],
        criteria=tuple((key, tuple(points)) for key, points in data["criteria"]),
        provinces=tuple(data["provinces"]),
        sectors=tuple(data["sectors"]),
        kinds=tuple(data["kinds"]),
        sizes=tuple(data["sizes"]),
        equipment=tuple(data["equipment"]),
    )


@pytest.fixture(scope="module")
def vectors():
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def test_the_vectors_file_is_what_the_python_codec_makes(vectors):
    # Regenerate with: .venv/bin/python -c "import sys; sys.path[:0]=['tests','tests/assessment'];
    #   import json, test_response_code as t; print(json.dumps(t.make_vectors(), ensure_ascii=False, indent=1))"
    assert vectors == make_vectors()


def test_python_decodes_every_vector_to_its_response(vectors):
    for entry in vectors["books"]:
        book = _book(entry["codebook"])
        assert book.fingerprint == entry["codebook"]["fingerprint"]
        for case in entry["cases"]:
            assert decode(book, case["code"], vectors["cooperatives"]) == case["response"]
            # as dictated: grouped, lowercase, O for 0 and L for 1
            spoken = grouped(case["code"]).lower().replace("0", "o").replace("1", "l")
            assert decode(book, spoken, vectors["cooperatives"]) == case["response"]


def test_javascript_encodes_and_decodes_the_same_vectors(vectors, tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = tmp_path / "check.js"
    script.write_text(
        f"""
const code = require({json.dumps(str(JS))});
const vectors = require({json.dumps(str(VECTORS))});
let checked = 0;
for (const entry of vectors.books) {{
  if (code.fingerprint(entry.codebook) !== entry.codebook.fingerprint) throw new Error("fingerprint " + entry.codebook.model);
  if (code.canonical(entry.codebook) !== entry.canonical) throw new Error("canonical " + entry.codebook.model);
  for (const c of entry.cases) {{
    const made = code.encode(entry.codebook, c.response);
    if (made !== c.code) throw new Error("encode " + made + " != " + c.code);
    const back = code.decode(entry.codebook, code.grouped(c.code).toLowerCase(), vectors.cooperatives);
    if (JSON.stringify(back) !== JSON.stringify(c.response)) throw new Error("decode " + c.code);
    if (!/^[0-9A-Z-]+$/.test(code.grouped(c.code))) throw new Error("not QR alphanumeric " + c.code);
    checked++;
  }}
}}
console.log(checked);
""",
        encoding="utf-8",
    )
    result = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == sum(len(e["cases"]) for e in vectors["books"])


def test_codes_are_short_and_fit_the_qr_alphanumeric_mode(vectors):
    for entry in vectors["books"]:
        for case in entry["cases"]:
            assert set(grouped(case["code"])) <= set(ALPHABET + "-")
    # the official 60-criteria model: 53 characters (57 with an anonymous id), 11-12 groups to read out
    dbi = Codebook.of(_model("dbi-2021"))
    assert (dbi.length(False), dbi.length(True)) == (53, 57)


@pytest.fixture(scope="module")
def book():
    return Codebook.of(_model("dbi-2021"))


@pytest.fixture(scope="module")
def sample(book):
    return _random_response(book, random.Random(5), cooperative_slugs())


def _problem(book, text) -> CodeProblem:
    with pytest.raises(CodeProblem) as caught:
        decode(book, text, cooperative_slugs())
    return caught.value


def test_every_single_character_change_is_caught(book, sample):
    code = encode(book, sample)
    for place in range(len(code)):
        for char in ALPHABET:
            if char != code[place]:
                changed = code[:place] + char + code[place + 1 :]
                with pytest.raises(CodeProblem):
                    decode(book, changed, cooperative_slugs())


def test_hostile_codes_are_refused_with_a_reason_and_a_place(book, sample):
    code = encode(book, sample)
    assert "trống" in _problem(book, " - ").vi
    bad = _problem(book, code[:7] + "U" + code[8:])
    assert bad.position == 8 and "“U”" in bad.vi
    assert "thiếu hoặc thừa" in _problem(book, code[:-3]).vi  # truncated
    assert "thiếu hoặc thừa" in _problem(book, code + "0").vi
    assert "tổng kiểm tra" in _problem(book, code[:-1] + ("0" if code[-1] != "0" else "1")).vi
    assert "phiên bản" in _problem(book, "2" + code[1:]).vi
    changed = Codebook(**{**book.__dict__, "sizes": book.sizes[:-1]})  # a list changed: another fingerprint
    wrong_model = encode(changed, _random_response(changed, random.Random(2), cooperative_slugs()))
    other_model = Codebook(**{**book.__dict__, "model": "khac"})
    assert "bộ câu hỏi khác" in _problem(book, encode(other_model, sample)).vi
    assert "bộ câu hỏi khác" in _problem(book, wrong_model).vi
    assert "ký tự" in _problem(book, "1ABC\u202eDEF").vi
    with pytest.raises(CodeProblem):
        decode(book, "1" + "Z" * 5000, cooperative_slugs())


def test_a_code_for_a_cooperative_not_in_the_catalogue_is_refused(book, sample):
    response = dict(sample, respondent="htx-khong-co-that")
    problem = _problem(book, encode(book, response))
    assert "không có trong danh mục" in problem.vi


def test_site_cooperatives_have_distinct_code_hashes():
    slugs = cooperative_slugs()
    assert len({cooperative_hash(s) for s in slugs}) == len(slugs)


def test_encoding_refuses_what_a_code_cannot_hold(book, sample):
    with pytest.raises(ValueError):
        encode(book, dict(sample, respondent="an-001"))
    with pytest.raises(ValueError):
        encode(book, dict(sample, answers=dict(sample["answers"], **{book.criteria[0][0]: 999})))

"""`chophien assessment add`: CSV, JSON and codes merged into a copy of the sample survey; conflicts, no-ops and hostile inputs."""

from __future__ import annotations

import json
import random
import re
import shutil

import pytest
from conftest import ROOT

from chophien.assessment.response_code import Codebook, encode
from chophien.cli import main

# the bundled survey with responses (the sample survey, whatever its name)
SURVEY = sorted(p.parent.name for p in (ROOT / "content/assessments").glob("*/responses.csv"))[0]


@pytest.fixture
def content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content/assessments/models", target / "assessments/models")
    shutil.copytree(ROOT / f"content/assessments/{SURVEY}", target / f"assessments/{SURVEY}")
    shutil.copytree(ROOT / "content/cooperatives", target / "cooperatives")
    return target


def folder(content):
    return content / "assessments" / SURVEY


def header(content) -> str:
    return (folder(content) / "responses.csv").read_text(encoding="utf-8").split("\n", 1)[0]


def row(content, respondent="an-moi-1", points=None, **cells) -> str:
    columns = header(content).split(",")
    values = {
        "respondent": respondent,
        "province": "Lào Cai",
        "region": "trung-du-mien-nui-phia-bac",
        "sector": "nong-nghiep",
        "kind": "hop-tac-xa",
        "size": "10-29",
        "equipment": "khong-co",
        "consent": "no",
    }
    values.update(cells)
    criteria = columns[8:]
    values.update({key: str((points or {}).get(key, 0)) for key in criteria})
    return ",".join(values[c] for c in columns)


def size(content) -> int:
    text = (folder(content) / "survey.yaml").read_text(encoding="utf-8")
    return int(re.search(r"^sample_size: (\d+)", text, re.M).group(1))


def snapshot(content) -> tuple[bytes, bytes]:
    return (folder(content) / "responses.csv").read_bytes(), (folder(content) / "survey.yaml").read_bytes()


def run(content, *inputs, replace=False, capsys=None):
    argv = ["assessment", "add", *map(str, inputs), "--survey", str(folder(content))]
    if replace:
        argv.append("--replace")
    code = main(argv)
    return code, capsys.readouterr().out if capsys else ""


def test_new_responses_are_appended_and_the_sample_size_follows(content, tmp_path, capsys):
    before, survey_before = snapshot(content)
    n = size(content)
    incoming = tmp_path / "phieu.csv"
    incoming.write_text(
        "\ufeff"
        + header(content)
        + "\n"
        + row(content, "an-moi-1")
        + "\n"
        + row(content, "an-moi-2", consent="yes")
        + "\n",
        encoding="utf-8",
    )
    code, out = run(content, incoming, capsys=capsys)
    assert code == 0, out
    after, survey_after = snapshot(content)
    assert after.startswith(before)  # header, order and every old byte kept
    assert after[len(before) :].decode().splitlines() == [
        row(content, "an-moi-1"),
        row(content, "an-moi-2", consent="yes"),
    ]
    assert f"sample_size: {n + 2}".encode() in survey_after
    assert (
        survey_after.replace(f"sample_size: {n + 2}".encode(), f"sample_size: {n}".encode()) == survey_before
    )
    assert "đã thêm 2 phiếu" in out
    # the same file again: nothing to do, nothing written
    code, out = run(content, incoming, capsys=capsys)
    assert code == 0 and "không có gì mới" in out and "giống hệt" in out
    assert snapshot(content) == (after, survey_after)


def test_a_conflicting_response_is_shown_side_by_side_and_needs_replace(content, tmp_path, capsys):
    first = (folder(content) / "responses.csv").read_text(encoding="utf-8").splitlines()[1]
    respondent = first.split(",")[0]
    columns = header(content).split(",")
    cells = first.split(",")
    cells[8] = "0" if cells[8] != "0" else "1"
    incoming = tmp_path / "sua.csv"
    incoming.write_text(header(content) + "\n" + ",".join(cells) + "\n", encoding="utf-8")
    before = snapshot(content)
    code, out = run(content, incoming, capsys=capsys)
    assert code == 1
    assert snapshot(content) == before
    differences = [line for line in out.splitlines() if line.startswith("    ")]
    assert len(differences) == 1 and differences[0].split()[0] == columns[8]  # only what differs
    assert respondent in out and "--replace" in out
    code, out = run(content, incoming, replace=True, capsys=capsys)
    assert code == 0, out
    lines = (folder(content) / "responses.csv").read_text(encoding="utf-8").splitlines()
    assert lines[1] == ",".join(cells) and len(lines) == size(content) + 1  # replaced in place, nothing added
    assert snapshot(content)[1] == before[1]  # same number of respondents


def test_json_and_codes_are_read_too(content, tmp_path, capsys):
    columns = header(content).split(",")
    incoming = tmp_path / "phieu.json"
    item = dict(zip(columns, row(content, "an-json-1").split(","), strict=True))
    item["consent"] = False
    item[columns[8]] = 0  # a number, as the JSON export writes points
    incoming.write_text(json.dumps([item]), encoding="utf-8")
    from chophien.assessment.loader import AssessmentLoader
    from chophien.core.problems import ProblemList

    loader = AssessmentLoader(content, ProblemList(), {})
    models = loader._load_models(content / "assessments/models")
    survey = loader.load_survey(folder(content), SURVEY, models, set(models))
    book = Codebook.of(survey.model)
    response = {
        "respondent": "an-7k2m9q4x",
        "province": "lao-cai",
        "sector": "che-bien",
        "kind": "to-hop-tac",
        "size": "duoi-10",
        "equipment": book.equipment[1],
        "consent": False,
        "answers": {key: points[-1] for key, points in book.criteria},
    }
    code_text = encode(book, response)
    code, out = run(content, incoming, code_text.lower(), capsys=capsys)
    assert code == 0, out
    lines = (folder(content) / "responses.csv").read_text(encoding="utf-8").splitlines()
    assert lines[-2].startswith("an-json-1,Lào Cai,")
    assert lines[-1].startswith("an-7k2m9q4x,Lào Cai,trung-du-mien-nui-phia-bac,che-bien,to-hop-tac,duoi-10,")
    assert lines[-1].endswith(",".join(str(points[-1]) for _, points in book.criteria))


def test_a_crlf_semicolon_file_with_a_bom_keeps_its_form(content, tmp_path, capsys):
    path = folder(content) / "responses.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace(",", ";").replace("\n", "\r\n").encode("utf-8"))
    before = path.read_bytes()
    incoming = tmp_path / "phieu.csv"
    incoming.write_text(header(content).lstrip("\ufeff").replace(";", ",") + "\n" + "XX\n", encoding="utf-8")
    incoming.write_text(
        ",".join(text.split("\n", 1)[0].split(",")) + "\n" + row_plain(text, "an-moi-9") + "\n",
        encoding="utf-8",
    )
    code, out = run(content, incoming, capsys=capsys)
    assert code == 0, out
    after = path.read_bytes()
    assert after.startswith(before)
    assert after[len(before) :] == (row_plain(text, "an-moi-9").replace(",", ";") + "\r\n").encode("utf-8")


def row_plain(text: str, respondent: str) -> str:
    columns = text.split("\n", 1)[0].split(",")
    base = [
        respondent,
        "Lào Cai",
        "trung-du-mien-nui-phia-bac",
        "nong-nghiep",
        "hop-tac-xa",
        "10-29",
        "khong-co",
        "no",
    ]
    return ",".join(base + ["0"] * (len(columns) - 8))


def test_hostile_inputs_are_refused_all_at_once_and_nothing_is_written(content, tmp_path, capsys):
    h = header(content)
    columns = h.split(",")
    formula = tmp_path / "congthuc.csv"
    formula.write_text(
        h
        + "\n"
        + row(content, '=HYPERLINK("http://x")')
        + "\n"  # a formula where the id goes
        + row(content, "Nguyễn Văn A")
        + "\n"  # a person's name
        + row(content, "an-ok-1").replace(",0,", ",+1,", 1)
        + "\n"  # a formula-like cell in a points column
        + row(content, "an-ok-2", province="@SUM(A1)")
        + "\n",
        encoding="utf-8",
    )
    extra = tmp_path / "thua.csv"
    extra.write_text(h + ",phone\n" + row(content, "an-ok-3") + ",0912345678\n", encoding="utf-8")
    missing = tmp_path / "thieu.csv"
    missing.write_text(
        ",".join(columns[:-1]) + "\n" + row(content, "an-ok-4").rsplit(",", 1)[0] + "\n", encoding="utf-8"
    )
    not_a_list = tmp_path / "obj.json"
    not_a_list.write_text('{"respondent": "an-1"}', encoding="utf-8")
    nested = tmp_path / "nested.json"
    nested.write_text('[{"respondent": {"x": 1}}, 5]', encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"respondent\n" + b"x" * (6 * 1024 * 1024))
    other = tmp_path / "phieu.txt"
    other.write_text("hello", encoding="utf-8")
    before = snapshot(content)
    code, out = run(
        content,
        formula,
        extra,
        missing,
        not_a_list,
        nested,
        broken,
        huge,
        other,
        "1BPS9-NQ4Q5-M26G0",
        "1ZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ-ZZZZ",
        "1UUU",
        "x" * 500,
        capsys=capsys,
    )
    assert code == 1
    assert snapshot(content) == before
    errors = [line for line in out.splitlines() if ": lỗi: " in line]
    text = "\n".join(errors)
    assert f"{formula.as_posix()}:2:1: lỗi: respondent" in text
    assert f"{formula.as_posix()}:3:1: lỗi: respondent: “Nguyễn Văn A”" in text
    assert f"{formula.as_posix()}:4:" in text and f"{formula.as_posix()}:5:2: lỗi: province" in text
    assert f"{extra.as_posix()}:1:{len(columns) + 1}: lỗi: phone" in text
    assert f"{missing.as_posix()}:1: lỗi: thiếu cột: {columns[-1]}" in text
    assert f"{not_a_list.as_posix()}: lỗi: tệp JSON phải là một danh sách" in text
    assert f"{nested.as_posix()}:1: lỗi:" in text and f"{nested.as_posix()}:2: lỗi:" in text
    assert f"{broken.as_posix()}: lỗi: không đọc được JSON" in text
    assert "huge.csv: lỗi: tệp quá lớn" in text
    assert f"{other.as_posix()}: lỗi: chỉ đọc tệp .csv, .json" in text
    assert "mã 1: lỗi: mã có" in text and "thiếu hoặc thừa" in text  # truncated
    assert "mã 2: lỗi:" in text
    assert "mã 3, ký tự 2: lỗi: ký tự “U”" in text
    assert "mã 4: lỗi: mã quá dài" in text
    assert len(errors) >= 16


def test_two_different_responses_for_one_respondent_in_the_inputs_are_refused(content, tmp_path, capsys):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(header(content) + "\n" + row(content, "an-cung") + "\n", encoding="utf-8")
    b.write_text(header(content) + "\n" + row(content, "an-cung", size="30-99") + "\n", encoding="utf-8")
    before = snapshot(content)
    code, out = run(content, a, b, capsys=capsys)
    assert code == 1 and "an-cung" in out and "giữ một" in out
    assert [line.split()[0] for line in out.splitlines() if line.startswith("    ")] == ["size"]
    assert snapshot(content) == before


def test_usage_errors_exit_2(content, tmp_path, capsys):
    assert main(["assessment", "add", "x.csv", "--survey", str(tmp_path / "khong-co")]) == 2
    published = content / "assessments/chi-so"
    published.mkdir()
    (published / "survey.yaml").write_text("title: x\n", encoding="utf-8")
    assert main(["assessment", "add", "x.csv", "--survey", str(published)]) == 2
    assert main(["assessment", "add", "--survey", str(folder(content))]) == 2
    out = capsys.readouterr().out
    assert "không có khảo sát" in out and "không có responses.csv" in out and "chưa có tệp" in out


def test_a_survey_with_errors_takes_nothing(content, tmp_path, capsys):
    path = folder(content) / "survey.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            f"sample_size: {size(content)}", f"sample_size: {size(content) - 1}"
        ),
        encoding="utf-8",
    )
    incoming = tmp_path / "phieu.csv"
    incoming.write_text(header(content) + "\n" + row(content, "an-moi-1") + "\n", encoding="utf-8")
    before = snapshot(content)
    code, out = run(content, incoming, capsys=capsys)
    assert code == 1 and "khảo sát đang có lỗi" in out and "sample_size" in out
    assert snapshot(content) == before


def test_random_answer_sets_survive_a_code_round_trip_into_the_file(content, capsys):
    from chophien.assessment.loader import AssessmentLoader
    from chophien.core.problems import ProblemList

    loader = AssessmentLoader(content, ProblemList(), {})
    models = loader._load_models(content / "assessments/models")
    survey = loader.load_survey(folder(content), SURVEY, models, set(models))
    book = Codebook.of(survey.model)
    rng = random.Random(7)
    codes = []
    for n in range(5):
        codes.append(
            encode(
                book,
                {
                    "respondent": f"an-{n}{''.join(rng.choice('abcdefgh') for _ in range(7))}",
                    "province": rng.choice(book.provinces),
                    "sector": rng.choice(book.sectors),
                    "kind": rng.choice(book.kinds),
                    "size": rng.choice(book.sizes),
                    "equipment": rng.choice(book.equipment),
                    "consent": False,
                    "answers": {key: rng.choice(points) for key, points in book.criteria},
                },
            )
        )
    n = size(content)
    code, out = run(content, *codes, capsys=capsys)
    assert code == 0, out
    assert size(content) == n + 5

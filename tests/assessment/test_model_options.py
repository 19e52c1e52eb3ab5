"""A model's questionnaire (chophien.assessment.scoring_models): options, option sets, components, next steps, and the points a responses.csv cell may hold."""

from __future__ import annotations

import pytest
from survey_samples import CSV_PATH, HEADER, survey_tree

from chophien.site.build import prepare

MODEL_PATH = "content/assessments/models/thu-3.yaml"

MODEL = """\
name: Mô hình có phương án
short_name: Thử PA
source: Kiểm thử
option_sets:
  - key: tan-suat
    name: Tần suất
    options:
      - {points: 0, label: Không bao giờ}
      - {points: 1, label: Thưa hơn hằng tháng}
      - {points: 3, label: Hằng tháng}
      - {points: 5, label: Hằng tuần}
levels:
  - {level: 0, name: Chưa}
  - {level: 1, name: Một, pillar_above: 25, total_above: 5, pillars_at_level: 2}
  - {level: 2, name: Hai, pillar_above: 50, total_above: 15, pillars_at_level: 3}
pillars:
  - key: a
    name: Trụ A
    short_name: A
    max: 10
    components:
      - {key: a-mot, name: Thành phần một}
      - {key: a-hai, name: Thành phần hai}
    next_steps:
      - level: 0
        steps: [Lập trang Zalo OA]
      - level: 1
        steps: [Đăng sản phẩm lên sàn, Ghi sổ bán hàng trên điện thoại]
    criteria:
      - key: a1
        name: Câu A1
        component: a-mot
        status: nguon-phu
        help: Tính trong 3 tháng gần nhất
        options:
          - {points: 0, label: Chưa có}
          - {points: 4, label: Có}
          - {points: 10, label: Đầy đủ}
  - key: b
    name: Trụ B
    short_name: B
    max: 10
    criteria:
      - {key: b1, name: Câu B1, max: 10}
  - key: c
    name: Trụ C
    short_name: C
    max: 10
    criteria:
      - {key: c1, name: Câu C1, option_set: tan-suat, status: chua-xac-minh}
      - {key: c2, name: Câu C2, max: 5}
equipment:
  - {key: khong-co, name: Không có thiết bị, short_name: Không có}
  - {key: co-may, name: Có máy, short_name: Có máy}
"""

ROWS = [
    "htx-che-na-hang,Tuyên Quang,nong-nghiep,hop-tac-xa,10-29,co-may,yes,4,6,3,1",
    "an-1,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,,0,1,1,0",
]


def _check(tree, model: str = MODEL, rows: list[str] = ROWS):
    files = survey_tree(rows, **{"assessments/models/thu-3.yaml": model})
    content = tree(files)
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    return prepared.problems.sorted(), prepared


def _at(model: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """(line, column) of the *occurrence*-th *needle* in *model*, 1-based, as problems show them."""
    start = -1
    for _ in range(occurrence):
        start = model.index(needle, start + 1)
    line = model.count("\n", 0, start) + 1
    return line, start - (model.rfind("\n", 0, start) + 1) + 1


def _only(problems, model_path: str = MODEL_PATH):
    """The one problem reported, checked to say where and to carry both languages."""
    assert len(problems) == 1, [p.render() for p in problems]
    (problem,) = problems
    assert problem.path == model_path and problem.line > 0
    vi, en = problem.render("vi"), problem.render("en")
    assert vi.startswith(f"{model_path}:{problem.line}:") and en.startswith(f"{model_path}:{problem.line}:")
    assert problem.message_vi and problem.message_en and problem.message_vi != problem.message_en
    return problem


def test_a_model_with_options_loads_them_in_order_with_their_points(tree):
    problems, prepared = _check(tree)
    assert [p.render() for p in problems] == []
    (survey,) = prepared.catalogue.assessments.surveys
    model = survey.model
    a1, b1, c1, c2 = model.criteria
    assert a1.allowed_points == (0, 4, 10) and a1.maximum == 10 and a1.component == "a-mot"
    assert [o.label for o in a1.options] == ["Chưa có", "Có", "Đầy đủ"] and a1.help.startswith("Tính")
    assert b1.options == () and b1.allowed_points == tuple(range(11))
    assert c1.option_set == "tan-suat" and c1.allowed_points == (0, 1, 3, 5) and c1.maximum == 5
    assert c1.unverified and not a1.unverified and c2.status == ""
    assert [(s.key, s.name, len(s.options)) for s in model.option_sets] == [("tan-suat", "Tần suất", 4)]
    pillar_a = model.pillars[0]
    assert [c.key for c in pillar_a.components] == ["a-mot", "a-hai"]
    assert pillar_a.criteria_of("a-mot") == (a1,) and pillar_a.criteria_of("a-hai") == ()
    assert pillar_a.steps_at(1) == ("Đăng sản phẩm lên sàn", "Ghi sổ bán hàng trên điện thoại")
    assert pillar_a.steps_at(2) == () and model.pillars[1].steps_at(0) == ()
    first, second = survey.responses
    assert first.points == (4, 6, 3, 1) and first.score.total == 14


@pytest.mark.parametrize(
    "old, new, needle, vi, en, example",
    [
        (
            "{points: 0, label: Chưa có}",
            "{points: 1, label: Chưa có}",
            "points: 1, label: Chưa có",
            "phương án đầu tiên (thấp nhất, thường là “chưa có”) phải được 0 điểm",
            "the first (lowest) option",
            "points: 0",
        ),
        (
            "{points: 10, label: Đầy đủ}",
            "{points: 4, label: Đầy đủ}",
            "points: 4, label: Đầy đủ",
            "các phương án xếp từ điểm thấp đến cao: phải lớn hơn 4",
            "options go from the lowest points to the highest: must be more than 4",
            "",
        ),
        (
            "{points: 3, label: Hằng tháng}",
            "{points: 0, label: Hằng tháng}",
            "points: 0, label: Hằng tháng",
            "phải lớn hơn 1",
            "must be more than 1",
            "",
        ),
    ],
)
def test_options_start_at_zero_and_grow(tree, old, new, needle, vi, en, example):
    model = MODEL.replace(old, new)
    problems, prepared = _check(tree, model)
    problem = _only(problems)
    assert (problem.line, problem.column) == _at(model, needle)
    assert vi in problem.message_vi and en in problem.message_en
    assert problem.example == example
    assert not prepared.ok


def test_max_is_optional_with_options_and_must_match_the_highest(tree):
    with_max = MODEL.replace(
        "      - key: a1\n        name: Câu A1\n", "      - key: a1\n        name: Câu A1\n        max: 10\n"
    )
    problems, _ = _check(tree, with_max)
    assert problems == []
    wrong = with_max.replace("        max: 10\n", "        max: 12\n")
    problems, prepared = _check(tree, wrong)
    problem = _only(problems)
    assert (problem.line, problem.column) == _at(wrong, "max: 12")
    assert "max khác điểm của phương án cao nhất (10)" in problem.message_vi
    assert "max differs from the highest option's points (10)" in problem.message_en
    assert problem.example == "max: 10" and not prepared.ok


def test_an_unknown_option_set_suggests_the_nearest(tree):
    model = MODEL.replace("option_set: tan-suat,", "option_set: tan-suet,")
    problems, _ = _check(tree, model)
    problem = _only(problems)
    assert (problem.line, problem.column) == _at(model, "option_set: tan-suet")
    assert "không có bộ phương án “tan-suet” trong option_sets" in problem.message_vi
    assert "tan-suat" in problem.message_vi and "tan-suat" in problem.message_en
    assert "there is no option set “tan-suet”" in problem.message_en


def test_options_and_option_set_together_are_an_error(tree):
    model = MODEL.replace(
        "        status: nguon-phu\n        help:",
        "        status: nguon-phu\n        option_set: tan-suat\n        help:",
    )
    problems, prepared = _check(tree, model)
    problem = _only(problems)
    assert (problem.line, problem.column) == _at(model, "option_set: tan-suat\n")
    assert "chọn một trong hai" in problem.message_vi and "choose one" in problem.message_en
    assert not prepared.ok


def test_an_unknown_component_suggests_the_nearest(tree):
    model = MODEL.replace("component: a-mot", "component: a-moot")
    problems, _ = _check(tree, model)
    problem = _only(problems)
    assert (problem.line, problem.column) == _at(model, "component: a-moot")
    assert "trụ cột không có chỉ số thành phần “a-moot” (a-mot, a-hai)" in problem.message_vi
    assert "a-mot" in problem.message_vi.split("(a-mot, a-hai)")[1]  # the did-you-mean
    assert "the pillar has no component index “a-moot”" in problem.message_en


def test_a_component_outside_a_pillar_without_components_is_an_error(tree):
    model = MODEL.replace(
        "{key: b1, name: Câu B1, max: 10}", "{key: b1, name: Câu B1, max: 10, component: a-mot}"
    )
    problems, _ = _check(tree, model)
    problem = _only(problems)
    assert problem.line == _at(model, "component: a-mot}")[0]
    assert "chưa khai báo components" in problem.message_vi and "no components declared" in problem.message_en


def test_in_a_pillar_with_components_every_criterion_names_one(tree):
    model = MODEL.replace("        component: a-mot\n", "")
    problems, prepared = _check(tree, model)
    problem = _only(problems)
    assert problem.line == _at(model, "- key: a1")[0]
    assert "mỗi tiêu chí ghi component" in problem.message_vi
    assert "each criterion names its component" in problem.message_en
    assert problem.example == "component: a-mot" and not prepared.ok


def test_next_steps_for_a_level_the_model_does_not_have(tree):
    model = MODEL.replace("      - level: 1\n        steps: [Đăng", "      - level: 5\n        steps: [Đăng")
    problems, _ = _check(tree, model)
    problem = _only(problems)
    assert (problem.line, problem.column) == _at(model, "level: 5")
    assert "bộ tiêu chí chỉ có các mức 0–2" in problem.message_vi
    assert "the model only has levels 0–2" in problem.message_en and problem.example == "level: 2"


def test_next_steps_may_not_repeat_a_level(tree):
    model = MODEL.replace("      - level: 1\n        steps: [Đăng", "      - level: 0\n        steps: [Đăng")
    problems, prepared = _check(tree, model)
    problem = _only(problems)
    first, _ = _at(model, "      - level: 0\n        steps: [Lập")
    assert (problem.line, problem.column) == _at(model, "level: 0\n        steps: [Đăng")
    assert f"mã “0” bị trùng (đã có ở dòng {first + 0})" in problem.message_vi
    assert f"(already on line {first})" in problem.message_en
    assert not prepared.ok


@pytest.mark.parametrize(
    "cell, column, allowed",
    [("2", 10, "0, 1, 3, 5"), ("5", 8, "0, 4, 10"), ("7", 8, "0, 4, 10")],
)
def test_a_cell_must_be_the_points_of_one_of_the_options(tree, cell, column, allowed):
    """c1 uses the 0/1/3/5 set: 2 is no option's points; a1's options are 0/4/10."""
    row = "an-1,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,,0,1,1,0".split(",")
    row[column - 1] = cell
    problems, prepared = _check(tree, rows=[ROWS[0], ",".join(row)])
    assert len(problems) == 1, [p.render() for p in problems]
    (problem,) = problems
    key = HEADER.strip().split(",")[column - 1]
    assert problem.render() == (
        f"{CSV_PATH}:3:{column}: lỗi: {key}: {cell} không phải điểm của phương án nào của tiêu chí "
        f"{key} ({allowed}). Ví dụ: {allowed.split(', ')[-1]}"
    )
    assert problem.render("en").startswith(f"{CSV_PATH}:3:{column}: ")
    assert f"{cell} is not the points of any option of criterion {key} ({allowed})" in problem.message_en
    assert not prepared.ok


@pytest.mark.parametrize("cell", ["-1", "11", "4.0", "0x4", "４", " 4", "1e1"])
def test_odd_cells_for_a_criterion_with_options_are_errors_not_tracebacks(tree, cell):
    problems, prepared = _check(tree, rows=[ROWS[0], ROWS[1].replace(",,0,1,1,0", f",,{cell},1,1,0")])
    # Trimmed, and a full-width digit is read as 4 (Python's int), as in every whole-number cell.
    if cell in (" 4", "４"):
        assert problems == [] and prepared.ok
        return
    assert [(p.path, p.line, p.column) for p in problems] == [(CSV_PATH, 3, 8)], [
        p.render() for p in problems
    ]
    assert not prepared.ok

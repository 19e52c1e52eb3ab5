"""A small survey tree (a three-pillar model, survey.yaml, responses.csv) and its check, shared by the assessment tests (no tests here)."""

from __future__ import annotations

from conftest import minimal_tree

from chophien.site.build import prepare

# --- files: models, survey.yaml, responses.csv, published.yaml ---------------------------------

MODEL = """\
# A second model, added as a file: no code.
name: Mô hình thử ba trụ cột
short_name: Thử 3
source: Kiểm thử
levels:
  - {level: 0, name: Chưa}
  - {level: 1, name: Một, pillar_above: 25, total_above: 5, pillars_at_level: 2}
  - {level: 2, name: Hai, pillar_above: 50, total_above: 15, pillars_at_level: 3}
pillars:
  - key: a
    name: Trụ A
    short_name: A
    max: 10
    criteria:
      - {key: a1, name: Câu A1, max: 10}
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
      - {key: c1, name: Câu C1, max: 6}
      - {key: c2, name: Câu C2, max: 4}
equipment:
  - {key: khong-co, name: Không có thiết bị, short_name: Không có}
  - {key: co-may, name: Có máy, short_name: Có máy}
"""

SURVEY = """\
title: Khảo sát thử
organiser: Nhóm thử
period: "2025"
year: 2025
method: Phỏng vấn trực tiếp
sample_size: {n}
model: thu-3
source: Kiểm thử
consent:
  own_results: yes
"""

HEADER = "respondent,province,sector,kind,size,equipment,consent,a1,b1,c1,c2\n"
CSV_PATH = "content/assessments/thu/responses.csv"


def survey_tree(rows: list[str], n: int | None = None, **extra):
    files = {
        "assessments/models/thu-3.yaml": MODEL,
        "assessments/thu/survey.yaml": SURVEY.replace("{n}", str(len(rows) if n is None else n)),
        "assessments/thu/responses.csv": HEADER + "".join(r + "\n" for r in rows),
    }
    files.update(extra)
    return minimal_tree(**{k.replace("/", "__"): v for k, v in files.items()})


def check(tree, files):
    content = tree(files)
    prepared = prepare(content, content.parent / ".cache", with_images=False)
    return [p.render() for p in prepared.problems.sorted()], prepared


GOOD = [
    "htx-che-na-hang,Tuyên Quang,nong-nghiep,hop-tac-xa,10-29,co-may,yes,3,6,4,1",
    "an-1,Lào Cai,che-bien,to-hop-tac,duoi-10,khong-co,,1,1,1,0",
]

"""A content tree with two surveys for the self-assessment tests (the real dbi-2021.yaml and the three-pillar test model), and answer sets on every level boundary; not a test file."""

from __future__ import annotations

import random
from pathlib import Path

from conftest import ROOT, minimal_tree, write_tree
from survey_samples import GOOD, HEADER, MODEL, SURVEY

from chophien.assessment import scoring
from chophien.assessment.model import ScoringModel
from chophien.site.build import prepare

DBI = (ROOT / "content/assessments/models/dbi-2021.yaml").read_text(encoding="utf-8")

DBI_SURVEY = """\
title: Khảo sát thử 60 tiêu chí
organiser: Nhóm thử
period: "2026"
year: 2026
method: Phỏng vấn trực tiếp
sample_size: {n}
model: dbi-2021
source: Kiểm thử
sample_data: yes
consent:
  own_results: yes
"""
PROVINCES = ("Tuyên Quang", "Lào Cai", "Điện Biên")
COMMON = "respondent,province,sector,kind,size,equipment,consent"


def dbi_rows(model: ScoringModel, n: int = 24, seed: int = 13) -> str:
    """responses.csv for *model*: n invented rows over three provinces, options' points only."""
    rng = random.Random(seed)
    keys = [c.key for c in model.criteria]
    lines = [",".join([COMMON, *keys])]
    for i in range(n):
        province = PROVINCES[i % len(PROVINCES)]
        points = [str(rng.choice(c.allowed_points)) for c in model.criteria]
        equipment = model.equipment[i % 2].key
        lines.append(f"an-{i + 1},{province},nong-nghiep,hop-tac-xa,10-29,{equipment},,{','.join(points)}")
    return "\n".join(lines) + "\n"


def two_survey_files(dbi_model: ScoringModel) -> dict:
    """assessments/: dbi-2021 with a 2026 survey (the primary model), thu-3 with a 2025 one."""
    return {
        "assessments/models/dbi-2021.yaml": DBI,
        "assessments/models/thu-3.yaml": MODEL,
        "assessments/thu/survey.yaml": SURVEY.replace("{n}", str(len(GOOD))),
        "assessments/thu/responses.csv": HEADER + "".join(r + "\n" for r in GOOD),
        "assessments/khao-sat-60/survey.yaml": DBI_SURVEY.replace("{n}", "24"),
        "assessments/khao-sat-60/responses.csv": dbi_rows(dbi_model),
    }


def two_survey_content(root: Path):
    """Write the two-survey tree under *root*: (content folder, its loaded catalogue)."""
    first = root / "models-only"
    prepared = prepare(
        write_tree(first, minimal_tree(**{"assessments/models/dbi-2021.yaml": DBI})),
        first / ".cache",
        with_images=False,
    )
    dbi = prepared.catalogue.assessments.models["dbi-2021"]
    content = write_tree(root, minimal_tree(**two_survey_files(dbi)))
    prepared = prepare(content, root / ".cache", with_images=False)
    problems = [p.render() for p in prepared.problems.sorted()]
    assert problems == [] and prepared.ok, problems
    return content, prepared.catalogue


# --- answer sets -------------------------------------------------------------------------------


def _reachable(criteria) -> list[set[int]]:
    """reach[i]: the sums criteria[i:] can make."""
    reach = [{0}]
    for c in reversed(criteria):
        reach.insert(0, {s + p for s in reach[0] for p in c.allowed_points})
    return reach


def fill(criteria, target: int, rng: random.Random) -> dict[str, int] | None:
    """Answers to *criteria* adding up to *target* exactly (a random one), or None if none does."""
    reach = _reachable(criteria)
    if target not in reach[0]:
        return None
    out, left = {}, target
    for i, c in enumerate(criteria):
        choices = [p for p in c.allowed_points if left - p in reach[i + 1]]
        out[c.key] = rng.choice(choices)
        left -= out[c.key]
    return out


def _answers(model: ScoringModel, pillar_points: list[int], rng: random.Random) -> dict[str, int] | None:
    answers = {}
    for pillar, target in zip(model.pillars, pillar_points, strict=True):
        part = fill(pillar.criteria, target, rng)
        if part is None:
            return None
        answers.update(part)
    return answers


def _nearest(reach: set[int], target: int) -> int:
    return min(reach, key=lambda s: (abs(s - target), s))


def boundary_sets(model: ScoringModel, rng: random.Random) -> list[dict[str, int]]:
    """Answer sets on and one point over every pillar band and every total bound.

    Pillar bands: each pillar exactly at the band's bound (not above it) and one point over, the
    others random. Total bounds: totals of exactly total_above and total_above + 1, with exactly
    pillars_at_level pillars at the level and one fewer.
    """
    reach = [_reachable(p.criteria)[0] for p in model.pillars]
    sets = []
    for index, pillar in enumerate(model.pillars):
        for _level, above in model.pillar_thresholds:
            bound = above * pillar.maximum // 100
            for target in (bound, bound + 1):
                points = [rng.choice(sorted(r)) for r in reach]
                if target in reach[index]:
                    points[index] = target
                    sets.append(_answers(model, points, rng))
    for level, total_above, needed in model.overall_rules:
        above = dict(model.pillar_thresholds)[level]
        least = [above * p.maximum // 100 + 1 for p in model.pillars]
        for at_level in (needed, needed - 1):
            for total in (total_above, total_above + 1):
                points = _split(model, reach, least, at_level, total, rng)
                if points is not None:
                    sets.append(_answers(model, points, rng))
    return [s for s in sets if s is not None]


def _split(model, reach, least, at_level, total, rng) -> list[int] | None:
    """Pillar points adding up to *total* with exactly *at_level* pillars at or over their *least*."""
    count = len(model.pillars)
    if not 0 <= at_level <= count:
        return None
    for _attempt in range(200):
        chosen = set(rng.sample(range(count), at_level))
        points = []
        for i, r in enumerate(reach):
            options = sorted(s for s in r if (s >= least[i]) == (i in chosen))
            if not options:
                break
            points.append(rng.choice(options))
        else:
            # move points towards the total, keeping each pillar on its side of its bound
            order = list(range(count))
            for _step in range(5000):
                gap = total - sum(points)
                if gap == 0:
                    return points
                rng.shuffle(order)
                moved = False
                for i in order:
                    side = [s for s in reach[i] if (s >= least[i]) == (i in chosen)]
                    better = [s for s in side if abs(gap - (s - points[i])) < abs(gap)]
                    if better:
                        points[i] = min(better, key=lambda s: abs(gap - (s - points[i])))
                        moved = True
                        break
                if not moved:
                    break
    return None


def random_sets(model: ScoringModel, count: int, rng: random.Random) -> list[dict[str, int]]:
    """*count* answer sets: all-lowest, all-highest, then uniform and per-pillar-skewed random ones."""
    sets = [
        {c.key: c.allowed_points[0] for c in model.criteria},
        {c.key: c.allowed_points[-1] for c in model.criteria},
    ]
    while len(sets) < count:
        bias = [rng.random() for _ in model.pillars]
        answers = {}
        for pillar, b in zip(model.pillars, bias, strict=True):
            for c in pillar.criteria:
                points = c.allowed_points
                answers[c.key] = points[
                    min(len(points) - 1, int(rng.betavariate(1 + 4 * b, 5 - 4 * b) * len(points)))
                ]
        sets.append(answers)
    return sets


def python_score(model: ScoringModel, answers: dict[str, int]) -> dict:
    s = scoring.score(model, answers)
    return {"level": s.level, "total": s.total, "pillarPoints": list(s.pillar_points)}

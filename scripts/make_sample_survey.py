#!/usr/bin/env python3
"""Write the sample assessment microdata: content/assessments/khao-sat-mau-2026/responses.csv.

Every row is invented ("Dữ liệu mẫu"). The sample is shaped like the programme's real picture
(../shared/reference/dx_frameworks.md §0): most cooperatives at DBI levels 1–2, most without
production equipment, automation rare. Each of the 20 sample cooperatives answers once under its
own slug (province and kind taken from its file; some consent to show their result, some not);
the other rows are anonymous (an-001, …). Some provinces and kinds get fewer than 5 rows on
purpose, so the pages show small-cell suppression; the two enterprises, neither consenting, share
one equipment answer, so they also show a whole group's row hidden (docs/assessment.md, "Privacy").

    .venv/bin/python scripts/make_sample_survey.py          # rewrite the CSV
    .venv/bin/python scripts/make_sample_survey.py --check  # exit 1 if the CSV is out of date

Deterministic: one seeded random generator, rows in a fixed order.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from collections import Counter
from pathlib import Path

from chophien import reference
from chophien.assessment.files import AssessmentFiles
from chophien.assessment.scoring import score
from chophien.assessment.scoring_models import load_model
from chophien.catalogue.loader import load_catalogue
from chophien.core.problems import ProblemList

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
SURVEY = CONTENT / "assessments" / "khao-sat-mau-2026"
MODEL = CONTENT / "assessments" / "models" / "dbi-2021-dnnvv.yaml"
SEED = 2026

# Respondents per province, cooperatives' own rows included. Vĩnh Long and Cần Thơ are small.
PROVINCES = {
    "Lào Cai": 18, "Sơn La": 18, "Tuyên Quang": 16, "Điện Biên": 14, "Cao Bằng": 14,
    "Lai Châu": 12, "Lạng Sơn": 12, "Phú Thọ": 10, "Gia Lai": 10, "Đắk Lắk": 10,
    "Thái Nguyên": 8, "Lâm Đồng": 8, "Quảng Ngãi": 6, "An Giang": 6, "Cần Thơ": 3, "Vĩnh Long": 3,
}  # fmt: skip
KINDS = {"hop-tac-xa": 80, "to-hop-tac": 14, "ho-kinh-doanh": 3, "doanh-nghiep": 2, "lien-hiep-hop-tac-xa": 1}
SECTORS = {
    "nong-nghiep": 34, "lam-nghiep": 16, "che-bien": 22, "thu-cong": 12,
    "du-lich-dich-vu": 9, "thuy-san": 4, "khac": 3,
}  # fmt: skip
SIZES = {"duoi-10": 30, "10-29": 42, "30-99": 22, "tu-100": 6}
# How far each pillar usually is, relative to a cooperative's overall maturity.
PILLAR_BIAS = {
    "khach-hang": 1.25,
    "chien-luoc": 0.7,
    "ha-tang": 1.05,
    "van-hanh": 0.9,
    "van-hoa": 1.0,
    "du-lieu": 0.75,
}
CONSENTING = {
    "htx-che-shan-tuyet-ho-thau", "htx-ca-phe-buon-ky", "htx-nong-san-y-ty", "to-hop-tac-ong-mat-dong-van",
    "htx-det-tho-cam-mai-chau", "lien-hiep-htx-nong-san-son-la", "htx-sam-ngoc-linh-tu-mo-rong",
}  # fmt: skip


def pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def equipment_for(rng: random.Random, maturity: float) -> str:
    """Mostly none; automation only among the more mature, and still rare."""
    roll = rng.random()
    if roll < 0.58 - 0.6 * maturity:
        return "khong-co"
    if roll < 0.80 - 0.4 * maturity:
        return "thu-cong"
    if roll < 0.95 - 0.2 * maturity:
        return "ban-tu-dong"
    return "tu-dong-co-dinh" if rng.random() < 0.75 else "tu-dong-linh-hoat"


AUTOMATION_POINTS = {  # criterion ht3 (automatic equipment, sensors) follows the equipment answer
    "khong-co": (0, 1), "thu-cong": (0, 4), "ban-tu-dong": (4, 10),
    "tu-dong-co-dinh": (9, 15), "tu-dong-linh-hoat": (13, 20),
}  # fmt: skip


def answer(rng: random.Random, model, maturity: float, equipment: str) -> dict[str, int]:
    points = {}
    for pillar in model.pillars:
        bias = PILLAR_BIAS[pillar.key]
        for criterion in pillar.criteria:
            if criterion.key == "ht3":
                low, high = AUTOMATION_POINTS[equipment]
                points[criterion.key] = rng.randint(low, high)
                continue
            share = min(1.0, max(0.0, maturity * bias + rng.gauss(0, 0.08)))
            points[criterion.key] = round(criterion.maximum * share)
    return points


def rows(model, catalogue) -> list[list[str]]:
    rng = random.Random(SEED)
    own = sorted(catalogue.cooperatives.values(), key=lambda c: c.slug)
    remaining = dict(PROVINCES)
    respondents = []  # (respondent, province, kind, consent)
    for coop in own:
        remaining[coop.province.name] -= 1
        respondents.append((coop.slug, coop.province.name, coop.kind, coop.slug in CONSENTING))
    anonymous = [name for name, count in remaining.items() for _ in range(count)]
    rng.shuffle(anonymous)
    for number, province in enumerate(anonymous, start=1):
        respondents.append((f"an-{number:03d}", province, pick(rng, KINDS), False))
    table = []
    for respondent, province_name, kind, consent in respondents:
        province, _ = reference.find_province(province_name)
        maturity = rng.betavariate(2.2, 6.5)
        equipment = equipment_for(rng, maturity)
        points = answer(rng, model, maturity, equipment)
        table.append(
            [
                respondent,
                province_name,
                province.region,
                pick(rng, SECTORS),
                kind,
                pick(rng, SIZES),
                equipment,
                "yes" if consent else "no",
                *(str(points[c.key]) for c in model.criteria),
            ]
        )
    return table


def render(model, table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["respondent", "province", "region", "sector", "kind", "size", "equipment", "consent"]
        + [c.key for c in model.criteria]
    )
    writer.writerows(table)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="fail if the CSV differs from what would be written"
    )
    args = parser.parse_args()
    catalogue, problems, _ = load_catalogue(CONTENT)
    model_problems = ProblemList()
    model = load_model(AssessmentFiles(CONTENT, model_problems), MODEL)
    if problems.errors or model is None:
        print("content has errors: run `chophien validate` first", file=sys.stderr)
        return 1
    table = rows(model, catalogue)
    text = render(model, table)
    target = SURVEY / "responses.csv"
    if args.check:
        same = target.is_file() and target.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{target} is out of date: run scripts/make_sample_survey.py")
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    levels = Counter(
        score(model, dict(zip([c.key for c in model.criteria], map(int, row[8:]), strict=True))).level
        for row in table
    )
    equipment = Counter(row[6] for row in table)
    print(f"{len(table)} rows → {target.relative_to(ROOT)}")
    print("overall levels:", dict(sorted(levels.items())))
    print("equipment:", dict(equipment.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

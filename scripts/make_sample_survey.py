#!/usr/bin/env python3
"""Write the sample assessment microdata: content/assessments/khao-sat-mau-2026/responses.csv (Dữ liệu mẫu).

Every row is invented ("Dữ liệu mẫu"), answered on the 60 criteria of content/assessments/models/
dbi-2021.yaml. The sample is shaped like the programme's real picture (the 2022 survey of 200
cooperatives, ../shared/reference/dx_frameworks.md §0): most cooperatives at DBI levels 1–2
(mountain and ethnic-minority areas "at the start of level 2"), a few at 3–4, hardly any at 5;
about 70% without production equipment, a fifth semi-automatic, automation rare and mostly
irrigation. How it is made:

- each respondent has one maturity (a beta draw, nudged by kind and size); its six pillars move
  with it (each pillar has its usual offset: strategy and data lag, customers and ICT use lead,
  plus a small per-cooperative wobble), and each criterion has its own ease (bank transfers and
  smartphones are common, blockchain and robots are not);
- an answer is always one of the criterion's options (Criterion.allowed_points): the option whose
  share of the maximum is nearest to the respondent's share for that criterion;
- sensors and automated processes (ht11, ht14) follow the equipment answer.

Each of the 20 sample cooperatives answers once under its own slug (province and kind taken from
its file); seven consent to show their result on their page. The other rows are anonymous
(an-001, …). Some groups are small on purpose so that the pages show suppression: Cần Thơ and
Vĩnh Long (2 each), the two enterprises (neither consenting, both with manual equipment: a
whole group's row hidden, issue 11), the union of cooperatives (3).

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
MODEL = CONTENT / "assessments" / "models" / "dbi-2021.yaml"
SEED = 2026

# Respondents per province (34 units after 2025), cooperatives' own rows included: mostly the
# northern mountains and the Central Highlands; Cần Thơ and Vĩnh Long are small on purpose.
PROVINCES = {
    "Lào Cai": 18, "Sơn La": 18, "Tuyên Quang": 16, "Điện Biên": 14, "Cao Bằng": 14,
    "Lai Châu": 12, "Lạng Sơn": 12, "Phú Thọ": 10, "Gia Lai": 10, "Đắk Lắk": 10,
    "Thái Nguyên": 8, "Thanh Hóa": 8, "Nghệ An": 8, "Lâm Đồng": 8, "Quảng Ngãi": 6,
    "An Giang": 4, "Cần Thơ": 2, "Vĩnh Long": 2,
}  # fmt: skip
# Anonymous rows only: the two enterprises are the catalogue's own (a small group on purpose).
KINDS = {"hop-tac-xa": 122, "to-hop-tac": 25, "ho-kinh-doanh": 9, "lien-hiep-hop-tac-xa": 2}
SECTORS = {
    "nong-nghiep": 36, "lam-nghiep": 16, "che-bien": 20, "thu-cong": 12,
    "du-lich-dich-vu": 9, "thuy-san": 4, "khac": 3,
}  # fmt: skip
SIZES = {  # members, by kind
    "hop-tac-xa": {"duoi-10": 12, "10-29": 48, "30-99": 32, "tu-100": 8},
    "to-hop-tac": {"duoi-10": 60, "10-29": 40},
    "ho-kinh-doanh": {"duoi-10": 90, "10-29": 10},
    "doanh-nghiep": {"duoi-10": 50, "10-29": 50},
    "lien-hiep-hop-tac-xa": {"30-99": 30, "tu-100": 70},
}
KIND_NUDGE = {
    "hop-tac-xa": 0.0,
    "to-hop-tac": -0.05,
    "ho-kinh-doanh": -0.03,
    "doanh-nghiep": 0.06,
    "lien-hiep-hop-tac-xa": 0.08,
}
SIZE_NUDGE = {"duoi-10": -0.04, "10-29": 0.0, "30-99": 0.03, "tu-100": 0.06}
# The catalogue cooperatives' sector, from what they sell.
OWN_SECTOR = {
    "cong-ty-cacao-ea-kar": "che-bien", "cong-ty-nong-san-nam-rom": "che-bien",
    "hkd-dua-sap-cau-ke": "nong-nghiep", "hkd-mien-dong-phia-den": "che-bien",
    "htx-ca-phe-buon-ky": "nong-nghiep", "htx-ca-phe-lang-biang": "che-bien",
    "htx-che-shan-tuyet-ho-thau": "che-bien", "htx-det-tho-cam-mai-chau": "thu-cong",
    "htx-duoc-lieu-sin-ho": "lam-nghiep", "htx-hoi-van-quan": "lam-nghiep",
    "htx-nong-lam-san-tu-le": "lam-nghiep", "htx-nong-san-y-ty": "nong-nghiep",
    "htx-phum-soc-tai-van": "thu-cong", "htx-ren-phuc-sen": "thu-cong",
    "htx-sam-ngoc-linh-tu-mo-rong": "lam-nghiep", "htx-thot-not-tri-ton": "che-bien",
    "lien-hiep-htx-nong-san-son-la": "nong-nghiep", "to-hop-tac-det-tho-cam-ba-na": "thu-cong",
    "to-hop-tac-du-lich-pac-ngoi": "du-lich-dich-vu", "to-hop-tac-ong-mat-dong-van": "nong-nghiep",
}  # fmt: skip
CONSENTING = {
    "htx-che-shan-tuyet-ho-thau", "htx-ca-phe-buon-ky", "htx-nong-san-y-ty", "to-hop-tac-ong-mat-dong-van",
    "htx-det-tho-cam-mai-chau", "lien-hiep-htx-nong-san-son-la", "htx-sam-ngoc-linh-tu-mo-rong",
}  # fmt: skip
# How far each pillar usually is from a cooperative's overall maturity (share of its maximum).
PILLAR_OFFSET = {
    "khach-hang": 0.03, "chien-luoc": -0.04, "ha-tang": -0.02,
    "van-hanh": -0.01, "van-hoa": 0.05, "du-lieu": -0.06,
}  # fmt: skip
# A criterion's ease: added to the respondent's share (default 0). Common in highland
# cooperatives: bank transfers and QR, smartphones, Zalo, e-invoices (compulsory when invoicing);
# rare: a website, cross-border sales, LAN, blockchain, robots, big data, patents, R&D budgets.
EASE = {
    "kh01": -0.20, "kh02": 0.10, "kh03": -0.05, "kh04": -0.08, "kh05": -0.05, "kh06": -0.40,
    "kh07": 0.05, "kh08": 0.22, "kh09": -0.15, "kh10": 0.08, "kh11": 0.12, "kh12": 0.30,
    "kh13": -0.05, "cl01": 0.0,
    "ht01": 0.05, "ht02": 0.05, "ht03": -0.30, "ht04": 0.05, "ht05": 0.30, "ht06": 0.18,
    "ht07": -0.02, "ht08": 0.05, "ht09": -0.12, "ht10": 0.0, "ht11": 0.0, "ht12": -0.45,
    "ht13": -0.45, "ht14": 0.0, "ht15": 0.10, "ht16": -0.10,
    "vh01": 0.0, "vh02": -0.05, "vh03": 0.10, "vh04": 0.0, "vh05": 0.0, "vh06": -0.05,
    "vh07": 0.10, "vh08": -0.05, "vh09": 0.0, "vh10": -0.05, "vh11": 0.10, "vh12": -0.05,
    "vh13": -0.10,
    "vf01": 0.30, "vf02": 0.28, "vf03": -0.30, "vf04": 0.05, "vf05": -0.05, "vf06": -0.10,
    "vf07": -0.25, "vf08": -0.15, "vf09": 0.12, "vf10": -0.15,
    "dl01": 0.05, "dl02": -0.30, "dl03": -0.10, "dl04": 0.05, "dl05": -0.15, "dl06": -0.02,
    "dl07": 0.02,
}  # fmt: skip
# ht11 (sensors) and ht14 (automated processes): the share that goes with each equipment class.
EQUIPMENT_SHARE = {
    "khong-co": -0.3, "thu-cong": -0.2, "ban-tu-dong": 0.15, "tu-dong-co-dinh": 0.4, "tu-dong-linh-hoat": 0.65,
}  # fmt: skip


def pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def equipment_for(rng: random.Random, maturity: float, sector: str) -> str:
    """About 66% none, 8% manual, 19% semi-automatic, 7% automatic (mostly irrigation, so farming)."""
    roll = rng.random() - 0.35 * (maturity - 0.22)
    if sector in ("du-lich-dich-vu", "khac"):
        roll -= 0.12
    if roll < 0.66:
        return "khong-co"
    if roll < 0.74:
        return "thu-cong"
    if roll < 0.87 or sector not in ("nong-nghiep", "lam-nghiep", "thuy-san", "che-bien"):
        return "ban-tu-dong"
    return "tu-dong-linh-hoat" if rng.random() < 0.12 else "tu-dong-co-dinh"


def nearest(criterion, share: float) -> int:
    """The points of the option whose share of the maximum is nearest to *share*."""
    share = min(1.0, max(0.0, share))
    return min(criterion.allowed_points, key=lambda points: (abs(points / criterion.maximum - share), points))


def answer(
    rng: random.Random, model, maturity: float, equipment: str, sector: str, leader: bool
) -> dict[str, int]:
    """A leader's pillars are more even: its strategy and data do not lag as far behind."""
    points = {}
    for pillar in model.pillars:
        offset = PILLAR_OFFSET[pillar.key]
        base = maturity + (max(offset, 0.0) if leader else offset) + rng.gauss(0, 0.05)
        if sector == "du-lich-dich-vu" and pillar.key == "khach-hang":
            base += 0.06
        for criterion in pillar.criteria:
            ease = EASE.get(criterion.key, 0.0)
            share = base + (ease / 2 if leader and ease < 0 else ease) + rng.gauss(0, 0.11)
            if criterion.key in ("ht11", "ht14"):
                share = maturity * 0.5 + EQUIPMENT_SHARE[equipment] + rng.gauss(0, 0.06)
            points[criterion.key] = nearest(criterion, share)
    return points


def respondents(catalogue, rng: random.Random) -> list[tuple[str, str, str, str, bool]]:
    """(respondent, province, kind, sector, consent): the catalogue's cooperatives, then anonymous rows."""
    remaining = dict(PROVINCES)
    rows = []
    for coop in sorted(catalogue.cooperatives.values(), key=lambda c: c.slug):
        remaining[coop.province.name] -= 1
        rows.append(
            (coop.slug, coop.province.name, coop.kind, OWN_SECTOR[coop.slug], coop.slug in CONSENTING)
        )
    anonymous = [name for name, count in remaining.items() for _ in range(count)]
    rng.shuffle(anonymous)
    for number, province in enumerate(anonymous, start=1):
        rows.append((f"an-{number:03d}", province, pick(rng, KINDS), pick(rng, SECTORS), False))
    return rows


def rows(model, catalogue) -> list[list[str]]:
    rng = random.Random(SEED)
    table = []
    for respondent, province_name, kind, sector, consent in respondents(catalogue, rng):
        province, _ = reference.find_province(province_name)
        size = pick(rng, SIZES[kind])
        # A few leaders (about one in ten) pull ahead: levels 3–4, hardly ever 5.
        leader = rng.random() < 0.1
        spread = rng.uniform(0.55, 0.85) if leader else rng.betavariate(2.9, 6.8)
        maturity = spread + KIND_NUDGE[kind] + SIZE_NUDGE[size]
        # The two enterprises share one equipment answer on purpose (docs/assessment.md, "Privacy").
        equipment = "thu-cong" if kind == "doanh-nghiep" else equipment_for(rng, maturity, sector)
        points = answer(rng, model, maturity, equipment, sector, leader)
        table.append(
            [
                respondent,
                province_name,
                province.region,
                sector,
                kind,
                size,
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
    keys = [c.key for c in model.criteria]
    scores = [score(model, dict(zip(keys, map(int, row[8:]), strict=True))) for row in table]
    print(f"{len(table)} rows → {target.relative_to(ROOT)}")
    print("overall levels:", dict(sorted(Counter(s.level for s in scores).items())))
    print("mean total:", round(sum(s.total for s in scores) / len(scores), 1))
    for index, pillar in enumerate(model.pillars):
        print(
            f"  {pillar.key}: levels", dict(sorted(Counter(s.pillar_levels[index] for s in scores).items()))
        )
    print("equipment:", dict(Counter(row[6] for row in table).most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The self-assessment pages (/danh-gia/tu-danh-gia/): one questionnaire per scoring model a survey uses, and their service worker.

The primary model (the newest survey with microdata, else the newest survey) answers at
`/danh-gia/tu-danh-gia/`, every other model a survey uses at `/danh-gia/tu-danh-gia/<model>/`.
The page is the whole questionnaire without JavaScript (printable, scored on paper with the
level tables); theme/static/js/self-assessment.js turns it into a stepper that scores on the
device (docs/assessment.md, "Self-assessment"). Nothing here knows the theme's files: the
templates ask the adapter's `asset()` for the scripts' fingerprinted names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from chophien import reference
from chophien.assessment.model import SECTORS, SIZE_BANDS, Assessments, ScoringModel, Survey
from chophien.catalogue.model import KINDS
from chophien.core.text import collation_key
from chophien.site import i18n, urls
from chophien.site.i18n import N_
from chophien.site.page import EVERY_PAGE_SCRIPTS, Page, crumbs

TEMPLATE = "self_assessment.html"
WORKER_TEMPLATE = "self_assessment_sw.html"
STYLESHEETS = ("css/site.css", "css/self-assessment.css")
SCRIPTS = ("js/assessment-score.js", "js/self-assessment.js")
# The enumerator mode's loader (theme/templates/_enumerator.html), precached when the theme has it:
# the templates compare asset(name) with its unfingerprinted path. The mode's own scripts are asked
# to be cached by the loader when the mode is opened (the worker's "precache" message), so a
# cooperative assessing itself never downloads them.
OPTIONAL_SCRIPTS = ("js/enumerator-loader.js",)


@dataclass(frozen=True)
class PillarBand:
    """The least points at which a pillar reaches a level: points × 100 > above × max."""

    level: int
    above: int
    least: int  # the smallest whole number of points above the share


def least_points(above_percent: int, maximum: int) -> int:
    """The smallest p with p × 100 > above × maximum (exact, as scoring.pillar_level)."""
    return above_percent * maximum // 100 + 1


def pillar_bands(model: ScoringModel, maximum: int) -> list[PillarBand]:
    return [PillarBand(n, above, least_points(above, maximum)) for n, above in model.pillar_thresholds]


def primary_model(assessments: Assessments | None) -> ScoringModel | None:
    """The model of the newest survey with microdata; without one, of the newest survey."""
    surveys = assessments.surveys if assessments else []
    with_data = [s for s in surveys if s.has_microdata]
    chosen = (with_data or surveys or [None])[0]
    return chosen.model if chosen else None


def questionnaires(assessments: Assessments | None) -> list[tuple[ScoringModel, str]]:
    """(model, URL) of every model a survey uses, the primary model first at /danh-gia/tu-danh-gia/."""
    primary = primary_model(assessments)
    if primary is None:
        return []
    others = sorted(
        {s.model.slug: s.model for s in assessments.surveys if s.model.slug != primary.slug}.items()
    )
    return [(primary, urls.self_assessment())] + [(m, urls.self_assessment(slug)) for slug, m in others]


def self_assessment_url(assessments: Assessments | None) -> str | None:
    """The primary questionnaire's address (linked from /danh-gia/ and every cooperative page), or None."""
    return urls.self_assessment() if primary_model(assessments) else None


def level_rules(model: ScoringModel) -> str:
    """The form's data-rules: [[level, pillar_above, total_above, pillars_at_level], …] (JSON, compact)."""
    rules = [[lv.number, lv.pillar_above, lv.total_above, lv.pillars_at_level] for lv in model.levels[1:]]
    return json.dumps(rules, separators=(",", ":"))


def _microdata_surveys(assessments: Assessments, model: ScoringModel) -> list[Survey]:
    return [s for s in assessments.surveys if s.has_microdata and s.model.slug == model.slug]


def _cooperatives(catalogue) -> list[dict]:
    coops = sorted(catalogue.cooperatives.values(), key=lambda c: collation_key(c.name))
    return [
        {
            "slug": c.slug,
            "name": c.name,
            "province": c.province.slug,
            "province_name": c.province.name,
            "kind": c.kind,
        }
        for c in coops
    ]


english_worker = i18n.english_self_assessment_worker


def _version(pages: list[Page], english: bool = False) -> str:
    """What the worker's cache name starts with: a digest of everything the pages show.

    The English pages' own values (`english`) count only for the English worker (with the
    English catalogue). The worker's file list (fingerprinted names) is added to the cache name in the worker itself,
    so new scripts or styles also replace the cache.
    """
    parts = [
        repr(sorted((k, repr(v)) for k, v in page.context.items() if english or k != "english"))
        for page in pages
    ]
    if english:  # the English pages' words are in the catalogue
        parts.append(hashlib.sha256(i18n.catalogue_path(i18n.EN).read_bytes()).hexdigest())
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def self_assessment_pages(assessments: Assessments | None, catalogue) -> Iterator[Page]:
    """One questionnaire per model a survey uses, then the service worker that keeps them offline."""
    found = questionnaires(assessments)
    if not found:
        return
    ordered = sorted(reference.provinces(), key=lambda p: collation_key(p.name))
    provinces = [(p.slug, p.name) for p in ordered]
    provinces_en = sorted(
        ((p.slug, getattr(p, "name_en", "") or p.name) for p in ordered),
        key=lambda pair: collation_key(pair[1]),
    )
    cooperatives = _cooperatives(catalogue)
    pages = []
    for model, url in found:
        surveys = _microdata_surveys(assessments, model)
        pages.append(
            Page(
                url,
                TEMPLATE,
                {
                    "title": f"Tự đánh giá chuyển đổi số – {model.short_name}",
                    "model": model,
                    "rules": level_rules(model),
                    "bands": {p.key: pillar_bands(model, p.maximum) for p in model.pillars},
                    "total_bounds": [
                        (lv.number, lv.total_above + 1, lv.pillars_at_level) for lv in model.levels[1:]
                    ],
                    "surveys": surveys,
                    "open_data": [urls.survey_download(s, "json") for s in surveys],
                    "questionnaires": [(m.short_name, u) for m, u in found],
                    "cooperatives": cooperatives,
                    "provinces": provinces,
                    "sectors": list(SECTORS.items()),
                    "sizes": list(SIZE_BANDS.items()),
                    "kinds": list(KINDS.items()),
                    "equipment": model.equipment,
                    "stylesheets": STYLESHEETS,
                    "scripts": SCRIPTS,
                    "optional_scripts": OPTIONAL_SCRIPTS,
                    "worker": urls.self_assessment_worker(),
                    "breadcrumbs": crumbs((N_("Đánh giá"), urls.assessments())),
                    # What the English twin shows instead (templates pick it when LANG is "en").
                    "english": {
                        "provinces": provinces_en,
                        "questionnaires": [
                            (getattr(m, "short_name_en", "") or m.short_name, u) for m, u in found
                        ],
                        "worker": english_worker(),
                    },
                },
            )
        )
    yield from pages
    yield Page(
        urls.self_assessment_worker(),
        WORKER_TEMPLATE,
        {
            "version": _version(pages),
            "pages": [p.url for p in pages],
            "open_data": sorted({d for p in pages for d in p.context["open_data"]}),
            "stylesheets": STYLESHEETS,
            "scripts": EVERY_PAGE_SCRIPTS + SCRIPTS,  # the page loads base.html's scripts too
            "optional_scripts": OPTIONAL_SCRIPTS,
        },
    )
    yield Page(
        english_worker(),
        WORKER_TEMPLATE,
        {
            "version": _version(pages, english=True),
            "pages": [i18n.english_path(p.url) for p in pages],
            "open_data": sorted({d for p in pages for d in p.context["open_data"]}),
            "stylesheets": STYLESHEETS,
            "scripts": EVERY_PAGE_SCRIPTS + SCRIPTS,
            "optional_scripts": OPTIONAL_SCRIPTS,
        },
    )

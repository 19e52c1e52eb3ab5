"""Attribute disclosure: no published figure may let a reader work out a non-consenting respondent's answer.

The test is constructive. A respondent's answer is protected when the site would look exactly the
same had that respondent answered differently: for every respondent whose own result is not
public, and for each answer the pages count (overall level, production equipment), we look for
another such respondent with a different answer such that exchanging the two answers leaves every
page and download byte-identical. Exchanging (rather than changing one answer) keeps every
national figure and the number of respondents in every group; a single changed answer would move
a national count, which no table of counts can avoid and which discloses nobody.

If no exchange is invisible, every dataset consistent with what is published gives that
respondent the same answer: it is disclosed (the "doanh nghiệp" of the sample, hidden count but
zeros everywhere else, was the first case found). The exchange keeps the suppression pattern of
the real data: the reader sees which cells are hidden; re-running the suppression on the
exchanged data is the "minimality attack" that docs/assessment.md lists as out of scope.
"""

from __future__ import annotations

from dataclasses import replace

import jinja2
import pytest
from conftest import ROOT, theme_environment

from chophien.assessment.aggregate import aggregate
from chophien.assessment.publish import hidden_cells, published_view
from chophien.site import assessment_pages
from chophien.site.build import prepare

SAMPLE = "khao-sat-mau-2026"
DIMENSIONS = ("province", "region", "sector", "kind", "size")


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    prepared = prepare(ROOT / "content", tmp_path_factory.mktemp("cache"), with_images=False)
    assert prepared.ok
    return prepared.catalogue


def _environment() -> jinja2.Environment:
    return theme_environment()


def _render(env, assessments, catalogue) -> dict[str, str]:
    """Every /danh-gia/ page and download, and every cooperative's own-result block."""
    pages = {
        page.url: env.get_template(page.template).render(
            SITEURL="", SITENAME="Chợ phiên", page_url=page.url, **page.context
        )
        for page in assessment_pages.assessment_pages(assessments, catalogue)
    }
    for slug in catalogue.cooperatives:
        results = assessment_pages.cooperative_results(assessments, slug)
        if results:
            pages[f"hop-tac-xa/{slug}/"] = env.get_template("assessment_coop.html").render(
                SITEURL="", assessment_results=results
            )
    return pages


def _exchange(survey, a: int, b: int, answer: str):
    """The survey with respondents a and b's answers exchanged: equipment, or every criterion's points."""
    responses = list(survey.responses)
    first, second = responses[a], responses[b]
    if answer == "equipment":
        responses[a] = replace(first, equipment=second.equipment)
        responses[b] = replace(second, equipment=first.equipment)
    else:
        responses[a] = replace(first, points=second.points, score=second.score)
        responses[b] = replace(second, points=first.points, score=first.score)
    return replace(survey, responses=tuple(responses))


def _value(response, answer: str):
    return response.equipment if answer == "equipment" else response.score.level


def _scopes(response) -> set[tuple]:
    return {(d, getattr(response, d)) for d in DIMENSIONS}


def _invisible_in_tables(published, first, second, answer: str) -> bool:
    """A quick look before the full rebuild: is every figure the exchange moves already hidden?"""
    kind = "equipment" if answer == "equipment" else "level"
    for scope in _scopes(first) ^ _scopes(second):
        for value in (_value(first, answer), _value(second, answer)):
            if published.value(scope + (kind, value)) is not None:
                return False
        if answer == "level" and published.averages.get(scope) is not None:
            return False
    return True


def undisclosed_answers(catalogue, monkeypatch) -> list[tuple[str, str, object]]:
    """(respondent, answer) pairs with no invisible exchange: answers a reader can infer."""
    env = _environment()
    assessments = catalogue.assessments
    survey = next(s for s in assessments.surveys if s.slug == SAMPLE)
    groups = [e.categories for s in assessments.surveys if s.published for e in s.published.equipment]
    aggregates = aggregate(survey, groups)
    hidden = hidden_cells(aggregates, survey.threshold)
    real_view = published_view(aggregates, hidden, survey.threshold)
    everything = assessment_pages.publish_all(assessments)
    assert everything[SAMPLE] == real_view
    real = _render(env, assessments, catalogue)
    private = [
        index
        for index, r in enumerate(survey.responses)
        if not (survey.own_results and r.consent and r.cooperative)
    ]
    exposed = []
    witnessed: set[tuple[int, str]] = set()
    for answer in ("equipment", "level"):
        for index in private:
            if (index, answer) in witnessed:
                continue
            respondent = survey.responses[index]
            candidates = sorted(
                (
                    other
                    for other in private
                    if _value(survey.responses[other], answer) != _value(respondent, answer)
                ),
                key=lambda other: (len(_scopes(respondent) ^ _scopes(survey.responses[other])), other),
            )
            for other in candidates:
                if not _invisible_in_tables(real_view, respondent, survey.responses[other], answer):
                    continue
                changed_survey = _exchange(survey, index, other, answer)
                changed_view = published_view(aggregate(changed_survey, groups), hidden, survey.threshold)
                if changed_view != real_view:
                    continue
                changed = replace(
                    assessments,
                    surveys=[changed_survey if s.slug == SAMPLE else s for s in assessments.surveys],
                )
                monkeypatch.setattr(
                    assessment_pages,
                    "publish_all",
                    lambda _a, view=changed_view: everything | {SAMPLE: view},
                )
                rebuilt = _render(env, changed, catalogue)
                monkeypatch.undo()
                if rebuilt == real:
                    witnessed |= {(index, answer), (other, answer)}
                    break
            else:
                exposed.append((respondent.respondent, answer, _value(respondent, answer)))
    return exposed


@pytest.fixture(scope="module")
def exposed(catalogue):
    with pytest.MonkeyPatch.context() as monkeypatch:
        return undisclosed_answers(catalogue, monkeypatch)


def test_no_non_consenting_answer_can_be_inferred_from_everything_published(exposed):
    """For each private answer, an exchange with another respondent leaves every output byte-identical."""
    assert exposed == []


def test_the_two_enterprises_equipment_is_not_disclosed(catalogue, exposed):
    survey = next(s for s in catalogue.assessments.surveys if s.slug == SAMPLE)
    enterprises = [r for r in survey.responses if r.kind == "doanh-nghiep"]
    assert len(enterprises) == 2 and not any(r.consent for r in enterprises)
    assert {r.equipment for r in enterprises} == {"thu-cong"}  # the case reported in issue 11
    names = {(name, answer) for name, answer, _ in exposed}
    assert not names & {(r.respondent, "equipment") for r in enterprises}

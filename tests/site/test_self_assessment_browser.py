"""The self-assessment page in a real browser (headless Debian Chromium, Playwright): stepping, scoring, storage, offline, and agreement with the Python scoring."""

from __future__ import annotations

import random
import sys

import playwright.sync_api  # noqa: F401  (a missing package fails the run, as in the search tests)
import pytest
from conftest import ROOT, needs_chromium, run_pelican
from self_assessment_site import boundary_sets, python_score, random_sets, two_survey_content

from chophien.assessment import scoring
from chophien.site.assessment_pages import weakest_pillar

sys.path.insert(0, str(ROOT / "scripts"))
import search_bytes  # noqa: E402

pytestmark = [
    pytest.mark.build,
    needs_chromium,
]

AGREEMENT_SETS = 1200  # per model, boundary sets included


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A build of the two-survey tree: dbi-2021 (60 criteria) at /danh-gia/tu-danh-gia/, thu-3 under it."""
    root = tmp_path_factory.mktemp("self")
    content, catalogue = two_survey_content(root)
    output = root / "output"
    result = run_pelican(content, output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output, catalogue.assessments.models


@pytest.fixture(scope="module")
def site(built):
    with search_bytes.serve(built[0]) as (base, traffic):
        yield base, traffic


@pytest.fixture
def context():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=search_bytes.CHROMIUM, args=search_bytes.CHROMIUM_ARGS
        )
        try:
            yield browser.new_context(viewport=search_bytes.PHONE)
        finally:
            browser.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.errors = []
    page.requests = []
    page.on("request", lambda request: page.requests.append((request.method, request.url)))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    return page


def answer_by_hand(page, model, choose) -> None:
    """Click one option per criterion, pillar by pillar, with the page's own Next button."""
    for index, pillar in enumerate(model.pillars):
        assert (
            page.locator(".sa-progress").inner_text().startswith(f"Trụ cột {index + 1}/{len(model.pillars)}")
        )
        for criterion in pillar.criteria:
            page.locator(f'input[name="{criterion.key}"][value="{choose(criterion)}"]').check()
        if index < len(model.pillars) - 1:
            page.click('button[data-step="1"]')


def shown(page) -> dict:
    page.wait_for_selector("#ket-qua:not([hidden])")
    rows = page.eval_on_selector_all(
        ".sa-table tbody tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.textContent))"
    )
    hold = page.locator(".sa-hold h3")
    return {
        "level": page.inner_text(".sa-level"),
        "rows": rows,
        "hold": hold.inner_text() if hold.count() else None,
    }


def expected(model, answers) -> dict:
    s = scoring.score(model, answers)
    total = f"{s.total}/{model.total_maximum} điểm"
    name = model.level(s.level).name
    rows = [
        [p.name, f"{points}/{p.maximum}", str(level)]
        for p, points, level in zip(model.pillars, s.pillar_points, s.pillar_levels, strict=True)
    ]
    weakest = weakest_pillar(model, s)  # as the result card on a cooperative's page
    hold = (
        None
        if weakest is None
        else f"Trụ cột cần làm trước: {model.pillars[weakest].name} (mức {s.pillar_levels[weakest]})"
    )
    return {"level": f"Mức {s.level} – {name} · {total}", "rows": rows, "hold": hold}


def test_every_lowest_option_is_level_0(site, built, page):
    base, _ = site
    model = built[1]["dbi-2021"]
    page.goto(f"{base}/danh-gia/tu-danh-gia/")
    answer_by_hand(page, model, lambda c: c.allowed_points[0])
    result = shown(page)
    assert result["level"] == f"Mức 0 – Chưa khởi động · 0/{model.total_maximum} điểm"
    assert result == expected(model, {c.key: c.allowed_points[0] for c in model.criteria})
    assert page.locator(".sa-hold h3").inner_text().startswith("Trụ cột cần làm trước:")
    assert page.locator(".sa-hold li").count() > 0  # that pillar's next steps at level 0
    level_1 = model.level(1)
    assert (
        f"Để lên mức 1: tổng điểm từ {level_1.total_above + 1} trở lên và ít nhất "
        f"{level_1.pillars_at_level} trụ cột đạt mức 1." in page.inner_text(".sa-hold")
    )
    page.wait_for_selector(".sa-compare table")
    assert page.errors == []
    # Nothing goes anywhere but this site, and nothing is sent: only GETs of its own files.
    assert page.requests and all(m == "GET" and u.startswith(f"{base}/") for m, u in page.requests), (
        page.requests
    )
    assert not [u for _, u in page.requests if "?" in u]


def test_every_highest_option_is_level_5(site, built, page):
    base, _ = site
    model = built[1]["dbi-2021"]
    page.goto(f"{base}/danh-gia/tu-danh-gia/")
    answer_by_hand(page, model, lambda c: c.allowed_points[-1])
    result = shown(page)
    assert result["level"] == f"Mức 5 – Dẫn dắt · {model.total_maximum}/{model.total_maximum} điểm"
    assert page.locator(".sa-hold").inner_text() == "Mọi trụ cột đều ở mức cao nhất."
    svg = page.locator(".sa-chart svg")
    assert svg.get_attribute("role") == "img" and svg.locator("rect").count() == 2 * len(model.pillars)
    assert page.errors == []


@pytest.mark.parametrize("slug", ["dbi-2021", "thu-3"])
def test_a_mixed_set_gives_the_python_level_total_and_pillar_points(site, built, page, slug):
    base, _ = site
    model = built[1][slug]
    rng = random.Random(2026)
    answers = {c.key: rng.choice(c.allowed_points) for c in model.criteria}
    answers[model.criteria[0].key] = model.criteria[0].allowed_points[-1]  # not every pillar at one level
    address = "danh-gia/tu-danh-gia/" if slug == "dbi-2021" else f"danh-gia/tu-danh-gia/{slug}/"
    page.goto(f"{base}/{address}")
    answer_by_hand(page, model, lambda c: answers[c.key])
    assert shown(page) == expected(model, answers)
    assert page.evaluate("() => ChophienSelf.getAnswers()") == answers


def test_reload_keeps_the_answers_and_bad_storage_is_discarded(site, built, page):
    base, _ = site
    model = built[1]["dbi-2021"]
    page.goto(f"{base}/danh-gia/tu-danh-gia/")
    first = model.pillars[0].criteria
    for criterion in first[:5]:
        page.locator(f'input[name="{criterion.key}"][value="{criterion.allowed_points[1]}"]').check()
    page.reload()
    assert page.evaluate("() => ChophienSelf.getAnswers()") == {c.key: c.allowed_points[1] for c in first[:5]}
    assert page.locator(f'input[name="{first[0].key}"]:checked').get_attribute("value") == str(
        first[0].allowed_points[1]
    )
    assert "5/60 câu" in page.inner_text(".sa-progress")
    key = page.evaluate("() => ChophienSelf.storeKey()")
    assert key.startswith("chophien-tu-danh-gia:1:") and key.endswith(":dbi-2021")
    for stored in (
        "{not json",
        '{"v":0,"a":{"kh01":1}}',  # an older version
        '{"v":1,"a":{"kh01":7,"zz":1,"__proto__":{"x":1}},"t":5}',  # impossible points, unknown key
        "[1,2]",
        "null",
    ):
        page.evaluate("([k, v]) => localStorage.setItem(k, v)", [key, stored])
        page.reload()
        assert page.evaluate("() => ChophienSelf.getAnswers()") == {}, stored
    assert page.errors == []


def test_the_api_switches_stores(site, built, page):
    """The enumerator mode answers one cooperative at a time with the same stepper."""
    base, _ = site
    page.goto(f"{base}/danh-gia/tu-danh-gia/")
    page.evaluate("() => ChophienSelf.setAnswers({kh01: 1, nonsense: 3, kh02: '1', kh03: 1.5, kh04: -1})")
    assert page.evaluate("() => ChophienSelf.getAnswers()") == {"kh01": 1}
    for odd in ("null", "'x'", "[1, 2]", "42"):
        page.evaluate(f"() => ChophienSelf.setAnswers({odd})")
        assert page.evaluate("() => ChophienSelf.getAnswers()") == {}, odd
    page.evaluate("() => ChophienSelf.setAnswers({kh01: 1})")
    page.evaluate("() => ChophienSelf.useStore('test-coop-a')")
    assert page.evaluate("() => ChophienSelf.getAnswers()") == {}
    page.evaluate("() => ChophienSelf.setAnswers({kh02: 2})")
    page.evaluate("() => ChophienSelf.useStore(null)")
    assert page.evaluate("() => ChophienSelf.getAnswers()") == {"kh01": 1}
    page.evaluate("() => ChophienSelf.useStore('test-coop-a')")
    assert page.evaluate("() => ChophienSelf.getAnswers()") == {"kh02": 2}
    calls = page.evaluate(
        """() => { const seen = [];
        ChophienSelf.onChange((a, r) => seen.push(['change', r.answered]));
        ChophienSelf.onComplete((a, r) => seen.push(['complete', r.level]));
        const all = {}; ChophienSelf.model.pillars.forEach(p => p.criteria.forEach(c => { all[c.key] = c.points[0]; }));
        ChophienSelf.setAnswers(all); ChophienSelf.reset(); return seen; }"""
    )
    assert calls == [["change", 60], ["complete", 0], ["change", 0]]


def test_offline_after_one_visit(site, built, context):
    base, _ = site
    model = built[1]["dbi-2021"]
    page = context.new_page()
    page.goto(f"{base}/danh-gia/tu-danh-gia/")
    page.wait_for_function("() => navigator.serviceWorker.ready.then(r => !!r.active)")
    scope = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{base}/danh-gia/tu-danh-gia/"
    page.wait_for_function(
        "() => caches.keys().then(ks => Promise.all(ks.map(k => caches.open(k).then(c => c.keys()))))"
        ".then(all => all.flat().length >= 7)"
    )
    context.set_offline(True)
    offline = context.new_page()
    offline.goto(f"{base}/danh-gia/tu-danh-gia/")
    answers = {c.key: c.allowed_points[-1] for c in model.criteria}
    answers["kh01"] = 0
    offline.evaluate("a => ChophienSelf.setAnswers(a)", answers)
    assert shown(offline) == expected(model, answers)
    offline.wait_for_selector(".sa-compare table")  # the open data came from the cache
    context.set_offline(False)


def test_the_questionnaire_works_without_javascript(site, built):
    base, _ = site
    with search_bytes.chromium(javascript=False) as page:
        page.goto(f"{base}/danh-gia/tu-danh-gia/")
        assert page.locator("fieldset[data-pillar]").count() == 6
        assert all(page.locator("fieldset[data-pillar]").nth(i).is_visible() for i in range(6))
        assert page.locator("input[type=radio]").count() == sum(
            len(c.allowed_points) for c in built[1]["dbi-2021"].criteria
        )
        assert not page.locator(".sa-nav").is_visible() and not page.locator("#ket-qua").is_visible()
        assert page.locator("#bang-muc").is_visible()


# --- the agreement test ---------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["dbi-2021", "thu-3"])
def test_browser_and_python_scoring_agree(site, built, page, slug):
    """The same answer sets (fixed seed, every pillar band and total bound on and one over) scored in
    Chromium by assessment-score.js, reading the model from the page, and by chophien.assessment.scoring."""
    base, _ = site
    model = built[1][slug]
    rng = random.Random(13)
    edges = boundary_sets(model, rng)
    sets = edges + random_sets(model, AGREEMENT_SETS - len(edges), rng)
    assert len(sets) >= 1000 and len(edges) >= 2 * len(model.pillars) * len(model.pillar_thresholds)
    totals = {scoring.score(model, s).total for s in edges}
    for _level, total_above, _needed in model.overall_rules:
        assert {total_above, total_above + 1} <= totals, total_above  # every total bound, on and over
    levels = {scoring.score(model, s).level for s in sets}
    assert levels == {lv.number for lv in model.levels}  # every level reached
    address = "danh-gia/tu-danh-gia/" if slug == "dbi-2021" else f"danh-gia/tu-danh-gia/{slug}/"
    page.goto(f"{base}/{address}")
    scored = page.evaluate(
        """sets => { const model = ChophienScore.readModel(document.getElementById('tu-danh-gia'));
        return sets.map(a => { const s = ChophienScore.score(model, a);
          return {level: s.level, total: s.total, pillarPoints: s.pillarPoints, complete: s.complete,
                  weakest: ChophienSelf.weakest(s)}; }); }""",
        sets,
    )
    weakest = [weakest_pillar(model, scoring.score(model, answers)) for answers in sets]
    assert [-1 if w is None else w for w in weakest] == [
        js.pop("weakest") for js in scored
    ]  # as the result card
    disagreements = [
        (answers, js, python_score(model, answers))
        for answers, js in zip(sets, scored, strict=True)
        if not js.pop("complete") or js != python_score(model, answers)
    ]
    assert disagreements == []
    lowest, highest = scored[len(edges)], scored[len(edges) + 1]  # random_sets starts with these two
    assert lowest["level"] == 0 and highest == {
        "level": len(model.levels) - 1,
        "total": model.total_maximum,
        "pillarPoints": [p.maximum for p in model.pillars],
    }


def test_printing_shows_every_pillar_even_with_the_stepper_on(site, page):
    base, _ = site
    page.goto(f"{base}/danh-gia/tu-danh-gia/")
    assert page.locator("fieldset[data-pillar]:visible").count() == 1  # one pillar per screen
    page.emulate_media(media="print")
    assert page.locator("fieldset[data-pillar]:visible").count() == 6
    assert not page.locator(".sa-nav").is_visible()
    assert page.locator("#bang-tru-cot").is_visible()


@pytest.mark.parametrize(
    "body, shown_text",
    [
        ("not json", "Chưa tải được số liệu đã công bố"),
        ('{"rows": "x"}', "Chưa tải được số liệu đã công bố"),
        (
            '{"rows": [{"table": "overall_level", "dimension": "all", "group": "all", "measure": "level-0",'
            ' "value": "<img src=x>"}, {"table": "respondents", "dimension": "all", "group": "all",'
            ' "measure": "n", "value": null}]}',
            "Tất cả các địa bàn (ẩn)",
        ),
    ],
)
def test_odd_open_data_is_shown_as_text_or_a_message(site, context, body, shown_text):
    base, _ = site
    # Routes do not see what a service worker fetches: none here.
    page = context.browser.new_context(viewport=search_bytes.PHONE, service_workers="block").new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.route(
        "**/du-lieu.json", lambda route: route.fulfill(status=200, body=body, content_type="application/json")
    )
    page.goto(f"{base}/danh-gia/tu-danh-gia/thu-3/")
    page.evaluate("() => ChophienSelf.setAnswers({a1: 0, b1: 0, c1: 0, c2: 0})")
    page.wait_for_function("() => document.querySelector('.sa-compare').textContent.length > 0")
    text = page.inner_text(".sa-compare")
    assert shown_text in text and "<img" not in page.inner_html(".sa-compare").replace("&lt;img", "")
    assert page.locator(".sa-compare img").count() == 0 and page.errors == []

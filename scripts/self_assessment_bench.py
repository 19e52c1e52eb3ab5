#!/usr/bin/env python3
"""Figures of the self-assessment page (/danh-gia/tu-danh-gia/) on a built site: bytes and time to score.

    python scripts/self_assessment_bench.py output [--rate 6] [--runs 50]

Bytes: each self-assessment page with the scripts and stylesheets it loads, gzip -9 in memory
(chophien.quality.budgets.self_assessment_weights; the budget is SELF_ASSESSMENT_BUDGET).
Time: the page in headless Debian Chromium at phone size with the CPU slowed down through the
DevTools protocol (Emulation.setCPUThrottlingRate, 6 = a cheap phone); the median of *runs* of
(a) ChophienScore.score on a complete answer set, the model read from the page (a batch of 100
timed, as the browser's clock is coarse), and (b) ChophienSelf.setAnswers, which saves to
localStorage and draws the whole result (level, SVG chart, table, next steps). A figure for the
notes, not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import search_bytes  # noqa: E402

from chophien.quality.budgets import SELF_ASSESSMENT_BUDGET, kb, self_assessment_weights  # noqa: E402

MEASURE = """([runs]) => {
  const form = document.getElementById('tu-danh-gia');
  const model = ChophienScore.readModel(form);
  const all = {};
  model.pillars.forEach(p => p.criteria.forEach((c, i) => { all[c.key] = c.points[i % c.points.length]; }));
  const score = [], render = [];
  const batch = 100;  // performance.now() is coarse (0.1 ms): time a batch, report one call
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    for (let j = 0; j < batch; j++) ChophienScore.score(ChophienScore.readModel(form), all);
    score.push((performance.now() - t) / batch);
    t = performance.now();
    ChophienSelf.setAnswers(i % 2 ? all : Object.assign({}, all, {[model.pillars[0].criteria[0].key]: 0}));
    render.push(performance.now() - t);
  }
  ChophienSelf.reset();
  return {score, render, criteria: Object.keys(all).length};
}"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default="output", type=Path)
    parser.add_argument("--rate", type=float, default=6, help="CPU slowdown (Emulation.setCPUThrottlingRate)")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    weights = self_assessment_weights(args.site)
    if not weights:
        print(f"no self-assessment page in {args.site}", file=sys.stderr)
        return 1
    for w in weights:
        print(
            f"{w.path}: HTML {kb(w.html)} + scripts {kb(w.scripts)} + CSS {kb(w.css)} = {kb(w.total)} gzip "
            f"(budget {kb(SELF_ASSESSMENT_BUDGET)})"
        )
    with search_bytes.serve(args.site) as (base, _traffic), search_bytes.chromium() as page:
        for w in weights:
            url = f"{base}/{w.path.removesuffix('index.html')}"
            session = page.context.new_cdp_session(page)
            session.send("Emulation.setCPUThrottlingRate", {"rate": args.rate})
            page.goto(url, wait_until="load")
            loaded = page.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0]; return n.domContentLoadedEventEnd; }"
            )
            result = page.evaluate(MEASURE, [args.runs])
            page.wait_for_load_state("networkidle")  # the comparison's open data, fetched after a result
            session.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            print(
                f"{w.path} at CPU {args.rate:g}x, {result['criteria']} criteria, median of {args.runs}: "
                f"score {statistics.median(result['score']):.3f} ms, "
                f"answer → result drawn {statistics.median(result['render']):.1f} ms; "
                f"DOMContentLoaded {loaded:.0f} ms (local server)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

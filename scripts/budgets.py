#!/usr/bin/env python3
"""Report page weights of a built site against DESIGN §5; exit 1 when any is over budget."""

import sys
from pathlib import Path

from chophien.quality.budgets import CSS_BUDGET, css_total, measure_site, report


def main() -> int:
    output = Path(sys.argv[1] if len(sys.argv) > 1 else "output")
    measures = measure_site(output)
    print(report(measures))
    over = [m for m in measures if m.over]
    total_css = css_total(measures)
    print(f"\nCSS total: {total_css / 1024:.1f} KB gzip (budget {CSS_BUDGET // 1024} KB)")
    for m in over:
        print(f"OVER BUDGET: {m.path}: {m.gzipped} B gzip > {m.budget} B")
    return 1 if over or total_css > CSS_BUDGET else 0


if __name__ == "__main__":
    sys.exit(main())

"""How the generated policy changes come out over seeds: their number, the share without EUR, the
median EUR per paying change in each snapshot window and the ratio of the highest to the lowest,
the share dated after their project's end, and "new projects" changes without EUR.

The tests check seed 42 (tests/test_plausibility.py); this shows how much another seed moves
the same figures (issue #13).

Usage: python bench/seeds_bench.py [--seeds 42 1 7] [--scale 1]
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import calibration as cal  # noqa: E402
from graph.generate import _Generator  # noqa: E402
from graph.namespaces import Graphs  # noqa: E402
from graph.regions import DEFAULT_CATEGORY_TABLE, nuts_regions, region_categories  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", nargs="+", type=int, default=[42, 1, 7])
    ap.add_argument("--scale", type=float, default=1.0)
    args = ap.parse_args()
    regions = nuts_regions()
    categories = region_categories(DEFAULT_CATEGORY_TABLE, regions)
    print("seed  changes  without EUR  median EUR per paying change by window  ratio  after end  new projects w/o EUR")
    for seed in args.seeds:
        g = _Generator(seed, args.scale, regions, categories, Graphs())
        g.run(io.StringIO())
        changes = g.changes
        by_window: dict[int, list[int]] = {}
        for c in changes:
            if c.eur:
                by_window.setdefault(cal.window_of(c.day), []).append(c.eur)
        medians = [median(by_window[k]) for k in sorted(by_window)]
        zero = sum(c.eur == 0 for c in changes) / len(changes)
        after = sum(c.day > c.plan.part.project.end for c in changes) / len(changes)
        unpaid = sum(c.ctype == "new-projects" and c.eur == 0 for c in changes)
        print(f"{seed:>4}  {len(changes):>7,}  {zero:>10.0%}   {' / '.join(f'{m / 1000:,.0f}k' for m in medians):>38}"
              f"  {max(medians) / min(medians):>5.2f}  {after:>8.1%}  {unpaid:>20}")


if __name__ == "__main__":
    main()

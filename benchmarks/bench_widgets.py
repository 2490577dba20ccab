"""Benchmark: one DrillDown callback, including the chart redraw.

    python benchmarks/bench_widgets.py [--runs N] [--check]

A "callback" is what happens when a user picks a child in the drop-down
(``dd.child_select.value = code``: state change, controls rebuilt, figure
drawn and rendered to PNG) or clicks the first breadcrumb to go back up. Both
are timed, alternately, over every 类 of 表3, for ``--runs`` rounds (default
3 rounds × 10 类 × 2 = 60 callbacks, at least 20). The median is the number to
compare with the target of 100 ms; ``--check`` exits with status 1 above it.

Also printed, to see where the time goes: the state change alone (no
drawing), and the redraw split into building the figure and rendering it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import matplotlib

matplotlib.use("Agg")

import budgetkit as bk  # noqa: E402
from budgetkit import widgets  # noqa: E402

TARGET_MS = 100.0


def _ms(samples: list[float]) -> str:
    return (f"median {statistics.median(samples) * 1000:6.1f} ms  "
            f"min {min(samples) * 1000:6.1f}  max {max(samples) * 1000:6.1f}  (n={len(samples)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="rounds over the 10 类 of 表3 (default 3)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 when the median exceeds {TARGET_MS:.0f} ms")
    args = parser.parse_args(argv)

    budget = bk.load()
    dd = widgets.DrillDown(budget)
    codes = [v for _, v in dd.child_select.options if v is not None]

    # warm-up: fonts, glyph caches, first widget creation
    dd.child_select.value = codes[0]
    dd.crumbs.children[0].click()

    down: list[float] = []
    up: list[float] = []
    for _ in range(max(1, args.runs)):
        for code in codes:
            t0 = time.perf_counter()
            dd.child_select.value = code
            t1 = time.perf_counter()
            dd.crumbs.children[0].click()
            t2 = time.perf_counter()
            down.append(t1 - t0)
            up.append(t2 - t1)
    both = down + up
    if len(both) < 20:
        parser.error("fewer than 20 timed callbacks; raise --runs")

    # where the time goes
    state = widgets.DrillDownState(budget)
    state_only: list[float] = []
    for _ in range(max(1, args.runs)):
        for code in codes:
            t0 = time.perf_counter()
            state.select(code)
            state.children()
            state.figure_data()
            state.goto(0)
            state_only.append(time.perf_counter() - t0)
    build: list[float] = []
    render: list[float] = []
    original = dd._render

    def timed_render(fig):
        t = time.perf_counter()
        original(fig)
        render.append(time.perf_counter() - t)

    dd._render = timed_render
    for code in codes:
        dd.state.goto(0)
        dd.state.select(code)
        t0 = time.perf_counter()
        dd._redraw()
        build.append(time.perf_counter() - t0 - render[-1])
    dd._render = original

    median_ms = statistics.median(both) * 1000
    print("budgetkit DrillDown callback benchmark (表3, Agg, PNG at "
          f"{dd.dpi} dpi, matplotlib {matplotlib.__version__})")
    print(f"  drill down (child_select.value = code): {_ms(down)}")
    print(f"  go up (breadcrumb click):               {_ms(up)}")
    print(f"  all callbacks:                          {_ms(both)}")
    print(f"  state change only (no drawing):         {_ms(state_only)}")
    print(f"  redraw: build figure + small list:      {_ms(build)}")
    print(f"  redraw: layout + render PNG:            {_ms(render)}")
    verdict = "OK" if median_ms <= TARGET_MS else "SLOWER THAN TARGET"
    print(f"median callback {median_ms:.1f} ms (target <= {TARGET_MS:.0f} ms): {verdict}")
    return 1 if args.check and median_ms > TARGET_MS else 0


if __name__ == "__main__":
    sys.exit(main())

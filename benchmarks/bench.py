"""Core benchmarks of budgetkit (run: ``make bench`` or ``python benchmarks/bench.py``).

* ``import budgetkit`` against ``import pandas, matplotlib`` (fresh interpreters) — target ≤ 1.3×
* ``budgetkit.load()`` against plain ``pandas.read_csv`` of the same CSV files — target ≤ 1.5×
* ``budgetkit.parse_text`` of the seed disclosure — target ≤ 20 ms

Medians over repeated runs; prints a table (and ``--json`` for machines).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "2023-longhua-iit-department-budget.txt"
DATASET = ROOT / "data" / "longhua-iit-2023"


def _median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _import_seconds(statement: str, repeat: int) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(repeat)]
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    import pandas as pd

    import budgetkit as bk

    results = {}
    base = _import_seconds("import pandas, matplotlib", max(5, args.repeat // 3))
    ours = _import_seconds("import budgetkit", max(5, args.repeat // 3))
    results["import"] = {"budgetkit_s": ours, "baseline_s": base, "ratio": ours / base, "target": 1.3}

    package = json.loads((DATASET / "datapackage.json").read_text(encoding="utf-8"))
    paths = [DATASET / r["path"] for r in package["resources"]]
    bk.load()
    plain = _median_seconds(lambda: [pd.read_csv(p) for p in paths], args.repeat)
    load = _median_seconds(bk.load, args.repeat)
    results["load"] = {"budgetkit_s": load, "baseline_s": plain, "ratio": load / plain, "target": 1.5}

    bk.parse_text(RAW)
    parse = _median_seconds(lambda: bk.parse_text(RAW), args.repeat)
    results["parse_text"] = {"budgetkit_s": parse, "target_s": 0.020, "ok": parse <= 0.020}

    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{'benchmark':<34}{'budgetkit':>12}{'baseline':>12}{'ratio':>8}{'target':>9}")
    r = results["import"]
    print(f"{'import budgetkit / pandas+mpl':<34}{r['budgetkit_s']*1e3:>10.0f}ms{r['baseline_s']*1e3:>10.0f}ms"
          f"{r['ratio']:>8.2f}{'≤1.3×':>9}")
    r = results["load"]
    print(f"{'load() / read_csv of same files':<34}{r['budgetkit_s']*1e3:>10.1f}ms{r['baseline_s']*1e3:>10.1f}ms"
          f"{r['ratio']:>8.2f}{'≤1.5×':>9}")
    r = results["parse_text"]
    print(f"{'parse_text(seed)':<34}{r['budgetkit_s']*1e3:>10.1f}ms{'':>12}{'':>8}{'≤20 ms':>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

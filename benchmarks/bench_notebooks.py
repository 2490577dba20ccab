"""Benchmark: executing the notebook series against its floor.

    python benchmarks/bench_notebooks.py [--check]

The floor of any notebook is starting a kernel, ``import budgetkit`` and
``budgetkit.load()``. For the N notebooks in ``notebooks/`` this times

* the series: each notebook executed top to bottom in a fresh kernel (nbclient,
  as nbval does; nothing is written back), and
* the floor: N × (fresh kernel + ``import budgetkit`` + ``budgetkit.load()``),

and prints both, their ratio (target ≤ 2×) and each notebook's own time
(target < 15 s each). ``--check`` exits with status 1 when a target is missed.
Run it on an otherwise idle machine: the numbers are wall-clock seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
RATIO_TARGET = 2.0
NOTEBOOK_TARGET_S = 15.0
FLOOR_SOURCE = "import budgetkit\nbudgetkit.load()"


def _run(nb: nbformat.NotebookNode, folder: Path) -> float:
    start = time.perf_counter()
    NotebookClient(nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = p.parse_args(argv)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        sys.exit("no notebooks in notebooks/")

    times = {}
    for path in paths:
        times[path.name] = _run(nbformat.read(path, as_version=4), path.parent)
        print(f"  {path.name:<28} {times[path.name]:6.1f} s")
    floor = 0.0
    for _ in paths:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(FLOOR_SOURCE)])
        floor += _run(nb, ROOT / "notebooks")

    series = sum(times.values())
    ratio = series / floor
    slowest = max(times, key=times.get)
    print(f"series of {len(paths)} notebooks:             {series:6.1f} s")
    print(f"floor, {len(paths)} × (kernel + import + load): {floor:6.1f} s")
    print(f"ratio:                             {ratio:6.2f}×  (target ≤ {RATIO_TARGET}×)")
    print(f"slowest notebook: {slowest} {times[slowest]:.1f} s (target < {NOTEBOOK_TARGET_S:.0f} s)")
    missed = ratio > RATIO_TARGET or times[slowest] >= NOTEBOOK_TARGET_S
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())

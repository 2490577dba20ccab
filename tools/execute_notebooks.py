"""Re-execute notebooks in place, deterministically.

    python tools/execute_notebooks.py [NOTEBOOK ...]   (default: notebooks/*.ipynb)

No timing metadata, no widget state or widget views (their model ids are
random; each widget's text fallback is kept), the kernel's working directory is
the notebook's folder. Run with PYTHONHASHSEED=0 (``make notebooks`` does).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        record_timing=False,
        store_widget_state=False,
        coalesce_streams=True,  # one stream output per cell and stream, however stdout was flushed
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.outputs:
            data = out.get("data")
            if data is not None and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                if not data:
                    continue
            outputs.append(out)
        cell.outputs = outputs
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        print("No notebooks to execute.")
        return 0
    os.environ.setdefault("PYTHONHASHSEED", "0")
    for path in paths:
        print(f"executed {path} in {execute(path):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

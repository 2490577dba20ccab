"""Every notebook of the series, run in JupyterLab in a real browser.

For each ``notebooks/*.ipynb``: open it in JupyterLab, clear the outputs it was
committed with, Run All Cells from the menu, wait for the kernel, then check
what is on the screen: no traceback, no widget that failed to display, no
chart with missing Chinese glyphs, every cell ran, and the widgets the
notebook creates are really drawn (not their static fallback). A full-length
screenshot of each notebook is saved for people to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .lab import BROKEN_NOTEBOOK, ERROR_MARKERS, WIDGET_CLASSES, code_sources, constructs, series_notebooks

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOKS = series_notebooks()


def _shows_widgets(path: Path) -> bool:
    sources = code_sources(path)
    return any(constructs(s, cls) for s in sources for cls in WIDGET_CLASSES) or any(
        "ipywidgets" in s for s in sources
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_cleanly_in_jupyterlab(lab, artifacts, path):
    nb = lab.notebook(path.name)
    result = nb.result
    result.screenshots = nb.screenshot(artifacts / f"{path.stem}.png")
    shot = result.screenshots[0]

    assert not result.timed_out, f"{path.name}: cells still running after the time limit (see {shot})"
    problems = "\n\n".join(
        f"cell {p['cell']}: {ERROR_MARKERS[p['marker']]} ({p['marker']!r}):\n{p['excerpt']}" for p in result.problems
    )
    assert not result.problems, f"{path.name} shows errors in JupyterLab (screenshot: {shot}):\n{problems}"
    assert not result.not_run, f"{path.name}: code cells {result.not_run} did not run (Run All stopped early?)"
    if _shows_widgets(path):
        assert result.widget_views > 0, (
            f"{path.name} creates widgets, but JupyterLab drew none (is the jupyterlab_widgets "
            f"extension missing?); see {shot}"
        )
    widget_console = [e for e in result.console_errors if "widget" in e.lower() or "model" in e.lower()]
    assert not widget_console, f"{path.name}: widget errors in the browser console: {widget_console}"


def test_the_checks_see_a_broken_notebook(lab):
    """The same checks on a notebook made to fail: a widget that cannot display, then an exception."""
    nb = lab.notebook(BROKEN_NOTEBOOK)
    result = nb.result
    markers = {p["marker"] for p in result.problems}
    assert "Traceback" in markers and "ZeroDivisionError" in " ".join(p["excerpt"] for p in result.problems)
    assert "Error displaying widget" in markers, result.problems
    assert result.not_run == [3], "Run All should stop at the failing cell"
    assert not result.timed_out

"""Fixtures of the browser tests: one JupyterLab server and one Chromium per run.

Run them alone with ``.venv/bin/python -m pytest -m browser tests/browser``.
Screenshots go to ``$BUDGETKIT_ARTIFACTS/browser/`` (default:
``test-artifacts/browser/`` in the repository, which git ignores).

Fixtures
--------
lab           a :class:`LabSession`: ``lab.notebook(name)`` opens a notebook in
              JupyterLab and runs all its cells (once per run; later calls get
              the same open tab)
artifacts     the folder for screenshots and logs
"""

from __future__ import annotations

import atexit
import os
from pathlib import Path

import pytest

from . import chromium
from .lab import (
    BROKEN_NOTEBOOK,
    DEMO_NOTEBOOK,
    REPO,
    LabNotebook,
    LabServer,
    broken_notebook,
    demo_notebook,
    series_notebooks,
)

@pytest.fixture(scope="package")
def artifacts() -> Path:
    base = os.environ.get("BUDGETKIT_ARTIFACTS")
    folder = (Path(base) if base else REPO / "test-artifacts") / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    for old in list(folder.glob("*.png")) + list(folder.glob("*.log")):
        old.unlink()
    return folder


@pytest.fixture(scope="package")
def playwright():
    sync_playwright = chromium.import_playwright()
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser_context(playwright, tmp_path_factory):
    chromium.executable_or_skip(playwright)  # skip (or fail under CI) before starting anything
    context = chromium.launch(playwright, tmp_path_factory.mktemp("chromium-profile"))
    context.set_default_timeout(30_000)
    yield context
    context.close()


class LabSession:
    """The open notebooks of one run (one tab and one kernel each)."""

    def __init__(self, context, server: LabServer, artifacts: Path):
        self.context = context
        self.server = server
        self.artifacts = artifacts
        self.open: dict[str, LabNotebook] = {}
        self.failed: dict[str, BaseException] = {}

    def notebook(self, name: str) -> LabNotebook:
        """``name`` opened and run (all cells); the same tab on later calls."""
        if name in self.failed:
            raise RuntimeError(f"{name} could not be opened and run earlier in this run") from self.failed[name]
        if name not in self.open:
            nb = LabNotebook(self.context, self.server, name)
            try:
                nb.open()
                nb.run_all()
            except BaseException as exc:
                self.failed[name] = exc
                self.write_log(nb)
                nb.close()
                raise
            self.open[name] = nb
            self.write_log(nb)
        return self.open[name]

    def write_log(self, nb: LabNotebook) -> None:
        lines = [f"notebook: {nb.name}"]
        if nb.result is not None:
            r = nb.result
            lines += [f"seconds: {r.seconds:.1f}", f"widget views: {r.widget_views}", f"not run: {r.not_run}",
                      f"timed out: {r.timed_out}", "problems:"]
            lines += [f"  cell {p['cell']}: {p['marker']}: {p['excerpt']!r}" for p in r.problems]
        lines += ["browser console errors:"] + [f"  {e}" for e in nb.console_errors]
        (self.artifacts / f"{Path(nb.name).stem}.log").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def close(self) -> None:
        for nb in self.open.values():
            nb.close()
        self.open.clear()


@pytest.fixture(scope="package")
def lab(browser_context, artifacts, tmp_path_factory):
    notebooks = series_notebooks()
    extra = {DEMO_NOTEBOOK: demo_notebook(), BROKEN_NOTEBOOK: broken_notebook()}
    server = LabServer(tmp_path_factory.mktemp("jupyterlab"), notebooks, extra=extra)
    atexit.register(server.stop)  # even if pytest itself is interrupted
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    session = LabSession(browser_context, server, artifacts)
    try:
        yield session
    finally:
        session.close()
        server.stop()
        (artifacts / "jupyterlab.log").write_text(server.log_tail(200_000), encoding="utf-8")
        atexit.unregister(server.stop)
    # Autosave is off: no open document may have been written back.
    changed = server.changed_notebooks()
    assert not changed, f"JupyterLab saved notebooks it should only have run: {changed}"

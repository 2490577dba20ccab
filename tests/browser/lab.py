"""A private JupyterLab server, and a notebook driven in it as a user would.

:class:`LabServer` starts ``.venv/bin/jupyter lab`` on a free loopback port with
a random token, on a *copy* of the notebooks in a temporary folder, with its
own temporary Jupyter config, data, runtime and IPython folders: nothing of the
user's (``~/.jupyter``, workspaces, settings) is read or written, and the
notebooks in the repository are never touched. The venv's labextensions (the
ipywidgets manager) stay visible because they live under ``sys.prefix``, which
Jupyter searches whatever ``JUPYTER_DATA_DIR`` says.

Why a copy rather than ``root_dir=<repo>/notebooks`` with autosave off: running
every cell changes the open documents, and the kernel runs in the notebook's
folder, so anything a cell or a widget writes (an export, a cache) would land in
the repository; with a copy both are harmless. Autosave is turned off as well
(user settings in the temporary config), and the ``lab`` fixture checks at
tear-down that every served copy is byte for byte what was copied.

:class:`LabNotebook` opens one notebook in its own workspace, clears the
outputs it was committed with, runs all cells through the menus (Edit → Clear
Outputs of All Cells, Run → Run All Cells), waits until the kernel is idle and
every cell has run, and reports what a user would see: error outputs, widgets
that failed to display, missing-glyph warnings.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"

#: Settings written into the temporary user-settings folder.
LAB_SETTINGS = {
    # Never write the open documents back to disk.
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False, "confirmClosingDocument": False},
    # Render every cell (no virtual scrolling), so the whole notebook is in the
    # DOM for checks and full-length screenshots.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none", "recordTiming": False},
    # No news / update toasts (and no network).
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
}

#: Server-side settings (temporary jupyter_server_config.json).
SERVER_CONFIG = {
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.NeverCheckForUpdate",
        # window.jupyterapp: used to wait for the kernel, never to click.
        "expose_app_in_browser": True,
    },
    "ServerApp": {"open_browser": False, "terminals_enabled": False},
    # The test-only notebooks (demo, broken) open by URL but stay out of the file browser.
    "ContentsManager": {
        "hide_globs": ["__pycache__", "*.pyc", "*.pyo", ".DS_Store", "*~", "*.so", "*.dylib", "zz_*_demo.ipynb"]
    },
    # The LSP extension stays on (the front end polls it) but looks for nothing.
    "LanguageServerManager": {"autodetect": False},
}

#: What must never be visible in an output (with the reason, for messages).
ERROR_MARKERS = {
    "Traceback": "a Python traceback",
    "Error displaying widget": "a widget that failed to display",
    "missing from font": "a chart with missing Chinese glyphs (no CJK font)",
    "Failed to load model class": "a widget whose JavaScript is missing",
    "出错 / error:": "a budgetkit widget showing an error",
    "Loading widget...": "a widget that never finished loading",
}

_LOADING_JS = """
() => Array.from(document.querySelectorAll('.jp-Notebook .jp-OutputArea-output'))
        .some(e => e.textContent.includes('Loading widget...'))
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _venv_bin() -> Path:
    # The interpreter running the tests is the venv's (make test: .venv/bin/python).
    return Path(sys.executable).parent


class LabServer:
    """``jupyter lab`` on a private copy of the notebooks."""

    def __init__(self, workdir: Path, notebooks: list[Path], extra: dict[str, dict] | None = None,
                 startup_timeout: float = 90.0):
        self.workdir = workdir
        self.root = workdir / "notebooks"
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "jupyterlab.log"
        self.startup_timeout = startup_timeout
        self.notebooks = notebooks
        self.extra = extra or {}
        self.snapshot: dict[str, bytes] = {}
        self.proc: subprocess.Popen | None = None
        self._log = None

    # -- set-up -----------------------------------------------------------------

    def _prepare(self) -> dict[str, str]:
        self.root.mkdir(parents=True)
        for path in self.notebooks:
            shutil.copy2(path, self.root / path.name)
        for name, content in self.extra.items():
            (self.root / name).write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")
        self.snapshot = {p.name: p.read_bytes() for p in self.root.glob("*.ipynb")}
        # Other files beside the notebooks (images, helper data) come along too.
        for path in NOTEBOOKS.iterdir() if NOTEBOOKS.is_dir() else []:
            if path.is_file() and path.suffix != ".ipynb" and not path.name.startswith("."):
                shutil.copy2(path, self.root / path.name)

        config = self.workdir / "jupyter-config"
        settings = config / "lab" / "user-settings"
        for plugin_id, values in LAB_SETTINGS.items():
            package, plugin = plugin_id.split(":")
            target = settings / package / f"{plugin}.jupyterlab-settings"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values, indent=2), encoding="utf-8")
        (config / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG, indent=2), encoding="utf-8")

        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_", "MPLBACKEND"))}
        env.update(
            JUPYTER_CONFIG_DIR=str(config),
            JUPYTER_DATA_DIR=str(self.workdir / "jupyter-data"),
            JUPYTER_RUNTIME_DIR=str(self.workdir / "jupyter-runtime"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.workdir / "workspaces"),
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            IPYTHONDIR=str(self.workdir / "ipython"),
            JUPYTER_PREFER_ENV_PATH="1",
            JUPYTER_PLATFORM_DIRS="1",
            PATH=f"{_venv_bin()}{os.pathsep}{os.environ.get('PATH', '')}",
            PYTHONHASHSEED="0",
            PYTHONIOENCODING="utf-8",
        )
        return env

    def start(self) -> None:
        env = self._prepare()
        jupyter = _venv_bin() / "jupyter"
        cmd = [
            str(jupyter) if jupyter.exists() else "jupyter",
            "lab",
            "--no-browser",
            f"--port={self.port}",
            "--port-retries=0",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.token={self.token}",
            f"--ServerApp.root_dir={self.root}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            cmd,
            cwd=self.workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its kernels are in its process group
        )
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        url = f"{self.base_url}/api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.25)
        raise RuntimeError(f"jupyter lab did not answer within {self.startup_timeout:.0f} s:\n{self.log_tail()}")

    # -- tear-down --------------------------------------------------------------

    def stop(self, timeout: float = 15.0) -> None:
        """Terminate, wait, then kill: the server and the kernels it started."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            try:
                # Shut the kernels down through the API first (quick, clean).
                request = urllib.request.Request(
                    f"{self.base_url}/api/shutdown?token={self.token}", method="POST", data=b""
                )
                urllib.request.urlopen(request, timeout=5).close()
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._signal_group(proc, signal.SIGTERM)
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    self._signal_group(proc, signal.SIGKILL)
                    proc.wait(timeout=timeout)
        if proc is not None:
            # Kernels left behind by a server that died: same process group.
            self._signal_group(proc, signal.SIGKILL)
        if self._log is not None:
            self._log.close()
            self._log = None

    @staticmethod
    def _signal_group(proc: subprocess.Popen, sig: int) -> None:
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def changed_notebooks(self) -> list[str]:
        """Notebooks of the served copy whose bytes differ from what was copied.

        (JupyterLab makes a checkpoint of each notebook it opens in
        ``.ipynb_checkpoints/``; that is a copy, not a save, and is not counted.)
        """
        return [name for name, data in self.snapshot.items()
                if not (self.root / name).is_file() or (self.root / name).read_bytes() != data]

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-n:]
        except OSError:
            return ""

    # -- URLs ---------------------------------------------------------------------

    def notebook_url(self, name: str, workspace: str) -> str:
        return f"{self.base_url}/lab/workspaces/{quote(workspace)}/tree/{quote(name)}?token={self.token}"


# ---------------------------------------------------------------------------
# The notebooks
# ---------------------------------------------------------------------------

#: Notebook made at run time (not in the repository) that shows every widget
#: of budgetkit.widgets, for widgets that no notebook of the series shows yet.
DEMO_NOTEBOOK = "zz_widgets_demo.ipynb"
WIDGET_CLASSES = ("DrillDown", "ProjectExplorer", "FundComparison", "IndicatorBrowser")


def series_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def code_sources(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as f:
        nb = json.load(f)
    return ["".join(c.get("source", "")) for c in nb.get("cells", []) if c.get("cell_type") == "code"]


def constructs(source: str, cls: str) -> bool:
    """True when code calls ``cls(`` (``DrillDown(b)``, ``widgets.DrillDown(b, 8)``)."""
    return re.search(rf"(?<![\w.])(?:\w+\.)*{cls}\(", source) is not None


BROKEN_NOTEBOOK = "zz_broken_demo.ipynb"


def _code(source: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": source}


def broken_notebook() -> dict:
    """A notebook with the faults the checks must see (made at run time, never in the repository)."""
    view = {"model_id": "0" * 32, "version_major": 2, "version_minor": 0}
    return {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# 坏掉的 notebook（测试用）"},
            _code("from IPython.display import display\n"
                  f"display({{'application/vnd.jupyter.widget-view+json': {view!r}, 'text/plain': 'w'}}, raw=True)"),
            _code("1 / 0"),
            _code("print('never reached')"),
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def demo_notebook() -> dict:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# 控件演示（测试用）"},
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "import budgetkit as bk\nfrom budgetkit import widgets\nb = bk.load()",
        },
    ]
    for cls in WIDGET_CLASSES:
        cells.append(
            {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": f"widgets.{cls}(b)"}
        )
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


# ---------------------------------------------------------------------------
# One notebook in the browser
# ---------------------------------------------------------------------------

_PROBE_JS = """
() => {
  const app = window.jupyterapp;
  const panel = app && app.shell.currentWidget;
  if (!panel || !panel.content || !panel.content.model || !panel.sessionContext) return null;
  const ctx = panel.sessionContext;
  const kernel = ctx.session && ctx.session.kernel;
  const cells = [];
  const model = panel.content.model;
  for (let i = 0; i < model.cells.length; i++) {
    const c = model.cells.get(i);
    cells.push({
      type: c.type,
      source: c.sharedModel.getSource(),
      count: c.type === 'code' ? c.executionCount : null,
    });
  }
  return {
    kernel: kernel ? kernel.status : null,
    connection: kernel ? kernel.connectionStatus : null,
    busy: ctx.kernelDisplayStatus,
    cells: cells,
  };
}
"""

# Cells whose prompt says they are running or queued.
_RUNNING_JS = """
() => Array.from(document.querySelectorAll('.jp-Notebook .jp-InputArea-prompt'))
        .filter(p => p.textContent.includes('*')).length
"""

_PROBLEMS_JS = """
(markers) => {
  const found = [];
  const cells = Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'));
  cells.forEach((cell, index) => {
    const stderr = cell.querySelectorAll(
      '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]');
    const outputs = cell.querySelectorAll('.jp-OutputArea-output');
    const texts = [];
    stderr.forEach(e => texts.push(e.innerText));
    outputs.forEach(e => texts.push(e.innerText));
    const joined = texts.join('\\n');
    for (const marker of markers) {
      if (joined.includes(marker)) {
        const at = joined.indexOf(marker);
        found.push({cell: index, marker: marker,
                    excerpt: joined.slice(Math.max(0, at - 300), at + 700)});
      }
    }
  });
  return found;
}
"""


@dataclass
class RunResult:
    name: str
    seconds: float
    problems: list[dict] = field(default_factory=list)
    not_run: list[int] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)
    widget_views: int = 0
    timed_out: bool = False


class LabNotebook:
    """One notebook open in its own JupyterLab workspace (browser tab)."""

    def __init__(self, context, server: LabServer, name: str):
        self.server = server
        self.name = name
        self.page = context.new_page()
        self.console_errors: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        self.page.on("response", self._on_response)
        self.result: RunResult | None = None

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.console_errors.append(f"HTTP {response.status} {response.url.split('?')[0]}")

    # -- opening and running ----------------------------------------------------

    def open(self, timeout: float = 60.0) -> None:
        workspace = "bk-" + re.sub(r"[^A-Za-z0-9]+", "-", self.name.encode("ascii", "ignore").decode()).strip("-")
        self.page.goto(self.server.notebook_url(self.name, workspace + "-" + secrets.token_hex(3)))
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout * 1000)
        self.wait_for(lambda s: s and s["kernel"] == "idle" and s["connection"] == "connected", timeout,
                      "the kernel to start")

    def probe(self) -> dict | None:
        return self.page.evaluate(_PROBE_JS)

    def wait_for(self, predicate, timeout: float, what: str, interval: float = 0.25):
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            state = self.probe()
            if predicate(state):
                return state
            self.page.wait_for_timeout(interval * 1000)
        raise TimeoutError(f"{self.name}: timed out after {timeout:.0f} s waiting for {what}; last state: "
                           f"{_summarize(state)}")

    def menu(self, top: str, item: str) -> None:
        """Click a main-menu entry, e.g. ("Run", "Run All Cells")."""
        self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(rf"^{re.escape(top)}$")).first.click()
        entry = self.page.locator(".lm-Menu-content .lm-Menu-item:not(.lm-mod-disabled) .lm-Menu-itemLabel",
                                  has_text=re.compile(rf"^{re.escape(item)}$")).first
        entry.click()

    def run_all(self, timeout: float = 240.0) -> RunResult:
        """Clear outputs, Run All Cells, wait; returns what the user would see."""
        start = time.monotonic()
        self.menu("Edit", "Clear Outputs of All Cells")
        self.wait_for(lambda s: s and all(c["count"] is None for c in s["cells"] if c["type"] == "code"), 30,
                      "outputs to be cleared")
        self.menu("Run", "Run All Cells")
        code = [i for i, c in enumerate(self.probe()["cells"]) if c["type"] == "code" and c["source"].strip()]

        def done(state) -> bool:
            if not state or state["kernel"] != "idle":
                return False
            cells = state["cells"]
            started = any(cells[i]["count"] is not None for i in code) or not code
            return started and self.page.evaluate(_RUNNING_JS) == 0

        result = RunResult(name=self.name, seconds=0.0)
        try:
            self.wait_for(done, timeout, "all cells to run")
            # Idle twice in a row, half a second apart: widgets render after the kernel is done.
            self.page.wait_for_timeout(500)
            self.wait_for(done, 30, "the kernel to stay idle")
        except TimeoutError:
            result.timed_out = True
        # A widget view whose model is not there yet says "Loading widget..." until
        # the widget manager gives up ("Error displaying widget: model not found").
        deadline = time.monotonic() + 20
        while self.page.evaluate(_LOADING_JS) and time.monotonic() < deadline:
            self.page.wait_for_timeout(250)
        state = self.probe()
        result.seconds = time.monotonic() - start
        result.not_run = [i for i in code if state["cells"][i]["count"] is None]
        result.problems = self.page.evaluate(_PROBLEMS_JS, list(ERROR_MARKERS))
        result.widget_views = self.page.locator(".jp-OutputArea-output .jupyter-widgets").count()
        result.console_errors = list(self.console_errors)
        self.result = result
        return result

    # -- pictures ---------------------------------------------------------------

    def screenshot(self, path: Path, part_height: int = 4000) -> list[Path]:
        """The whole notebook, top to bottom: ``path``, then ``<stem>-2.png``, … for long ones.

        The browser window is made as tall as the notebook (up to ``part_height``
        pixels of notebook per picture), so each picture shows the notebook as
        the student scrolls through it, without the scrolling.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        page = self.page
        original = page.viewport_size
        outer = ".jp-NotebookPanel .jp-WindowedPanel-outer"
        total, visible = page.evaluate(
            f"""() => {{
                 const e = document.querySelector('{outer}');
                 const cells = e.querySelectorAll('.jp-Cell');
                 const last = cells[cells.length - 1];
                 // Content height without the empty "scroll past the end" space.
                 const bottom = last ? last.getBoundingClientRect().bottom - e.getBoundingClientRect().top
                                       + e.scrollTop + 40 : e.scrollHeight;
                 return [Math.min(e.scrollHeight, Math.ceil(bottom)), e.clientHeight];
               }}"""
        )
        chrome = original["height"] - visible
        height = min(total, part_height)
        page.set_viewport_size({"width": original["width"], "height": max(original["height"], height + chrome)})
        paths = []
        try:
            offset, index = 0, 1
            while offset < total:
                page.evaluate(f"(y) => {{ document.querySelector('{outer}').scrollTop = y; }}", offset)
                page.wait_for_timeout(200)
                target = path if index == 1 else path.with_name(f"{path.stem}-{index}{path.suffix}")
                page.screenshot(path=str(target))
                paths.append(target)
                offset += height
                index += 1
        finally:
            page.evaluate(f"() => {{ document.querySelector('{outer}').scrollTop = 0; }}")
            page.set_viewport_size(original)
        return paths

    def photograph(self, locator, path: Path) -> Path:
        """A picture of one element (e.g. a widget), whole even when taller than the window."""
        page = self.page
        original = page.viewport_size
        height = locator.evaluate("e => e.getBoundingClientRect().height")
        page.set_viewport_size({"width": original["width"], "height": max(original["height"], int(height) + 300)})
        try:
            locator.scroll_into_view_if_needed()
            page.wait_for_timeout(200)
            locator.screenshot(path=str(path))
        finally:
            page.set_viewport_size(original)
        return path

    def close(self) -> None:
        try:
            self.page.close()
        except Exception:  # noqa: BLE001 - the browser may already be gone
            pass


def _summarize(state) -> str:
    if not state:
        return "no notebook panel"
    counts = [c["count"] for c in state["cells"] if c["type"] == "code"]
    return f"kernel={state['kernel']} connection={state['connection']} execution counts={counts}"

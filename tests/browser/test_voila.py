"""The drill-down notebook as a Voilà dashboard (``make voila``), driven in Chromium.

Voilà runs ``02_支出结构`` top to bottom and shows its outputs only: the
narration, tables, charts and the live DrillDown widget, no code. The test
serves a private copy (as the JupyterLab tests do: temporary Jupyter folders,
loopback port, a token), opens the page, and checks what a student would see:

* the page renders, with no traceback, no widget error and no code cell;
* the DrillDown widget works: choosing a 类 under ``下钻：`` changes the chart
  and the breadcrumb, exactly as in JupyterLab;
* a screenshot is saved under the artifacts folder.

The server (and its kernel) is stopped even when the test fails.
"""

from __future__ import annotations

import re
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from .lab import NOTEBOOKS, LabServer, _venv_bin

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DASHBOARD = "02_支出结构.ipynb"


class VoilaServer(LabServer):
    """``voila <notebook>`` on a private copy of the notebooks (see :class:`LabServer`)."""

    def start(self) -> None:
        env = self._prepare()
        voila = _venv_bin() / "voila"
        if not voila.exists():
            pytest.fail("voila is not installed in the test environment (pip install budgetkit[notebooks])")
        cmd = [str(voila), DASHBOARD, "--no-browser", f"--port={self.port}", "--Voila.ip=127.0.0.1",
               f"--token={self.token}"]
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=env, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        # any answer from the server (a redirect included) means it is up; "/" itself would run the notebook
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"voila exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                urllib.request.urlopen(f"{self.base_url}/api/status", timeout=2).close()
                return
            except urllib.error.HTTPError:
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.25)
        raise RuntimeError(f"voila did not answer within {self.startup_timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 15.0) -> None:
        proc = self.proc
        if proc is not None and proc.poll() is None:
            self._signal_group(proc, 15)  # SIGTERM: voila shuts its kernel down
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        super().stop(timeout=1.0)


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    server = VoilaServer(tmp_path_factory.mktemp("voila"), [NOTEBOOKS / DASHBOARD])
    try:
        server.start()
        yield server
    finally:
        server.stop()
        assert not server.changed_notebooks(), "voila changed the served notebook"


def test_drilldown_dashboard(browser_context, artifacts, voila):
    page = browser_context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{voila.base_url}/?token={voila.token}", wait_until="domcontentloaded")
        label = page.locator("label.widget-label", has_text=re.compile(r"^下钻：$"))
        label.first.wait_for(state="visible", timeout=120_000)
        body = page.inner_text("body")
        for needle in ("Traceback", "Error displaying widget", "出错 / error:", "missing from font"):
            assert needle not in body, f"the dashboard shows {needle!r}"
        # code is hidden: no input areas, no source of the notebook's first code cell
        assert page.locator(".jp-InputArea-editor:visible").count() == 0
        assert "plotting.use_chinese_font()" not in body and "import budgetkit" not in body
        # the narration and the static charts are there
        assert "按功能分类" in body and page.locator("img").count() >= 3

        box = page.locator(".widget-inline-hbox").filter(has=label).first
        root = page.locator(".jp-OutputArea-output").filter(has=box).first
        chart = root.locator(".widget-output img").first
        crumbs = root.locator("button.widget-button[title='当前位置'], button.widget-button[title^='返回：']")
        before_src, before_crumbs = chart.get_attribute("src"), crumbs.all_inner_texts()
        select = box.locator("select")
        options = [o.replace("\xa0", " ") for o in select.locator("option").all_inner_texts()]
        assert len(options) >= 2, f"the drill-down offers nothing to drill into: {options}"
        select.select_option(index=1)  # option 0 is the prompt
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and chart.get_attribute("src") == before_src:
            time.sleep(0.1)
        assert chart.get_attribute("src") != before_src, "choosing a 类 did not redraw the chart"
        assert crumbs.all_inner_texts() != before_crumbs, "choosing a 类 did not change the breadcrumb"
        code = options[1].split()[0]
        assert any(code in t for t in crumbs.all_inner_texts()), (code, crumbs.all_inner_texts())
        page.screenshot(path=str(artifacts / "voila-02_支出结构.png"))
        root.scroll_into_view_if_needed()
        root.screenshot(path=str(artifacts / "voila-DrillDown.png"))
        assert not [m for m in console if "widget" in m.lower() or "model" in m.lower()], console
    finally:
        page.close()

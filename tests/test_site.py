"""The static site (tools/build_site.py, ``make site``), built into a temporary folder.

The notebooks are executed once (in a temporary copy, as the tool does) and
rendered twice: with the widget JavaScript copied into ``static/`` and with the
CDN fallback. No network is used: the JavaScript comes from the npm cache that
``make site`` fills (``build/site-assets/``) when it is there, else from
stand-in tarballs with the same file layout, which test the wiring but not the
drawing. The pages are then checked as files (every notebook has a page, no
traceback / widget error / absolute path, widget state embedded, solutions
folded, every local link resolves) and, with the real JavaScript, in headless
Chromium without network (marker ``browser``).
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
import tarfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.slow


def _load_tool():
    spec = importlib.util.spec_from_file_location("build_site", REPO / "tools" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_site"] = module
    spec.loader.exec_module(module)
    return module


bs = _load_tool()


# --- helpers ----------------------------------------------------------------------


class PageParser(HTMLParser):
    """Links, ids, scripts and which cells sit inside <details class="bk-solution">."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (attribute, value)
        self.ids: set[str] = set()
        self.script_srcs: list[str] = []
        self.scripts: list[tuple[str, str]] = []  # (type, text)
        self.cells_in_solution: dict[str, bool] = {}  # cell id -> inside a solution <details>
        self.summaries: list[str] = []
        self._details: list[bool] = []  # stack: is this <details> a solution?
        self._script_type: str | None = None
        self._script_text: list[str] = []
        self._in_summary = False
        self._summary_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        for key in ("href", "src"):
            if a.get(key) is not None:
                self.links.append((key, a[key]))
        if tag == "details":
            self._details.append("bk-solution" in (a.get("class") or ""))
        elif tag == "summary":
            self._in_summary, self._summary_text = True, []
        elif tag == "script":
            if a.get("src"):
                self.script_srcs.append(a["src"])
            self._script_type, self._script_text = a.get("type") or "text/javascript", []
        cell_id = (a.get("id") or "").removeprefix("cell-id=")
        if tag == "div" and a.get("id", "").startswith("cell-id=") and "jp-Cell" in (a.get("class") or ""):
            self.cells_in_solution[cell_id] = any(self._details)

    def handle_endtag(self, tag):
        if tag == "details" and self._details:
            self._details.pop()
        elif tag == "summary" and self._in_summary:
            self._in_summary = False
            self.summaries.append("".join(self._summary_text).strip())
        elif tag == "script" and self._script_type is not None:
            self.scripts.append((self._script_type, "".join(self._script_text)))
            self._script_type = None

    def handle_data(self, data):
        if self._script_type is not None:
            self._script_text.append(data)
        if self._in_summary:
            self._summary_text.append(data)


def parse(path: Path) -> PageParser:
    p = PageParser()
    p.feed(path.read_text(encoding="utf-8"))
    p.close()
    return p


def fake_tarballs(folder: Path) -> dict[str, Path]:
    """Tarballs laid out like the real npm packages (placeholder contents)."""
    out = {}
    for asset in bs.ASSETS:
        names = [src for src, _ in asset.files]
        if asset.folder:
            names += [f"{asset.folder[0]}/0123456789abcdef{suffix}" for suffix in asset.folder[2]]
        path = folder / asset.tarball
        with tarfile.open(path, "w:gz") as tar:
            for name in names + ["package.json"]:
                data = f"/* stand-in for {asset.name} {name} */\n".encode()
                info = tarfile.TarInfo("package/" + name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        out[asset.name] = path
    return out


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


# --- fixtures -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_tarballs():
    cache = Path(os.environ.get(bs.CACHE_ENV, bs.DEFAULT_CACHE))
    return bs.fetch_assets(cache, offline=True, log=lambda *a: None)


@pytest.fixture(scope="module")
def executed():
    if not NOTEBOOKS:
        pytest.skip("no notebooks yet")
    data_before, notebooks_before = _snapshot(REPO / "data"), set(_snapshot(REPO / "notebooks"))
    pages = bs.discover()
    bs.execute_all(pages, timeout=600, log=lambda *a: None)
    # (notebooks/ is compared by file names only: people may be editing notebooks meanwhile.)
    assert _snapshot(REPO / "data") == data_before, "building the site wrote into data/"
    assert set(_snapshot(REPO / "notebooks")) == notebooks_before, "building the site wrote into notebooks/"
    return pages


@pytest.fixture(scope="module")
def site(executed, real_tarballs, tmp_path_factory):
    """The site with the widget JavaScript in static/ (real when cached, else stand-ins)."""
    tarballs = real_tarballs or fake_tarballs(tmp_path_factory.mktemp("fake-npm"))
    return bs.render_site(executed, tmp_path_factory.mktemp("site") / "site", tarballs, log=lambda *a: None)


@pytest.fixture(scope="module")
def cdn_site(executed, tmp_path_factory):
    return bs.render_site(executed, tmp_path_factory.mktemp("site-cdn") / "site", None, log=lambda *a: None)


# --- the pages ------------------------------------------------------------------------


def test_every_notebook_has_a_page_in_series_order(site, executed):
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in index and "目录" in index
    positions = []
    for page in executed:
        assert (site / page.html_name).is_file(), page.html_name
        assert page.title and page.title in index, f"index does not show the title of {page.source.name}"
        assert page.summary, f"{page.source.name} has no summary (notebooks/README.md or its first markdown cell)"
        positions.append(index.index(f'href="{bs.quote(page.html_name)}"'))
    assert positions == sorted(positions), "the index does not list the notebooks in order"
    expected = {p.html_name for p in executed} | {"index.html"}
    assert {p.name for p in site.glob("*.html")} == expected


def test_titles_come_from_the_first_markdown_cell(executed):
    for page in executed:
        first = bs._first_markdown(page.nb).lstrip()
        assert first.startswith("# ") and first[2:].splitlines()[0].strip() == page.title, page.source.name


def test_pages_show_no_errors_and_no_absolute_paths(site, tmp_path_factory):
    forbidden = {
        "Traceback": "a Python traceback",
        "Error displaying widget": "a widget that failed to display",
        "missing from font": "a missing-glyph warning (no CJK font)",
        "出错 / error:": "a budgetkit widget showing an error",
        str(REPO): "the repository's absolute path",
        str(Path.home()) + "/": "the home folder",
        str(site.parent): "the build folder",
        "file://": "a file:// URL",
        "/tmp/": "a temporary folder",
        "budgetkit-site-run-": "the execution folder",
    }
    for page in sorted(site.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        for needle, what in forbidden.items():
            at = text.find(needle)
            assert at < 0, f"{page.name} contains {what}: …{text[max(0, at - 200):at + 200]}…"


def test_widget_state_is_embedded_where_there_are_widgets(site, executed):
    for page in executed:
        parsed = parse(site / page.html_name)
        views = [json.loads(t) for ty, t in parsed.scripts if ty == bs.WIDGET_VIEW]
        states = [json.loads(t) for ty, t in parsed.scripts if ty == bs.WIDGET_STATE]
        if not page.has_widgets:
            assert not views and not states, f"{page.html_name}: widget scripts without widgets"
            assert bs.WIDGET_RENDERER not in (site / page.html_name).read_text(encoding="utf-8")
            continue
        assert views, f"{page.html_name}: the notebook shows widgets, the page has no widget views"
        assert len(states) == 1, f"{page.html_name}: expected one embedded widget state, found {len(states)}"
        models = states[0]["state"]
        for view in views:
            assert view["model_id"] in models, f"{page.html_name}: view of {view['model_id']} has no state"
        assert bs.WIDGET_RENDERER in (site / page.html_name).read_text(encoding="utf-8")
    assert any(p.has_widgets for p in executed) or pytest.skip("no notebook shows widgets yet")


def test_widget_javascript_is_local_and_offline(site):
    for name in (bs.WIDGET_RENDERER, bs.REQUIRE_JS, "static/site.css", "static/ASSETS.txt"):
        assert (site / name).is_file(), f"{name} is missing from the site"
    fonts = list((site / "static" / "html-manager").glob("*.woff2"))
    assert fonts, "the widget icon fonts were not copied"
    for page in sorted(site.glob("*.html")):
        parsed = parse(page)
        remote = [s for s in parsed.script_srcs + [v for k, v in parsed.links if k == "src"] if urlsplit(s).scheme]
        assert not [s for s in remote if not s.startswith("data:")], f"{page.name} loads {remote} from the network"
        text = page.read_text(encoding="utf-8")
        assert "cdn." not in text and "unpkg.com" not in text, f"{page.name} still refers to a CDN"
    assert "CDN" not in (site / "index.html").read_text(encoding="utf-8")


def test_cdn_fallback_is_pinned_and_said(cdn_site, executed):
    index = (cdn_site / "index.html").read_text(encoding="utf-8")
    assert "CDN" in index and "离线时控件不显示" in index
    assert not (cdn_site / "static" / "html-manager").exists()
    for page in executed:
        text = (cdn_site / page.html_name).read_text(encoding="utf-8")
        if page.has_widgets:
            assert bs.HTML_MANAGER.cdn in text and f"@{bs.HTML_MANAGER.version}/" in bs.HTML_MANAGER.cdn
        assert "@*/" not in text, f"{page.html_name}: unpinned widget JavaScript"


def test_solutions_are_collapsed(site, executed):
    total = 0
    for page in executed:
        parsed = parse(site / page.html_name)
        solution_ids = {c.get("id") for c in page.nb.cells if bs.SOLUTION_TAG in c.metadata.get("tags", [])}
        for cell in page.nb.cells:
            cid = cell.get("id")
            assert cid in parsed.cells_in_solution, f"{page.html_name}: cell {cid} is not on the page"
            inside = parsed.cells_in_solution[cid]
            if cid in solution_ids:
                assert inside, f"{page.html_name}: solution cell {cid} is not folded"
            else:
                assert not inside, f"{page.html_name}: cell {cid} is folded but is not a solution"
        assert parsed.summaries.count(bs.SOLUTION_SUMMARY) == page.solutions
        assert "<details open" not in (site / page.html_name).read_text(encoding="utf-8")
        total += len(solution_ids)
    assert total > 0 or pytest.skip("no solution cells yet")


def test_every_local_link_resolves(site, cdn_site):
    for root in (site, cdn_site):
        ids = {p.name: parse(p).ids for p in root.glob("*.html")}
        for page in sorted(root.glob("*.html")):
            parsed = parse(page)
            for attr, value in parsed.links:
                parts = urlsplit(value)
                if parts.scheme or value.startswith("//"):
                    continue  # data:, https:, mailto: …
                assert not value.startswith("/"), f"{page.name}: absolute link {value}"
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
                assert target.is_relative_to(root.resolve()), f"{page.name}: {value} leaves the site"
                assert target.is_file(), f"{page.name}: {attr}={value!r} does not resolve"
                assert target.suffix != ".ipynb", f"{page.name}: link to a notebook file {value}"
                if parts.fragment and target.suffix == ".html":
                    # As browsers do: the fragment as written, else percent-decoded.
                    found = parts.fragment in ids[target.name] or unquote(parts.fragment) in ids[target.name]
                    assert found, f"{page.name}: no #{parts.fragment} in {target.name}"


def test_links_between_notebooks_point_to_pages():
    names = {"01_收入来源.ipynb"}
    html = '<a href="01_收入来源.ipynb">a</a> <a href="01_%E6%94%B6%E5%85%A5%E6%9D%A5%E6%BA%90.ipynb#x">b</a> ' \
           '<a href="https://example.org/01_收入来源.ipynb">c</a> <a href="99_其他.ipynb">d</a>'
    out = bs.rewrite_notebook_links(html, names)
    assert 'href="01_收入来源.html"' in out
    assert 'href="01_%E6%94%B6%E5%85%A5%E6%9D%A5%E6%BA%90.html#x"' in out
    assert 'href="https://example.org/01_收入来源.ipynb"' in out and 'href="99_其他.ipynb"' in out


def test_refuses_to_replace_a_folder_it_did_not_make(executed, tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ValueError, match="not a site"):
        bs.render_site(executed[:1], precious, None, log=lambda *a: None)
    assert (precious / "thesis.txt").read_text(encoding="utf-8") == "keep me"


def test_command_line_builds_one_notebook(tmp_path):
    if not NOTEBOOKS:
        pytest.skip("no notebooks yet")
    out = tmp_path / "site"
    env = {**os.environ, bs.CACHE_ENV: str(tmp_path / "empty-cache")}
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_site.py"), "--offline", "--out", str(out), str(NOTEBOOKS[0])],
        capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert (out / "index.html").is_file() and (out / (NOTEBOOKS[0].stem + ".html")).is_file()
    assert "CDN" in proc.stdout  # offline with an empty cache: says it falls back
    bad = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_site.py"), "--offline", "--out", str(REPO / "data" / "site")],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert bad.returncode == 2 and "refusing" in bad.stderr
    assert not (REPO / "data" / "site").exists()


# --- in a browser ---------------------------------------------------------------------


@pytest.mark.browser
def test_site_in_a_browser_offline(site, executed, real_tarballs):
    """Index and a page with widgets in headless Chromium, every non-file request blocked."""
    sys.path.insert(0, str(REPO / "tests"))
    from browser import chromium

    if real_tarballs is None:
        pytest.skip("the widget JavaScript is not cached (run `make site` once, which fetches it with npm)")
    sync_playwright = chromium.import_playwright()
    artifacts = Path(os.environ.get("BUDGETKIT_ARTIFACTS") or REPO / "test-artifacts") / "site"
    artifacts.mkdir(parents=True, exist_ok=True)
    with_widgets = [p for p in executed if p.has_widgets]
    if not with_widgets:
        pytest.skip("no notebook shows widgets yet")
    with sync_playwright() as p:
        context = chromium.launch(p, site.parent / "profile")
        try:
            blocked, problems = [], []

            def route(r):
                if r.request.url.startswith("file:"):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
            page.goto((site / "index.html").as_uri())
            assert page.locator("ol.bk-series > li").count() == len(executed)
            page.screenshot(path=str(artifacts / "index.png"), full_page=True)
            charts = 0
            for target in with_widgets:
                page.goto((site / target.html_name).as_uri())
                views = sum(1 for ty, _ in parse(site / target.html_name).scripts if ty == bs.WIDGET_VIEW)
                page.wait_for_function(
                    "n => document.querySelectorAll('.jupyter-widgets.jp-OutputArea-output .widget-box').length >= n",
                    arg=views, timeout=30_000,
                )
                assert page.locator("text=Error displaying widget").count() == 0
                charts += page.locator(".widget-output img").count()
                page.screenshot(path=str(artifacts / f"{Path(target.html_name).stem}.png"), full_page=True)
            assert charts >= 1, "no widget of the site shows its chart"
            summary = page.locator("details.bk-solution > summary").first
            if summary.count():
                details = page.locator("details.bk-solution").first
                assert details.evaluate("d => d.open") is False
                summary.click()
                assert details.evaluate("d => d.open") is True
            assert not blocked, f"the pages tried to reach the network: {blocked[:5]}"
            assert not problems, problems[:5]
        finally:
            context.close()

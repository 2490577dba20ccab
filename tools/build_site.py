"""Build the static site: every notebook executed and rendered to HTML, with an index.

    python tools/build_site.py [--out site] [--offline] [NOTEBOOK ...]     (make site)

What it makes (``site/`` by default; not committed):

- ``index.html``: the series in order (title and a one-line summary of each
  notebook, in Chinese, from notebooks/README.md or the notebook's first
  markdown cell);
- ``NN_名称.html`` for each notebook: executed afresh in a fresh kernel (in a
  temporary copy of notebooks/, so nothing is written into the repository),
  rendered with nbconvert's "lab" template, **with the widget state embedded**
  so that the ipywidgets controls are drawn (as they were at the end of the
  run; without a kernel they do not react). Cells tagged ``solution`` are
  folded into ``<details><summary>解答</summary>…</details>``. Links between
  notebooks (``01_收入来源.ipynb``) point to the pages (``01_收入来源.html``);
  each page has 目录 / 上一讲 / 下一讲 links;
- ``static/``: the page style and the JavaScript that draws the widgets.

Offline widgets: nbconvert normally loads require.js and the
``@jupyter-widgets/html-manager`` bundle from CDNs at view time. Here both come
from the npm registry at build time (``npm pack`` of pinned versions, checked
against pinned sha512 integrity hashes), are cached in ``build/site-assets/``
(or ``$BUDGETKIT_SITE_ASSETS``) and copied into ``site/static/``: the pages
then work without any network. With ``--offline`` only the cache is used; if
the assets are neither cached nor fetchable (no npm, no network), the pages
fall back to the same pinned versions on the CDN, the build says so, and the
index page shows a note that the controls need a network connection there.
MathJax / mermaid are only included in pages that use them (none do now).

Exit status: 0 on success, 1 when a notebook fails to execute (the failing
cell is printed), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import base64
import copy
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "site"
DEFAULT_CACHE = ROOT / "build" / "site-assets"
CACHE_ENV = "BUDGETKIT_SITE_ASSETS"

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
SOLUTION_TAG = "solution"
SOLUTION_SUMMARY = "解答"

# ---------------------------------------------------------------------------
# JavaScript assets (pinned; fetched with npm at build time, never at view time)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NpmAsset:
    name: str
    version: str
    integrity: str  # "sha512-<base64>", as the npm registry publishes it
    license: str
    #: (path inside the package's tarball, without "package/") → path under static/
    files: tuple[tuple[str, str], ...] = ()
    #: copy every file of this package folder whose suffix is listed
    folder: tuple[str, str, tuple[str, ...]] | None = None
    cdn: str = ""

    @property
    def tarball(self) -> str:
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


HTML_MANAGER = NpmAsset(
    name="@jupyter-widgets/html-manager",
    version="1.0.15",
    integrity="sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
    license="BSD-3-Clause",
    files=(("dist/embed-amd.js", "html-manager/embed-amd.js"),
           ("dist/embed.js.LICENSE.txt", "html-manager/THIRD-PARTY-LICENSES.txt")),
    # Font Awesome (button icons), loaded by embed-amd.js relative to itself.
    folder=("dist", "html-manager", (".woff2", ".woff", ".ttf", ".eot", ".svg")),
    cdn="https://cdn.jsdelivr.net/npm/@jupyter-widgets/html-manager@1.0.15/dist/embed-amd.js",
)
REQUIREJS = NpmAsset(
    name="requirejs",
    version="2.3.7",
    integrity="sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyBkM1z+pDsw==",
    license="MIT",
    files=(("require.js", "require.js"),),
    cdn="https://cdn.jsdelivr.net/npm/requirejs@2.3.7/require.js",
)
ASSETS = (HTML_MANAGER, REQUIREJS)

#: Where the pages find them, relative to the site's root.
WIDGET_RENDERER = "static/html-manager/embed-amd.js"
REQUIRE_JS = "static/require.js"
#: The bundle locates its icon fonts from the URL of its AMD modules
#: (``@jupyter-widgets/...``, relative to the page by default): point those
#: module names at static/html-manager/, where the fonts are.
REQUIRE_CONFIG = {"paths": {"@jupyter-widgets/html-manager/dist": "static/html-manager",
                            "@jupyter-widgets": "static/html-manager"}}


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")


def _cached_tarball(asset: NpmAsset, cache: Path) -> Path | None:
    path = cache / asset.tarball
    if path.is_file() and _integrity(path.read_bytes()) == asset.integrity:
        return path
    return None


def _npm_pack(asset: NpmAsset, cache: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        proc = subprocess.run(
            [npm, "pack", f"{asset.name}@{asset.version}", "--json", "--pack-destination", tmp],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false"},
        )
        if proc.returncode != 0:
            raise RuntimeError(f"npm pack {asset.name}@{asset.version} failed: {proc.stderr.strip()[-500:]}")
        packed = Path(tmp) / asset.tarball
        data = packed.read_bytes()
        if _integrity(data) != asset.integrity:
            raise RuntimeError(f"{asset.tarball}: integrity {_integrity(data)} is not the pinned {asset.integrity}")
        target = cache / asset.tarball
        target.write_bytes(data)
    return target


def fetch_assets(cache: Path, offline: bool, log=print) -> dict[str, Path] | None:
    """Tarballs of every pinned asset (cache, else npm), or None when one cannot be had."""
    found: dict[str, Path] = {}
    for asset in ASSETS:
        path = _cached_tarball(asset, cache)
        if path is None and not offline:
            try:
                log(f"fetching {asset.name}@{asset.version} with npm pack")
                path = _npm_pack(asset, cache)
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
                log(f"warning: {exc}")
        if path is None:
            log(f"warning: {asset.name}@{asset.version} is not available "
                f"({'not in ' + str(cache) if offline else 'npm could not fetch it'}); "
                "the pages will load the widget JavaScript from a CDN")
            return None
        found[asset.name] = path
    return found


def install_assets(tarballs: dict[str, Path], static: Path) -> list[str]:
    """Unpack the needed files of each tarball into ``static/``; returns what was written."""
    written = []
    for asset in ASSETS:
        with tarfile.open(tarballs[asset.name], "r:gz") as tar:
            members = {m.name.removeprefix("package/"): m for m in tar.getmembers() if m.isfile()}
            wanted = list(asset.files)
            if asset.folder:
                src, dst, suffixes = asset.folder
                wanted += [(name, f"{dst}/{name.removeprefix(src + '/')}") for name in sorted(members)
                           if name.startswith(src + "/") and name.endswith(suffixes) and name.count("/") == 1]
            for src, dst in wanted:
                if src not in members:
                    raise RuntimeError(f"{asset.tarball} has no {src}")
                target = static / dst
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(members[src]).read())
                written.append(dst)
    notes = ["JavaScript used by the pages to draw Jupyter widgets, from the npm registry:", ""]
    for asset in ASSETS:
        notes.append(f"- {asset.name}@{asset.version} ({asset.license}), {asset.integrity}")
    (static / "ASSETS.txt").write_text("\n".join(notes) + "\n", encoding="utf-8")
    return written


# ---------------------------------------------------------------------------
# Notebooks: discovery, titles, execution
# ---------------------------------------------------------------------------


@dataclass
class Page:
    source: Path  # the notebook in the repository
    title: str
    summary: str  # markdown
    nb: object = None  # executed NotebookNode
    seconds: float = 0.0
    has_widgets: bool = False
    solutions: int = 0

    @property
    def html_name(self) -> str:
        return self.source.stem + ".html"


def _first_markdown(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            return cell.source
    return ""


def title_and_intro(nb, fallback: str) -> tuple[str, str]:
    """``# 标题`` of the first markdown cell, and its first paragraph after the title."""
    text = _first_markdown(nb)
    title = fallback
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    for p in list(paragraphs):
        m = re.match(r"#\s+(.+)", p)
        if m:
            title = m.group(1).strip()
            paragraphs.remove(p)
            break
    intro = next((p for p in paragraphs if not p.startswith("#")), "")
    return title, intro


def readme_summaries(readme: Path) -> dict[str, str]:
    """``notebook file name → summary`` from lines ``- [名称](NN_名称.ipynb) — summary``."""
    if not readme.is_file():
        return {}
    out = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*[-*]\s*\[[^\]]*\]\(([^)\s]+\.ipynb)\)\s*[—–:-]+\s*(.+)$", line)
        if m:
            out[unquote(m.group(1))] = m.group(2).strip()
    return out


def discover(paths: list[Path] | None = None) -> list[Page]:
    import nbformat

    paths = sorted(paths) if paths else sorted(NOTEBOOKS.glob("*.ipynb"))
    summaries = readme_summaries(NOTEBOOKS / "README.md")
    pages = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        title, intro = title_and_intro(nb, path.stem)
        pages.append(Page(source=path, title=title, summary=summaries.get(path.name, intro)))
    return pages


def execute(page: Page, workdir: Path, timeout: int = 600) -> None:
    """Run the notebook in a fresh kernel, in ``workdir``; keep the widget state."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(page.source, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        record_timing=False,
        store_widget_state=True,
        coalesce_streams=True,  # one stream output per cell and stream, however stdout was flushed
        resources={"metadata": {"path": str(workdir)}},
    ).execute()
    page.seconds = time.perf_counter() - start
    page.nb = nb
    page.has_widgets = WIDGET_STATE in nb.metadata.get("widgets", {}) and any(
        WIDGET_VIEW in out.get("data", {}) for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
    )


def execute_all(pages: list[Page], timeout: int = 600, log=print) -> None:
    """Execute every page in a temporary copy of notebooks/ (cells may write files)."""
    os.environ.setdefault("PYTHONHASHSEED", "0")
    with tempfile.TemporaryDirectory(prefix="budgetkit-site-run-") as tmp:
        workdir = Path(tmp) / "notebooks"
        shutil.copytree(NOTEBOOKS, workdir, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        for page in pages:
            execute(page, workdir, timeout)
            log(f"executed {page.source.name} in {page.seconds:.1f} s")


# ---------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------

TEMPLATE = r"""
{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}
{{ super() }}
{%- if resources.bk.require_config %}
<script>require.config({{ resources.bk.require_config }});</script>
{%- endif -%}
{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}
{%- if resources.bk.math -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}
{%- if resources.bk.mermaid -%}{{ super() }}{%- endif -%}
{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}
{{ super() }}
<link rel="stylesheet" href="static/site.css">
{% endblock extra_css %}
{%- block body_header -%}
{{ super() }}
{{ resources.bk.nav }}
{%- endblock body_header -%}
{% block body_footer %}
{{ resources.bk.nav }}
{{ super() }}
{% endblock body_footer %}
{% block any_cell %}
{%- if cell.metadata.get('bk_solution_open') -%}
<details class="bk-solution"><summary>{{ resources.bk.solution_summary }}</summary>
{%- endif -%}
{{ super() }}
{%- if cell.metadata.get('bk_solution_close') -%}
</details>
{%- endif -%}
{% endblock any_cell %}
"""

SITE_CSS = """
.bk-nav { display: flex; gap: 1.5em; flex-wrap: wrap; align-items: baseline; max-width: 1100px;
          margin: 0.5em auto; padding: 0.6em 1em; border-bottom: 1px solid #ddd; font-size: 15px; }
.bk-nav a { text-decoration: none; color: #1a5fb4; }
.bk-nav .bk-here { color: #555; }
details.bk-solution { margin: 0.4em 0 0.8em 0; border-left: 4px solid #2a7ab0; padding-left: 0.6em; }
details.bk-solution > summary { cursor: pointer; color: #2a7ab0; font-weight: bold; padding: 0.3em 0; }
body.bk-index { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
                sans-serif; max-width: 880px; margin: 2em auto; padding: 0 1em; line-height: 1.7; color: #222; }
.bk-index h1 { font-size: 28px; margin-bottom: 0.2em; }
.bk-index ol.bk-series { list-style: none; padding: 0; }
.bk-index ol.bk-series li { margin: 0.9em 0; padding: 0.6em 0.9em; border: 1px solid #e2e2e2; border-radius: 6px; }
.bk-index .bk-num { display: inline-block; min-width: 2.2em; color: #888; font-variant-numeric: tabular-nums; }
.bk-index .bk-title { font-size: 18px; font-weight: bold; text-decoration: none; color: #1a5fb4; }
.bk-index .bk-summary { margin: 0.2em 0 0 2.2em; color: #444; }
.bk-index .bk-summary p { margin: 0; }
.bk-index .bk-note { background: #f6f8fa; border-left: 4px solid #2a7ab0; padding: 0.6em 1em; }
.bk-index .bk-warn { background: #fff4e5; border-left: 4px solid #e5a50a; padding: 0.6em 1em; }
.bk-index footer { margin-top: 2em; font-size: 13px; color: #666; }
"""

_MATH = re.compile(r"(?<!\\)\$\$|(?<![\\\w$])\$[^$\s][^$\n]*(?<!\s)\$(?![\w$])|\\\(|\\\[|\\begin\{")
_MERMAID = re.compile(r"```mermaid")


def _uses(pattern: re.Pattern, nb) -> bool:
    return any(cell.cell_type == "markdown" and pattern.search(cell.source) for cell in nb.cells)


def mark_solutions(nb) -> int:
    """Flag the first and last cell of each run of ``solution`` cells; returns the number of runs."""
    runs = 0
    cells = nb.cells
    for i, cell in enumerate(cells):
        is_sol = SOLUTION_TAG in cell.metadata.get("tags", [])
        if not is_sol:
            continue
        if i == 0 or SOLUTION_TAG not in cells[i - 1].metadata.get("tags", []):
            cell.metadata["bk_solution_open"] = True
            runs += 1
        if i == len(cells) - 1 or SOLUTION_TAG not in cells[i + 1].metadata.get("tags", []):
            cell.metadata["bk_solution_close"] = True
    return runs


def _nav(pages: list[Page], index: int) -> str:
    parts = ['<nav class="bk-nav"><a href="index.html">目录</a>']
    if index > 0:
        prev = pages[index - 1]
        parts.append(f'<a href="{quote(prev.html_name)}">← 上一讲：{html.escape(prev.title)}</a>')
    parts.append(f'<span class="bk-here">{html.escape(pages[index].title)}</span>')
    if index + 1 < len(pages):
        nxt = pages[index + 1]
        parts.append(f'<a href="{quote(nxt.html_name)}">下一讲：{html.escape(nxt.title)} →</a>')
    parts.append("</nav>")
    return "".join(parts)


def rewrite_notebook_links(text: str, names: set[str]) -> str:
    """``href="01_收入来源.ipynb#x"`` → ``href="01_收入来源.html#x"`` for notebooks of the site."""

    def repl(m: re.Match) -> str:
        target, frag = m.group(2), m.group(3) or ""
        if unquote(target) in names:
            return f'{m.group(1)}{target[: -len(".ipynb")]}.html{frag}"'
        return m.group(0)

    return re.sub(r'(href=")(?!\w+:|/)([^"#?]+\.ipynb)(#[^"]*)?"', repl, text)


def _exporter(local_assets: bool):
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_loaders=[DictLoader({"budgetkit_site.html.j2": TEMPLATE})],
        template_file="budgetkit_site.html.j2",
    )
    if local_assets:
        exporter.require_js_url = REQUIRE_JS
        exporter.widget_renderer_url = WIDGET_RENDERER
    else:
        exporter.require_js_url = REQUIREJS.cdn
        exporter.widget_renderer_url = HTML_MANAGER.cdn
    return exporter


def _md(text: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


def render_index(pages: list[Page], local_assets: bool) -> str:
    readme = NOTEBOOKS / "README.md"
    intro = ""
    if readme.is_file():
        paras = [p.strip() for p in re.split(r"\n\s*\n", readme.read_text(encoding="utf-8")) if p.strip()]
        intro = next((p for p in paras if not p.startswith(("#", "-", "```", "|"))), "")
    items = []
    for i, page in enumerate(pages):
        num = re.match(r"(\d+)", page.source.stem)
        items.append(
            f'<li><span class="bk-num">{num.group(1) if num else i + 1}</span>'
            f'<a class="bk-title" href="{quote(page.html_name)}">{html.escape(page.title)}</a>'
            f'<div class="bk-summary">{_md(page.summary) if page.summary else ""}</div></li>'
        )
    widgets = ("交互控件（如下钻图、项目浏览器）在这些静态页面中显示为运行结束时的样子，但不能操作："
               "页面背后没有运行中的 Python 内核。要操作它们，请在 JupyterLab 中打开 notebook（<code>make lab</code>）。")
    warn = ""
    if not local_assets:
        warn = ('<p class="bk-warn">本站点构建时未能取得控件脚本（npm 不可用），页面从 CDN 加载它们：'
                "离线时控件不显示，只显示其静态替代图。</p>")
    body = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>budgetkit 教程：部门预算公开数据分析</title>
<link rel="stylesheet" href="static/site.css">
</head>
<body class="bk-index">
<header>
<h1>budgetkit 教程</h1>
<p>用 Python 读懂一份真实的部门预算公开文件。</p>
</header>
<main>
{_md(intro) if intro else ""}
<p class="bk-note">{widgets}每一讲末尾的练习解答默认折叠，点击“{SOLUTION_SUMMARY}”展开。</p>
{warn}
<h2>目录</h2>
<ol class="bk-series">
{"".join(items)}
</ol>
</main>
<footer>由 <code>tools/build_site.py</code> 生成：每个 notebook 都在全新内核中重新运行。
数据：2023 年深圳市龙华区工业和信息化局部门预算（公开文件），仅供研究与教学使用；代码以 MIT 许可发布。</footer>
</body>
</html>
"""
    return rewrite_notebook_links(body, {p.source.name for p in pages})


def is_site(folder: Path) -> bool:
    """A folder this tool made (and so may replace): index.html and static/site.css."""
    return (folder / "index.html").is_file() and (folder / "static" / "site.css").is_file()


def render_site(pages: list[Page], out: Path, tarballs: dict[str, Path] | None, log=print) -> Path:
    """Write the site into ``out`` (replaced) from executed pages."""
    local_assets = tarballs is not None
    if out.exists() and any(out.iterdir()) and not is_site(out):
        raise ValueError(f"{out} exists and is not a site built by this tool; not replacing it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_out = Path(tempfile.mkdtemp(prefix=f".{out.name}-build-", dir=out.parent))
    tmp_out.chmod(0o755)
    static = tmp_out / "static"
    static.mkdir(parents=True)
    (static / "site.css").write_text(SITE_CSS.lstrip(), encoding="utf-8")
    if local_assets:
        install_assets(tarballs, static)
    # Files beside the notebooks (images a notebook shows) come along.
    for path in sorted(NOTEBOOKS.iterdir()):
        if path.is_file() and path.suffix.lower() in {".png", ".jpg", ".jpeg", ".gif", ".svg", ".csv"}:
            shutil.copy2(path, tmp_out / path.name)

    names = {p.source.name for p in pages}
    exporter = _exporter(local_assets)
    for i, page in enumerate(pages):
        nb = copy.deepcopy(page.nb)
        page.solutions = mark_solutions(nb)
        nb.metadata["title"] = page.title
        resources = {
            "metadata": {"name": page.title},
            "bk": {
                "nav": _nav(pages, i),
                "math": _uses(_MATH, nb),
                "mermaid": _uses(_MERMAID, nb),
                "solution_summary": SOLUTION_SUMMARY,
                "require_config": json.dumps(REQUIRE_CONFIG) if local_assets else "",
            },
        }
        body, _ = exporter.from_notebook_node(nb, resources=resources)
        body = rewrite_notebook_links(body, names)
        (tmp_out / page.html_name).write_text(body, encoding="utf-8")
    (tmp_out / "index.html").write_text(render_index(pages, local_assets), encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp_out.rename(out)
    log(f"wrote {len(pages)} pages and index.html to {out} "
        f"(widget JavaScript: {'static/, works offline' if local_assets else 'CDN'})")
    return out


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to include (default: notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: site/)")
    parser.add_argument("--assets-cache", type=Path, default=Path(os.environ.get(CACHE_ENV, DEFAULT_CACHE)),
                        help=f"where the npm tarballs are cached (default: ${CACHE_ENV} or build/site-assets/)")
    parser.add_argument("--offline", action="store_true", help="use only the cache, never npm")
    parser.add_argument("--fetch-only", action="store_true", help="only fetch the JavaScript assets into the cache")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell (default: 600)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    if args.fetch_only:
        return 0 if fetch_assets(args.assets_cache, args.offline) else 1
    out = args.out.resolve()
    if out in {ROOT, NOTEBOOKS, ROOT / "data", ROOT / "budgetkit", ROOT / "tools", ROOT / "tests"} \
            or any(folder in out.parents for folder in (NOTEBOOKS, ROOT / "data", ROOT / "budgetkit")):
        parser.error(f"refusing to write the site into {out}")
    for nb in args.notebooks:
        if not nb.is_file() or nb.suffix != ".ipynb":
            parser.error(f"no such notebook: {nb}")
    pages = discover([p.resolve() for p in args.notebooks] or None)
    if not pages:
        print("No notebooks found.")
        return 1
    if out.exists() and any(out.iterdir()) and not is_site(out):
        parser.error(f"{out} exists and is not a site built by this tool; not replacing it")
    tarballs = fetch_assets(args.assets_cache, args.offline)
    try:
        execute_all(pages, args.timeout)
    except Exception as exc:  # nbclient's CellExecutionError, a dead kernel, a timeout
        print(f"error: executing a notebook failed:\n{exc}", file=sys.stderr)
        return 1
    render_site(pages, out, tarballs)
    print(f"site built in {time.perf_counter() - start:.1f} s: {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

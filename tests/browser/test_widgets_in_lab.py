"""The budgetkit widgets, operated in JupyterLab as a student would.

Each widget is found in the notebooks that create it (by the source text
``DrillDown(`` …) and then on the page by its visible labels (``下钻：``,
``项目：``, ``子项：``, ``一级指标：``). A widget that no notebook shows yet is
tried in a demo notebook made at run time, so every widget is always tested.

Every step is a real browser action (select an option, click a button, type)
followed by a check of what changed on the screen: the chart image, the
breadcrumb, the rows of a table, a download. Afterwards each widget is
photographed into the artifacts folder.
"""

from __future__ import annotations

import re
import time

import pytest

from .lab import DEMO_NOTEBOOK, WIDGET_CLASSES, LabNotebook, code_sources, constructs, series_notebooks

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: The label of a control that only this widget has.
MARKER_LABEL = {
    "DrillDown": "下钻：",
    "ProjectExplorer": "项目：",
    "FundComparison": "子项：",
    "IndicatorBrowser": "一级指标：",
}


def _cases() -> list[tuple[str, str]]:
    cases = []
    notebooks = series_notebooks()
    for cls in WIDGET_CLASSES:
        users = [p.name for p in notebooks if any(constructs(s, cls) for s in code_sources(p))]
        cases += [(cls, name) for name in users] or [(cls, DEMO_NOTEBOOK)]
    return cases


CASES = _cases()


def wait_until(predicate, what: str, timeout: float = 30.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last value: {last!r})")


class WidgetOnPage:
    """One displayed widget: its top-level output area in the notebook."""

    def __init__(self, nb: LabNotebook, cls: str):
        self.nb = nb
        self.page = nb.page
        label = MARKER_LABEL[cls]
        top = self.page.locator(".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output")
        self.root = top.filter(
            has=self.page.locator(".widget-inline-hbox > label.widget-label", has_text=re.compile(rf"^{label}$"))
        ).first
        assert self.root.count() == 1, (
            f"{nb.name}: the source creates {cls}, but no widget labelled {label!r} is on the page"
        )
        self.root.scroll_into_view_if_needed()
        self.cell = self.root.locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' jp-Cell ')][1]")

    # -- what is on the screen ------------------------------------------------------

    def control(self, label: str, kind: str = "select"):
        """The <select>/<input> of the control whose visible label is ``label``."""
        box = self.root.locator(".widget-inline-hbox").filter(
            has=self.page.locator("label.widget-label", has_text=re.compile(rf"^{re.escape(label)}$"))
        )
        return box.locator(kind).first

    def chart_src(self) -> str | None:
        img = self.root.locator(".widget-output img")
        return img.first.get_attribute("src") if img.count() else None

    def toggle(self, text: str):
        return self.root.locator("button.widget-toggle-button", has_text=re.compile(rf"^{re.escape(text)}$")).first

    def table_rows(self) -> list[list[str]]:
        return self.root.locator(".widget-html-content table").last.evaluate(
            "t => Array.from(t.rows).map(r => Array.from(r.cells).map(c => c.innerText.trim()))"
        )

    def text(self) -> str:
        return self.root.inner_text()

    def assert_no_error(self) -> None:
        text = self.cell.inner_text()
        for marker in ("出错 / error", "Traceback", "Error displaying widget"):
            assert marker not in text, f"{self.nb.name}: the widget shows {marker!r}:\n{text[-2000:]}"

    def wait_chart_change(self, old: str | None, what: str) -> str:
        new = wait_until(lambda: (src := self.chart_src()) and src != old and src, f"the chart to change ({what})")
        assert new.startswith("data:image/png"), new[:60]
        return new

    def photograph(self, artifacts, cls: str) -> None:
        self.nb.photograph(self.root, artifacts / f"widget-{cls}-{self.nb.name.removesuffix('.ipynb')}.png")


@pytest.fixture
def widget_page(lab, request, artifacts):
    cls, name = request.param
    nb = lab.notebook(name)
    widget = WidgetOnPage(nb, cls)
    yield widget
    # After the test, passed or failed: what the student would now see.
    widget.photograph(artifacts, cls)


def _ids(case):
    return f"{case[0]}-{case[1].removesuffix('.ipynb')}"


def _cases_for(cls):
    return [c for c in CASES if c[0] == cls]


def active_toggle(w: WidgetOnPage, labels: list[str]) -> str:
    active = [t for t in labels if "mod-active" in (w.toggle(t).get_attribute("class") or "")]
    assert len(active) == 1, f"expected one of {labels} to be selected, got {active}"
    return active[0]


@pytest.mark.parametrize("widget_page", _cases_for("DrillDown"), ids=_ids, indirect=True)
def test_drilldown(widget_page):
    w = widget_page
    w.assert_no_error()
    crumbs = w.root.locator("button.widget-button[title='当前位置'], button.widget-button[title^='返回：']")
    select = w.control("下钻：")
    link = w.root.locator("a[download]")

    def crumb_texts() -> list[str]:
        return [t.replace("\xa0", " ").strip() for t in crumbs.all_inner_texts()]

    assert w.chart_src(), "the drill-down shows no chart"
    assert crumb_texts(), "the drill-down shows no breadcrumb"
    # The notebook may have left it anywhere: start from the top (first breadcrumb).
    if len(crumb_texts()) > 1:
        before = w.chart_src()
        crumbs.first.click()
        wait_until(lambda: len(crumb_texts()) == 1, "the breadcrumb to go back to the top")
        w.wait_chart_change(before, "after going back to the top")
    top_crumbs, top_chart = crumb_texts(), w.chart_src()
    mode = active_toggle(w, ["万元", "%"])

    # 1. Drill into the first child that has sub-items: a breadcrumb is added, the chart changes.
    options = [o.replace("\xa0", " ") for o in select.locator("option").all_inner_texts()]
    assert len(options) >= 2, f"nothing to drill into at the top: {options}"
    choice = options[1]
    code = choice.split()[0]
    select.select_option(index=1)
    wait_until(lambda: len(crumb_texts()) == len(top_crumbs) + 1, "a new breadcrumb")
    assert crumb_texts()[-1].startswith(code), f"breadcrumb {crumb_texts()} does not name the chosen {choice!r}"
    drilled_chart = w.wait_chart_change(top_chart, "after drilling down")
    assert [o.replace("\xa0", " ") for o in select.locator("option").all_inner_texts()] != options, (
        "the dropdown still offers the same children"
    )
    w.assert_no_error()

    # 2. The 万元 / % toggle redraws the chart, and switching back gives the same chart.
    other = "%" if mode == "万元" else "万元"
    w.toggle(other).click()
    other_chart = w.wait_chart_change(drilled_chart, f"after choosing {other}")
    assert active_toggle(w, ["万元", "%"]) == other
    w.toggle(mode).click()
    back_chart = w.wait_chart_change(other_chart, f"after choosing {mode} again")
    assert back_chart == drilled_chart, f"{mode} → {other} → {mode} does not give the same chart back"

    # 3. Export: a download link appears; clicking it downloads the CSV of this view.
    assert link.count() == 0, "a download link is offered before pressing 导出 CSV"
    w.root.locator("button.widget-button", has_text="导出 CSV").click()
    wait_until(lambda: link.count() == 1, "the download link")
    assert link.get_attribute("href").startswith("data:text/csv"), link.get_attribute("href")[:40]
    assert link.get_attribute("download").endswith(".csv")
    with w.page.expect_download() as info:
        link.click()
    with open(info.value.path(), encoding="utf-8-sig") as f:
        content = f.read()
    # A "# ..." provenance line may come first; then the header and one line per row.
    lines = [line for line in content.splitlines() if line.strip() and not line.startswith("#")]
    stated = re.search(r"（(\d+) 行", w.text())
    assert stated, "the export link does not say how many rows it has"
    assert len(lines) - 1 == int(stated.group(1)), f"CSV has {len(lines) - 1} rows, the link says {stated.group(1)}"
    assert code in content, f"the exported view of {code} does not mention it"
    w.assert_no_error()

    # 4. The first breadcrumb goes back to the top: same breadcrumb, same chart as before.
    crumbs.first.click()
    wait_until(lambda: crumb_texts() == top_crumbs, "the breadcrumb to return to the top")
    top_again = w.wait_chart_change(drilled_chart, "after going back to the top")
    assert top_again == top_chart, "back at the top, the chart differs from the first one"
    assert link.count() == 0, "the download link of the previous view is still offered"
    w.assert_no_error()


@pytest.mark.parametrize("widget_page", _cases_for("ProjectExplorer"), ids=_ids, indirect=True)
def test_project_explorer(widget_page):
    w = widget_page
    w.assert_no_error()
    select = w.control("项目：")
    heading = w.root.locator(".widget-html-content h3").first
    first_heading, first_chart = heading.inner_text(), w.chart_src()
    assert first_chart, "the explorer shows no chart"

    # 1. Pick another project: the panel's heading and the chart change.
    options = [o.replace("\xa0", " ") for o in select.locator("option").all_inner_texts()]
    assert len(options) >= 2
    current = select.evaluate("s => s.selectedIndex")
    target = 1 if current != 1 else 2
    select.select_option(index=target)
    wait_until(lambda: heading.inner_text() != first_heading, "the project panel to change")
    new_heading = heading.inner_text().replace("\xa0", " ")
    assert options[target].startswith(new_heading), f"picked {options[target]!r}, the panel shows {new_heading!r}"
    w.wait_chart_change(first_chart, "after picking another project")

    # 2. 显示原文 shows (or hides) the project's source text.
    pre = w.root.locator(".widget-html-content pre")
    checkbox = w.root.locator(".widget-checkbox", has_text="显示原文").locator("input")
    shown = checkbox.is_checked()
    assert pre.count() == int(shown)
    checkbox.click()
    wait_until(lambda: pre.count() == int(not shown), "the source text to be toggled (显示原文)")
    if not shown:
        assert len(pre.inner_text().strip()) > 20, pre.inner_text()
    w.assert_no_error()


@pytest.mark.parametrize("widget_page", _cases_for("FundComparison"), ids=_ids, indirect=True)
def test_fund_comparison(widget_page):
    w = widget_page
    w.assert_no_error()
    select = w.control("子项：", "select[multiple]")
    options = [o.replace("\xa0", " ") for o in select.locator("option").all_inner_texts()]
    selected = select.evaluate("s => Array.from(s.selectedOptions).map(o => o.index)")
    chart = w.chart_src()
    assert chart, "the comparison shows no chart"
    if selected:  # header + one row per selected fund + 合计
        assert len(w.table_rows()) == len(selected) + 2, w.table_rows()
    assert len(options) >= 3

    # 1. Choose two (or three) funds: the table lists exactly those, and the chart changes.
    keep = options[:2] if selected != [0, 1] else options[:3]
    select.select_option(label=keep)
    wait_until(lambda: len(w.table_rows()) == len(keep) + 2, "the table to list only the chosen funds")
    rows = w.table_rows()
    assert all(k.startswith(r[0]) for k, r in zip(keep, rows[1:-1])), (keep, rows)
    assert rows[-1][0].startswith("合计")
    chart = w.wait_chart_change(chart, "after changing the selection")

    # 2. Another metric redraws the chart and keeps the selection.
    metric = active_toggle(w, ["2023 预算", "变化", "2023 与基数对比"])
    other = "变化" if metric != "变化" else "2023 预算"
    w.toggle(other).click()
    w.wait_chart_change(chart, f"after choosing {other}")
    assert active_toggle(w, ["2023 预算", "变化", "2023 与基数对比"]) == other
    assert len(w.table_rows()) == len(keep) + 2
    w.assert_no_error()


@pytest.mark.parametrize("widget_page", _cases_for("IndicatorBrowser"), ids=_ids, indirect=True)
def test_indicator_browser(widget_page):
    w = widget_page
    w.assert_no_error()
    count_re = re.compile(r"显示\s*(\d+)\s*/\s*(\d+)\s*条")

    def shown() -> tuple[int, int]:
        m = count_re.search(w.text())
        assert m, f"no '显示 N / M 条' on the widget: {w.text()[:300]}"
        return int(m.group(1)), int(m.group(2))

    level1, level2 = w.control("一级指标："), w.control("二级指标：")
    search = w.control("搜索：", "input")
    # The notebook may have left filters on: clear them as a user would.
    if search.input_value():
        search.fill("")
    if level1.input_value() != "全部":
        level1.select_option(label="全部")
    if active_toggle(w, ["全部", "定量", "定性", "不适用"]) != "全部":
        w.toggle("全部").click()
    wait_until(lambda: shown()[0] == shown()[1], "no filter")
    total = shown()[1]
    wait_until(lambda: len(w.table_rows()) == total + 1, f"all {total} indicators in the table")

    # 1. 一级指标: the count and the rows follow; 二级指标 offers only its children.
    level2_before = level2.locator("option").all_inner_texts()
    pick = level1.locator("option").all_inner_texts()[1]
    level1.select_option(label=pick)
    wait_until(lambda: shown()[0] < total, f"the list to be filtered to {pick}")
    n_level1 = shown()[0]
    rows = w.table_rows()
    assert len(rows) == n_level1 + 1 and all(r[0] == pick for r in rows[1:]), rows[:3]
    assert level2.locator("option").all_inner_texts() != level2_before, "二级指标 did not follow 一级指标"

    # 2. 定量 shows only quantitative indicators; 全部 brings the others back.
    w.toggle("定量").click()
    wait_until(lambda: all(r[4] == "定量" for r in w.table_rows()[1:]), "only 定量 indicators")
    assert shown()[0] == len(w.table_rows()) - 1 <= n_level1
    # 不适用 shows only the placeholder rows (三级指标 and 目标值 “不适用”), never a 定量/定性 one
    # (there may be none under the chosen 一级指标: then the table is replaced by a message).
    w.toggle("不适用").click()
    wait_until(lambda: re.search(r"定量\s*0，定性\s*0，不适用\s*\d+", w.text()), "only 不适用 rows counted")
    if shown()[0]:
        assert all(r[4] == "不适用" for r in w.table_rows()[1:]) and shown()[0] == len(w.table_rows()) - 1
    assert shown()[0] <= n_level1
    w.toggle("全部").click()
    wait_until(lambda: shown()[0] == n_level1, "all kinds again")

    # 3. Typing a search term keeps and highlights only matching indicators.
    term = rows[1][2][:2]
    search.press_sequentially(term, delay=50)
    wait_until(lambda: w.root.locator("mark").count() > 0, f"matches of {term!r} to be highlighted")
    wait_until(lambda: all(term in r[2] for r in w.table_rows()[1:]), f"only indicators containing {term!r}")
    assert 1 <= shown()[0] <= n_level1 and shown()[0] == len(w.table_rows()) - 1
    w.assert_no_error()

"""Tests of budgetkit.widgets: the explorers' state objects and their ipywidgets views.

The views are driven as a user would: by setting ``.value`` on their controls
and calling ``.click()`` on their buttons. Expected numbers come from the
source text (``data/raw/2023-longhua-iit-department-budget.txt``; rows are read
straight from the cited lines by :func:`raw_row`) or from independent integer
arithmetic, never from the code under test.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import urllib.parse
from fractions import Fraction
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
import traitlets  # noqa: E402

import budgetkit as bk  # noqa: E402
from budgetkit.widgets import (  # noqa: E402
    DrillDown,
    DrillDownState,
    FundComparison,
    FundComparisonState,
    IndicatorBrowser,
    IndicatorBrowserState,
    ProjectExplorer,
    ProjectExplorerState,
)

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw" / "2023-longhua-iit-department-budget.txt"
RAW_LINES = RAW.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
WAN = 10_000


def raw_row(line: int) -> tuple[str, str, int]:
    """(code, name without ★, 支出总计 in 元) of a classified-table row on source ``line``."""
    cells = RAW_LINES[line - 1].split("\t")
    code, name, total = cells[1], cells[2], cells[3]
    return code, name.replace("★", ""), int(total.replace(",", "")) * WAN


def wan(text: str) -> int:
    """A 万元 figure as printed → integer 元."""
    return int(Fraction(text.replace(",", "")) * WAN)


# 表3 支出总表: the 类 rows (lines 377–448) and the total row (line 376).
T3_LEI_LINES = [377, 383, 386, 401, 404, 407, 410, 424, 429, 445]
T3_TOTAL = wan("132,234")  # line 376
assert RAW_LINES[376 - 1].split("\t")[3] == "132,234"


@pytest.fixture(scope="module")
def budget():
    return bk.load()


@pytest.fixture(autouse=True)
def _no_open_figures():
    yield
    plt.close("all")


def bar_widths(view) -> list[float]:
    ax = view.figure.axes[0]
    return [p.get_width() for p in ax.patches]


def snapshot(b):
    return {name: b.frame(name) for name in b.frame_names}


def assert_unchanged(b, before):
    assert b.frame_names == list(before)
    for name, df in before.items():
        now = b.frame(name)
        assert now.equals(df), name
        assert list(now.dtypes) == list(df.dtypes), name


# ---------------------------------------------------------------------------
# raw_row itself (so a wrong citation fails loudly)
# ---------------------------------------------------------------------------


def test_raw_row_reads_the_cited_lines():
    assert raw_row(377) == ("201", "一般公共服务支出", 102_590_000)
    assert raw_row(424) == ("215", "资源勘探工业信息等支出", 621_030_000)


# ---------------------------------------------------------------------------
# DrillDownState
# ---------------------------------------------------------------------------


def test_top_level_is_the_lei_list_of_table3(budget):
    st = DrillDownState(budget)
    expected = [raw_row(n) for n in T3_LEI_LINES]
    kids = st.children()
    assert st.path == [] and st.level == 0 and st.node is None
    assert list(kids["code"]) == [c for c, _, _ in expected]
    assert list(kids["name"]) == [n for _, n, _ in expected]
    assert list(kids["amount"]) == [a for _, _, a in expected]
    assert list(kids["line"]) == T3_LEI_LINES
    assert str(kids["amount"].dtype) == "Int64"
    # the task's list in 万元: 201 10,259 … 221 473
    assert [a // WAN for a in kids["amount"]] == [10259, 43735, 142, 41, 78, 1000, 929, 62103, 13474, 473]
    assert st.node_total == T3_TOTAL
    assert st.breadcrumbs == ["全部 132,234 万元"]
    assert sum(a for _, _, a in expected) == T3_TOTAL  # 类 reconcile with the total row
    assert st.difference() == 0


def test_drill_into_201_and_20113(budget):
    st = DrillDownState(budget)
    st.select("201")
    assert st.path == ["201"] and st.level == 1
    kids = st.children()
    assert list(zip(kids["code"], kids["amount"])) == [("20113", wan("10,259"))]  # line 378
    assert st.breadcrumbs == ["全部 132,234 万元", "201 一般公共服务支出"]
    st.select(20113)  # ints are accepted
    assert st.path == ["201", "20113"]
    kids = st.children()
    expected = [raw_row(n) for n in (379, 380, 381, 382)]
    assert list(kids["code"]) == ["2011301", "2011302", "2011304", "2011399"]
    assert list(kids["amount"]) == [wan("1,219"), wan("2,941"), wan("1,947"), wan("4,152")]
    assert list(kids["amount"]) == [a for _, _, a in expected]
    assert list(kids["line"]) == [379, 380, 381, 382]
    assert st.breadcrumbs == ["全部 132,234 万元", "201 一般公共服务支出", "20113 商贸事务"]
    assert st.node_total == wan("10,259")
    assert st.difference() == wan("10,259") - sum(wan(x) for x in ("1,219", "2,941", "1,947", "4,152")) == 0
    assert st.drillable() == []
    assert all(st.is_leaf(c) for c in kids["code"])
    assert not st.is_leaf("201") and not st.is_leaf("20113")


def test_shares_are_exact_fractions_of_the_node(budget):
    st = DrillDownState(budget)
    st.select("201")
    st.select("20113")
    amounts = [1219, 2941, 1947, 4152]  # 万元, lines 379–382
    shares = st.exact_shares()
    assert list(shares.values()) == [Fraction(a, 10259) for a in amounts]
    assert sum(shares.values()) == 1
    assert list(st.children()["share"]) == pytest.approx([a / 10259 for a in amounts], rel=1e-12)

    st.mode = "percent"
    labels, values = st.figure_data()
    assert labels == ["2011301 行政运行", "2011302 一般行政管理事务", "2011304 对外贸易管理", "2011399 其他商贸事务支出"]
    assert values == pytest.approx([a * 100 / 10259 for a in amounts], rel=1e-12)
    st.mode = "amount"
    assert st.figure_data()[1] == [a * WAN for a in amounts]
    assert all(type(v) is int for v in st.figure_data()[1])


def test_up_goto_and_reset(budget):
    st = DrillDownState(budget)
    st.up()  # at the top: nothing happens
    assert st.path == []
    st.select("217")
    st.select("21703")
    st.up()
    assert st.path == ["217"]
    st.select("21701")
    st.goto(1)
    assert st.path == ["217"]
    st.goto(0)
    assert st.path == [] and st.breadcrumbs == ["全部 132,234 万元"]
    for bad in (-1, 1, 1.0, True, "0"):
        with pytest.raises(ValueError, match="depth"):
            st.goto(bad)
    st.select("217")
    st.reset()
    assert st.path == []


def test_invalid_select_names_the_code_and_the_children(budget):
    st = DrillDownState(budget)
    st.select("201")
    with pytest.raises(ValueError) as err:
        st.select("206")
    assert "'206'" in str(err.value) and "20113 商贸事务" in str(err.value)
    with pytest.raises(ValueError, match="20113"):
        st.select("20699")
    with pytest.raises(ValueError):
        st.select("abc")
    with pytest.raises(ValueError):
        st.select(None)
    st.select("20113")
    with pytest.raises(ValueError, match="2011301 行政运行 has no sub-items"):
        st.select("2011301")  # a 项: nothing below it
    assert st.path == ["201", "20113"]  # failed selects change nothing
    with pytest.raises(ValueError, match="not in 表3"):
        st.is_leaf("999")


def test_small_items(budget):
    st = DrillDownState(budget)
    lei = [raw_row(n) for n in T3_LEI_LINES]
    small = st.small_items()
    # share < 1%  ⇔  100 * amount < total   (integer arithmetic)
    expected = [c for c, _, a in lei if 100 * a < T3_TOTAL]
    assert list(small["code"]) == expected
    assert {"208", "210", "211"} <= set(expected)
    assert "201" not in expected  # 10,259 / 132,234 ≈ 7.8 %
    tiny = st.small_items(0.001)
    assert list(tiny["code"]) == [c for c, _, a in lei if 1000 * a < T3_TOTAL]  # 210, 211 (208 is 0.107 %)
    assert list(tiny["code"]) == ["210", "211"]
    assert st.small_items(0).empty
    for bad in (-0.1, 1.5, "1%", None, True):
        with pytest.raises(ValueError, match="threshold"):
            st.small_items(bad)


def test_order_by_amount(budget):
    st = DrillDownState(budget)
    st.order = "amount"
    lei = [raw_row(n) for n in T3_LEI_LINES]
    expected = [c for c, _, _ in sorted(lei, key=lambda r: -r[2])]
    assert list(st.children()["code"]) == expected
    assert expected[:3] == ["215", "206", "217"]
    with pytest.raises(ValueError, match="order"):
        st.order = "size"


def test_to_csv_round_trip(budget):
    st = DrillDownState(budget)
    st.select("201")
    st.select("20113")
    text = st.to_csv()
    header = text.splitlines()[0]
    assert header.startswith("#")
    assert "表3 支出总表" in header
    assert "201 一般公共服务支出 > 20113 商贸事务" in header
    assert "元" in header
    back = pd.read_csv(io.StringIO(text), skiprows=1, dtype={"code": str})
    assert list(back.columns) == ["code", "name", "amount", "share", "line", "line_end"]
    assert list(back["code"]) == ["2011301", "2011302", "2011304", "2011399"]
    assert list(back["amount"]) == [wan("1,219"), wan("2,941"), wan("1,947"), wan("4,152")]
    assert list(back["share"]) == pytest.approx([1219 / 10259, 2941 / 10259, 1947 / 10259, 4152 / 10259], rel=1e-12)
    assert list(back["line"]) == [379, 380, 381, 382]


def test_table8_economic_two_levels(budget):
    st = DrillDownState(budget, table=8)
    lines = [602, 611, 637, 649, 651]
    expected = [raw_row(n) for n in lines]
    assert [c for c, _, _ in expected] == ["301", "302", "309", "310", "312"]
    kids = st.children()
    assert list(kids["code"]) == [c for c, _, _ in expected]
    assert list(kids["amount"]) == [a for _, _, a in expected]
    assert st.node_total == wan("131,234")  # line 601
    assert st.breadcrumbs == ["全部 131,234 万元"]
    assert st.child_level_name == "类"
    st.select("301")
    assert st.child_level_name == "款"
    kids = st.children()
    wage_lines = range(603, 611)  # 30101 … 30199
    assert list(kids["amount"]) == [raw_row(n)[2] for n in wage_lines]
    assert sum(raw_row(n)[2] for n in wage_lines) == raw_row(602)[2]  # 1,768
    assert st.difference() == 0
    assert st.drillable() == []  # economic codes stop at 款
    with pytest.raises(ValueError, match="no sub-items"):
        st.select("30101")


def test_table7_is_table3_without_the_fund_budget(budget):
    st = DrillDownState(budget, table=7)
    assert st.node_total == wan("131,234")  # line 534
    assert st.node_total == T3_TOTAL - wan("1,000")  # 表3 minus 表10's 1,000 万元 (line 679)
    codes = list(st.children()["code"])
    assert codes == [raw_row(n)[0] for n in T3_LEI_LINES if raw_row(n)[0] != "212"]
    assert list(st.children()["line"]) == [535, 541, 544, 558, 561, 564, 567, 582, 587]
    assert [raw_row(n)[0] for n in st.children()["line"]] == codes
    assert st.difference() == 0


def test_table10_and_table11(budget):
    st = DrillDownState(budget, table=10)
    assert st.node_total == wan("1,000")  # line 679
    st.select("212")
    st.select("21208")
    assert list(st.children()["code"]) == ["2120804"]
    assert list(st.children()["amount"]) == [wan("1,000")]  # line 682
    empty = DrillDownState(budget, table=11)
    assert empty.node_total == 0  # line 695
    assert empty.children().empty
    assert empty.figure_data() == ([], [])
    assert empty.small_items().empty
    assert empty.difference() is None
    empty.mode = "percent"
    assert empty.figure_data() == ([], [])


def test_column_choice_and_bad_arguments(budget):
    st = DrillDownState(budget, column="basic")
    assert st.node_total == wan("1,881")  # line 376, 基本支出
    assert st.breadcrumbs == ["全部 1,881 万元"]
    assert dict(zip(st.children()["code"], st.children()["amount"]))["201"] == wan("1,225")  # line 377
    with pytest.raises(ValueError, match="column 'foo'.*total, basic, project"):
        DrillDownState(budget, column="foo")
    with pytest.raises(ValueError, match="表9 has no classification codes"):
        DrillDownState(budget, table=9)
    with pytest.raises(bk.MissingTableError, match="表2"):
        DrillDownState(budget, table=2)
    with pytest.raises(ValueError, match="Budget"):
        DrillDownState(budget.table(3))
    st = DrillDownState(budget)
    with pytest.raises(ValueError, match="mode"):
        st.mode = "share"
    st.mode = "%"  # the toggle's label is accepted too
    assert st.mode == "percent"


def test_state_works_without_ipywidgets():
    code = textwrap.dedent(
        """
        import sys
        sys.modules["ipywidgets"] = None  # importing it now fails
        import budgetkit as bk
        from budgetkit.widgets import DrillDownState, IndicatorBrowserState
        st = DrillDownState(bk.load())
        st.select("215")
        print(list(st.children()["code"]), IndicatorBrowserState(bk.load()).counts()["total"])
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['21502', '21505'] 59"  # lines 425, 427; 59 indicators (lines 726–787)


# ---------------------------------------------------------------------------
# DrillDown view
# ---------------------------------------------------------------------------


def test_view_drills_with_the_dropdown_and_goes_up_with_crumbs(budget):
    dd = DrillDown(budget)
    assert [b.description for b in dd.crumbs.children] == ["全部 132,234 万元"]
    values = [v for _, v in dd.child_select.options]
    assert values == [None] + [raw_row(n)[0] for n in T3_LEI_LINES]  # placeholder first
    assert dd.child_select.value is None
    label_201 = dict((v, k) for k, v in dd.child_select.options)["201"]
    assert "201 一般公共服务支出" in label_201 and "10,259 万元" in label_201

    dd.child_select.value = "201"
    assert dd.state.path == ["201"]
    assert dd.child_select.value is None  # reset, ready for the next choice
    assert [v for _, v in dd.child_select.options] == [None, "20113"]
    dd.child_select.value = "20113"
    assert dd.state.path == ["201", "20113"]
    assert dd.child_select.disabled  # only 项 below: nothing to drill into
    assert [b.description for b in dd.crumbs.children] == [
        "全部 132,234 万元", "201 一般公共服务支出", "20113 商贸事务"]

    dd.crumbs.children[1].click()
    assert dd.state.path == ["201"]
    assert not dd.child_select.disabled
    dd.crumbs.children[0].click()
    assert dd.state.path == []
    assert len(dd.crumbs.children) == 1
    with pytest.raises(traitlets.TraitError):
        dd.child_select.value = "2011301"  # not an option at the top


def test_view_chart_is_the_figure_data(budget):
    dd = DrillDown(budget)
    lei = [raw_row(n) for n in T3_LEI_LINES]
    assert bar_widths(dd) == [float(a) for _, _, a in lei]
    ax = dd.figure.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"{c} {n}" for c, n, _ in lei]
    assert "表3 支出总表" in ax.get_title(loc="left")
    assert ax.get_xlabel() == "金额（万元）"
    assert any("数据来源" in t.get_text() for t in dd.figure.texts)
    assert dd.png.startswith(b"\x89PNG")
    out = dd.output.outputs
    assert len(out) == 1 and "image/png" in out[0]["data"]

    dd.child_select.value = "201"
    dd.child_select.value = "20113"
    ax = dd.figure.axes[0]
    assert ax.get_title(loc="left").startswith("20113 商贸事务")
    assert bar_widths(dd) == [float(wan(x)) for x in ("1,219", "2,941", "1,947", "4,152")]

    dd.mode_toggle.value = "percent"
    assert dd.state.mode == "percent"
    ax = dd.figure.axes[0]
    assert ax.get_xlabel() == "占比（%）"
    assert bar_widths(dd) == pytest.approx([x * 100 / 10259 for x in (1219, 2941, 1947, 4152)], rel=1e-12)
    # bar labels: exact shares rounded half up to 1 decimal (all ≥ 1 %)
    labels = [t.get_text() for t in ax.texts if t.get_text().endswith("%") and "·" not in t.get_text()]
    assert labels == ["11.9%", "28.7%", "19.0%", "40.5%"]  # 11.88, 28.67, 18.98, 40.47
    assert "四舍五入" in dd.small_list.value

    dd.order_toggle.value = "amount"
    assert dd.state.figure_data()[0][0] == "2011399 其他商贸事务支出"  # 4,152 is the largest
    assert bar_widths(dd)[0] == pytest.approx(4152 * 100 / 10259)
    assert not plt.get_fignums()  # nothing registered with pyplot


def test_view_lists_small_items(budget):
    dd = DrillDown(budget)
    html = dd.small_list.value
    for code in ("208", "210", "211"):
        assert f"<li>{code} " in html
    assert "<li>201 " not in html and "<li>215 " not in html
    assert "142 万元" in html  # 208, line 386
    assert "下级合计 = 本级合计 132,234 万元" in html


def test_export_link_is_a_data_uri_of_the_csv(budget):
    dd = DrillDown(budget)
    dd.child_select.value = "215"
    assert dd.export_link.value == ""
    dd.export_button.click()
    link = dd.export_link.value
    assert '<a download="表3_215_total.csv"' in link
    prefix = 'href="data:text/csv;charset=utf-8,'
    assert prefix in link
    encoded = link.split(prefix, 1)[1].split('"', 1)[0]
    text = urllib.parse.unquote(encoded)
    assert text.startswith("\ufeff")  # BOM for Excel
    assert text[1:] == dd.state.to_csv()
    back = pd.read_csv(io.StringIO(text[1:]), skiprows=1, dtype={"code": str})
    assert list(back["code"]) == ["21502", "21505"]
    assert list(back["amount"]) == [wan("10,692"), wan("51,411")]  # lines 425, 427
    dd.crumbs.children[0].click()
    assert dd.export_link.value == ""  # a stale link is removed when the view changes


def test_table8_view_reports_rounding(budget):
    dd = DrillDown(budget, table=8)
    dd.child_select.value = "302"
    assert dd.child_select.disabled
    kuan_lines = [*range(612, 614), *range(624, 637)]  # 30201 … 30299 (page break at 614–623)
    assert bar_widths(dd) == [float(raw_row(n)[2]) for n in kuan_lines]
    # line 611: 302 商品和服务支出 7,502; its 款 add up to 7,503 万元 (rounding in the source)
    expected = raw_row(611)[2] - sum(raw_row(n)[2] for n in kuan_lines)
    assert expected == -WAN
    assert dd.state.difference() == expected
    assert "相差 -10,000 元" in dd.small_list.value and "7,503 万元" in dd.small_list.value


def test_empty_table_view(budget):
    dd = DrillDown(budget, table=11)
    assert dd.child_select.disabled
    assert len(dd.figure.axes[0].patches) == 0
    assert any("没有列出科目" in t.get_text() for t in dd.figure.axes[0].texts)


def test_callback_errors_propagate(budget, monkeypatch):
    dd = DrillDown(budget)

    def boom():
        raise RuntimeError("redraw failed")

    monkeypatch.setattr(dd, "_redraw", boom)
    with pytest.raises(RuntimeError, match="redraw failed"):
        dd.child_select.value = "201"
    assert "redraw failed" in dd.output.outputs[0]["text"]  # shown in the widget too
    with pytest.raises(RuntimeError, match="redraw failed"):
        dd.mode_toggle.value = "percent"
    with pytest.raises(RuntimeError, match="redraw failed"):
        dd.crumbs.children[0].click()  # ipywidgets would swallow this; ours must not

    dd2 = DrillDown(budget)
    monkeypatch.setattr(dd2.state, "to_csv", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        dd2.export_button.click()


def test_display_bundle(budget):
    dd = DrillDown(budget)
    bundle = dd._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "image/png" in bundle  # static fallback where widgets do not render
    assert "全部 132,234 万元" in bundle["text/plain"]
    assert callable(dd._ipython_display_)
    assert dd.widget.children  # the VBox


# ---------------------------------------------------------------------------
# ProjectExplorer
# ---------------------------------------------------------------------------


def test_project_options(budget):
    pe = ProjectExplorer(budget)
    opts = pe.project_select.options
    assert len(opts) == 19
    assert [v for _, v in opts] == list(range(1, 20))
    assert opts[0][0] == "1. 工业园区供电环境提升和能源建设管理工作（217 万元）"  # line 120
    assert pe.state.project_no == 1


def test_project_details_from_the_dropdown(budget):
    pe = ProjectExplorer(budget)
    pe.project_select.value = 6
    assert pe.state.project_no == 6
    d = pe.state.details()
    # line 134: 对口帮扶、对外援助工作预算 1,929 万元 … 1000 + 714 + 215 … 减少 901 万元，下降 32%
    assert d["name"] == "对口帮扶、对外援助工作"
    assert d["amount"] == wan("1,929")
    assert d["components"] == [("驻镇帮镇扶村资金", wan("1000")), ("帮扶机构运作及扶贫干部管理", wan("714")),
                               ("对口帮扶、对外援助帮扶工作", wan("215"))]
    assert d["components_total"] == wan("1000") + wan("714") + wan("215")
    assert d["components_difference"] == 0
    assert d["change"] == -wan("901")
    assert d["change_pct"] == -32
    assert d["prior_amount"] == wan("1,929") + wan("901")  # 2,830 万元
    assert d["change_pct_exact"] == Fraction(-901, 2830)
    assert d["baseline"] == "2022 年 10 月预算"
    assert "红色苏区" in d["reason"]
    assert d["goal"]
    assert (d["line"], d["line_end"]) == (134, 134)
    assert d["goal_line"] == 217  # 第七部分
    assert "对口帮扶、对外援助工作" in RAW_LINES[d["goal_line"] - 1]
    assert d["source"] == RAW_LINES[133]
    assert pe.state.figure_data() == ([c for c, _ in d["components"]], [a for _, a in d["components"]])
    assert bar_widths(pe) == [1000 * WAN, 714 * WAN, 215 * WAN]

    html = pe.panel.value
    for heading in ("金额与构成", "变化与原因", "绩效目标"):
        assert heading in html
    assert "1,929 万元" in html and "减少 901 万元" in html
    assert "-31.84%" in html  # −901 / 2,830 = −31.837…%, rounded half up
    assert "下降 32%" in html  # as published
    assert "第 134 行" in html


def test_project_source_toggle_and_special_cases(budget):
    pe = ProjectExplorer(budget)
    assert "<pre" not in pe.panel.value
    pe.show_source.value = True
    assert "<pre" in pe.panel.value and "工业园区供电环境提升 139 万元" in pe.panel.value  # line 122
    pe.project_select.value = 19  # line 166: 上年基数为 0，不可比
    d = pe.state.details()
    assert d["prior_amount"] == 0 and d["change"] == wan("1,111")
    assert d["change_pct"] is None and d["change_pct_exact"] is None
    assert "不可比" in pe.panel.value
    pe.project_select.value = 13  # line 150: 与 2022 年 10 月预算持平, three components
    assert pe.state.details()["change"] == 0
    assert "持平" in pe.panel.value
    assert bar_widths(pe) == [wan("120"), wan("150"), wan("140")]
    with pytest.raises(ValueError, match="1–19"):
        pe.state.project_no = 20
    with pytest.raises(ValueError, match="1–19"):
        pe.state.project_no = "3"
    pe.state.project_no = np.int64(3)  # e.g. taken from a DataFrame
    assert pe.state.project_no == 3 and type(pe.state.project_no) is int
    with pytest.raises(traitlets.TraitError):
        pe.project_select.value = 0


def test_project_callback_error_propagates(budget, monkeypatch):
    pe = ProjectExplorer(budget)
    monkeypatch.setattr(pe, "_redraw", lambda: (_ for _ in ()).throw(RuntimeError("no chart")))
    with pytest.raises(RuntimeError, match="no chart"):
        pe.project_select.value = 2


# ---------------------------------------------------------------------------
# FundComparison
# ---------------------------------------------------------------------------

# lines 128–166: sub-fund → (2023 预算, 变化) in 万元
FUNDS = {
    "制造业": ("49,860", "11,795"),
    "境内外经贸交流活动": ("50", "-2,292"),
    "创新中心资助": ("3,000", "85"),
    "商贸服务业": ("3,600", "-912"),
    "金融业": ("12,500", "4,019"),
    "产业稳增长": ("51,411", "-111,776"),
    "5G 基站建设资助": ("1,111", "1,111"),
}


def test_fund_table(budget):
    fc = FundComparison(budget)
    assert fc.fund_select.value == tuple(FUNDS)
    assert [v for _, v in fc.fund_select.options] == list(FUNDS)
    t = fc.state.table()
    amounts = {k: wan(a) for k, (a, _) in FUNDS.items()}
    changes = {k: wan(c) for k, (_, c) in FUNDS.items()}
    total = sum(amounts.values())
    assert list(t["sub_fund"]) == list(FUNDS)
    assert list(t["amount"]) == list(amounts.values())
    assert list(t["change"]) == list(changes.values())
    assert list(t["prior_amount"]) == [amounts[k] - changes[k] for k in FUNDS]
    assert list(t["share"]) == pytest.approx([a / total for a in amounts.values()], rel=1e-12)
    assert fc.state.total == total
    five_g = t[t["sub_fund"] == "5G 基站建设资助"].iloc[0]
    assert five_g["prior_amount"] == 0 and pd.isna(five_g["change_pct_exact"]) and pd.isna(five_g["change_pct"])
    mfg = t[t["sub_fund"] == "制造业"].iloc[0]
    assert mfg["change_pct"] == 31  # published, line 128
    assert mfg["change_pct_exact"] == pytest.approx(11795 / (49860 - 11795), rel=1e-12)


def test_fund_selection_and_metrics(budget):
    fc = FundComparison(budget)
    fc.fund_select.value = ("金融业", "制造业")
    assert fc.state.selected == ("制造业", "金融业")  # document order
    labels, values = fc.state.figure_data()
    assert labels == ["制造业", "金融业"]  # largest first: 49,860 > 12,500
    assert values == [wan("49,860"), wan("12,500")]
    assert bar_widths(fc) == [float(v) for v in values]
    t = fc.state.table()
    total = sum(wan(a) for a, _ in FUNDS.values())
    assert list(t["share"]) == pytest.approx([wan("49,860") / total, wan("12,500") / total])  # of all 7 funds

    assert [label for label, _ in fc.metric_toggle.options] == ["2023 预算", "变化", "2023 与基数对比"]
    fc.metric_toggle.value = "change"
    assert fc.state.metric == "change"
    assert fc.state.figure_data() == (["制造业", "金融业"], [wan("11,795"), wan("4,019")])
    fc.fund_select.value = tuple(FUNDS)
    labels, values = fc.state.figure_data()
    assert labels[-1] == "产业稳增长" and values[-1] == -wan("111,776")
    assert min(bar_widths(fc)) == -wan("111,776")

    fc.metric_toggle.value = "compare"
    labels, pairs = fc.state.figure_data()
    assert labels[0] == "产业稳增长"  # 51,411 is the largest 2023 amount
    assert pairs[0] == (wan("51,411") + wan("111,776"), wan("51,411"))  # (基数, 2023)
    assert len(bar_widths(fc)) == 2 * len(FUNDS)
    assert "2022 年 10 月预算" in fc.figure.axes[0].get_title(loc="left")

    fc.fund_select.value = ()
    assert fc.state.figure_data() == ([], [])
    assert fc.state.table().empty
    assert "未选择" in fc.table_html.value
    with pytest.raises(ValueError, match="unknown special fund"):
        fc.state.selected = ("农业",)
    with pytest.raises(ValueError, match="metric"):
        fc.state.metric = "growth"
    fc.state.metric = "2023 预算"
    assert fc.state.metric == "amount"


def test_fund_callback_error_propagates(budget, monkeypatch):
    fc = FundComparison(budget)
    monkeypatch.setattr(fc, "_redraw", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        fc.metric_toggle.value = "change"
    with pytest.raises(ZeroDivisionError):
        fc.fund_select.value = ("制造业",)


# ---------------------------------------------------------------------------
# IndicatorBrowser
# ---------------------------------------------------------------------------


def raw_indicators() -> list[tuple[int, str, str]]:
    """(line, 三级指标, 目标值) of every indicator row of 表12 (lines 726–787), read from the source."""
    out = []
    for n in range(726, 788):
        cells = [c.strip() for c in RAW_LINES[n - 1].split("\t") if c.strip()]
        if cells:
            out.append((n, cells[-2], cells[-1]))
    return out


def test_indicator_counts_and_filters(budget):
    raw = raw_indicators()
    assert len(raw) == 59
    ib = IndicatorBrowser(budget)
    assert ib.state.counts()["total"] == 59 and ib.state.counts()["shown"] == 59
    assert list(ib.state.filtered()["line"]) == [n for n, _, _ in raw]
    assert "显示 <b>59</b> / 59" in ib.counts_html.value
    assert list(ib.level1_select.options) == ["全部", "产出", "效益", "满意度"]

    ib.level1_select.value = "产出"  # lines 726–778
    assert ib.state.counts()["shown"] == len([r for r in raw if r[0] <= 778]) == 50
    assert list(ib.level2_select.options) == ["全部", "数量", "质量", "时效", "成本"]
    ib.level2_select.value = "质量"  # lines 761–769 and 771–776
    assert list(ib.state.filtered()["line"]) == [*range(761, 770), *range(771, 777)]
    ib.level1_select.value = "效益"  # level2 resets
    assert ib.level2_select.value == "全部" and ib.state.level2 == "全部"
    assert list(ib.level2_select.options) == ["全部", "经济效益", "社会效益", "可持续影响", "生态效益"]
    assert list(ib.state.filtered()["line"]) == list(range(779, 786))

    ib.level1_select.value = "全部"
    ib.kind_toggle.value = "全部"
    # 定量 / 定性 / 不适用 straight from the source rows (see test_indicator_kinds_from_source)
    quantitative = [n for n, _, target in raw if any(ch.isdigit() for ch in target)]
    not_applicable = [n for n, name, target in raw if "不适用" in (name, target)]
    qualitative = [n for n, _, _ in raw if n not in quantitative and n not in not_applicable]
    ib.kind_toggle.value = "定量"
    assert list(ib.state.filtered()["line"]) == quantitative
    c = ib.state.counts()
    assert c == {"total": 59, "shown": len(quantitative), "quantitative": len(quantitative), "qualitative": 0,
                 "not_applicable": 0}
    ib.kind_toggle.value = "定性"
    assert list(ib.state.filtered()["line"]) == qualitative
    assert ib.state.counts()["shown"] == ib.state.counts()["qualitative"] == len(qualitative)
    assert ">不适用<" not in ib.table_html.value
    ib.kind_toggle.value = "不适用"
    assert list(ib.state.filtered()["line"]) == not_applicable
    assert ib.state.counts()["not_applicable"] == len(not_applicable)
    ib.kind_toggle.value = "全部"

    ib.search.value = "满意度"
    assert list(ib.state.filtered()["level3"]) == ["辖区企业满意度"]  # line 786
    assert "显示 <b>1</b> / 59" in ib.counts_html.value
    assert "<mark>满意度</mark>" in ib.table_html.value
    ib.search.value = "率"
    assert list(ib.state.filtered()["line"]) == [n for n, name, _ in raw if "率" in name]
    ib.search.value = "２０＋８"  # full-width input finds “20+8” (line 733)
    assert list(ib.state.filtered()["line"]) == [733]
    ib.search.value = "不存在的指标"
    assert ib.state.filtered().empty and "没有符合条件" in ib.table_html.value


def test_indicator_kinds_from_source(budget):
    """定量 51, 定性 5, 不适用 3: counted by hand in 表12 (lines 726–787).

    不适用 rows — both 三级指标 and 目标值 read 不适用 — are lines 779 (效益·经济效益),
    784 (效益·可持续影响) and 787 (满意度·其他满意度); ``grep -n 不适用`` on the
    source finds exactly these three lines. The qualitative targets are words:
    有效促进 (780), 有效提高 (781), 有效提升 (782, 783), 有效促进 (785).
    """
    not_applicable = [n for n, line in enumerate(RAW_LINES, start=1) if "不适用" in line]
    assert not_applicable == [779, 784, 787]
    for n in not_applicable:
        assert [c.strip() for c in RAW_LINES[n - 1].split("\t") if c.strip()][-2:] == ["不适用", "不适用"]
    qualitative = {780: "有效促进", 781: "有效提高", 782: "有效提升", 783: "有效提升", 785: "有效促进"}
    for n, target in qualitative.items():
        assert RAW_LINES[n - 1].rstrip("\t").split("\t")[-1] == target
    raw = raw_indicators()
    assert len(raw) == 59

    ib = IndicatorBrowser(budget)
    c = ib.state.counts()
    assert c == {"total": 59, "shown": 59, "quantitative": 59 - 5 - 3, "qualitative": 5, "not_applicable": 3}
    assert c["quantitative"] + c["qualitative"] + c["not_applicable"] == c["shown"]
    assert "（定量 51，定性 5，不适用 3）" in ib.counts_html.value
    assert list(ib.kind_toggle.options) == ["全部", "定量", "定性", "不适用"]
    # the table's 类型 column says 不适用 on exactly those rows
    kinds = dict(zip(ib.state.filtered()["line"], ib.state.kinds()))
    assert [n for n, k in kinds.items() if k == "不适用"] == not_applicable
    assert [n for n, k in kinds.items() if k == "定性"] == list(qualitative)
    ib.kind_toggle.value = "不适用"
    # each row: 目标值 不适用 followed by 类型 不适用
    assert ib.table_html.value.count("<td>不适用</td><td>不适用</td>") == 3
    assert "（定量 0，定性 0，不适用 3）" in ib.counts_html.value
    # filters combine: 效益 holds two of the placeholders (779, 784), 满意度 the third (787)
    ib.level1_select.value = "效益"
    assert list(ib.state.filtered()["line"]) == [779, 784]
    ib.level1_select.value = "满意度"
    assert list(ib.state.filtered()["line"]) == [787]
    ib.kind_toggle.value = "定性"
    assert ib.state.filtered().empty


def test_indicator_kinds_agree_with_performance(budget):
    from budgetkit import performance

    st = IndicatorBrowserState(budget)
    assert st.kinds() == list(performance.indicator_kinds(budget)["kind"])
    share = performance.quantified_share(budget)
    c = st.counts()
    assert (c["quantitative"], c["qualitative"], c["not_applicable"]) == (
        share.quantitative, share.qualitative, share.not_applicable)


def test_indicator_state_validation(budget):
    st = IndicatorBrowserState(budget)
    with pytest.raises(ValueError, match="level1"):
        st.level1 = "成本"
    st.level1 = "产出"
    with pytest.raises(ValueError, match="社会效益"):
        st.level2 = "社会效益"  # under 效益, not 产出
    with pytest.raises(ValueError, match="kind"):
        st.kind = "quantitative"
    with pytest.raises(ValueError, match="search"):
        st.search = 5
    st.search = None
    assert st.search == ""


def test_indicator_callback_error_propagates(budget, monkeypatch):
    ib = IndicatorBrowser(budget)
    monkeypatch.setattr(ib, "_redraw", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        ib.search.value = "率"
    assert "ZeroDivisionError" in ib.counts_html.value
    with pytest.raises(ZeroDivisionError):
        ib.level1_select.value = "效益"


# ---------------------------------------------------------------------------
# Nothing is mutated
# ---------------------------------------------------------------------------


def test_budget_frames_unchanged_after_use():
    b = bk.load()
    before = snapshot(b)
    dd = DrillDown(b)
    for code in ("215", "21505"):
        dd.child_select.value = code
    dd.mode_toggle.value = "percent"
    dd.order_toggle.value = "amount"
    dd.export_button.click()
    dd.crumbs.children[0].click()
    DrillDown(b, table=8, column="basic").child_select.value = "302"
    pe = ProjectExplorer(b)
    for no in (4, 13, 19):
        pe.project_select.value = no
    pe.show_source.value = True
    fc = FundComparison(b)
    fc.fund_select.value = ("制造业",)
    fc.metric_toggle.value = "compare"
    ib = IndicatorBrowser(b)
    ib.level1_select.value = "产出"
    ib.search.value = "率"
    # frames handed out by the states are copies: editing them leaks nowhere
    funds, rows, kids = fc.state.table(), ib.state.filtered(), dd.state.children()
    funds.loc[0, "amount"] = 0
    rows.loc[0, "level3"] = "x"
    kids.loc[0, "amount"] = 0
    assert dd.state.children().loc[0, "amount"] == wan("62,103")  # 215 (line 424), the largest 类
    assert ib.state.filtered().loc[0, "level3"] != "x"
    assert_unchanged(b, before)
    assert fc.state.table().loc[0, "amount"] == wan("49,860")
    assert not plt.get_fignums()

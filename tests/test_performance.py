"""Tests of budgetkit.performance: the 表12 indicator framework, heuristic links, tasks.

Expected counts are read off the source text (data/raw/2023-longhua-iit-
department-budget.txt, 表12 年度绩效指标 at lines 725–787; the indicator rows
were counted by hand, blank lines 737, 756 and 770 excluded) or computed here
by independent integer arithmetic.
"""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import pytest

import budgetkit as bk
from budgetkit import performance as pf
from budgetkit.budget import Budget
from budgetkit.errors import BudgetkitError, DataError

WAN = 10_000

# Rows per 二级指标, by line (lines 726–787)
QUANTITY = [*range(726, 737), *range(738, 756), *range(757, 761)]  # 产出/数量: 11 + 18 + 4 = 33
QUALITY = [*range(761, 770), *range(771, 777)]  # 产出/质量: 9 + 6 = 15
NOT_APPLICABLE_LINES = [779, 784, 787]  # 经济效益 / 可持续影响 / 其他满意度: 不适用
QUALITATIVE_LINES = [780, 781, 782, 783, 785]  # 有效促进 / 有效提高 / 有效提升 / 有效提升 / 有效促进
# every other indicator row has a number target: 数量, 质量, 时效 777, 成本 778, 满意度 786 (≥90%)
QUANTITATIVE = len(QUANTITY) + len(QUALITY) + 1 + 1 + 1

# Rows whose cells are not under the header's columns (line 725: 一级指标 in cell 1 … 目标值 in cell 4),
# read with tabs made visible: 761–769 one cell to the right (质量 in the 一级指标 cell at 761),
# 783/785/786/787 one cell to the left.
SHIFTED = [*range(761, 770), 783, 785, 786, 787]

# 表12 年度主要任务, lines 709–721, 总额 in 万元 as printed (two decimals)
TASK_TOTALS = ["3016.72", "51918.5", "48860.21", "1483.8", "216.87", "1997", "4010", "8769", "4705", "1929",
               "5327.74"]


def _yuan(wan_text: str) -> int:
    whole, _, frac = wan_text.partition(".")
    return int(whole) * WAN + int((frac + "00")[:2]) * 100


@pytest.fixture(scope="module")
def b() -> Budget:
    return bk.load()


def test_hand_counts_are_consistent():
    assert len(QUANTITY) == 33 and len(QUALITY) == 15
    assert QUANTITATIVE + len(NOT_APPLICABLE_LINES) + len(QUALITATIVE_LINES) == 59


def test_quantified_share(b):
    q = pf.quantified_share(b)
    assert (q.total, q.quantitative, q.qualitative, q.not_applicable) == (59, QUANTITATIVE, 5, 3)
    assert q.share == Fraction(51, 59)
    assert q.share_applicable == Fraction(51, 56)
    text = str(q)
    assert "51/59 = 86.4%" in text and "51/56 = 91.1%" in text


def test_indicator_kinds_follow_the_source(b):
    k = pf.indicator_kinds(b).set_index("line")
    assert list(k.loc[NOT_APPLICABLE_LINES, "kind"]) == ["不适用"] * 3
    assert list(k.loc[QUALITATIVE_LINES, "kind"]) == ["定性"] * 5
    assert (k.loc[QUANTITY + QUALITY, "kind"] == "定量").all()
    assert k.at[777, "level2_en"] == "timeliness"


def test_by_level_counts(b):
    t = pf.by_level(b).set_index(["level1", "level2"])
    assert t.loc[("产出", "数量"), "indicators"] == 33
    assert t.loc[("产出", "质量"), "indicators"] == 15
    assert t.loc[("产出", "质量"), "shifted"] == 9  # lines 761–769
    assert t.loc[("产出", "时效"), "indicators"] == 1
    assert t.loc[("效益", "社会效益"), "qualitative"] == 4  # lines 780–783
    assert t.loc[("效益", "经济效益"), "not_applicable"] == 1  # line 779
    assert t.loc[("满意度", "服务对象满意度"), "quantitative"] == 1  # line 786 ≥90%
    # the standard framework: 4 + 4 + 2 二级指标, in this order
    assert list(t.index.get_level_values(1)) == ["数量", "质量", "时效", "成本", "经济效益", "社会效益", "生态效益",
                                                  "可持续影响", "服务对象满意度", "其他满意度"]
    assert int(t["indicators"].sum()) == 59
    assert t.loc[("产出", "数量"), "first_line"] == 726 and t.loc[("产出", "数量"), "last_line"] == 760


def test_indicator_summary(b):
    s = pf.indicator_summary(b).set_index("level1")
    assert list(s.index) == ["合计", "产出", "效益", "满意度"]
    assert s.at["合计", "indicators"] == 59
    assert s.at["产出", "indicators"] == 33 + 15 + 1 + 1
    assert s.at["效益", "indicators"] == 7  # lines 779–785
    assert s.at["满意度", "indicators"] == 2
    assert s.at["合计", "shifted"] == len(SHIFTED)
    assert s.at["合计", "quantitative_pct"] == 86.4


def test_target_forms(b):
    f = pf.target_forms(b)
    forms = {(o, u): n for o, u, n in zip(f["op"], f["unit"], f["indicators"])}
    # "100%": lines 761, 763–769, 772–775, 777 → 1 + 7 + 4 + 1 = 13
    assert forms[("=", "%")] == 13
    # "≥…%": 762 (≥95%), 771 (≥90%), 776 (≥90%), 786 (≥90%)
    assert forms[("≥", "%")] == 4
    assert forms[("≤", "%")] == 1  # line 778 ≤100%
    assert sum(forms.values()) == QUANTITATIVE
    assert f["indicators"].iloc[0] == 13


def test_source_cells_show_the_shift(b):
    cells = pf.source_cells(b, [725, 760, 761])
    assert cells.loc[725, "3"] == "三级指标" and cells.loc[725, "4"] == "目标值"
    assert cells.loc[760, "3"] == "开展工业楼宇转让产业资格审查数量"
    assert cells.loc[761, "1"] == "质量"
    assert cells.loc[761, "4"] == "企业数字化咨询诊断报告验收合格率" and cells.loc[761, "5"] == "100%"
    with pytest.raises(BudgetkitError):
        pf.source_cells(b, [])


def test_shifted_rows(b):
    s = pf.shifted_rows(b)
    assert list(s["line"]) == SHIFTED
    assert s.attrs["header_line"] == 725
    r = s.set_index("line")
    assert (r.loc[761, "level3_col"], r.loc[761, "target_col"]) == (4, 5)
    assert (r.loc[783, "level3_col"], r.loc[783, "target_col"]) == (2, 3)
    assert r.loc[761, "level_names_at"] == "1:质量"
    assert r.loc[786, "level_names_at"] == "0:满意度 1:服务对象满意度"
    assert (r["expected_level3_col"] == 3).all() and (r["expected_target_col"] == 4).all()
    # the parser still placed them in the right 二级指标
    assert r.loc[762, "level2"] == "质量" and r.loc[785, "level2"] == "生态效益"


def test_keywords_drop_generic_words():
    kw = pf.keywords("开展银企对接活动场数")
    assert "银企对接" in kw
    assert not any("开展" in k or "场数" in k for k in kw)
    assert "20" not in pf.keywords("形成龙华区“20+8”产业集群有关情况报告")


def test_link_indicators_to_projects(b):
    links = pf.link_indicators_to_projects(b)
    by_line = {ln: g for ln, g in links.groupby("line")}
    assert set(by_line) == set(b.indicators["line"])  # every indicator is listed
    # 银企对接 appears in 金融管理服务's goal (line 203)
    assert list(by_line[741]["project_no"]) == [17]
    # 购物节活动 is a component of 商贸流通管理工作 (line 150)
    assert list(by_line[740]["project_no"]) == [13]
    # 能源利用状况报告 is in project 1's goal (line 218)
    assert list(by_line[758]["project_no"]) == [1]
    assert by_line[758]["confidence"].iloc[0] == "strong"
    # 采购电脑数量: no project speaks of 电脑 (一般管理事务 says 办公设备) — a heuristic miss
    assert by_line[726]["project_no"].isna().all()
    # 工作完成及时率 (时效) and 辖区企业满意度 concern the whole department
    assert by_line[777]["scope"].iloc[0] == "department" and by_line[786]["scope"].iloc[0] == "department"
    assert (links.loc[links["matches"] > 0, "matches"] <= 5).all()


def test_link_tasks_to_projects(b):
    t = pf.link_tasks_to_projects(b).set_index("line")
    # 对口帮扶及乡村振兴工作 1929 (line 720) vs 对口帮扶、对外援助工作 1,929 (line 134)
    assert t.at[720, "difference"] == 0
    # 工业园区供电环境提升和能源建设管理工作 216.87 (line 714) vs 217 (line 120)
    assert t.at[714, "task_total"] == 2_168_700 and t.at[714, "difference"] == 2_168_700 - 217 * WAN
    # 产业发展工作: the task (51,918.5, line 710) is not the project of that name (508, line 148)
    assert t.at[710, "projects"] == "产业发展工作"
    assert t.at[710, "difference"] == 519_185_000 - 508 * WAN


def test_tasks_vs_budget(b):
    t = pf.tasks_vs_budget(b).set_index("check")
    task_sum = sum(_yuan(x) for x in TASK_TOTALS)
    assert task_sum == 1_322_338_400  # 132,233.84 万元, the printed 金额合计 (line 722)
    row = t.loc["任务金额之和 = 金额合计"]
    assert row["left"] == task_sum and row["right"] == _yuan("132233.84") and row["difference"] == 0
    row = t.loc["金额合计 vs 部门预算总额"]
    assert row["right"] == 132_234 * WAN and row["right_line"] == 376
    assert row["difference"] == _yuan("132233.84") - 132_234 * WAN == -1_600
    assert row["within_rounding"]
    row = t.loc["财政拨款 vs 一般公共预算"]
    assert row["left"] == _yuan("131233.84") and row["right"] == 131_234 * WAN
    row = t.loc["其他资金 vs 政府性基金"]
    assert row["left"] == row["right"] == 1_000 * WAN
    assert t["within_rounding"].all()


def test_errors_are_located(b):
    frames = {n: b.frame(n) for n in b.frame_names}
    ind = frames["indicators"]
    frames["indicators"] = ind.assign(level3=ind["level3"].mask(ind["line"] == 745))
    bad = Budget(frames, b.meta)
    with pytest.raises(DataError) as err:
        pf.quantified_share(bad)
    assert "line 745" in str(err.value) and "表12" in str(err.value)
    with pytest.raises(BudgetkitError):
        pf.by_level(None)


def test_inputs_are_not_changed(b):
    before = b.indicators
    pf.indicator_kinds(b), pf.link_indicators_to_projects(b), pf.shifted_rows(b)
    pd.testing.assert_frame_equal(b.indicators, before)


def test_plot_indicator_counts(b):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = pf.by_level(b)
    ax = pf.plot_indicator_counts(t, source="数据来源：测试")
    try:
        # three stacked series (定量/定性/不适用), one bar per 二级指标 each
        assert len(ax.patches) == 3 * len(t)
        widths = [p.get_width() for p in ax.patches]
        assert sum(widths) == 59
    finally:
        plt.close(ax.figure)
    with pytest.raises(DataError):
        pf.plot_indicator_counts(t.drop(columns=["quantitative"]))


def test_indicators_per_project(b):
    t = pf.indicators_per_project(b).set_index("project_no")
    assert len(t) == 19
    assert t.index[0] == 16  # largest amount first (51,411, line 158)
    # 产业稳增长's goal (line 227) speaks only of 审核准确率/及时率/满意度, which are department-wide
    # indicators here: no project-specific indicator is linked to it
    assert t.at[16, "indicators"] == 0
    # 银企对接 (741), 互联网大数据金融风险 (746, 765), 金融产业专项资金服务项目 (754, 766) → 金融管理服务
    assert t.at[17, "indicators"] >= 5
    links = pf.link_indicators_to_projects(b)
    assert int(t["indicators"].sum()) == len(links.dropna(subset=["project_no"]))

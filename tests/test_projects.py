"""Tests of budgetkit.projects: rankings, changes, components, special funds, checks.

Expected figures are read off the source text
(data/raw/2023-longhua-iit-department-budget.txt, 1-based editor lines) or
computed here by independent integer arithmetic — never copied from the
output of the code under test.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import budgetkit as bk
from budgetkit import projects as pj
from budgetkit.budget import Budget
from budgetkit.errors import BudgetkitError, DataError

WAN = 10_000

# 第三部分（四）项目支出, lines 120–166: (project_no, amount 万元, change 万元 "较 2022 年 10 月预算")
PROJECTS = {
    1: (217, -56),        # line 120/122: 减少 56 万元，下降 21%
    2: (200, -13),        # line 124
    3: (996, 473),        # line 126
    4: (49_860, 11_795),  # line 128/130
    5: (50, -2_292),      # line 132
    6: (1_929, -901),     # line 134
    7: (3_000, 85),       # line 136
    8: (3_600, -912),     # line 138
    9: (12_500, 4_019),   # line 140
    10: (249, 17),        # line 142/144
    11: (886, -111),      # line 146
    12: (508, -345),      # line 148
    13: (410, 0),         # line 150/152: 持平
    14: (456, 409),       # line 154
    15: (1_947, 13),      # line 156
    16: (51_411, -111_776),  # line 158
    17: (974, 254),       # line 160/162
    18: (50, 0),          # line 164: 持平
    19: (1_111, 1_111),   # line 166: 上年基数为 0，不可比
}
PROJECT_SUM_WAN = sum(a for a, _ in PROJECTS.values())
CHANGE_SUM_WAN = sum(c for _, c in PROJECTS.values())

# the seven sub-funds (lines 128–166), in document order
SUB_FUNDS = [("制造业", 49_860), ("境内外经贸交流活动", 50), ("创新中心资助", 3_000), ("商贸服务业", 3_600),
             ("金融业", 12_500), ("产业稳增长", 51_411), ("5G 基站建设资助", 1_111)]
DEPARTMENT_TOTAL_WAN = 132_234  # line 100, 108 and 表3 line 376


@pytest.fixture(scope="module")
def b() -> Budget:
    return bk.load()


def _budget_with(b: Budget, name: str, edit) -> Budget:
    """A copy of ``b`` whose frame ``name`` was changed by ``edit(df) -> df``."""
    frames = {n: b.frame(n) for n in b.frame_names}
    frames[name] = edit(frames[name])
    return Budget(frames, b.meta)


def test_the_figures_of_this_file_add_up_as_the_source_says():
    # sanity of the literals above: 19 projects summing to 130,354 万元 (one more than the stated 130,353)
    assert len(PROJECTS) == 19
    assert PROJECT_SUM_WAN == 130_354
    assert sum(a for _, a in SUB_FUNDS) == 121_532


# --------------------------------------------------------------------------- ranking


def test_ranking_orders_projects_by_amount(b):
    r = pj.ranking(b)
    assert len(r) == 19
    assert list(r["project_no"][:3]) == [16, 4, 9]  # 51,411 > 49,860 > 12,500
    assert list(r["amount"]) == sorted((a * WAN for a, _ in PROJECTS.values()), reverse=True)
    assert r["share"].iloc[0] == Fraction(51_411, PROJECT_SUM_WAN)
    assert sum(r["share"]) == 1
    # 境内外经贸交流活动 and 预算准备金 are both 50 万元: they share rank 18
    tail = r.tail(2)
    assert set(tail["project_no"]) == {5, 18}
    assert list(tail["rank"]) == [18, 18]
    assert r["cumulative_pct"].iloc[-1] == 100.0
    assert r["label"].iloc[0] == "专项资金·产业稳增长"


def test_short_label():
    assert pj.short_label("产业发展专项资金/产业发展专项资金-金融业") == "专项资金·金融业"
    assert pj.short_label("预算准备金") == "预算准备金"


def test_plot_ranking_split_and_log(b):
    r = pj.ranking(b)
    fig = pj.plot_ranking(r, scale="split", source="数据来源：测试")
    try:
        big, small = fig.axes
        # ≥ 1,000 万元: 51,411 49,860 12,500 3,600 3,000 1,947 1,929 1,111 → 8 bars; the other 11 below
        assert len(big.patches) == sum(1 for a, _ in PROJECTS.values() if a >= 1_000)
        assert len(small.patches) == 19 - len(big.patches)
    finally:
        plt.close(fig)
    fig = pj.plot_ranking(r, scale="log")
    try:
        assert fig.axes[0].get_xscale() == "log"
    finally:
        plt.close(fig)
    with pytest.raises(ValueError):
        pj.plot_ranking(r, scale="sqrt")


# --------------------------------------------------------------------------- changes


def test_change_table_recomputes_printed_percentages(b):
    t = pj.change_table(b).set_index("project_no")
    assert (t["baseline"] == "2022 年 10 月预算").all()
    for no, (amount, change) in PROJECTS.items():
        assert t.at[no, "amount"] == amount * WAN
        assert t.at[no, "change"] == change * WAN
        assert t.at[no, "prior_amount"] == (amount - change) * WAN
    # 政府投资项目: 409 / (456 − 409) = 870.2…% → printed 870% (line 154)
    assert t.at[14, "pct_check"] == "exact"
    assert t.at[14, "pct_exact"] == 870.213  # 409/47 = 8.702127…
    # 产业发展工作: 345/853 = 40.45 % rounds to 40, the text says 41 % (line 148); only unrounded
    # figures at the edge (change 345.5, prior 853) give 40.5 %
    assert Fraction(345_5, 853_0) * 100 >= Fraction(405, 10)
    assert t.at[12, "pct_check"] == "within rounding"
    # 产业稳增长: 111,776 / 163,187 = 68.496 % (< 68.5 %), the text says 69 % (line 158); no
    # rounding of the printed figures reaches 68.5 %: the largest ratio is a change of 111,776.5
    # over a prior of 51,410.5 + 111,776.5 = 163,187
    assert Fraction(111_776_5, 163_187_0) * 100 < Fraction(685, 10)
    assert t.at[16, "pct_check"] == "inconsistent"
    assert t.at[19, "pct_check"] == "not comparable"
    assert not t.at[19, "comparable"]
    others = set(PROJECTS) - {12, 16, 19}
    assert (t.loc[sorted(others), "pct_check"] == "exact").all()


def test_percent_check_by_hand():
    # 110 万 this year, +10 万 → prior 100 → exactly 10 %
    assert pj.percent_check(110 * WAN, 10 * WAN, 10).status == "exact"
    # amount 109.5 … 110.5 and change 9.5 … 10.5 allow 9.5/101 … 10.5/99 = 9.41 % … 10.61 %:
    # 11 % needs ≥ 10.5 % and 9 % needs < 9.5 %: both only at the edge; 12 % and 8 % are impossible
    chk = pj.percent_check(110 * WAN, 10 * WAN, 11)
    assert chk.status == "within rounding"
    assert chk.low == Fraction(95, 1010) * 100 and chk.high == Fraction(105, 990) * 100
    assert pj.percent_check(110 * WAN, 10 * WAN, 12).status == "inconsistent"
    assert pj.percent_check(110 * WAN, 10 * WAN, 8).status == "inconsistent"
    assert pj.percent_check(10 * WAN, 10 * WAN, None).status == "not comparable"
    # a decrease: 三公 line 174: 8 万 vs 5.5 万, +2.5 万, 增长 45.5% (printed with one decimal,
    # amounts to 0.1 万 → unit 1,000 元): 2.5/5.5 = 45.45…% → 45.5 %
    assert pj.percent_check(80_000, 25_000, 45.5, unit_yuan=1_000, decimals=1).status == "exact"


def test_waterfall_closes_exactly(b):
    w = pj.change_waterfall(b)
    prior_total = (PROJECT_SUM_WAN - CHANGE_SUM_WAN) * WAN  # 130,354 − (−98,230) = 228,584 万元
    assert prior_total == 228_584 * WAN
    assert list(w["kind"][[0, len(w) - 1]]) == ["start", "end"]
    assert w["end"].iloc[0] == prior_total and w["start"].iloc[0] == 0
    assert w["end"].iloc[-1] == PROJECT_SUM_WAN * WAN
    steps = w.iloc[1:-1]
    assert len(steps) == 19
    assert prior_total + int(steps["delta"].sum()) == PROJECT_SUM_WAN * WAN
    # each step starts where the previous one ended
    assert list(steps["start"])[1:] == list(steps["end"])[:-1]
    assert (steps["start"] + steps["delta"] == steps["end"]).all()
    # largest increase first (制造业 +11,795), largest decrease last (产业稳增长 −111,776)
    assert steps["project_no"].iloc[0] == 4 and steps["project_no"].iloc[-1] == 16
    five_g = steps[steps["project_no"] == 19].iloc[0]
    assert not five_g["comparable"] and "不可比" in five_g["label"] and five_g["delta"] == 1_111 * WAN


def test_waterfall_in_document_order_and_grouped(b):
    w = pj.change_waterfall(b, order="project_no")
    assert list(w["project_no"].iloc[1:-1]) == list(range(1, 20))
    g = pj.change_waterfall(b, group_below=1_000 * WAN)
    small = [c for _, c in PROJECTS.values() if abs(c) < 1_000]
    group = g[g["project_no"].isna() & (g["kind"] != "start") & (g["kind"] != "end")]
    assert len(group) == 1
    assert group["delta"].iloc[0] == sum(small) * WAN
    assert f"其他 {len(small)} 个项目" in group["label"].iloc[0]
    assert g["end"].iloc[-1] == PROJECT_SUM_WAN * WAN
    with pytest.raises(ValueError):
        pj.change_waterfall(b, order="size")


def test_plot_waterfall_draws_and_validates(b):
    w = pj.change_waterfall(b, group_below=1_000 * WAN)
    before = w.copy()
    ax = pj.plot_waterfall(w, source="数据来源：测试", title="t")
    try:
        assert len(ax.patches) == len(w)
        assert [t.get_text() for t in ax.get_yticklabels()] == list(w["label"])
    finally:
        plt.close(ax.figure)
    pd.testing.assert_frame_equal(w, before)  # not mutated
    broken = w.copy()
    broken.loc[2, "start"] = broken.loc[2, "start"] + 1
    broken.loc[2, "end"] = broken.loc[2, "end"] + 1
    with pytest.raises(DataError, match="starts at"):
        pj.plot_waterfall(broken)
    with pytest.raises(DataError, match="no column"):
        pj.plot_waterfall(w.drop(columns=["delta"]))


# --------------------------------------------------------------------------- components


def test_components_add_up(b):
    c = pj.components_check(b).set_index("project_no")
    assert c["matches"].all()
    assert (c["difference"] == 0).all()
    # line 134: 驻镇帮镇扶村资金 1000 + 帮扶机构运作及扶贫干部管理 714 + 对口帮扶、对外援助帮扶工作 215
    assert c.at[6, "components"] == 3 and c.at[6, "components_total"] == (1000 + 714 + 215) * WAN
    # line 150: 120 + 150 + 140
    assert c.at[13, "components_total"] == (120 + 150 + 140) * WAN
    t = pj.components_table(b)
    six = t[t["project_no"] == 6]
    assert list(six["amount"]) == [1000 * WAN, 714 * WAN, 215 * WAN]
    assert sum(six["share"]) == 1


# --------------------------------------------------------------------------- special funds


def test_special_fund_summary(b):
    s = pj.special_fund_summary(b)
    assert s["kind"].iloc[0] == "total"
    items = s.iloc[1:]
    assert list(zip(items["sub_fund"], items["amount"])) == [(n, a * WAN) for n, a in SUB_FUNDS]
    total = sum(a for _, a in SUB_FUNDS)
    assert s["amount"].iloc[0] == total * WAN
    assert s["share"].iloc[0] == Fraction(total, DEPARTMENT_TOTAL_WAN)
    assert s["share_pct"].iloc[0] == 91.91  # 121,532 / 132,234 = 0.919067…
    assert s.attrs["department_total"] == DEPARTMENT_TOTAL_WAN * WAN
    assert s.attrs["department_total_line"] == 376
    # changes against the 10 月 baseline: 产业稳增长 −111,776 (line 158), 境内外 −2,292 (line 132)
    ch = dict(zip(items["sub_fund"], items["change"]))
    assert ch["产业稳增长"] == -111_776 * WAN and ch["境内外经贸交流活动"] == -2_292 * WAN
    changes = [PROJECTS[no][1] for no in (4, 5, 7, 8, 9, 16, 19)]
    assert s["change"].iloc[0] == sum(changes) * WAN


def test_special_fund_summary_needs_amounts(b):
    bad = _budget_with(b, "special_funds", lambda df: df.assign(amount=df["amount"].mask(df.index == 2)))
    with pytest.raises(DataError) as err:
        pj.special_fund_summary(bad)
    assert "line 136" in str(err.value) and "创新中心资助" in str(err.value)


# --------------------------------------------------------------------------- subsidy


def test_subsidy_check_5g():
    # lines 222–224: 3,703 stations (电信 901, 联通 1152, 移动 1650) × 3,000 元, printed 1,111 万元
    chk = pj.subsidy_check({"电信": 901, "联通": 1152, "移动": 1650}, 3000, "1,111")
    assert chk.stations == 901 + 1152 + 1650 == 3703
    assert chk.expected_yuan == 3703 * 3000 == 11_109_000
    assert chk.printed_yuan == 11_110_000
    assert chk.difference_yuan == 1_000
    assert chk.tolerance_yuan == 5_000  # half of one printed 万元
    assert chk.within_rounding
    text = str(chk)
    assert "11,109,000 元" in text and "1,110.9 万元" in text and "尾数误差" in text


def test_subsidy_check_other_precisions():
    # printed 1,110 万元 would be 9,000 元 short: more than half a 万元
    assert not pj.subsidy_check(3703, 3000, "1,110").within_rounding
    # printed with one decimal (1,110.9): tolerance 500 元, exact
    chk = pj.subsidy_check([901, 1152, 1650], 3000, Decimal("1110.9"))
    assert chk.decimals == 1 and chk.tolerance_yuan == 500 and chk.difference_yuan == 0
    assert pj.subsidy_check(3703, 3000, 1111).decimals == 0
    # half up: exactly half a unit above rounds up to the printed value, half below does not
    assert pj.subsidy_check(1, 15_000, "2").within_rounding  # 1.5 万 → 2
    assert not pj.subsidy_check(1, 25_000, "2").within_rounding  # 2.5 万 → 3


def test_subsidy_check_rejects_bad_input():
    with pytest.raises(BudgetkitError, match="negative"):
        pj.subsidy_check(-1, 3000, "1")
    with pytest.raises(BudgetkitError, match="whole number"):
        pj.subsidy_check(3703.5, 3000, "1")
    with pytest.raises(BudgetkitError) as err:
        pj.subsidy_check(3703, 3000, "一千", file="x.txt", table="第七部分", line=224)
    assert "x.txt" in str(err.value) and "line 224" in str(err.value)
    with pytest.raises(BudgetkitError):
        pj.subsidy_check(3703, 3000, 1111.0)


# --------------------------------------------------------------------------- project total


def test_project_total_check_finds_the_rounding(b):
    t = pj.project_total_check(b)
    # the total is stated as 130,353 万元 at lines 110, 118, 194 and in 表3 (line 376)
    assert sorted(t["line"]) == [110, 118, 194, 376]
    assert (t["stated"] == 130_353 * WAN).all()
    assert (t["computed"] == PROJECT_SUM_WAN * WAN).all()
    assert (t["difference"] == (130_353 - 130_354) * WAN).all()
    # 19 printed amounts plus the printed total, each off by at most half a 万元
    assert (t["max_rounding"] == 20 * WAN // 2).all()
    assert t["within_rounding"].all()


def test_missing_project_amount_is_located(b):
    bad = _budget_with(b, "projects", lambda df: df.assign(amount=df["amount"].mask(df["project_no"] == 14)))
    with pytest.raises(DataError) as err:
        pj.project_total_check(bad)
    assert "line 154" in str(err.value) and "政府投资项目" in str(err.value)
    with pytest.raises(BudgetkitError):
        pj.ranking("not a budget")


# --------------------------------------------------------------------------- combinations


def test_amount_combinations_reconcile_functional_codes(b):
    items = {pj.short_label(n): int(a) for n, a in zip(b.projects["name"], b.projects["amount"])}
    # 表3: 2150299 其他制造业支出 10,692 (line 426) + 2069999 其他科学技术支出 43,735 (line 385)
    target = (10_692 + 43_735) * WAN
    assert 49_860 + 3_000 + 1_111 + 456 == 10_692 + 43_735
    found = pj.amount_combinations(items, target, max_size=4)
    assert ("专项资金·制造业", "专项资金·创新中心资助", "政府投资项目", "专项资金·5G 基站建设资助") in found
    assert pj.amount_combinations({"a": 1, "b": 2}, 3) == [("a", "b")]
    assert pj.amount_combinations({"a": 1, "b": 2}, 4, tolerance=1) == [("a", "b")]
    with pytest.raises(BudgetkitError):
        pj.amount_combinations({"a": 1.5}, 3)


def test_functions_do_not_change_the_budget(b):
    before = b.projects.drop(columns=["components"])
    pj.ranking(b), pj.change_table(b), pj.change_waterfall(b), pj.special_fund_summary(b)
    pd.testing.assert_frame_equal(b.projects.drop(columns=["components"]), before)


def test_special_funds_vs_economic(b):
    t = pj.special_funds_vs_economic(b)
    # 表8 line 651: 312 对企业补助 121,502 (项目支出); sub-funds 121,532 (lines 128–166)
    assert list(t["amount"]) == [121_532 * WAN, 121_502 * WAN, 30 * WAN]
    assert list(t["line"][:2]) == [128, 651]
    assert t.attrs["difference"] == 30 * WAN
    # 7 sub-funds + the 表8 figure, each at most half a 万元 off: 4 万元 — 30 万元 is not rounding
    assert t.attrs["max_rounding"] == 8 * WAN // 2
    assert not t.attrs["within_rounding"]


def test_functional_matches(b):
    m = pj.functional_matches(b).set_index("codes")
    # 表3 line 428: 2150517 产业发展 51,411 = 产业稳增长 (line 158); line 433: 2170399 12,500 = 金融业 (line 140)
    assert m.at["2150517", "groups"] == "专项资金·产业稳增长"
    assert m.at["2170399", "groups"] == "专项资金·金融业"
    assert m.at["2011304", "groups"] == "对外经贸工作"  # 1,947 (lines 381, 156)
    assert m.at["2069999", "matches"] == 0  # 43,735: no group of up to 4 projects
    pair = pj.functional_matches(b, [("2069999", "2150299")]).iloc[0]
    assert pair["project"] == (43_735 + 10_692) * WAN
    assert pair["matches"] == 1
    assert pair["groups"] == "专项资金·制造业+专项资金·创新中心资助+政府投资项目+专项资金·5G 基站建设资助"
    with pytest.raises(DataError, match="no code 9999999"):
        pj.functional_matches(b, ["9999999"])


def test_plot_special_funds(b):
    s = pj.special_fund_summary(b)
    ax = pj.plot_special_funds(s, source="数据来源：测试")
    try:
        assert len(ax.patches) == 7
        assert [t.get_text() for t in ax.get_yticklabels()][0] == "产业稳增长"
        # the note survives bbox_inches="tight" (it is in layout)
        assert ax.figure.texts[-1].get_text() == "数据来源：测试" and ax.figure.texts[-1].get_in_layout()
    finally:
        plt.close(ax.figure)
    ax = pj.plot_special_funds(s, "change")
    try:
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels[0] == "制造业" and labels[-1] == "产业稳增长"  # +11,795 first, −111,776 last
    finally:
        plt.close(ax.figure)
    with pytest.raises(ValueError):
        pj.plot_special_funds(s, "share")


def test_plot_special_funds_labels_shares(b):
    ax = pj.plot_special_funds(pj.special_fund_summary(b))
    try:
        texts = [t.get_text() for t in ax.texts if t.get_text()]
        # 51,411 / 121,532 = 42.30 %; 50 / 121,532 = 0.041 % (two decimals below 1 %)
        assert texts[0] == "51,411（42.3%）"
        assert texts[-1] == "50（0.04%）"
    finally:
        plt.close(ax.figure)

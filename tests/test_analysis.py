"""Tests of budgetkit.analysis.

Expected values are figures printed in the seed document
``data/raw/2023-longhua-iit-department-budget.txt`` (each cited by line; the
helper :func:`printed` checks that the cited line really prints it) or results
of arithmetic done here on those figures — never output copied from the code
under test. Shares are checked against exact fractions computed here.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import budgetkit as bk
from budgetkit import analysis as A
from budgetkit.budget import Budget
from budgetkit.errors import BudgetkitError, DataError

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "2023-longhua-iit-department-budget.txt"
LINES = SEED.read_text(encoding="utf-8").split("\n")
WAN = 10_000  # 元 per 万元


def printed(line: int, text: str) -> str:
    """``text`` as printed on 1-based source ``line`` (fails when the line does not print it)."""
    assert text in LINES[line - 1], f"line {line} does not print {text!r}: {LINES[line - 1]!r}"
    return text


def w(line: int, text: str) -> int:
    """The last 万元 figure of ``text`` (printed on ``line``), in 元 (exact).

    ``text`` may carry context to pin the figure down: ``w(170, "货物采购 6")``.
    """
    number = re.findall(r"-?\d[\d,]*(?:\.\d+)?", printed(line, text))[-1]
    value = Decimal(number.replace(",", "")) * WAN
    assert value == value.to_integral_value()
    return int(value)


def pct(part: int, whole: int, digits: int = 1) -> float:
    """Percent rounded half up, computed independently with Decimal."""
    q = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return float(q)


@pytest.fixture(scope="module")
def b() -> Budget:
    return bk.load()


def altered(b: Budget, name: str, change) -> Budget:
    """A copy of ``b`` whose frame ``name`` is passed through ``change`` (for failure cases)."""
    frames = {n: b.frame(n) for n in b.frame_names}
    frames[name] = change(frames[name])
    return Budget(frames, b.meta, source_text="\n".join(LINES))


# --------------------------------------------------------------------------- shares


def test_share_is_exact():
    assert A.share(25_000, 55_000) == Fraction(5, 11)
    assert A.share(1, 0) is None
    assert A.share(pd.NA, 5) is None


def test_percent_rounds_half_up_for_display():
    # line 174: 2.5 万元 on a base of 5.5 万元 is stated as 增长45.5% (45.4545…)
    assert A.percent(w(666, "2.5"), w(664, "5.5")) == 45.5
    assert A.percent(1, 16, 2) == 6.25
    assert A.percent(1, 16, 1) == 6.3  # half up (Python's round(6.25, 1) gives 6.2)
    assert A.percent(-1, 16, 1) == -6.3
    assert A.percent(1, 3, 0) == 33.0
    assert A.percent(5, 0) is None


@given(st.integers(-10**12, 10**12), st.integers(1, 10**12), st.integers(0, 4))
def test_percent_matches_decimal_arithmetic(part, whole, digits):
    assert A.percent(part, whole, digits) == pct(part, whole, digits)


# --------------------------------------------------------------------------- 00


def test_contents_overview(b):
    df = A.contents_overview(b)
    assert list(df["number"]) == list(range(1, 13))
    # lines 22, 24, 25 list 收入总表, 基本支出总表, 项目支出总表; no 表2/4/5 follows in the document
    assert printed(22, "收入总表") and printed(24, "基本支出总表") and printed(25, "项目支出总表")
    assert list(df.loc[~df["published"], "number"]) == [2, 4, 5]
    assert df.loc[~df["published"], "rows"].isna().all()
    t3 = df.set_index("number").loc[3]
    assert (t3["first_line"], t3["last_line"]) == (376, 448)  # 表3's first and last data rows
    t11 = df.set_index("number").loc[11]
    assert t11["rows"] == 1 and printed(697, "本表本年无发生额") in t11["notes"]


def test_budget_types(b):
    df = A.budget_types(b).set_index("budget")
    assert list(df.index) == ["一般公共预算", "政府性基金预算", "国有资本经营预算", "社会保险基金预算"]
    gen = df.loc["一般公共预算"]
    assert gen["revenue"] == w(287, "131,234") and gen["revenue_line"] == 287
    assert gen["table"] == 7 and gen["expenditure"] == w(534, "131,234")
    fund = df.loc["政府性基金预算"]
    assert fund["revenue"] == w(288, "1,000") == fund["expenditure"] == w(679, "1,000")
    assert printed(684, "每区每年安排 1000 万元") in fund["note"]
    soe = df.loc["国有资本经营预算"]
    assert soe["revenue"] == 0 and soe["expenditure"] == 0 and not soe["has"]
    printed(289, "国有资本经营预算拨款\t0")
    ssf = df.loc["社会保险基金预算"]
    assert pd.isna(ssf["revenue"]) and pd.isna(ssf["table"]) and pd.isna(ssf["has"])
    assert list(df["has"].iloc[:2]) == [True, True]


# --------------------------------------------------------------------------- 01


def test_revenue_sources_table1(b):
    df = A.revenue_sources(b)
    amounts = dict(zip(df["name"], df["amount"]))
    assert amounts["政府预算拨款"] == w(286, "132,234")
    assert amounts["一般公共预算拨款"] == w(287, "131,234")
    assert amounts["政府性基金预算拨款"] == w(288, "1,000")
    for name, line in (("国有资本经营预算拨款", 289), ("财政专户管理资金", 290), ("单位资金", 291),
                       ("事业收入", 292), ("其他收入", 296)):
        assert amounts[name] == 0 and printed(line, name)
    assert len(df) == 11 and list(df["line"]) == list(range(286, 297))
    # leaves: 3 appropriations (287–289), 财政专户 (290), 5 kinds of 单位资金 (292–296)
    assert list(df.loc[df["leaf"], "line"]) == [287, 288, 289, 290, 292, 293, 294, 295, 296]
    assert df.loc[df["leaf"], "amount"].sum() == w(358, "132,234")
    # the level-2 items under 一、政府预算拨款 add up to it
    assert df.loc[df["line"].between(287, 289), "amount"].sum() == amounts["政府预算拨款"]
    shares = dict(zip(df["name"], df["share"]))
    total = w(358, "132,234")  # 本年收入合计
    assert shares["一般公共预算拨款"] == pct(131_234, 132_234) == 99.2
    assert shares["政府性基金预算拨款"] == pct(1_000, 132_234) == 0.8
    assert shares["政府预算拨款"] == 100.0 and total == amounts["政府预算拨款"]


def test_revenue_sources_table6_and_bad_table(b):
    df = A.revenue_sources(b, table=6)
    assert list(df["amount"]) == [w(460, "132,234"), w(461, "131,234"), w(462, "1,000"), 0]
    with pytest.raises(DataError, match="表3"):
        A.revenue_sources(b, table=3)
    with pytest.raises(BudgetkitError):
        A.revenue_sources(b.table(1))


def test_balance(b):
    df = A.balance(b)
    assert list(zip(df["table"], df["row"])) == [(1, "本年合计"), (1, "结转"), (1, "总计"),
                                                 (6, "本年合计"), (6, "结转"), (6, "总计")]
    assert df["balanced"].all() and (df["difference"] == 0).all()
    t1 = df[df["table"] == 1].set_index("row")
    assert t1.loc["总计", "income"] == w(360, "132,234") and printed(360, "支出总计\t132,234")
    assert t1.loc["结转", "income"] == 0 and printed(359, "结转下年\t0")
    assert list(df.loc[df["table"] == 6, "income_line"]) == [521, 522, 523]


def test_balance_reports_an_imbalance(b):
    def shift(t1):
        t1.loc[(t1["side"] == "expenditure") & (t1["kind"] == "total"), "amount"] -= 10_000
        return t1

    df = A.balance(altered(b, "table1", shift))
    row = df[(df["table"] == 1) & (df["row"] == "总计")].iloc[0]
    assert row["difference"] == 10_000 and not row["balanced"]
    assert df[df["table"] == 6]["balanced"].all()


def test_baselines(b):
    df = A.baselines(b)
    by = df.set_index("baseline")
    printed(100, "比 2022 年年初预算减少 1,491 万元")
    assert by.loc["2022年年初预算", "statements"] == 2  # 收入 and 支出, line 100
    assert by.loc["2022年年初预算", "basis"] == "年初预算"
    # one 较 2022 年 10 月预算 comparison per project, lines 120–166 (19 projects)
    assert sum("2022 年 10 月预算" in LINES[i] for i in range(119, 166)) == 19
    oct_ = by.loc["2022年10月预算"]
    assert oct_["statements"] == 19 == oct_["with_amount"] and oct_["basis"].startswith("10月预算")
    assert (oct_["first_line"], oct_["last_line"]) == (120, 166)
    no_base = df[df["baseline"].isna()].iloc[0]
    # 增加了…预算 456 万元 (104), 增加…175 万元 and …200 万元 (126), 增加了…154 万元 (162)
    assert no_base["statements"] == 4 and (no_base["first_line"], no_base["last_line"]) == (104, 162)
    assert df["statements"].sum() == len(b.statements)


def test_baseline_comparison(b):
    df = A.baseline_comparison(b).set_index("subject")
    dept = df.loc["部门预算支出"]
    assert dept["amount"] == w(100, "132,234")
    assert dept["change"] == -w(100, "1,491")
    assert dept["prior_amount"] == (132_234 + 1_491) * WAN == 133_725 * WAN
    assert dept["change_pct"] == pct(-1_491, 133_725) == -1.1
    assert dept["stated_pct"] == -1.0 and printed(100, "下降 1%")
    # the 19 projects of 第三部分: (amount, signed change vs 2022 年 10 月预算), lines 120–166
    # (line, amount), (line, change against 2022 年 10 月预算), per project
    projects = [((120, "217"), (122, "减少 56")), ((124, "200"), (124, "减少 13")), ((126, "996"), (126, "增加 473")),
                ((128, "49,860"), (130, "增加 11,795")), ((132, "50"), (132, "减少 2,292")),
                ((134, "1,929"), (134, "减少 901")), ((136, "3,000"), (136, "增加 85")),
                ((138, "3,600"), (138, "减少 912")), ((140, "12,500"), (140, "增加 4,019")),
                ((142, "249"), (144, "增加 17")), ((146, "886"), (146, "减少 111")), ((148, "508"), (148, "减少 345")),
                ((150, "410"), (152, "持平")), ((154, "456"), (154, "增加 409")), ((156, "1,947"), (156, "增加 13")),
                ((158, "51,411"), (158, "减少 111,776")), ((160, "974"), (162, "增加 254")),
                ((164, "50"), (164, "持平")), ((166, "1,111"), (166, "增加 1,111"))]
    assert len(projects) == 19
    amount = change = 0
    for (a_line, a), (c_line, c) in projects:
        amount += w(a_line, f"预算 {a} 万")
        printed(c_line, f"2022 年 10 月预算{c}" if c == "持平" else f"较 2022 年 10 月预算{c} 万元")
        if c != "持平":
            change += (1 if c.startswith("增加") else -1) * w(c_line, c)
    proj = df.loc["项目支出（19 个项目之和）"]
    assert amount == 130_354 * WAN  # one 万元 more than 项目支出 130,353 (line 118): rounding
    assert proj["amount"] == amount and proj["change"] == change
    assert proj["prior_amount"] == amount - change
    assert proj["change_pct"] == pct(change, amount - change)
    assert proj["statements"] == 19 and pd.isna(proj["stated_pct"])


# --------------------------------------------------------------------------- 02


T3_CLASSES = [("201", 377, "10,259"), ("206", 383, "43,735"), ("208", 386, "142"), ("210", 401, "41"),
              ("211", 404, "78"), ("212", 407, "1,000"), ("213", 410, "929"), ("215", 424, "62,103"),
              ("217", 429, "13,474"), ("221", 445, "473")]


def test_function_structure_classes(b):
    df = A.function_structure(b)
    assert list(df["code"]) == [c for c, _, _ in T3_CLASSES]
    assert list(df["line"]) == [line for _, line, _ in T3_CLASSES]
    for code, line, _ in T3_CLASSES:
        printed(line, f"\t{code}\t")
    expected = [w(line, f"\t{amount}\t") for _, line, amount in T3_CLASSES]
    assert list(df["total"]) == expected
    total = w(376, "132,234")
    assert sum(expected) == total
    assert list(df["share"]) == [pct(v, total) for v in expected]
    top = df.sort_values("total", ascending=False)
    assert list(top["code"].iloc[:2]) == ["215", "206"]
    assert top["share"].iloc[0] == pct(62_103, 132_234) == 47.0
    assert (df["rounding"] == 0).all()
    assert (df["basic"] + df["project"] == df["total"]).all()


def test_function_structure_other_levels_and_tables(b):
    kuan = A.function_structure(b, level="款")
    assert len(kuan) == 12 and (kuan["level"] == 2).all()
    poverty = kuan.set_index("code").loc["21305"]
    assert poverty["name"] == "扶贫" and printed(422, "21305\t扶贫")
    t7 = A.function_structure(b, level=1, table=7)
    assert "212" not in set(t7["code"])  # 表7 is the general budget only; 212 is fund money (line 680)
    assert t7["total"].sum() == w(534, "131,234")
    xiang = A.function_structure(b, level=3, table=7)
    assert xiang["total"].sum() == w(534, "131,234") and len(xiang) == 16
    assert A.function_structure(b, table=11).empty
    fund = A.function_structure(b, level=3, table=10)
    assert list(fund["code"]) == ["2120804"] and fund["share"].iloc[0] == 100.0


def test_function_structure_bad_arguments(b):
    with pytest.raises(DataError, match="表8"):
        A.function_structure(b, table=8)
    with pytest.raises(DataError, match="level"):
        A.function_structure(b, level=4)
    with pytest.raises(DataError, match="level"):
        A.economic_structure(b, level=3)  # 经济分类 has only 类 and 款


def test_function_structure_reports_rounding(b):
    def bump(t3):
        t3.loc[t3["code"] == "2011301", "total"] += 10_000  # a 项 one 万元 above what 20113/201 print
        return t3

    df = A.function_structure(altered(b, "table3", bump)).set_index("code")
    assert df.loc["201", "rounding"] == -10_000
    assert (df.drop(index="201")["rounding"] == 0).all()


def test_function_structure_without_total_row_names_file_and_table(b):
    broken = altered(b, "table3", lambda t: t[t["kind"] != "total"].reset_index(drop=True))
    with pytest.raises(DataError) as err:
        A.function_structure(broken)
    assert "表3 支出总表" in str(err.value) and "2023-longhua-iit-department-budget.txt" in str(err.value)


def test_economic_structure(b):
    df = A.economic_structure(b).set_index("code")
    expected = {"301": w(602, "1,768"), "302": w(611, "7,502"), "309": w(637, "456"), "310": w(649, "6"),
                "312": w(651, "121,502")}
    assert df["total"].to_dict() == expected
    total = w(601, "131,234")
    assert sum(expected.values()) == total
    assert df.loc["312", "share"] == pct(121_502, 131_234) == 92.6
    # 302's 款 rows (lines 612–636) add up to 7,503, one 万元 more than the 7,502 printed on line 611
    kuan_302 = [(612, "110"), (613, "473"), (624, "16"), (625, "87"), (626, "19"), (627, "152"), (628, "39"),
                (629, "1"), (630, "561"), (631, "3,224"), (632, "36"), (633, "3"), (634, "7"), (635, "22"),
                (636, "2,753")]
    items = sum(w(line, f"\t{v}\t") for line, v in kuan_302)
    assert items == 7_503 * WAN
    assert df.loc["302", "rounding"] == expected["302"] - items == -WAN
    assert (df.drop(index="302")["rounding"] == 0).all()


def test_basic_project_split(b):
    df = A.basic_project_split(b)
    assert list(df["source"].str[:3]) == ["表3 ", "表7 ", "表10", "第三部"]
    rows = df.set_index(df["source"].str.split(" ").str[0])
    assert list(rows.loc["表3", ["total", "basic", "project"]]) == [
        w(376, "132,234"), w(376, "1,881"), w(376, "130,353")]
    assert list(rows.loc["表7", ["total", "basic", "project"]]) == [
        w(534, "131,234"), w(534, "1,881"), w(534, "129,353")]
    assert list(rows.loc["表10", ["basic", "project"]]) == [0, w(679, "1,000")]
    text = df.iloc[3]
    # line 110: 人员支出 1,768 + 公用支出 113 + 对个人和家庭的补助支出 0 = 基本支出; 项目支出 130,353
    assert text["basic"] == w(110, "1,768") + w(110, "113") == 1_881 * WAN
    assert text["project"] == w(110, "130,353") and text["total"] == w(110, "132,234")
    assert rows.loc["表3", "basic_share"] == pct(1_881, 132_234) == 1.4
    assert rows.loc["表3", "project_share"] == pct(130_353, 132_234) == 98.6
    assert (df["basic"] + df["project"] == df["total"]).all()


def test_personnel_public(b):
    df = A.personnel_public(b).set_index("category")
    staff, public = df.loc["人员支出"], df.loc["公用支出"]
    assert staff["text_amount"] == w(110, "1,768") == staff["table_amount"] == w(602, "1,768")
    assert public["text_amount"] == w(110, "113") == public["table_amount"] == w(611, "113")
    # line 112's items: 613.2 + 403.2 + 112.8 + 95.4 + 46.8 + 40.8 + 147.6 + 308.3 = 1,768.1
    staff_items = ["613.2", "403.2", "112.8", "95.4", "46.8", "40.8", "147.6", "308.3"]
    assert staff["text_items_total"] == sum(w(112, f" {v} 万元") for v in staff_items) == 17_681_000
    # line 114's items: 20 + 16 + 1 + 19 + 25 + 2.5 + 7 + 22 = 112.5
    public_items = ["办公费 20", "邮电费 16", "公务接待费 1", "维修（护）费 19", "工会经费 25", "福利费 2.5",
                    "公务用车运行维护费 7", "其他交通费用 22"]
    assert public["text_items_total"] == sum(w(114, s) for s in public_items) == 1_125_000
    assert (df["difference"] == 0).all()
    assert df.loc["对个人和家庭的补助支出", "text_amount"] == 0 and printed(116, "补助支出 0 万元")


def test_personnel_public_items(b):
    df = A.personnel_public_items(b)
    assert len(df) == 16 and df["code"].notna().all()
    welfare = df.set_index("item").loc["福利费"]
    assert welfare["text_amount"] == w(114, "2.5") and welfare["table_amount"] == w(633, "3")
    assert welfare["difference"] == 5_000 and welfare["code"] == "30229"
    wage = df.set_index("item").loc["基本工资"]
    assert wage["difference"] == w(603, "613") - w(112, "613.2") == -2_000
    # each difference is below half a 万元: 表8 prints whole 万元, the text tenths
    assert (df["difference"].abs() <= WAN // 2).all()


def test_personnel_public_items_keeps_unmatched_rows(b):
    dropped = altered(b, "basic_items", lambda t: t[t["item"] != "奖金"].reset_index(drop=True))
    df = A.personnel_public_items(dropped).set_index("item")
    assert len(df) == 16
    bonus = df.loc["奖金"]
    assert pd.isna(bonus["text_amount"]) and bonus["table_amount"] == w(605, "113") and bonus["code"] == "30103"


def test_three_public_summary(b):
    df = A.three_public_summary(b).set_index("column")
    assert df.attrs["years"] == (2022, 2023)
    printed(664, "2022 年\t5.5\t0\t2\t3.5\t0\t3.5")
    printed(665, "2023 年\t8\t0\t1\t7\t0\t7")
    printed(666, "增减变化金额\t2.5\t0\t-1\t3.5\t0\t3.5")
    prior = [55_000, 0, 20_000, 35_000, 0, 35_000]
    current = [80_000, 0, 10_000, 70_000, 0, 70_000]
    assert list(df["prior_amount"]) == prior and list(df["amount"]) == current
    assert list(df["change"]) == [c - p for c, p in zip(current, prior)]
    assert df["consistent"].all()
    assert df.loc["total", "change_pct"] == pct(25_000, 55_000) == df.loc["total", "text_change_pct"] == 45.5
    assert df.loc["reception", "change_pct"] == -50.0
    assert pd.isna(df.loc["outbound", "change_pct"])  # no base: 0 in 2022
    assert df.loc["reception", "text_change"] == -w(178, "1") and df.loc["vehicle_operation", "text_change"] == w(
        182, "3.5")
    assert list(df["text_line"]) == [174, 176, 178, 180, 180, 182]


def test_three_public_summary_flags_an_inconsistent_change_row(b):
    def wrong(t9):
        t9.loc[t9["kind"] == "change", "total"] = 30_000
        return t9

    df = A.three_public_summary(altered(b, "table9", wrong)).set_index("column")
    assert not df.loc["total", "consistent"] and df.drop(index="total")["consistent"].all()


def test_procurement_summary(b):
    df = A.procurement_summary(b).set_index("category")
    goods, works, services, total = (w(170, "货物采购 6"), w(170, "工程采购 0"), w(170, "服务采购 1,790"),
                                      w(170, "1,796"))
    assert goods == 60_000 and works == 0 and services == 17_900_000 and total == 17_960_000
    assert df.loc["货物", "amount"] == goods and df.loc["服务", "amount"] == services
    assert df.loc["货物", "amount"] + df.loc["工程", "amount"] + df.loc["服务", "amount"] == df.loc["合计", "amount"]
    assert df.loc["服务", "share"] == pct(1_790, 1_796) == 99.7
    assert df.loc["表3 政府采购小计", "amount"] == w(376, "1,796")
    assert df.loc["其中：面向中小企业", "amount"] == w(376, "174")
    assert df.loc["其中：面向中小企业", "share"] == pct(174, 1_796) == 9.7
    assert df.loc["其中：面向小型、微型企业", "amount"] == w(376, "104")


def test_procurement_by_function(b):
    df = A.procurement_by_function(b)
    expected = [("2011301", 379, "6"), ("2011302", 380, "490"), ("2011399", 382, "290"), ("2069999", 385, "456"),
                ("2170199", 431, "554")]
    assert list(df["code"]) == [c for c, _, _ in expected] and list(df["line"]) == [l for _, l, _ in expected]
    assert list(df["procurement"]) == [w(line, f"\t{v}\t") for _, line, v in expected]
    assert df["procurement"].sum() == w(376, "1,796")
    other = df.set_index("code").loc["2011399"]
    assert other["procurement_sme"] == w(382, "174") and other["sme_share"] == pct(174, 290) == 60.0


# --------------------------------------------------------------------------- display and safety


def test_wan_converts_every_amount_column_and_nothing_else(b):
    df = A.balance(b)
    shown = A.wan(df)
    assert shown["income"].iloc[0] == 132_234.0 and shown["difference"].iloc[0] == 0.0
    assert shown["income_line"].dtype == "Int64" and shown.attrs["unit"] == "万元"
    assert df["income"].iloc[0] == 1_322_340_000  # the input is not changed
    items = A.wan(A.personnel_public_items(b))
    assert items.set_index("item").loc["福利费", "text_amount"] == 2.5


def test_functions_do_not_change_the_budget(b):
    fresh = bk.load()
    for f in (A.contents_overview, A.budget_types, A.revenue_sources, A.balance, A.baselines,
              A.baseline_comparison, A.function_structure, A.economic_structure, A.basic_project_split,
              A.personnel_public, A.personnel_public_items, A.three_public_summary, A.procurement_summary,
              A.procurement_by_function):
        out = f(b)
        assert isinstance(out, pd.DataFrame)
        if len(out):
            out.iloc[0, 0] = None  # writing into a result does not reach the Budget
    assert b.equals(fresh)


@pytest.mark.parametrize("f", [A.contents_overview, A.budget_types, A.balance, A.baselines, A.personnel_public])
def test_not_a_budget_is_a_budgetkit_error(f):
    with pytest.raises(BudgetkitError, match="Budget"):
        f("not a budget")

"""The audit engine (budgetkit.checks) and ``budgetkit check``.

Two kinds of tests:

* Every rule runs on a small hand-made Budget that is consistent by
  construction (``good``; its figures are chosen so that every identity holds
  by hand arithmetic, see ``good_frames``) and must report no failure there;
  then one figure is changed and the rule must report ``fail`` (or
  ``rounding``) for exactly that figure, with the difference worked out by hand.
* On the bundled seed (data/raw/2023-longhua-iit-department-budget.txt) the
  findings must be exactly the contradictions verified by hand against the
  source lines cited in each test.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

import budgetkit as bk
from budgetkit import checks
from budgetkit.checks import _core
from budgetkit.checks._roles import resolve, role_of
from budgetkit.cli import main as cli_main
from budgetkit.errors import BudgetkitError, DataError

W = 10_000  # 元 per 万元


def wan(x) -> int:
    """万元 (as printed, e.g. '613.2') → exact 元."""
    return int(Decimal(str(x)) * W)


# ---------------------------------------------------------------------------
# a hand-made, consistent budget (amounts in 万元)
# ---------------------------------------------------------------------------

LEVEL = {3: 1, 5: 2, 7: 3}


def coded(rows, start: int, **extra_cols):
    """rows: (code|None, total, basic, project[, name][, dict of extra columns]) → a 表3-like frame."""
    out = []
    for i, r in enumerate(rows):
        code, total, basic, project = r[:4]
        name = r[4] if len(r) > 4 and isinstance(r[4], str) else (bk.codes.parse(code).name if code else "测试局")
        extra = r[-1] if isinstance(r[-1], dict) else {}
        rec = {"unit": "测试局", "kind": "item" if code else "total", "code": code,
               "level": LEVEL[len(code)] if code else 0, "name": name, "marker": extra.pop("marker", None),
               "total": wan(total), "basic": wan(basic), "project": wan(project)}
        for c, default in extra_cols.items():
            rec[c] = wan(extra.get(c, default))
        rec["line"] = rec["line_end"] = start + i
        out.append(rec)
    return pd.DataFrame(out)


def balance(income, expenditure, start: int):
    """income: (name, amount, kind, level); expenditure: (code|name, amount, kind) → a 表1-like frame."""
    rows, line = [], start
    for name, amount, kind, level in income:
        rows.append({"side": "income", "label": name, "name": name, "kind": kind, "level": level, "code": None,
                     "amount": wan(amount), "line": line, "line_end": line})
        line += 1
    for key, amount, kind in expenditure:
        code = key if kind == "item" else None
        name = bk.codes.parse(key).name if kind == "item" else key
        rows.append({"side": "expenditure", "label": name, "name": name, "kind": kind,
                     "level": LEVEL[len(code)] if code else None, "code": code, "amount": wan(amount),
                     "line": line, "line_end": line})
        line += 1
    return pd.DataFrame(rows)


FUNCTIONAL = [  # code, total, basic, project  (表3: all funds)
    ("201", 60, 20, 40), ("20113", 60, 20, 40), ("2011301", 20, 20, 0), ("2011302", 40, 0, 40),
    ("212", 10, 0, 10), ("21208", 10, 0, 10), ("2120804", 10, 0, 10),
    ("213", 30, 0, 30), ("21305", 30, 0, 30), ("2130599", 30, 0, 30),
]
INCOME_1 = [
    ("政府预算拨款", 100, "item", 1), ("一般公共预算拨款", 90, "item", 2), ("政府性基金预算拨款", 10, "item", 2),
    ("国有资本经营预算拨款", 0, "item", 2), ("财政专户管理资金", 0, "item", 1), ("单位资金", 0, "item", 1),
    ("事业收入", 0, "item", 2), ("本年收入合计", 100, "subtotal", None), ("上年结余、结转", 0, "carry", None),
    ("收入总计", 100, "total", None),
]
INCOME_6 = [INCOME_1[i] for i in (0, 1, 2, 3, 7, 8, 9)]
EXPENDITURE = [(c, t, "item") for c, t, _, _ in FUNCTIONAL] + [
    ("本年支出合计", 100, "subtotal"), ("结转下年", 0, "carry"), ("支出总计", 100, "total")]

CONTENTS = {1: "收支总表", 2: "收入总表", 3: "支出总表", 6: "政府预算拨款收支总表",
            7: "一般公共预算支出表（按功能分类）", 8: "一般公共预算支出表（按经济分类）",
            9: "一般公共预算“三公”经费支出表", 10: "政府性基金预算支出表", 11: "国有资本经营预算支出表",
            12: "整体支出绩效目标表"}


def good_frames() -> dict[str, pd.DataFrame]:
    f: dict[str, pd.DataFrame] = {}
    f["table1"] = balance(INCOME_1, EXPENDITURE, start=100)
    f["table2"] = pd.DataFrame([{"unit": "测试局", "kind": "total", "level": None, "name": "收入总计",
                                 "amount": wan(100), "line": 150, "line_end": 150}])
    proc = {"procurement": 0, "procurement_sme": 0, "procurement_small_micro": 0}
    p5 = {"procurement": 5, "procurement_sme": 3, "procurement_small_micro": 1}
    rows3 = [(None, 100, 20, 80, dict(p5))] + [
        (c, t, b, p, dict(p5) if c in ("201", "20113", "2011302") else {"marker": "★"} if c == "21208" else {})
        for c, t, b, p in FUNCTIONAL]
    f["table3"] = coded(rows3, start=200, **proc)
    f["table6"] = balance(INCOME_6, EXPENDITURE, start=300)
    general = [r for r in FUNCTIONAL if not r[0].startswith("212")]
    f["table7"] = coded([(None, 90, 20, 70)] + general, start=400)
    f["table8"] = coded([
        (None, 90, 20, 70), ("301", 15, 15, 0), ("30101", 15, 15, 0), ("302", 75, 5, 70), ("30201", 23, 3, 20),
        ("30217", 1, 1, 0), ("30227", 50, 0, 50), ("30231", 1, 1, 0)], start=500)
    f["table9"] = pd.DataFrame([
        {"unit": "测试局", "period": "2022 年", "kind": "budget", "year": 2022, "total": wan("1.5"), "outbound": 0,
         "reception": wan("0.5"), "vehicle": wan(1), "vehicle_purchase": 0, "vehicle_operation": wan(1),
         "line": 600, "line_end": 600},
        {"unit": "测试局", "period": "2023 年", "kind": "budget", "year": 2023, "total": wan(2), "outbound": 0,
         "reception": wan(1), "vehicle": wan(1), "vehicle_purchase": 0, "vehicle_operation": wan(1),
         "line": 601, "line_end": 601},
        {"unit": "测试局", "period": "增减变化金额", "kind": "change", "year": None, "total": wan("0.5"), "outbound": 0,
         "reception": wan("0.5"), "vehicle": 0, "vehicle_purchase": 0, "vehicle_operation": 0,
         "line": 602, "line_end": 602},
    ])
    f["table10"] = coded([(None, 10, 0, 10), ("212", 10, 0, 10), ("21208", 10, 0, 10), ("2120804", 10, 0, 10)],
                         start=700)
    f["table11"] = coded([(None, 0, 0, 0)], start=800)
    f["table12"] = pd.DataFrame([
        {"kind": "task", "task": "甲任务", "content": "…", "total": wan("69.5"), "fiscal": wan("69.5"), "other": 0,
         "line": 900, "line_end": 900},
        {"kind": "task", "task": "乙任务", "content": "…", "total": wan("30.5"), "fiscal": wan("30.5"), "other": 0,
         "line": 901, "line_end": 901},
        {"kind": "total", "task": "金额合计", "content": None, "total": wan(100), "fiscal": wan(100), "other": 0,
         "line": 902, "line_end": 902},
    ])
    f["notes"] = pd.DataFrame([
        {"table": 3, "text": "注：★为政府性基金预算科目。", "line": 260},
        {"table": 10, "text": "注：结对帮扶 10 个区，每区每年安排 10 万元财政帮扶资金。", "line": 710},
        {"table": 11, "text": "注：本表本年无发生额。", "line": 810},
    ])
    f["contents"] = pd.DataFrame([{"number": n, "title": t, "published": True, "line": 10 + n}
                                  for n, t in CONTENTS.items()])
    facts = [  # key, value, amount (万元 or None), line
        ("budget_income", "100", 100, 20), ("budget_expenditure", "100", 100, 20),
        ("aid_per_district_per_year", "10", 10, 21), ("personnel_expenditure", "15", 15, 23),
        ("public_expenditure", "5", 5, 24), ("project_expenditure", "80", 80, 25),
        ("vehicles_authorised", "2", None, 40), ("vehicles_actual", "1", None, 40),
        ("perf_project_funds", "80", 80, 45), ("perf_project_count", "2", None, 45),
        ("operating_cost", "5", 5, 50), ("assets_vehicles", "1", None, 51),
    ]
    f["facts"] = pd.DataFrame([{"key": k, "label": k, "value": v, "amount": None if a is None else wan(a),
                                "unit": "万元", "line": ln, "line_end": ln} for k, v, a, ln in facts])
    f["expenditure_summary"] = pd.DataFrame([
        {"category": c, "amount": wan(a), "line": 22, "line_end": 22}
        for c, a in (("人员支出", 15), ("公用支出", 5), ("对个人和家庭的补助支出", 0), ("项目支出", 80), ("合计", 100))])
    f["basic_items"] = pd.DataFrame([
        {"category": c, "item": i, "amount": wan(a), "line": ln, "line_end": ln}
        for c, i, a, ln in (("人员支出", "基本工资", 15, 23), ("公用支出", "办公费", 3, 24),
                            ("公用支出", "公务接待费", 1, 24), ("公用支出", "公务用车运行维护费", 1, 24))])
    goal2 = "以自建站数 100 个为准（含电信 40 个，联通 60 个），向运营企业拨付电费补贴，每个 3000 元，共计 30 万元。"
    f["projects"] = pd.DataFrame([
        {"project_no": 1, "name": "甲项目", "amount": wan(50), "baseline": "2022 年 10 月预算", "change": wan(10),
         "change_pct": 25.0, "change_pct_text": "增长 25%", "goal": "完成甲。", "goal_amount": wan(50),
         "goal_line": 60, "goal_line_end": 60, "line": 26, "line_end": 26},
        {"project_no": 2, "name": "乙项目", "amount": wan(30), "baseline": "2022 年 10 月预算", "change": 0,
         "change_pct": 0.0, "change_pct_text": "持平", "goal": goal2, "goal_amount": wan(30),
         "goal_line": 61, "goal_line_end": 62, "line": 27, "line_end": 27},
    ])
    f["project_components"] = pd.DataFrame([
        {"project_no": 1, "component": "甲一", "amount": wan(20), "line": 26, "line_end": 26},
        {"project_no": 1, "component": "甲二", "amount": wan(30), "line": 26, "line_end": 26},
        {"project_no": 2, "component": "乙", "amount": wan(30), "line": 27, "line_end": 27},
    ])
    f["procurement"] = pd.DataFrame([
        {"category": c, "amount": wan(a), "line": 30, "line_end": 30}
        for c, a in (("合计", 5), ("货物", 1), ("工程", 0), ("服务", 4))])
    f["three_public"] = pd.DataFrame([
        {"item": "“三公”经费合计", "amount": wan(2), "baseline": "2022年预算", "change": wan("0.5"),
         "change_text": "比2022年预算增加0.5万元", "line": 35, "line_end": 35},
        {"item": "公务接待费", "amount": wan(1), "baseline": "2022年", "change": wan("0.5"),
         "change_text": "比2022年增加0.5万元", "line": 36, "line_end": 36},
        {"item": "公务用车运行维护费", "amount": wan(1), "baseline": None, "change": None, "change_text": None,
         "line": 37, "line_end": 37},
    ])
    f["statements"] = pd.DataFrame([
        _st("第二部分", "comparison", "部门预算收入", None, 100, "2022 年年初预算", -10, -9.1, "下降 9.1%",
            "比 2022 年年初预算减少 10 万元，下降 9.1%", 20),
        _st("第三部分", "comparison", "甲项目", 1, 50, "2022 年 10 月预算", 10, 25.0, "增长 25%",
            "较 2022 年 10 月预算增加 10 万元，增长 25%", 26),
        _st("第三部分", "change", "某经费", 1, None, None, 6, None, None, "增加某经费 6 万元", 26),
        _st("第三部分", "comparison", "乙项目", 2, 30, "2022 年 10 月预算", 0, 0.0, "持平", "与 2022 年 10 月预算持平", 27),
        _st("第五部分", "comparison", "“三公”经费", None, 2, "2022年预算", "0.5", 33.3, "增长33.3%",
            "比2022年预算增加0.5万元，增长33.3%", 35),
    ])
    f["staffing"] = pd.DataFrame([
        {"unit": "部门合计", "kind": "行政编制", "authorised": 10, "actual": 9, "retired_cadres": None, "retired": None,
         "line": 5, "line_end": 5},
        {"unit": "本级", "kind": "行政编制", "authorised": 10, "actual": 9, "retired_cadres": 0, "retired": 0,
         "line": 6, "line_end": 6},
    ])
    f["duties"] = pd.DataFrame([{"no": 1, "text": "职责。", "line": 3, "line_end": 3}])
    f["glossary"] = pd.DataFrame([{"no": 1, "term": "基本支出", "definition": "…", "line": 70, "line_end": 70}])
    f["project_goals"] = pd.DataFrame([{"name": "甲项目", "amount": wan(50), "goal": "完成甲。", "project_no": 1,
                                        "line": 60, "line_end": 60}])
    # the national template's item-by-item prose: “类（类）款（款）项（项）”金额 (表3's 2011302 is 40 万元)
    f["items"] = pd.DataFrame([{"item": "一般公共服务支出（类）商贸事务（款）一般行政管理事务（项）",
                                "class_name": "一般公共服务支出", "kuan_name": "商贸事务", "xiang_name": "一般行政管理事务",
                                "amount": wan(40), "value": "40.00", "unit": "万元", "line": 40, "line_end": 40}])
    return f


def _st(part, kind, subject, no, amount, baseline, change, pct, pct_text, text, line):
    return {"part": part, "kind": kind, "subject": subject, "subject_text": subject, "project_no": no,
            "amount": None if amount is None else wan(amount), "baseline": baseline,
            "change": None if change is None else wan(change), "change_pct": pct, "change_pct_text": pct_text,
            "change_text": text, "prior_amount": None, "line": line, "line_end": line}


def meta(published=None):
    return {"department": "测试局", "year": 2023, "currency_unit": "万元", "template": "shenzhen-12",
            "source": "hand-made.txt", "contents": {str(n): t for n, t in CONTENTS.items()},
            "published": sorted(published if published is not None else CONTENTS)}


def make(frames=None) -> bk.Budget:
    frames = good_frames() if frames is None else frames
    published = [int(k[5:]) for k in frames if k.startswith("table")]
    return bk.Budget(frames, meta(published))


def tweak(frames, table, where: dict, **values):
    """Set ``values`` (amounts in 元: use ``wan``) in the rows of ``table`` matching ``where``."""
    df = frames[table].copy()
    mask = pd.Series(True, index=df.index)
    for col, v in where.items():
        mask &= df[col].astype(object).eq(v) if v is not None else df[col].isna()
    assert mask.any(), f"no row of {table} matches {where}"
    for col, v in values.items():
        df[col] = df[col].astype(object)
        df.loc[mask, col] = v
    frames[table] = df
    return frames


def rows(budget, rule_id):
    r = checks.run(budget, [rule_id])
    assert (r["rule"] == rule_id).all()
    return r


def one(report, contains: str):
    hit = report[report["subject"].str.contains(contains, regex=False)]
    assert len(hit) == 1, f"{len(hit)} findings match {contains!r}: {list(report['subject'])}"
    return hit.iloc[0]


@pytest.fixture(scope="module")
def good():
    return make()


@pytest.fixture(scope="module")
def good_report(good):
    return checks.run(good)


# ---------------------------------------------------------------------------
# the consistent budget passes every rule
# ---------------------------------------------------------------------------


def test_good_budget_has_no_failure(good_report):
    bad = good_report[good_report["status"].isin(["fail", "rounding"])]
    assert bad.empty, bad[["rule", "subject", "note"]].to_string()


def test_every_rule_applies_to_the_good_budget(good_report):
    """No rule is vacuous on the full hand-made budget: each produces at least one ok finding."""
    ok_rules = set(good_report.loc[good_report["status"] == "ok", "rule"])
    assert ok_rules == set(checks.RULES), set(checks.RULES) - ok_rules


def test_every_rule_has_a_failing_test_in_this_file():
    text = open(__file__, encoding="utf-8").read()
    for rid in checks.RULES:
        assert f'"{rid}"' in text, rid
    for rid in checks.RULES:
        assert f"def test_{rid.replace('.', '_')}_fails" in text, rid


# ---------------------------------------------------------------------------
# balance
# ---------------------------------------------------------------------------


def test_balance_totals_fails():
    b = make(tweak(good_frames(), "table1", {"side": "expenditure", "kind": "total"}, amount=wan(90)))
    r = rows(b, "balance.totals")
    f = one(r, "表1")
    assert f["status"] == "fail" and f["difference"] == wan(90) - wan(100)
    assert one(r, "表6")["status"] == "ok"


def test_balance_income_fails():
    b = make(tweak(good_frames(), "table1", {"side": "income", "kind": "subtotal"}, amount=wan(120)))
    r = rows(b, "balance.income")
    assert one(r, "表1 本年收入合计 = Σ")["status"] == "fail"   # 100 + 0 + 0 ≠ 120
    assert one(r, "表1 收入总计")["status"] == "fail"           # 120 + 0 ≠ 100


def test_balance_income_items_fails():
    b = make(tweak(good_frames(), "table6", {"side": "income", "name": "政府性基金预算拨款"}, amount=wan(5)))
    f = one(rows(b, "balance.income_items"), "表6 政府预算拨款")
    assert f["status"] == "fail" and f["expected"] == wan(95) and f["actual"] == wan(100)


def test_balance_expenditure_fails():
    b = make(tweak(good_frames(), "table1", {"side": "expenditure", "kind": "subtotal"}, amount=wan(105)))
    f = one(rows(b, "balance.expenditure"), "表1 本年支出合计")
    assert f["status"] == "fail" and f["difference"] == wan(5)


def test_balance_expenditure_one_unit_off_is_rounding():
    """3 类 figures and the total, each ± 0.5 万元: a difference of 1 万元 is rounding, 3 万元 is not."""
    b = make(tweak(good_frames(), "table1", {"side": "expenditure", "kind": "subtotal"}, amount=wan(101)))
    f = one(rows(b, "balance.expenditure"), "表1 本年支出合计")
    assert f["status"] == "rounding" and f["tolerance"] == 2 * W   # (3 + 1) × ½ 万元
    b = make(tweak(good_frames(), "table1", {"side": "expenditure", "kind": "subtotal"}, amount=wan(103)))
    assert one(rows(b, "balance.expenditure"), "表1 本年支出合计")["status"] == "fail"


# ---------------------------------------------------------------------------
# cross-table
# ---------------------------------------------------------------------------


def test_cross_totals_fails():
    b = make(tweak(good_frames(), "table3", {"kind": "total"}, total=wan(110), project=wan(90)))
    f = one(rows(b, "cross.totals"), "表3 合计 = 表1")
    assert f["status"] == "fail" and f["expected"] == wan(100) and f["actual"] == wan(110)


def test_cross_functional_lines_fails():
    frames = tweak(good_frames(), "table1", {"side": "expenditure", "code": "2011302"}, amount=wan(30))
    r = rows(make(frames), "cross.functional_lines")
    f = one(r, "表1 vs 表3 2011302")
    assert f["status"] == "fail" and f["difference"] == wan(-10)
    assert one(r, "表6 vs 表3 2011302")["status"] == "ok"


def test_cross_functional_lines_missing_code_fails():
    frames = good_frames()
    t1 = frames["table1"]
    frames["table1"] = t1[t1["code"].astype(object) != "2011301"].reset_index(drop=True)
    f = one(rows(make(frames), "cross.functional_lines"), "表1 vs 表3 2011301")
    assert f["status"] == "fail" and f["actual"] == 0 and "没有该科目" in f["note"]


def test_cross_general_budget_fails():
    b = make(tweak(good_frames(), "table7", {"code": "2130599"}, total=wan(25), project=wan(25)))
    f = one(rows(b, "cross.general_budget"), "表7 2130599")
    assert f["status"] == "fail" and f["expected"] == wan(30) and f["actual"] == wan(25)


def test_cross_general_budget_subtracts_fund_and_state_capital(good):
    r = rows(good, "cross.general_budget")
    f = one(r, "表7 212 ")  # 表3 10 − 表10 10 = 0 and not listed in 表7
    assert f["status"] == "ok" and f["expected"] == 0 and "没有该科目" in f["note"]
    assert one(r, "表7 合计")["expected"] == wan(90)            # 100 − 10 − 0


def test_cross_general_budget_columns_fails():
    b = make(tweak(good_frames(), "table7", {"code": "2011301"}, basic=wan(15), project=wan(5)))
    f = one(rows(b, "cross.general_budget_columns"), "表7 2011301")
    assert f["status"] == "fail" and f["expected"] == wan(20) and f["actual"] == wan(15)  # basic column first
    assert "项目支出" in f["note"]


def test_cross_economic_total_fails():
    b = make(tweak(good_frames(), "table8", {"kind": "total"}, basic=wan(25), project=wan(65)))
    r = rows(b, "cross.economic_total")
    assert one(r, "合计")["status"] == "ok"
    assert one(r, "基本支出")["status"] == "fail" and one(r, "基本支出")["difference"] == wan(5)
    assert one(r, "项目支出")["status"] == "fail"


def test_cross_appropriation_sources_fails():
    b = make(tweak(good_frames(), "table10", {"kind": "total"}, total=wan(12), project=wan(12)))
    r = rows(b, "cross.appropriation_sources")
    assert one(r, "表1 政府性基金预算拨款")["status"] == "fail"
    assert one(r, "表1 一般公共预算拨款")["status"] == "ok"


def test_cross_three_public_economic_fails():
    b = make(tweak(good_frames(), "table8", {"code": "30217"}, total=wan(2), basic=wan(2)))
    f = one(rows(b, "cross.three_public_economic"), "公务接待费")
    assert f["status"] == "fail" and f["expected"] == wan(2) and f["actual"] == wan(1)


# ---------------------------------------------------------------------------
# hierarchy
# ---------------------------------------------------------------------------


def test_hierarchy_children_fails():
    b = make(tweak(good_frames(), "table3", {"code": "20113"}, total=wan(70), project=wan(50)))
    r = rows(b, "hierarchy.children")
    assert one(r, "表3 20113 商贸事务")["status"] == "fail"     # 20 + 40 ≠ 70
    assert one(r, "表3 201 一般公共服务支出")["status"] == "fail"  # 201 = 60 ≠ 70


def test_hierarchy_children_checks_every_column():
    b = make(tweak(good_frames(), "table3", {"code": "2011302"}, procurement=wan(1)))
    f = one(rows(b, "hierarchy.children"), "表3 20113")
    assert f["status"] == "fail" and "政府采购" in f["note"]


def test_hierarchy_total_row_fails():
    b = make(tweak(good_frames(), "table8", {"kind": "total"}, total=wan(95), project=wan(75)))
    f = one(rows(b, "hierarchy.total_row"), "表8")
    assert f["status"] == "fail" and f["expected"] == wan(90) and f["actual"] == wan(95)


def test_hierarchy_total_row_of_an_empty_table_is_ok(good):
    assert one(rows(good, "hierarchy.total_row"), "表11")["status"] == "ok"


def test_hierarchy_basic_project_fails():
    b = make(tweak(good_frames(), "table7", {"code": "2011302"}, project=wan(45)))
    f = one(rows(b, "hierarchy.basic_project"), "表7 2011302")
    assert f["status"] == "fail" and f["expected"] == wan(45) and f["actual"] == wan(40)


def test_hierarchy_procurement_fails():
    b = make(tweak(good_frames(), "table3", {"code": "2011302"}, procurement_sme=wan(6)))
    f = one(rows(b, "hierarchy.procurement"), "表3 2011302")
    assert f["status"] == "fail" and "面向中小企业 大于 政府采购小计" in f["note"]


def test_hierarchy_three_public_fails():
    b = make(tweak(good_frames(), "table9", {"period": "2023 年"}, total=wan(3)))
    r = rows(b, "hierarchy.three_public")
    assert one(r, "2023 年：总计")["status"] == "fail"       # 0 + 1 + 1 ≠ 3
    assert one(r, "增减变化金额")["status"] == "fail"        # 3 − 1.5 ≠ 0.5


# ---------------------------------------------------------------------------
# text vs tables
# ---------------------------------------------------------------------------


def test_text_totals_fails():
    b = make(tweak(good_frames(), "facts", {"key": "budget_income"}, value="110", amount=wan(110)))
    f = one(rows(b, "text.totals"), "部门预算收入")
    assert f["status"] == "fail" and f["difference"] == wan(10)


def test_text_expenditure_summary_fails():
    b = make(tweak(good_frames(), "expenditure_summary", {"category": "人员支出"}, amount=wan(18)))
    r = rows(b, "text.expenditure_summary")
    assert one(r, "文字 人员支出 = 表8 301")["status"] == "fail"
    assert one(r, "人员 + 公用")["status"] == "fail"        # 18 + 5 + 0 = 23 vs 20: 3 > (3 + 1)/2
    assert one(r, "各项之和")["status"] == "fail"           # 18 + 5 + 0 + 80 = 103 vs 100: 3 > (4 + 1)/2


def test_text_basic_items_fails():
    b = make(tweak(good_frames(), "basic_items", {"item": "办公费"}, amount=wan(5)))
    r = rows(b, "text.basic_items")
    assert one(r, "办公费")["status"] == "fail"              # 5 vs 表8 30201 basic 3
    assert one(r, "公用支出明细之和")["status"] == "rounding"  # 5+1+1 = 7 vs 5: |2| ≤ (3×1 + 1)/2


def test_text_basic_items_decimal_item_is_rounding():
    b = make(tweak(good_frames(), "basic_items", {"item": "基本工资"}, amount=wan("15.4")))
    f = one(rows(b, "text.basic_items"), "基本工资")
    assert f["status"] == "rounding" and f["difference"] == wan("0.4") and f["tolerance"] == wan("0.55")


def test_text_basic_items_unknown_item_is_not_applicable():
    b = make(tweak(good_frames(), "basic_items", {"item": "办公费"}, item="不存在的费用"))
    assert one(rows(b, "text.basic_items"), "不存在的费用")["status"] == "not_applicable"


def test_text_projects_fails():
    b = make(tweak(good_frames(), "projects", {"project_no": 1}, amount=wan(60)))
    f = one(rows(b, "text.projects"), "个项目之和")
    assert f["status"] == "fail" and f["expected"] == wan(90) and f["actual"] == wan(80)


def test_text_project_components_fails():
    b = make(tweak(good_frames(), "project_components", {"component": "甲二"}, amount=wan(25)))
    f = one(rows(b, "text.project_components"), "项目 1")
    assert f["status"] == "fail" and f["expected"] == wan(45)


def test_text_project_goals_fails():
    b = make(tweak(good_frames(), "projects", {"project_no": 2}, goal_amount=wan(35)))
    f = one(rows(b, "text.project_goals"), "项目 2")
    assert f["status"] == "fail" and f["difference"] == wan(5)


def test_text_procurement_fails():
    b = make(tweak(good_frames(), "procurement", {"category": "服务"}, amount=wan(8)))
    r = rows(b, "text.procurement")
    assert one(r, "货物 + 工程 + 服务")["status"] == "fail"   # 1 + 0 + 8 = 9 vs 5: 4 > (3 + 1)/2
    assert one(r, "政府采购合计 = 表3")["status"] == "ok"


def test_text_three_public_fails():
    b = make(tweak(good_frames(), "three_public", {"item": "公务接待费"}, amount=wan(2)))
    f = one(rows(b, "text.three_public"), "公务接待费")
    # 2 (±0.5) vs 表9 1.0 (±0.05, the column prints 0.5): 1 > 0.55
    assert f["status"] == "fail" and f["tolerance"] == wan("0.55")


def test_text_operating_cost_fails():
    b = make(tweak(good_frames(), "facts", {"key": "operating_cost"}, value="7", amount=wan(7)))
    f = one(rows(b, "text.operating_cost"), "机关运行经费")
    assert f["status"] == "fail" and f["expected"] == wan(5)   # 表8 302 basic 5


def test_text_tasks_fails():
    b = make(tweak(good_frames(), "table12", {"task": "乙任务"}, total=wan("30.6")))
    r = rows(b, "text.tasks")
    # 30.5 + 0 vs 30.6: the table prints 0.1 万元 (69.5): allowance 3 × 0.05 = 0.15 ≥ 0.1 → rounding
    assert one(r, "乙任务")["status"] == "rounding"
    b = make(tweak(good_frames(), "table12", {"task": "乙任务"}, total=wan("30.8")))
    assert one(rows(b, "text.tasks"), "乙任务")["status"] == "fail"   # 0.3 > 0.15


def test_text_tasks_total_against_the_budget_is_rounding():
    frames = good_frames()
    frames = tweak(frames, "table12", {"task": "甲任务"}, total=wan("69.48"), fiscal=wan("69.48"))
    frames = tweak(frames, "table12", {"kind": "total"}, total=wan("99.98"), fiscal=wan("99.98"))
    r = rows(make(frames), "text.tasks")
    f = one(r, "金额合计 = 表1")
    assert f["status"] == "rounding" and f["difference"] == wan("-0.02")


def test_text_staffing_fails():
    b = make(tweak(good_frames(), "staffing", {"unit": "部门合计"}, authorised=11))
    f = one(rows(b, "text.staffing"), "行政编制编制数")
    assert f["status"] == "fail" and f["expected_text"] == "10 人" and f["actual_text"] == "11 人"


def test_text_vehicles_fails():
    b = make(tweak(good_frames(), "facts", {"key": "assets_vehicles"}, value="3"))
    assert one(rows(b, "text.vehicles"), "共有车辆")["status"] == "fail"


# ---------------------------------------------------------------------------
# changes
# ---------------------------------------------------------------------------


def test_change_recompute_fails():
    frames = tweak(good_frames(), "statements", {"subject": "甲项目"}, change_pct=8.0, change_pct_text="增长 8%")
    f = one(rows(make(frames), "change.recompute"), "甲项目")
    assert f["status"] == "fail" and "25.000%" in f["note"]          # 10 / (50 − 10)


def test_change_recompute_the_good_statements(good):
    r = rows(good, "change.recompute")
    assert one(r, "部门预算收入")["status"] == "ok"       # −10 / 110 = −9.0909… → 9.1
    assert one(r, "乙项目")["status"] == "ok"             # 持平: change 0
    three = one(r, "“三公”经费")
    assert three["status"] == "ok" and three["expected"] == wan("0.5")   # 2 − 表9 1.5
    assert "表9 2022 年" in three["note"]
    assert one(r, "某经费")["status"] == "not_applicable"


def test_change_recompute_rounding_from_the_amounts_intervals():
    """Line 148 of the seed: 508 万元, −345 万元, “下降 41%”: −345/853 = −40.45% but −345.5/853 = −40.50%."""
    frames = tweak(good_frames(), "statements", {"subject": "甲项目"}, amount=wan(508), change=wan(-345),
                   change_pct=-41.0, change_pct_text="下降 41%")
    assert one(rows(make(frames), "change.recompute"), "甲项目")["status"] == "rounding"


def test_change_recompute_three_public_against_last_year():
    frames = tweak(good_frames(), "statements", {"subject": "“三公”经费"}, change=wan("0.4"),
                   change_text="比2022年预算增加0.4万元")
    f = one(rows(make(frames), "change.recompute"), "“三公”经费")
    # stated 0.4 vs 2 − 1.5 (表9) = 0.5: |0.1| ≤ (1 + 0.1 + 0.1)/2 万元 (the prose prints 2 without decimals)
    assert f["status"] == "rounding" and f["expected"] == wan("0.5") and f["actual"] == wan("0.4")
    frames = tweak(good_frames(), "statements", {"subject": "“三公”经费"}, change=wan("1.5"),
                   change_text="比2022年预算增加1.5万元")
    f = one(rows(make(frames), "change.recompute"), "“三公”经费")
    assert f["status"] == "fail" and f["difference"] == wan(1)     # 1.5 − 0.5 > 0.6


def test_change_recompute_not_comparable_needs_a_zero_base():
    frames = tweak(good_frames(), "statements", {"subject": "甲项目"}, change=wan(40), change_pct=None,
                   change_pct_text="增长--（上年基数为 0，不可比）")
    assert one(rows(make(frames), "change.recompute"), "甲项目")["status"] == "fail"   # 50 − 40 = 10 ≠ 0
    frames = tweak(good_frames(), "statements", {"subject": "甲项目"}, change=wan(50), change_pct=None,
                   change_pct_text="增长--（上年基数为 0，不可比）")
    assert one(rows(make(frames), "change.recompute"), "甲项目")["status"] == "ok"


def test_change_explained_fails():
    frames = tweak(good_frames(), "statements", {"subject": "某经费"}, change=wan(12))
    f = one(rows(make(frames), "change.explained"), "项目 1")
    assert f["status"] == "fail" and f["actual"] == wan(12) and f["expected"] == wan(10)


def test_change_explained_opposite_direction_fails():
    frames = tweak(good_frames(), "statements", {"subject": "某经费"}, change=wan(-3))
    assert one(rows(make(frames), "change.explained"), "项目 1")["status"] == "fail"


# ---------------------------------------------------------------------------
# naming and classification
# ---------------------------------------------------------------------------


def test_names_codes_former_name_is_ok_with_a_note():
    b = make(tweak(good_frames(), "table3", {"code": "21305"}, name="扶贫"))
    f = one(rows(b, "names.codes"), "21305 ")
    assert f["status"] == "ok" and "曾用名" in f["note"] and "扶贫" in f["actual_text"]


def test_names_codes_fails():
    b = make(tweak(good_frames(), "table7", {"code": "2011301"}, name="行政管理"))
    f = one(rows(b, "names.codes"), "2011301")
    assert f["status"] == "fail" and f["expected_text"] == "行政运行"


def test_names_fund_sources_fails():
    frames = tweak(good_frames(), "table12", {"task": "乙任务"}, fiscal=wan("20.5"), other=wan(10))
    frames = tweak(frames, "table12", {"kind": "total"}, fiscal=wan(90), other=wan(10))
    f = one(rows(make(frames), "names.fund_sources"), "其他资金")
    # 其他资金 10 vs 表1 收入总计 − 政府预算拨款 = 100 − 100 = 0; 财政拨款 90 vs 100
    assert f["status"] == "fail" and f["expected"] == 0 and f["actual"] == wan(10)
    assert "政府性基金预算拨款" in f["note"]     # 10 = 表1 政府性基金预算拨款: the explanation is given
    assert "财政拨款 90 万元（应为 100 万元，fail）" in f["note"]


# ---------------------------------------------------------------------------
# units
# ---------------------------------------------------------------------------


def test_unit_count_price_fails():
    goal = "以自建站数 100 个为准（含电信 40 个，联通 50 个），向运营企业拨付电费补贴，每个 3000 元，共计 35 万元。"
    r = rows(make(tweak(good_frames(), "projects", {"project_no": 2}, goal=goal)), "unit.count_price")
    f = one(r, "100 个 × 3,000 元")
    assert f["status"] == "fail" and f["expected"] == 100 * 3000 and f["actual"] == wan(35)
    assert one(r, "分项数量之和")["status"] == "fail"          # 40 + 50 ≠ 100
    assert one(r, "共计 35 万元 = 项目金额")["status"] == "fail"


def test_unit_count_price_seed_like_product_is_rounding():
    goal = "以自建站数 3703 个为准（含电信 901 个，联通 1152 个，移动 1650 个），每个 3000 元，共计 1,111 万元。"
    frames = tweak(good_frames(), "projects", {"project_no": 2}, goal=goal, amount=wan(1111), goal_amount=wan(1111))
    f = one(rows(make(frames), "unit.count_price"), "3,703 个 × 3,000 元")
    assert f["status"] == "rounding" and f["expected"] == 11_109_000 and f["difference"] == 1000


def test_find_unit_claims_ignores_counts_of_other_sentences_and_parentheses():
    from budgetkit.checks.units import find_unit_claims

    text = "完成 6021 个基站建设。以自建站数 3703 个为准（含电信 901 个，联通 1152 个），每个 3000 元，共计 1,111 万元。"
    (c,) = find_unit_claims(text)
    assert (c.count, c.price, c.total, c.parts) == (3703, 3000, 11_110_000, (("电信", 901), ("联通", 1152)))


def test_unit_per_district_fails():
    b = make(tweak(good_frames(), "table10", {"kind": "total"}, total=wan(20), project=wan(20)))
    f = one(rows(b, "unit.per_district"), "× 1 个区")
    assert f["status"] == "fail" and f["expected"] == wan(10) and "10 个区的合计" in f["note"]


# ---------------------------------------------------------------------------
# completeness and transparency
# ---------------------------------------------------------------------------


def test_completeness_contents_fails():
    frames = good_frames()
    del frames["table2"]
    f = one(rows(make(frames), "completeness.contents"), "表2 收入总表")
    assert f["status"] == "fail" and "b.derived_table(2)" in f["note"] and f["lines"] == "12"


def test_completeness_required_tables_fails():
    frames = good_frames()
    del frames["table10"]
    r = rows(make(frames), "completeness.required_tables")
    assert one(r, "政府性基金预算支出表")["status"] == "fail"
    assert one(r, "部门收入总表")["status"] == "ok"


def test_completeness_explanations_fails():
    frames = good_frames()
    del frames["duties"], frames["glossary"]
    r = rows(make(frames), "completeness.explanations")
    assert one(r, "部门职责")["status"] == "fail" and one(r, "名词解释")["status"] == "fail"
    assert one(r, "政府采购")["status"] == "ok"


def test_completeness_empty_tables_fails():
    frames = good_frames()
    frames["notes"] = frames["notes"][frames["notes"]["table"] != 11]
    f = one(rows(make(frames), "completeness.empty_tables"), "表11")
    assert f["status"] == "fail"


def test_completeness_markers_fails():
    frames = good_frames()
    frames["notes"] = frames["notes"][frames["notes"]["table"] != 3]
    f = one(rows(make(frames), "completeness.markers"), "★")
    assert f["status"] == "fail" and "21208" in f["note"] and f["lines"] == "206"


def test_completeness_detail_level_fails():
    frames = good_frames()
    t7 = frames["table7"]
    frames["table7"] = t7[~t7["code"].astype(object).isin(["21305", "2130599"])].reset_index(drop=True)
    f = one(rows(make(frames), "completeness.detail_level"), "表7")
    assert f["status"] == "fail" and f["actual_text"] == "213"


# ---------------------------------------------------------------------------
# the engine: partial budgets, bad input, immutability, selection
# ---------------------------------------------------------------------------


def test_an_empty_budget_is_not_applicable_everywhere():
    r = checks.run(bk.Budget({}, {"department": "空", "year": 2023, "currency_unit": "万元", "source": "x.txt"}))
    assert set(r["status"]) <= {"not_applicable", "fail"}
    # only completeness can fail on an empty disclosure: it lacks every required table and explanation
    assert set(r.loc[r["status"] == "fail", "rule"]) == {"completeness.required_tables", "completeness.explanations"}
    assert set(r["rule"]) == set(checks.RULES)


def test_a_partial_budget_runs_the_rules_it_can():
    frames = {k: v for k, v in good_frames().items() if k in ("table3", "table7", "table10")}
    r = checks.run(bk.Budget(frames, meta([3, 7, 10])))
    general = r[r["rule"] == "cross.general_budget"]
    assert (general["status"] == "ok").all() and "表11 国有资本经营预算支出表 不在本预算中" in general["note"].iloc[0]
    na = r[r["rule"] == "cross.totals"]
    assert list(na["status"]) == ["not_applicable"] and "表1 收支总表" in na["note"].iloc[0]


def test_national_titles_map_to_roles():
    assert role_of("2025年部门支出预算总表") == "expenditure"
    assert role_of("财务收支预算总表") == "summary"
    assert role_of("财政拨款收支预算总表") == "appropriation"
    assert role_of("一般公共预算支出功能分类预算表") == "general_function"
    assert role_of("一般公共预算基本支出部门预算经济分类预算表") == "general_basic"
    assert role_of("“三公”经费和机关运行经费预算表") == "three_public_table"
    assert role_of("一般公共预算支出表（按经济分类）") == "general_economic"
    assert role_of("政府预算拨款收支总表") == "appropriation"
    assert role_of("整体支出绩效目标表") == "performance"
    refs = resolve({"contents": {"3": "支出预算总表", "5": "一般公共预算支出功能分类预算表"}}, ["table3", "table5"])
    assert (refs["expenditure"].frame, refs["general_function"].frame) == ("table3", "table5")


def test_a_national_numbered_budget_is_checked_by_role():
    frames = good_frames()
    national = {"table3": frames["table3"], "table5": frames["table7"], "table6": frames["table10"]}
    m = {"department": "测试局", "year": 2023, "currency_unit": "万元", "source": "national.txt",
         "contents": {"3": "支出预算总表", "5": "一般公共预算支出功能分类预算表", "6": "政府性基金预算支出功能分类预算表"}}
    r = checks.run(bk.Budget(national, m), ["cross.general_budget"])
    assert (r["status"] == "ok").all() and one(r, "表5 合计")["expected"] == wan(90)


def _national_like(frames):
    """表3, 表5 (= the hand-made 表7) and a basic-only economic 表8 (national 一般公共预算基本支出…经济分类预算表)."""
    t8 = frames["table8"]
    basic = t8[t8["basic"] != 0].copy()     # 301 15, 30101 15, 302 5, 30201 3, 30217 1, 30231 1 (basic column)
    basic["total"] = basic["basic"]
    basic["personnel"] = basic["basic"].where(basic["code"].astype(object).fillna("").str.startswith("301"), 0)
    basic["public"] = basic["total"] - basic["personnel"]
    basic = basic.drop(columns=["basic", "project"])
    return {"table3": frames["table3"], "table5": frames["table7"], "table8": basic, "table9": frames["table9"]}


_NATIONAL_META = {"department": "测试局", "year": 2023, "currency_unit": "万元", "source": "national.txt",
                  "contents": {"3": "支出预算总表", "5": "一般公共预算支出功能分类预算表",
                               "8": "一般公共预算基本支出部门预算经济分类预算表", "9": "“三公”经费和机关运行经费预算表"}}


def test_a_basic_only_economic_table_totals_the_basic_column():
    frames = _national_like(good_frames())
    f = one(rows(bk.Budget(frames, _NATIONAL_META), "cross.economic_total"), "表8 = 表5")
    # 表8 合计 20 (= 15 + 5) against 表5 (the hand-made 表7) 合计 row's 基本支出 20
    assert f["status"] == "ok" and f["expected"] == wan(20) and f["actual"] == wan(20)
    frames["table8"] = frames["table8"].assign(total=frames["table8"]["total"].where(
        frames["table8"]["kind"] != "total", wan(22)))
    f = one(rows(bk.Budget(frames, _NATIONAL_META), "cross.economic_total"), "表8 = 表5")
    assert f["status"] == "fail" and f["difference"] == wan(2)


def test_a_basic_only_economic_table_bounds_the_three_public_items():
    frames = _national_like(good_frames())
    r = rows(bk.Budget(frames, _NATIONAL_META), "cross.three_public_economic")
    # 表8 30217 basic 1 ≤ 表9 2023 公务接待费 1; no 30913/31013 (0) ≤ 购置费 0
    assert one(r, "30217")["status"] == "ok" and one(r, "30913")["status"] == "ok"
    frames = tweak(frames, "table8", {"code": "30217"}, total=wan(3), public=wan(3))
    f = one(rows(bk.Budget(frames, _NATIONAL_META), "cross.three_public_economic"), "30217")
    assert f["status"] == "fail" and f["expected_text"] == "≤ 1 万元" and f["actual_text"] == "3 万元"


def test_missing_columns_raise_a_located_budgetkit_error():
    frames = good_frames()
    frames["table3"] = frames["table3"].drop(columns=["total"])
    with pytest.raises(DataError) as exc:
        checks.run(make(frames), ["hierarchy.children"])
    assert "hand-made.txt" in str(exc.value) and "表3 支出总表" in str(exc.value) and "total" in str(exc.value)


def test_unexpected_data_becomes_a_located_error_not_a_bare_exception():
    frames = good_frames()
    frames["statements"]["amount"] = "一百"   # amounts that are not numbers
    with pytest.raises(BudgetkitError) as exc:
        checks.run(make(frames), ["change.recompute"])
    assert "hand-made.txt" in str(exc.value) and "change.recompute" in str(exc.value)


def test_run_does_not_change_the_budget(good):
    before = {n: good.frame(n) for n in good.frame_names}
    checks.run(good)
    for n, df in before.items():
        pd.testing.assert_frame_equal(good.frame(n), df, check_exact=True, obj=n)


def test_rule_selection():
    b = make()
    assert set(checks.run(b, "cross.*")["rule"]) == {r for r in checks.RULES if r.startswith("cross.")}
    assert set(checks.run(b, ["changes"])["category"]) == {"changes"}
    with pytest.raises(BudgetkitError, match="no rule matches"):
        checks.run(b, ["nonsense.rule"])


def test_report_columns_and_types(good_report):
    assert list(good_report.columns) == list(checks.COLUMNS)
    for c in ("expected", "actual", "difference", "tolerance"):
        assert str(good_report[c].dtype) == "Int64"
    assert set(good_report["status"]) <= set(checks.STATUSES)
    money = good_report.dropna(subset=["expected", "actual"])
    assert (money["difference"] == money["actual"] - money["expected"]).all()
    for r in checks.RULES.values():
        assert r.description_zh and r.description_en and r.description_zh != r.description_en


def test_registry_rules_are_data():
    t = checks.rules_table()
    assert list(t["rule"]) == [r.id for r in checks._ordered()]
    assert set(t["category"]) <= set(checks.CATEGORIES)
    with pytest.raises(ValueError):
        _core.Rule("x.y", "nonsense", "中", "en", lambda ctx: [])


# ---------------------------------------------------------------------------
# exact comparison helpers (hand arithmetic)
# ---------------------------------------------------------------------------


def test_status_of_uses_half_units():
    assert _core.status_of(0, 0) == "ok"
    assert _core.status_of(5000, 10000) == "rounding"     # |0.5| ≤ (1 + 0)/2 万元 (exact vs printed)
    assert _core.status_of(5001, 10000) == "fail"
    assert _core.status_of(-10000, 20000) == "rounding"   # one unit between two printed figures


def test_pct_status_and_interval():
    a, c = _core.Fig(wan(113), W), _core.Fig(wan(-423), W)
    iv = _core.pct_interval(lambda x, y: y, lambda x, y: x - y, a, c)
    # corners: (113 − 0.5, −423 − 0.5) → −423.5/536 and (113 + 0.5, −423 + 0.5) → −422.5/536
    assert iv == (Fraction(-4235000 * 100, 5360000), Fraction(-4225000 * 100, 5360000))
    exact = Fraction(-423, 536) * 100
    assert _core.pct_status(exact, iv, Decimal(-8), 0) == "fail"
    assert _core.pct_status(Fraction(25, 55) * 100, None, Decimal("45.5"), 1) == "ok"   # 45.4545… → 45.5
    assert _core.round_half_up(Fraction(1, 2), 0) == 1 and _core.round_half_up(Fraction(-1, 2), 0) == -1


def test_unit_inference():
    ctx = _core.Context(make())
    assert ctx.unit_of(wan(1768)) == W and ctx.unit_of(wan("613.2")) == 1000 and ctx.unit_of(wan("0.16")) == 100
    assert ctx.unit_of(0) == W
    assert ctx.column_unit("three_public_table", "total") == 1000     # 1.5 printed in the column
    assert ctx.column_unit("expenditure", "total") == W
    assert ctx.unit_of_text("1,111") == W and ctx.unit_of_text("2.5") == 1000


# ---------------------------------------------------------------------------
# the seed: every finding verified by hand against the source text
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed():
    return bk.load()


@pytest.fixture(scope="module")
def seed_report(seed):
    return checks.run(seed)


def test_seed_failures_are_exactly_the_hand_verified_contradictions(seed_report):
    fails = seed_report[seed_report["status"] == "fail"]
    got = sorted(zip(fails["rule"], fails["lines"]))
    assert got == sorted([
        ("change.recompute", "158"),             # −111,776 / 163,187 = −68.496 %, stated 下降 69%
        ("change.recompute", "240"),             # −423 / 536 = −78.9 %, stated 下降 8%
        ("completeness.contents", "22"),         # 表2 收入总表 listed, not published
        ("completeness.contents", "24"),         # 表4 基本支出总表
        ("completeness.contents", "25"),         # 表5 项目支出总表
        ("completeness.markers", "408, 424"),    # ★ on 21208 and 215, never explained
        ("completeness.required_tables", "22"),  # 部门收入总表 (143号) absent
        # 表12 其他资金 1,000 (line 720, 722) vs 表1 non-appropriation revenue 0 (lines 286, 360), and
        # 表12 财政拨款 131,233.84 vs 表1 政府预算拨款 132,234; line 362 defines 财政拨款 to include 政府性基金
        ("names.fund_sources", "286, 288, 360, 362, 720, 722"),
    ])


def test_seed_rounding_findings(seed_report):
    rnd = seed_report[seed_report["status"] == "rounding"]
    by = {(r.rule, r.lines): r for r in rnd.itertuples()}
    # 表8 302 prints 7,502 (line 611); its 款 rows (612–613, 624–636) add up to
    # 110+473+16+87+19+152+39+1+561+3224+36+3+7+22+2753 = 7,503
    f = by[("hierarchy.children", "611-613, 624-636")]
    assert (f.expected, f.actual) == (wan(7503), wan(7502))
    # the 19 projects (lines 120–166) add up to 130,354; line 118 says 130,353
    f = next(r for k, r in by.items() if k[0] == "text.projects")
    assert (f.expected, f.actual) == (wan(130354), wan(130353))
    # 人员支出 items of line 112: 613.2+403.2+112.8+95.4+46.8+40.8+147.6+308.3 = 1,768.1 vs 1,768
    f = by[("text.basic_items", "112")]
    assert (f.expected, f.actual) == (wan("1768.1"), wan(1768))
    # 公用支出 items of line 114: 20+16+1+19+25+2.5+7+22 = 112.5 vs 113
    f = by[("text.basic_items", "114")]
    assert (f.expected, f.actual) == (wan("112.5"), wan(113))
    # 福利费 2.5 (line 114) vs 表8 30229 3 (line 633)
    f = by[("text.basic_items", "114, 633")]
    assert (f.expected, f.actual) == (wan(3), wan("2.5"))
    # 5G: 3,703 × 3,000 元 = 11,109,000 元 = 1,110.9 万元, printed 1,111 (lines 222–224)
    f = by[("unit.count_price", "222-224")]
    assert (f.expected, f.actual) == (3703 * 3000, wan(1111))
    # 表12 金额合计 132,233.84 (line 722) vs 表1 本年收入合计 132,234 (line 358)
    f = by[("text.tasks", "358, 722")]
    assert (f.expected, f.actual) == (wan(132234), wan("132233.84"))
    # line 148: −345 / (508 + 345) = −40.45 %; only the rounding of the amounts reaches 下降 41%
    assert ("change.recompute", "148") in by
    # and the 8 basic items of line 112 each differ from 表8 by at most 0.4 万元
    assert len([k for k in by if k[0] == "text.basic_items"]) == 11
    assert len(rnd) == 16


def test_seed_line_240_operating_cost(seed_report):
    f = one(seed_report[seed_report["rule"] == "change.recompute"], "机关运行经费")
    assert f["status"] == "fail" and "−78.918%" in f["note"] and f["actual_text"] == "下降 8%"


def test_seed_line_158_is_a_double_rounding(seed_report):
    f = one(seed_report[seed_report["rule"] == "change.recompute"], "产业稳增长")
    assert f["status"] == "fail" and "−68.496%" in f["note"] and "两次舍入" in f["note"]


def test_seed_line_102_reports_its_baseline(seed_report):
    f = one(seed_report[seed_report["rule"] == "change.recompute"], "产业专项资金（第 102 行）")
    assert f["status"] == "not_applicable" and "上一年度" in f["note"]
    # the 7 special-fund projects' changes vs 2022 年 10 月预算 (lines 130–166):
    # 11,795 − 2,292 + 85 − 912 + 4,019 − 111,776 + 1,111 = −97,970
    assert "−97,970 万元" in f["note"]


def test_seed_21305_former_name(seed_report):
    f = one(seed_report[seed_report["rule"] == "names.codes"], "21305 ")
    assert f["status"] == "ok" and f["lines"] == "320, 422, 494, 565" and "扶贫" in f["note"]


def test_seed_fund_source_explanation(seed_report):
    f = one(seed_report[seed_report["rule"] == "names.fund_sources"], "其他资金")
    assert f["expected"] == 0 and f["actual"] == wan(1000) and "第 720 行" in f["note"]
    assert "第 362 行" in f["note"] and "131,233.84 万元（应为 132,234 万元" in f["note"]


def test_seed_per_district_aid(seed_report):
    f = one(seed_report[seed_report["rule"] == "unit.per_district"], "× 1 个区")
    assert f["status"] == "ok" and f["lines"] == "102, 679" and f["actual"] == wan(1000)


def test_seed_empty_table_11(seed_report):
    f = one(seed_report[seed_report["rule"] == "completeness.empty_tables"], "表11")
    assert f["status"] == "ok" and f["lines"] == "695, 697"


def test_seed_three_public_recomputed_from_table_9(seed_report):
    r = seed_report[seed_report["rule"] == "change.recompute"]
    f = one(r, "“三公”经费（第 174 行）")      # 8 − 5.5 (line 664) = 2.5; 2.5/5.5 = 45.45 % → 45.5
    assert f["status"] == "ok" and f["expected"] == wan("2.5") and f["lines"] == "174, 664"


def test_seed_run_is_fast(seed):
    checks.run(seed)
    best = min(_timed(lambda: checks.run(seed)) for _ in range(5))
    assert best < 0.2, f"checks.run took {best:.3f} s"


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def test_explain_shows_the_source_lines(seed, seed_report):
    f = one(seed_report[seed_report["rule"] == "change.recompute"], "机关运行经费")
    text = checks.explain(seed, f)
    assert "[fail] change.recompute" in text
    assert " 240  2023 年深圳市龙华区工业和信息化局本级" in text


# ---------------------------------------------------------------------------
# budgetkit check
# ---------------------------------------------------------------------------


def test_cli_check_text_exit_1_on_the_seed(capsys):
    assert cli_main(["check"]) == 1
    out = capsys.readouterr().out
    assert "findings: ok" in out and "[fail] change.recompute" in out and "[ok]" not in out


def test_cli_check_exit_0_when_nothing_fails(capsys):
    assert cli_main(["check", "--rule", "balance.*", "--rule", "cross.*"]) == 0
    assert "fail 0" in capsys.readouterr().out


def test_cli_check_csv(capsys, seed_report):
    assert cli_main(["check", "longhua-iit-2023", "--format", "csv"]) == 1
    from io import StringIO

    df = pd.read_csv(StringIO(capsys.readouterr().out))
    assert list(df.columns) == list(checks.COLUMNS) and len(df) == len(seed_report)


def test_cli_check_json_with_status_filter(capsys):
    assert cli_main(["check", "--format", "json", "--status", "fail"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["failed"] is True and data["summary"]["fail"] == len(data["findings"]) == 8
    assert {f["status"] for f in data["findings"]} == {"fail"}


def test_cli_check_bad_input(capsys, tmp_path):
    assert cli_main(["check", str(tmp_path / "missing.txt")]) == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli_main(["check", "--status", "bogus"])


def test_cli_keeps_the_other_commands(capsys):
    assert cli_main(["datasets"]) == 0
    assert "longhua-iit-2023" in capsys.readouterr().out


def test_balance_without_subtotal_lines_uses_the_totals():
    """Templates (the national one) without 本年收入合计/本年支出合计 lines: 总计 = Σ items + carry-over."""
    frames = good_frames()
    t1 = frames["table1"]
    frames["table1"] = t1[t1["kind"] != "subtotal"].reset_index(drop=True)
    f = one(rows(make(frames), "balance.income"), "表1 收入总计 = Σ 一级收入项目")
    assert f["status"] == "ok" and f["expected"] == wan(100)     # 100 + 0 + 0 + carry 0
    frames = tweak(frames, "table1", {"side": "income", "kind": "total"}, amount=wan(104))
    assert one(rows(make(frames), "balance.income"), "表1 收入总计 = Σ")["status"] == "fail"


def test_side_by_side_html_puts_the_source_beside_the_finding(seed, seed_report):
    html = checks.side_by_side(seed, seed_report[seed_report["status"] == "fail"])
    assert html.count("<tr style") == 8
    assert "下降 8%" in html and " 240  " in html and "<script" not in html


# ---------------------------------------------------------------------------
# properties: genuine rounding is never reported as a contradiction
# ---------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_UNITS = st.sampled_from([100, 1000, 10_000])


def _printed(value: int, unit: int) -> int:
    """Round half up to the unit, as a document prints a figure."""
    return (value + unit // 2) // unit * unit


@settings(max_examples=300)
@given(st.lists(st.integers(0, 10**10), min_size=1, max_size=30), st.lists(_UNITS, min_size=30, max_size=30), _UNITS)
def test_a_correctly_rounded_sum_is_never_a_failure(values, units, total_unit):
    ctx = _core.Context(bk.Budget({}, {"currency_unit": "万元"}))
    terms = [_core.Fig(_printed(v, u), u) for v, u in zip(values, units)]
    total = _core.Fig(_printed(sum(values), total_unit), total_unit)
    assert ctx.compare("Σ", terms, total).status in ("ok", "rounding")


@settings(max_examples=300)
@given(st.integers(1, 10**10), st.integers(-10**10, 10**10), _UNITS, st.integers(0, 2))
def test_a_correctly_rounded_percentage_is_never_a_failure(prior, change, unit, decimals):
    """A document computes the rate from the true amounts and prints the amounts rounded."""
    amount = prior + change
    if amount < 0:
        return
    a, c = _core.Fig(_printed(amount, unit), unit), _core.Fig(_printed(change, unit), unit)
    if a.value - c.value <= 0:
        return  # the prior implied by the printed figures is not positive: nothing to recompute
    stated = _core.round_half_up(Fraction(change, prior) * 100, decimals)
    exact = Fraction(c.value, a.value - c.value) * 100
    iv = _core.pct_interval(lambda x, y: y, lambda x, y: x - y, a, c)
    if iv is None:
        return
    assert _core.pct_status(exact, iv, stated, decimals) in ("ok", "rounding")


# ---------------------------------------------------------------------------
# text.items (national template: the prose's item-by-item amounts)
# ---------------------------------------------------------------------------

def _items_report(frames):
    return checks.run(make(frames), "text.items")


def test_text_items_passes_and_names_the_code():
    [f] = _items_report(good_frames()).to_dict("records")
    # 40.00 万元 (line 40) = 表3 2011302 一般行政管理事务 40 万元, found by its 类/款/项 names
    assert f["status"] == "ok" and "2011302" in f["subject"] and f["expected"] == f["actual"] == wan(40)


def test_text_items_fails():
    frames = good_frames()
    frames = tweak(frames, "items", {"line": 40}, amount=wan(41), value="41.00")
    [f] = _items_report(frames).to_dict("records")
    assert (f["status"], f["expected"], f["actual"]) == ("fail", wan(40), wan(41))   # 1 万元 apart
    # the item's change statement repeats another amount: 2023 执行数 30.00, 预算安排 42.00 (the item says 40.00)
    frames = good_frames()
    frames["statements"] = pd.concat([frames["statements"], pd.DataFrame([{
        **_st("编制说明", "comparison", "一般行政管理事务", None, 42, "2022年预算执行数", None, 40.0, "增加40.00%",
              "比2022年预算执行数增加40.00%", 41),
        "subject_text": frames["items"]["item"].iloc[0], "amount_text": "42.00", "unit": "万元",
        "prior_amount": wan(30), "prior_text": "30.00"}])], ignore_index=True)
    report = _items_report(frames)
    assert report["status"].tolist() == ["ok", "fail"]
    repeat = report.iloc[1]
    assert "预算安排" in repeat["subject"] and (repeat["expected"], repeat["actual"]) == (wan(40), wan(42))


def test_text_items_truncation_is_rounding_and_said_so():
    # the prose prints 877,080 元 as 87.70 万元 (cut, not rounded to 87.71): 80 元 apart, under one printed unit
    frames = good_frames()
    frames = tweak(frames, "table7", {"code": "2011302"}, total=877_080)
    frames = tweak(frames, "items", {"line": 40}, amount=877_000, value="87.70")
    [f] = _items_report(frames).to_dict("records")
    assert f["status"] == "rounding" and "截尾" in f["note"] and f["actual"] - f["expected"] == -80
    # rounded the other way (87.71 for 877,080 would be right; 87.69 is neither rounding nor cutting)
    frames = tweak(frames, "items", {"line": 40}, amount=876_900, value="87.69")
    assert _items_report(frames)["status"].tolist() == ["fail"]


def test_text_items_compares_with_the_appropriation_tables():
    # the prose describes 财政拨款支出: 表7 (一般公共预算, by function) holds the code; 表3 also counts other funds
    frames = tweak(good_frames(), "table3", {"code": "2011302"}, total=wan(45))
    [f] = _items_report(frames).to_dict("records")
    assert f["status"] == "ok" and "表7" in f["subject"] and f["expected"] == wan(40)
    # without any appropriation table by function, 表3 is what there is
    frames.pop("table7")
    frames["table10"] = frames["table10"][frames["table10"]["code"].isna()].reset_index(drop=True)
    [f] = _items_report(frames).to_dict("records")
    assert f["status"] == "fail" and "表3" in f["subject"] and f["expected"] == wan(45)


def test_text_items_unknown_name_is_not_applicable():
    frames = good_frames()
    frames = tweak(frames, "items", {"line": 40}, xiang_name="不存在的项")
    [f] = _items_report(frames).to_dict("records")
    assert f["status"] == "not_applicable" and "找不到" in f["note"]

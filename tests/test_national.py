"""The national 9-table template parser, on small documents written for these tests.

NATIONAL_DOC is a hand-made disclosure of an imaginary bureau (示例区示例局) in
the layout the Shanghai PDFs render to: table cells separated by TAB (an
empty amount cell is an empty string between TABs), a form-feed line between
pages. Every expected value below is worked out by hand from the document
text (the comments show the arithmetic), not taken from the parser.
"""

from __future__ import annotations

import pandas as pd
import pytest

import budgetkit as bk
from budgetkit import national
from budgetkit.errors import AmountError, BudgetkitError, CodeError, ParseError, UnplacedNumberError
from budgetkit.reader import read, read_text
from budgetkit.text import SourceText

T = "\t"
FF = "\f"


def _row(*cells: str) -> str:
    return T.join(cells)


_CODED_HEAD = [
    _row("", "", "", "项目", "", "支出预算", ""),
    _row("功能分类科目编码", "", "", "", "", "", ""),
    _row("", "", "", "功能分类科目名称", "合计", "基本支出", "项目支出"),
    _row("类", "款", "项", "", "", "", ""),
]
_EXP_ROWS = [
    _row("201", "", "", "一般公共服务支出", "1,500,000.00", "1,000,000.00", "500,000.00"),
    _row("201", "13", "", "商贸事务", "1,500,000.00", "1,000,000.00", "500,000.00"),
    _row("201", "13", "01", "行政运行", "1,000,000.00", "1,000,000.00", ""),
    _row("201", "13", "02", "一般行政管理事务", "500,000.00", "", "500,000.00"),
    _row("208", "", "", "社会保障和就业支出", "300,000.00", "300,000.00", ""),
    _row("208", "05", "", "行政事业单位养老支出", "300,000.00", "300,000.00", ""),
    _row("208", "05", "05", "机关事业单位基本养老保险缴费支出", "300,000.00", "300,000.00", ""),
]
_EXP_TOTAL = _row("", "", "", "合计", "1,800,000.00", "1,300,000.00", "500,000.00")


def _empty_table(title: str) -> list[str]:
    return [title, "编制部门：示例区示例局 单位：元", *_CODED_HEAD[:3], _CODED_HEAD[3],
            _row("", "", "", "合计", "", "", ""), "注:本部门2025年无相关预算，故本表为空表。"]


NATIONAL_LINES = [
    "示例区2025年区级部门预算",                                   # 1
    "预算主管部门：示例区示例局",                                 # 2
    FF,
    "目 录",
    "一、部门主要职能",
    "五、部门预算表",
    "1. 2025年部门财务收支预算总表",
    "2. 2025年部门收入预算总表",
    "3. 2025年部门支出预算总表",
    "4．2025年部门财政拨款收支预算总表",
    "5．2025年部门一般公共预算支出功能分类预算表",
    "6．2025年部门政府性基金预算支出功能分类预算表",
    "7．2025年部门国有资本经营预算支出功能分类预算表",
    "8．2025年部门一般公共预算基本支出部门预算经济分类预算表",
    "9．2025年部门“三公”经费和机关运行经费预算表",
    "六、其他相关情况说明",
    FF,
    "示例区示例局主要职能",
    "负责示例区的示例工作。",
    FF,
    # 表1: income 一、 1,800,000.00 = 1.; expenditure 1,500,000.00 + 300,000.00 = 1,800,000.00
    "2025年部门财务收支预算总表",
    "编制部门：示例区示例局 单位：元",
    _row("本年收入", "", "本年支出", ""),
    _row("项目", "预算数", "项目", "预算数"),
    _row("一、财政拨款收入", "1,800,000.00", "一、一般公共服务支出", "1,500,000.00"),
    _row("1. 一般公共预算资金", "1,800,000.00", "二、社会保障和就业支出", "300,000.00"),
    _row("2. 政府性基金", "", "", ""),
    _row("3. 国有资本经营预算", "", "", ""),
    _row("二、事业收入", "", "", ""),
    _row("收入总计", "1,800,000.00", "支出总计", "1,800,000.00"),
    FF,
    "2025年部门收入预算总表",
    "编制部门：示例区示例局 单位：元",
    _row("", "", "", "项目", "收入预算", "", "", "", ""),
    _row("功能分类科目编码", "", "", "", "", "", "", "事业单位", ""),
    _row("", "", "", "功能分类科目名称", "合计", "财政拨款收入", "事业收入", "", "其他收入"),
    _row("", "", "", "", "", "", "", "经营收入", ""),
    _row("类", "款", "项", "", "", "", "", "", ""),
    _row("201", "", "", "一般公共服务支出", "1,500,000.00", "1,500,000.00", "", "", ""),
    _row("201", "13", "", "商贸事务", "1,500,000.00", "1,500,000.00", "", "", ""),
    _row("201", "13", "01", "行政运行", "1,000,000.00", "1,000,000.00", "", "", ""),
    _row("201", "13", "02", "一般行政管理事务", "500,000.00", "500,000.00", "", "", ""),
    _row("208", "", "", "社会保障和就业支出", "300,000.00", "300,000.00", "", "", ""),
    _row("208", "05", "", "行政事业单位养老支出", "300,000.00", "300,000.00", "", "", ""),
    _row("208", "05", "05", "机关事业单位基本养老保险缴费支出", "300,000.00", "300,000.00", "", "", ""),
    _row("", "", "", "合计", "1,800,000.00", "1,800,000.00", "", "", ""),
    FF,
    # 表3 over two pages: the second page repeats the header
    "2025年部门支出预算总表",
    "编制部门：示例区示例局 单位：元",
    *_CODED_HEAD,
    *_EXP_ROWS[:4],
    FF,
    *_CODED_HEAD,
    *_EXP_ROWS[4:],
    _EXP_TOTAL,
    FF,
    "2025年部门财政拨款收支预算总表",
    "编制部门：示例区示例局 单位：元",
    _row("财政拨款收入", "", "财政拨款支出", "", "", "", ""),
    _row("项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"),
    _row("一、一般公共预算资金", "1,800,000.00", "一、一般公共服务支出", "1,500,000.00", "1,500,000.00", "", ""),
    _row("二、政府性基金", "", "二、社会保障和就业支出", "300,000.00", "300,000.00", "", ""),
    _row("三、国有资本经营预算", "", "", "", "", "", ""),
    _row("收入总计", "1,800,000.00", "支出总计", "1,800,000.00", "1,800,000.00", "", ""),
    FF,
    # 表5 continues over a page break WITHOUT a repeated header
    "2025年部门一般公共预算支出功能分类预算表",
    "编制部门：示例区示例局 单位：元",
    *_CODED_HEAD,
    *_EXP_ROWS[:2],
    FF,
    *_EXP_ROWS[2:],
    _EXP_TOTAL,
    FF,
    *_empty_table("2025年部门政府性基金预算支出功能分类预算表"),
    FF,
    *_empty_table("2025年部门国有资本经营预算支出功能分类预算表"),
    FF,
    # 表8: 1,200,000.00 + 100,000.00 = 1,300,000.00 = 表3's 基本支出 合计
    "2025年部门一般公共预算基本支出部门预算经济分类预算表",
    "编制部门：示例区示例局 单位：元",
    _row("", "", "项目", "一般公共预算基本支出", "", ""),
    _row("部门预算经济分类科目编码", "", "", "", "", ""),
    _row("", "", "经济分类科目名称", "合计", "人员经费", "公用经费"),
    _row("类", "款", "", "", "", ""),
    _row("301", "", "工资福利支出", "1,200,000.00", "1,200,000.00", ""),
    _row("301", "01", "基本工资", "1,200,000.00", "1,200,000.00", ""),
    _row("302", "", "商品和服务支出", "100,000.00", "", "100,000.00"),
    _row("302", "01", "办公费", "100,000.00", "", "100,000.00"),
    _row("", "", "合计", "1,300,000.00", "1,200,000.00", "100,000.00"),
    FF,
    # 表9 in 万元: 合计 1.50 = 出国 0 + 接待 0.50 + 用车 1.00; 用车 1.00 = 购置 0 + 运行 1.00
    "2025年部门“三公”经费和机关运行经费预算表",
    "编制部门：示例区示例局 单位:万元",
    _row("", "", "“三公”经费预算数", "", "", "", "机关运行经费预算数"),
    _row("", "", "", "公务用车购置及运行费", "", "", ""),
    _row("合计", "因公出国(境)费", "公务接待费", "", "", "", ""),
    _row("", "", "", "小计", "购置费", "运行费", ""),
    _row("1.50", "0", "0.50", "1.00", "", "1.00", "10.00"),
    FF,
    "其他相关情况说明",
    "一、2025年“三公”经费预算情况说明",
    "2025年“三公”经费预算数为1.50万元。",
    "二、机关运行经费预算",
    "2025年示例区示例局财政拨款的机关运行经费预算为10.00万元。",
    "三、政府采购预算情况",
    "2025年度本部门政府采购预算20.00万元。",
]
NATIONAL_DOC = "\n".join(NATIONAL_LINES) + "\n"


def line_of(text: str, nth: int = 1) -> int:
    """1-based line number of the ``nth`` line that equals ``text``."""
    hits = [i for i, line in enumerate(NATIONAL_LINES, start=1) if line == text]
    return hits[nth - 1]


@pytest.fixture(scope="module")
def budget():
    return read_text(NATIONAL_DOC, name="example.txt")


# ---------------------------------------------------------------- detection and metadata


def test_detected_from_content():
    src = SourceText(NATIONAL_DOC, name="whatever.name")
    assert national.detect(src)
    assert bk.reader.detect_template(src) == "national-9"


def test_meta(budget):
    m = budget.meta
    assert m["department"] == "示例区示例局"
    assert m["year"] == 2025
    assert m["template"] == "national-9"
    assert m["budget_level"] == "department"
    assert m["currency_unit"] == "元" and m["amount_unit"] == "元"
    assert m["table_units"]["9"] == "万元" and m["table_units"]["3"] == "元"
    assert m["published"] == list(range(1, 10))
    assert m["listed_not_published"] == []
    assert m["empty_tables"] == [6, 7]
    assert m["contents"]["3"] == "2025年部门支出预算总表"
    assert m["warnings"] == []


# ---------------------------------------------------------------- 支出预算总表


def test_table3_rows_and_empty_cells(budget):
    t3 = budget.table(3)
    assert list(t3["kind"]) == ["item"] * 7 + ["total"]
    assert list(t3["code"][:7]) == ["201", "20113", "2011301", "2011302", "208", "20805", "2080505"]
    assert list(t3["level"]) == [1, 2, 3, 3, 1, 2, 3, 0]
    row = t3.set_index("code").loc["2011301"]
    # "1,000,000.00 | 1,000,000.00 | (empty)" — the empty 项目支出 cell is 0
    assert (row["total"], row["basic"], row["project"]) == (1_000_000, 1_000_000, 0)
    row = t3.set_index("code").loc["2011302"]
    assert (row["total"], row["basic"], row["project"]) == (500_000, 0, 500_000)
    total = t3[t3["kind"] == "total"].iloc[0]
    assert (total["total"], total["basic"], total["project"]) == (1_800_000, 1_300_000, 500_000)
    assert str(t3["total"].dtype) == "Int64"


def test_table3_provenance_across_pages(budget):
    t3 = budget.table(3)
    first = t3.iloc[0]
    assert first["line"] == line_of(_EXP_ROWS[0], 1)  # 表3 prints it first, 表5 again
    assert NATIONAL_LINES[first["line"] - 1].startswith("201\t")
    # the second page of 表3 is one page later than its first
    p = t3.set_index("code")["page"]
    assert p["208"] == p["201"] + 1
    assert budget.source_lines(int(first["line"]), numbered=False).split("\t")[3] == "一般公共服务支出"


def test_expenditure_is_template_independent(budget):
    exp = budget.expenditure
    assert list(exp.columns) == ["code", "name", "level", "total", "basic", "project", "line"]
    assert len(exp) == 7
    # 类 rows: 1,500,000 + 300,000 = 1,800,000 (the 合计)
    assert exp.loc[exp["level"] == 1, "total"].sum() == 1_800_000


def test_table5_continues_without_repeated_header(budget):
    t5 = budget.table(5)
    assert len(t5) == 8
    assert t5.drop(columns=["line", "line_end", "page"]).equals(
        budget.table(3).drop(columns=["line", "line_end", "page"]))


def test_empty_tables_and_notes(budget):
    for n in (6, 7):
        t = budget.table(n)
        assert list(t["kind"]) == ["total"]
        assert t.loc[0, ["total", "basic", "project"]].tolist() == [0, 0, 0]
        assert any("空表" in note for note in t.attrs["notes"])


# ---------------------------------------------------------------- balance tables


def test_table1(budget):
    t1 = budget.table(1)
    inc = t1[t1["side"] == "income"].set_index("name")
    assert inc.loc["财政拨款收入", "amount"] == 1_800_000
    assert inc.loc["财政拨款收入", "level"] == 1
    assert inc.loc["一般公共预算资金", "level"] == 2
    assert inc.loc["政府性基金", "amount"] == 0
    assert inc.loc["收入总计", "kind"] == "total"
    exp = t1[t1["side"] == "expenditure"].set_index("name")
    assert exp.loc["一般公共服务支出", "code"] == "201"
    assert exp.loc["社会保障和就业支出", "code"] == "208"
    assert exp.loc["支出总计", "amount"] == 1_800_000


def test_table4_expenditure_columns(budget):
    t4 = budget.table(4)
    exp = t4[t4["side"] == "expenditure"].set_index("name")
    assert exp.loc["一般公共服务支出", ["amount", "general_budget", "gov_fund", "state_capital"]].tolist() == \
        [1_500_000, 1_500_000, 0, 0]
    inc = t4[t4["side"] == "income"]
    assert inc["general_budget"].isna().all()


def test_table2_two_line_header(budget):
    t2 = budget.table(2)
    assert list(t2.columns[:9]) == ["kind", "code", "level", "name", "total", "fiscal", "business_income",
                                    "operating_income", "other"]
    assert t2.set_index("code").loc["2011301", "fiscal"] == 1_000_000


def test_table8_economic_codes(budget):
    t8 = budget.table(8).set_index("code")
    assert t8.loc["30201", ["total", "personnel", "public"]].tolist() == [100_000, 0, 100_000]
    assert t8.loc["301", "level"] == 1 and t8.loc["30101", "level"] == 2


def test_table9_in_wan_is_stored_in_yuan(budget):
    t9 = budget.table(9)
    assert len(t9) == 1
    r = t9.iloc[0]
    # 1.50 万元 = 15,000 元; 0.50 万元 = 5,000 元; 10.00 万元 = 100,000 元
    assert (r["total"], r["outbound"], r["reception"], r["vehicle"], r["vehicle_purchase"],
            r["vehicle_operation"], r["operating_costs"]) == (15_000, 0, 5_000, 10_000, 0, 10_000, 100_000)
    assert r["year"] == 2025


def test_sections_and_facts(budget):
    secs = budget.frame("sections")
    assert list(secs["kind"]) == ["functions", "other_information"]
    facts = budget.frame("facts").set_index("key")
    assert facts.loc["three_public_total", "amount"] == 15_000
    assert facts.loc["operating_costs", "amount"] == 100_000
    assert facts.loc["procurement_total", "amount"] == 200_000


def test_inputs_not_mutated_and_copies_returned(budget):
    t3 = budget.table(3)
    t3.loc[0, "total"] = -1
    assert budget.table(3).loc[0, "total"] == 1_500_000


# ---------------------------------------------------------------- variations


def _doc(replace: dict[str, str] | None = None, drop: set[str] | None = None) -> str:
    lines = []
    for line in NATIONAL_LINES:
        if drop and line in drop:
            continue
        lines.append(replace.get(line, line) if replace else line)
    return "\n".join(lines) + "\n"


def test_single_cell_codes_and_spaced_codes():
    # codes printed as one cell, "2011301" or "201 13 01", in a table whose header has one code column
    head = [_row("科目编码", "科目名称", "合计", "基本支出", "项目支出")]
    rows = [_row("201", "一般公共服务支出", "10.00", "10.00", ""), _row("201 13", "商贸事务", "10.00", "10.00", ""),
            _row("2011301", "行政运行", "10.00", "10.00", ""), _row("合计", "", "10.00", "10.00", "")]
    text = "\n".join(["2025年部门支出预算总表", "编制部门：示例区示例局 单位：元", *head, *rows])
    src = "\n".join(NATIONAL_LINES[: line_of("2025年部门收入预算总表") - 1]) + "\n" + text + "\n"
    b = read_text(src)
    assert list(b.table(3)["code"].fillna("-")) == ["201", "20113", "2011301", "-"]


def test_code_without_leading_zero_is_padded_with_warning():
    bad = _row("301", "01", "基本工资", "1,200,000.00", "1,200,000.00", "")
    b = read_text(_doc({bad: bad.replace("\t01\t", "\t1\t")}))
    assert "30101" in set(b.table(8)["code"])
    assert any("leading zero" in w for w in b.meta["warnings"])


def test_unknown_code_system_is_passed_through_with_warning():
    row = _row("302", "01", "办公费", "100,000.00", "", "100,000.00")
    b = read_text(_doc({row: row.replace("302\t01", "501\t01")}))
    assert "50101" in set(b.table(8)["code"])
    assert any("50101" in w and "kept as printed" in w for w in b.meta["warnings"])


def test_amounts_in_wan_yuan():
    # the whole 表3 in 万元: 1.50 万元 = 15,000 元
    doc = _doc({_EXP_ROWS[2]: _row("201", "13", "01", "行政运行", "100.5", "100.5", "")})
    doc = doc.replace("编制部门：示例区示例局 单位：元\n" + _CODED_HEAD[0], "编制部门：示例区示例局 单位：万元\n"
                      + _CODED_HEAD[0])
    b = read_text(doc)
    assert b.meta["table_units"]["3"] == "万元"
    assert b.table(3).set_index("code").loc["2011301", "total"] == 1_005_000


# ---------------------------------------------------------------- 分 (fen)


def _fen_doc() -> str:
    return _doc({_EXP_ROWS[2]: _row("201", "13", "01", "行政运行", "1,000,000.80", "1,000,000.80", "")})


def test_fen_round_mode_records_every_rounded_cell():
    b = read_text(_fen_doc())
    row = b.table(3).set_index("code").loc["2011301"]
    # 1,000,000.80 rounds half up to 1,000,001
    assert row["total"] == 1_000_001 and row["basic"] == 1_000_001
    r = b.frame("rounding")
    # the row is printed in 表3 and 表5, two cells each (合计, 基本支出)
    assert len(r) == 4 and set(r["printed"]) == {"1,000,000.80"} and set(r["difference_fen"]) == {-20}
    assert set(r["line"]) == {line_of(_EXP_ROWS[2], 1), line_of(_EXP_ROWS[2], 2)}
    assert any("rounded" in w for w in b.meta["warnings"])


def test_fen_raise_mode_names_file_table_line():
    with pytest.raises(AmountError) as ei:
        read_text(_fen_doc(), name="fen.txt", fen="raise")
    e = ei.value
    assert e.file == "fen.txt" and e.table == "表3 支出预算总表" and e.line == line_of(_EXP_ROWS[2], 1)
    assert "1,000,000.80" in str(e)


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize("mutate, error, table", [
    (lambda d: d.replace("300,000.00\t300,000.00\t\n", "300,000.00\t3OO,000.00\t\n", 1), AmountError, "表3"),
    (lambda d: d.replace("208\t05\t05\t", "20x\t05\t05\t", 1), CodeError, "表2"),
    (lambda d: d.replace(_EXP_TOTAL + "\n", "", 1), ParseError, "表3"),
    (lambda d: d.replace(_EXP_ROWS[3] + "\n", _EXP_ROWS[3] + "\n" + _EXP_ROWS[3] + "\n", 1), ParseError, "表3"),
    (lambda d: d.replace(_EXP_ROWS[3], _EXP_ROWS[3] + "\t12.00", 1), UnplacedNumberError, "表3"),
])
def test_bad_input_raises_located_budgetkit_error(mutate, error, table):
    with pytest.raises(error) as ei:
        read_text(mutate(NATIONAL_DOC), name="bad.txt")
    e = ei.value
    assert e.file == "bad.txt" and e.table.startswith(table) and e.line is not None
    assert f"line {e.line}" in str(e)


def test_plain_text_row_with_missing_cell_is_not_guessed():
    # without TABs, "行政运行 1,000,000.00 1,000,000.00" cannot say which cell is empty
    doc = _doc({_EXP_ROWS[2]: "201 13 01 行政运行 1,000,000.00 1,000,000.00"})
    with pytest.raises(BudgetkitError):
        read_text(doc)


def test_truncated_document():
    cut = NATIONAL_DOC[: NATIONAL_DOC.index(_EXP_ROWS[5])]
    with pytest.raises(BudgetkitError) as ei:
        read_text(cut, name="cut.txt")
    assert ei.value.file == "cut.txt"


def test_not_a_budget():
    with pytest.raises(bk.TemplateError):
        read_text("这不是预算。\n", name="x.txt")


def test_file_roundtrip(tmp_path):
    p = tmp_path / "budget.dat"  # the name says nothing: content decides
    p.write_text(NATIONAL_DOC, encoding="utf-8")
    b = read(p)
    assert b.meta["template"] == "national-9" and b.meta["source_format"] == "text"
    assert b.table(3).equals(read_text(NATIONAL_DOC).table(3))


# ---------------------------------------------------------------- the audit on the national template


def test_prose_frames_for_the_audit(budget):
    facts = budget.frame("facts").set_index("key")
    assert "budget_income" not in facts.index          # NATIONAL_DOC has no 编制说明 stating it
    three = budget.frame("three_public")
    # "2025年“三公”经费预算数为1.50万元。" (the 其他相关情况说明 part 一)
    assert list(three["item"]) == ["“三公”经费"] and three["amount"].tolist() == [15_000]
    assert three["line"].tolist() == [line_of("2025年“三公”经费预算数为1.50万元。")]
    proc = budget.frame("procurement")
    # "2025年度本部门政府采购预算20.00万元。": the total only, no 货物/工程/服务 parts
    assert proc[["category", "amount"]].values.tolist() == [["合计", 200_000]]


def test_an_unreadable_prose_amount_is_reported_not_dropped_silently():
    line = line_of("2025年示例区示例局财政拨款的机关运行经费预算为10.00万元。")
    doc = NATIONAL_DOC.replace("机关运行经费预算为10.00万元", "机关运行经费预算为1,,0.00万元")
    b = read_text(doc, name="doc.txt")
    assert "operating_costs" not in set(b.frame("facts")["key"])
    [warning] = [w for w in b.meta["warnings"] if "1,,0.00" in w]
    assert warning.startswith("doc.txt, 说明“") and f"line {line}" in warning and "left out" in warning


STATED_CHANGES = (
    "1. “一般公共服务支出（类）商贸事务（款）一般行政管理事务（项）”50.00万元，主要用于示例。2024年当年预算执行数为"
    "\n40.00万元，2025年预算安排50.00万元，比2024年预算执行数增加25.00%。主要原因是：示例。\n"
    "2. “社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）”30.00万元。"
    "2024年当年预算执行数为40.00万元，2025年预算安排30.00万元，比2024年预算执行数减少20.00%。\n"
    "财政拨款收入180.00万元，比2024年预算增加30.00万元；政府性基金拨款支出预算0万元，与2024年预算持平。\n"
)


def test_stated_changes_are_parsed_and_recomputed():
    from budgetkit import checks

    b = read_text(NATIONAL_DOC + STATED_CHANGES, name="doc.txt")
    st = b.frame("statements")
    lines = (NATIONAL_DOC + STATED_CHANGES).split("\n")
    first = 1 + next(i for i, line in enumerate(lines) if line.startswith("1. “一般公共服务支出"))
    assert st[["subject", "prior_amount", "amount", "change_pct", "line", "line_end"]].values.tolist()[:2] == [
        ["一般行政管理事务", 400_000, 500_000, 25.0, first, first + 1],
        ["机关事业单位基本养老保险缴费支出", 400_000, 300_000, -20.0, first + 2, first + 2],
    ]
    report = checks.run(b, "change.recompute").set_index("subject")
    # (50 − 40) / 40 = +25% as stated; (30 − 40) / 40 = −25%, not the stated −20%
    assert report.filter(like="一般行政管理事务", axis=0)["status"].tolist() == ["ok"]
    bad = report.filter(like="养老保险", axis=0).iloc[0]
    assert bad["status"] == "fail" and bad["expected_text"].startswith("−25.00000%") and bad["actual_text"] == "减少20.00%"
    # an amount with its change only: the prior (180 − 30 = 150 万元) is implied, nothing to recompute
    implied = report.filter(like="财政拨款收入", axis=0).iloc[0]
    assert implied["status"] == "not_applicable" and "隐含上年数 1,500,000 元" in implied["note"]
    zero = report.filter(like="政府性基金拨款支出", axis=0).iloc[0]
    assert zero["status"] == "not_applicable" and "隐含上年数 0 元" in zero["note"]
    # the items: 50.00 万元 = 表3 2011302 500,000.00 元, 30.00 万元 = 2080505 300,000.00 元; 预算安排 repeats them
    it = b.frame("items")
    assert it[["class_name", "kuan_name", "xiang_name", "amount", "line"]].values.tolist() == [
        ["一般公共服务支出", "商贸事务", "一般行政管理事务", 500_000, first],
        ["社会保障和就业支出", "行政事业单位养老支出", "机关事业单位基本养老保险缴费支出", 300_000, first + 2]]
    assert checks.run(b, "text.items")["status"].tolist() == ["ok", "ok", "ok", "ok"]
    wrong = read_text(NATIONAL_DOC + STATED_CHANGES.replace("”50.00万元", "”55.00万元"), name="doc.txt")
    assert checks.run(wrong, "text.items")["status"].tolist() == ["fail", "fail", "ok", "ok"]


def test_an_item_without_its_class_is_reported():
    b = read_text(NATIONAL_DOC + "“商贸事务（款）一般行政管理事务（项）”50.00万元，主要用于示例。\n", name="doc.txt")
    assert "items" not in b.frame_names  # no item could be read
    [warning] = [w for w in b.meta["warnings"] if "names no 类" in w]
    assert f"line {len(NATIONAL_DOC.split(chr(10)))}" in warning and "50.00万元" in warning


def test_checks_map_the_national_tables_to_their_roles(budget):
    from budgetkit import checks

    r = checks.run(budget)
    bad = r[r["status"].isin(["fail", "rounding"])]
    # the only failures: explanations NATIONAL_DOC leaves out (it has 主要职能 and 其他相关情况说明 only)
    assert set(bad["rule"]) == {"completeness.explanations"}
    assert {s.split(" /")[0] for s in bad["subject"]} == {"机构设置", "预算收支增减变化", "名词解释", "绩效目标", "国有资产占用"}
    by = lambda rule, text: r[(r["rule"] == rule) & r["subject"].str.contains(text, regex=False)].iloc[0]  # noqa: E731
    # 表8 合计 1,300,000 (1,200,000 + 100,000) = 表5 合计 row's 基本支出 1,300,000
    f = by("cross.economic_total", "表8 = 表5")
    assert (f["status"], f["expected"], f["actual"]) == ("ok", 1_300_000, 1_300_000)
    # prose 10.00 万元 = 表9 机关运行经费预算数 10.00 万元, and ≤ 表8 公用经费 100,000 元
    assert by("text.operating_cost", "= 表9")["actual"] == 100_000
    assert by("text.operating_cost", "≤ 表8")["status"] == "ok"
    # prose “三公”经费 1.50 万元 = 表9 合计 1.50 万元
    assert by("text.three_public", "“三公”经费")["expected"] == 15_000
    # 表4 has no 本年收入合计 line: its 收入总计 1,800,000 = 表1 财政拨款收入 1,800,000
    assert by("cross.totals", "表4 收入总计")["status"] == "ok"
    req = r[r["rule"] == "completeness.required_tables"].set_index("subject")["actual_text"]
    assert req["一般公共预算基本支出表"].startswith("已公开：表8")

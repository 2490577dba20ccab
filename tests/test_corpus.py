"""The real Shanghai PDFs (national 9-table template) in $BUDGETKIT_CORPUS.

Skipped when BUDGETKIT_CORPUS is unset. Expected figures are either quoted
from the documents (page numbers given) or computed independently: the 合计
lines are re-read from PDFium's own plain text of the page (pypdfium2's
``get_text_range()``: no lines, words or cells of budgetkit's geometry reader)
and summed with :class:`decimal.Decimal`.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pypdfium2
import pytest

from budgetkit.reader import read, read_many

pytestmark = pytest.mark.corpus

DOCS = {
    # file: (department, year, pages, fen cells) — from each PDF's cover page and page count
    "sh_putuo_commerce_commission_2025_dept_budget.pdf": ("上海市普陀区商务委员会", 2025, 26),
    "sh_putuo_finance_bureau_2025_dept_budget.pdf": ("上海市普陀区财政局", 2025, 24),
    "sh_putuo_wanli_street_2024_dept_budget.pdf": ("上海市普陀区人民政府万里街道办事处", 2024, 33),
}


@pytest.fixture(scope="module")
def budgets(corpus_dir: Path):
    out = {}
    for name in DOCS:
        path = corpus_dir / name
        if not path.is_file():
            pytest.skip(f"{name} is not in the corpus folder")
        out[name] = read(path)
    return out


def _yuan(text: str) -> int:
    return int(Decimal(text.replace(",", "")).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _plain_texts(path: Path) -> list[str]:
    """Each page's plain text as PDFium's own text layer gives it (one line per line it sees)."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        texts = []
        for page in pdf:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range().replace("\r\n", "\n"))
            textpage.close()
            page.close()
        return texts
    finally:
        pdf.close()


def _plain_total_line(path: Path, title: str) -> list[int]:
    """The amounts after the 合计 that ends the table titled ``title`` (plain text, no geometry).

    PDFium's plain text sometimes runs a table's rows together into one line,
    so the amounts are the run of numbers right after 合计, not a whole line.
    """
    texts = _plain_texts(path)
    start = next(i for i, t in enumerate(texts) if re.search(r"^\S*" + title + r"$", t, re.M)
                 and "编制部门" in t)
    for t in texts[start:]:
        m = re.search(r"(?:^|\s)合计((?:[ \t]+\d[\d,]*(?:\.\d+)?)+)", t)
        if m:
            return [_yuan(x) for x in m.group(1).split()]
    raise AssertionError(f"no 合计 line after {title}")


@pytest.mark.parametrize("name", list(DOCS))
def test_each_pdf_parses_with_metadata(budgets, name):
    b = budgets[name]
    department, year, pages = DOCS[name]
    m = b.meta
    assert (m["department"], m["year"], m["pages"]) == (department, year, pages)
    assert m["template"] == "national-9" and m["source_format"] == "pdf"
    assert m["published"] == list(range(1, 10))
    # tables 1–8 in 元, the 三公 table in 万元 (each PDF: "单位:万元" on its 三公 page)
    assert m["currency_unit"] == "元" and m["table_units"]["9"] == "万元"
    assert {6, 7} <= set(m["empty_tables"])  # "本表为空表" notes on the 政府性基金 / 国有资本 pages


@pytest.mark.parametrize("name", list(DOCS))
def test_class_rows_sum_to_total_and_rows_split(budgets, name):
    t3 = budgets[name].table(3)
    items = t3[t3["kind"] == "item"]
    total = t3[t3["kind"] == "total"]
    assert len(total) == 1
    for col in ("total", "basic", "project"):
        assert items.loc[items["level"] == 1, col].sum() == total[col].iloc[0], col
    # every row's 合计 = 基本支出 + 项目支出
    bad = t3[t3["total"] != t3["basic"] + t3["project"]]
    assert bad.empty, bad
    # every 款 = the sum of its 项 (when it has any), every 类 = the sum of its 款
    for level, width in ((2, 5), (1, 3)):
        for row in items[items["level"] == level].itertuples():
            kids = items[(items["level"] == level + 1) & items["code"].str.startswith(row.code)]
            if len(kids):
                assert kids["total"].sum() == row.total, row.code


@pytest.mark.parametrize("name", list(DOCS))
def test_totals_agree_across_tables(budgets, name, corpus_dir):
    b = budgets[name]
    t1, t3, t4 = b.table(1), b.table(3), b.table(4)
    total3 = t3.loc[t3["kind"] == "total", ["total", "basic", "project"]].iloc[0].tolist()
    # independent: the 合计 line of 支出预算总表 as plain text
    assert total3 == _plain_total_line(corpus_dir / name, "部门支出预算总表")
    income1 = t1.loc[(t1["side"] == "income") & (t1["name"] == "收入总计"), "amount"].item()
    exp1 = t1.loc[(t1["side"] == "expenditure") & (t1["name"] == "支出总计"), "amount"].item()
    income4 = t4.loc[(t4["side"] == "income") & (t4["name"] == "收入总计"), "amount"].item()
    exp4 = t4.loc[(t4["side"] == "expenditure") & (t4["name"] == "支出总计"), "amount"].item()
    assert income1 == exp1 == income4 == exp4 == total3[0]
    # 财务收支预算总表's function classes equal 支出预算总表's 类 rows
    classes1 = t1[(t1["side"] == "expenditure") & (t1["kind"] == "item")].set_index("code")["amount"]
    classes3 = t3[(t3["kind"] == "item") & (t3["level"] == 1)].set_index("code")["total"]
    assert classes1.sort_index().to_dict() == classes3.sort_index().to_dict()


def test_documented_figures(budgets):
    # quoted from the documents
    com = budgets["sh_putuo_commerce_commission_2025_dept_budget.pdf"]
    row = com.table(3).set_index("code").loc["2011301"]  # p.12: 行政运行 9,389,913.00 | 9,389,913.00 | (empty)
    assert (row["total"], row["basic"], row["project"]) == (9_389_913, 9_389_913, 0)
    row = com.table(3).set_index("code").loc["2011302"]  # p.12: 一般行政管理事务 4,545,000.00 | (empty) | 4,545,000.00
    assert (row["total"], row["basic"], row["project"]) == (4_545_000, 0, 4_545_000)
    t9 = com.table(9).iloc[0]  # p.21 (万元): 合计 1.00, 公务接待费 1.00, 机关运行经费 171.01
    assert (t9["total"], t9["reception"], t9["outbound"], t9["vehicle"], t9["operating_costs"]) == \
        (10_000, 10_000, 0, 0, 1_710_100)
    wanli = budgets["sh_putuo_wanli_street_2024_dept_budget.pdf"]
    t9 = wanli.table(9).iloc[0]  # p.31: 47.91 0 1.35 46.56 25 21.56 443.18 (万元)
    assert (t9["total"], t9["outbound"], t9["reception"], t9["vehicle"], t9["vehicle_purchase"],
            t9["vehicle_operation"], t9["operating_costs"]) == \
        (479_100, 0, 13_500, 465_600, 250_000, 215_600, 4_431_800)
    # p.29: "301 2 津贴补贴" — 款 printed without its leading zero
    assert wanli.table(8).set_index("code").loc["30102", "total"] == 16_623_810
    assert any("30102" in w for w in wanli.meta["warnings"])
    # p.20: the 合计 row alone on its page, drawn with merged cells
    total = wanli.table(3).iloc[-1]
    assert (total["kind"], total["total"], total["page"]) == ("total", 156_211_123, 20)


def test_fen_amounts_are_rounded_and_listed(budgets, corpus_dir):
    fin = budgets["sh_putuo_finance_bureau_2025_dept_budget.pdf"]
    r = fin.frame("rounding")
    assert len(r) > 0 and set(r["printed"].str[-3:]) == {".80"}
    # p.9: 收入总计 31,214,205.80 元 → 31,214,206 元 (half up)
    t1 = fin.table(1)
    assert t1.loc[t1["name"] == "收入总计", "amount"].item() == 31_214_206
    from budgetkit.errors import AmountError
    with pytest.raises(AmountError) as ei:
        read(corpus_dir / "sh_putuo_finance_bureau_2025_dept_budget.pdf", fen="raise")
    assert ei.value.table and ei.value.line and "page" in str(ei.value)


def test_read_many_corpus_with_a_broken_file(corpus_dir, tmp_path):
    paths = [corpus_dir / n for n in DOCS]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes((corpus_dir / next(iter(DOCS))).read_bytes()[:5000])  # a truncated PDF
    res = read_many([paths[0], broken, *paths[1:]])
    assert len(res.budgets) == 3 and len(res.failures) == 1
    assert res.failures.iloc[0]["source"] == "broken.pdf"
    assert res.failures.iloc[0]["error"] == "TemplateError"
    exp = res.expenditure
    assert set(exp["department"]) == {d for d, _, _ in DOCS.values()}
    assert set(exp["template"]) == {"national-9"}
    assert list(res.documents["year"]) == [2025, 2025, 2024]


def _finding(report, rule, text):
    hit = report[(report["rule"] == rule) & report["subject"].str.contains(text, regex=False)]
    assert len(hit) == 1, list(report.loc[report["rule"] == rule, "subject"])
    return hit.iloc[0]


def test_audit_maps_the_national_tables(budgets):
    from budgetkit import checks

    reports = {name: checks.run(b) for name, b in budgets.items()}
    # the only failures are misprints in the prose, verified by hand (see the next tests)
    expected_fails = {
        "sh_putuo_finance_bureau_2025_dept_budget.pdf": {("text.items", 93), ("text.items", 122)},
        "sh_putuo_wanli_street_2024_dept_budget.pdf": {
            ("change.recompute", 99), ("change.recompute", 156), ("text.items", 156)},
    }
    for name, r in reports.items():
        fails = r[r["status"] == "fail"]
        assert {(f.rule, int(re.split(r"[-–,]", f.lines)[0])) for f in fails.itertuples()} == \
            expected_fails.get(name, set()), (name, fails)
        # the rules that need the Shenzhen-only prose frames or tables stay not applicable; none for want of a role
        lacking = r.loc[r["note"].fillna("").str.contains("this Budget lacks"), "note"]
        assert not lacking.str.contains("general_economic|表8|表9|表4|表5", regex=True).any(), (name, lacking)
    com = reports["sh_putuo_commerce_commission_2025_dept_budget.pdf"]
    # p.7 (line 117): 收入预算37,151.47万元 vs p.9 表1 收入总计 371,514,655.00 元: 45 元 < 50 元 (half of 0.01 万元)
    f = _finding(com, "text.totals", "部门预算收入")
    assert (f["status"], f["expected"], f["actual"], f["tolerance"]) == ("rounding", 371_514_655, 371_514_700, 50)
    # p.20 表8 合计 公用经费 1,710,062.00 元; p.21 表9 机关运行经费 171.01 万元 (= 1,710,062 rounded to 0.01 万元)
    f = _finding(com, "text.operating_cost", "≤ 表8")
    assert f["status"] == "rounding" and f["expected_text"] == "≤ 1,710,062 元"
    # p.16 表5 合计 基本支出 19,830,655.00 = p.20 表8 合计 19,830,655.00
    f = _finding(com, "cross.economic_total", "表8 = 表5")
    assert (f["status"], f["actual"]) == ("ok", 19_830_655)
    # p.22: 政府采购 货物 7.80 + 工程 0 + 服务 30.40 = 38.20 万元
    f = _finding(com, "text.procurement", "货物 + 工程 + 服务")
    assert (f["status"], f["expected"]) == ("ok", 382_000)
    wanli = reports["sh_putuo_wanli_street_2024_dept_budget.pdf"]
    # p.31 表9 公务用车购置费 25 万元; p.30 表8 (basic only) has no 30913/31013: bought from project funds
    f = _finding(wanli, "cross.three_public_economic", "30913")
    assert f["status"] == "ok" and f["expected_text"] == "≤ 250,000 元"
    # p.30 表8 30231 公务用车运行维护费 215,600.00 元; p.31 表9 运行费 21.56 万元; p.32 文字 21.56 万元
    assert _finding(wanli, "cross.three_public_economic", "30231")["actual_text"] == "215,600 元"
    assert _finding(wanli, "text.three_public", "公务用车运行费")["status"] == "ok"
    # p.32: 机关运行经费 443.18 万元 (1 机关 + 1 参公单位) ≤ 表8 公用经费 11,168,569.00 元 (all units)
    assert _finding(wanli, "text.operating_cost", "≤ 表8")["status"] == "ok"


def test_stated_changes_of_the_national_prose_are_recomputed(budgets):
    from budgetkit import checks

    wanli = budgets["sh_putuo_wanli_street_2024_dept_budget.pdf"]
    report = checks.run(wanli, "change.recompute")
    st = wanli.frame("statements").set_index("line")
    # p.4 (lines 77–78): "2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少57.14%";
    # (25.77 − 60.13) / 60.13 = −57.1428…% → 57.14% holds
    row = st.loc[77]
    assert (row["subject"], row["prior_amount"], row["amount"], row["change_pct"]) == ("专项普查活动", 601_300, 257_700, -57.14)
    assert _finding(report, "change.recompute", "专项普查活动（第 77 行）")["status"] == "ok"
    # lines 99–100: 0.00 万元 → 25.00 万元 stated as "增加100.00%": a rate from 0 is undefined
    f = _finding(report, "change.recompute", "其他教育支出（第 99 行）")
    assert f["status"] == "fail" and "上年数为 0" in f["note"]
    # lines 156–157: 348.52 → 352.67 万元 is +1.19075%, not the stated 0.53%; 0.53% is (350.35 − 348.52) / 348.52,
    # the item's amount in its heading (line 156) and in 表3 (2210201 住房公积金 3,503,499 元)
    f = _finding(report, "change.recompute", "住房公积金（第 156 行）")
    assert f["status"] == "fail" and "1.19075%" in f["expected_text"] and f["actual_text"] == "增加0.53%"
    assert int(wanli.expenditure.set_index("code").loc["2210201", "total"]) == 3_503_499
    # an amount with its change only (line 70: 财政拨款收入15621.11万元，比2023年预算减少876.75万元): prior implied
    f = _finding(report, "change.recompute", "财政拨款收入（第 70 行）")
    assert f["status"] == "not_applicable" and "隐含上年数 164,978,600 元" in f["note"]


def test_item_by_item_prose_against_the_expenditure_table(budgets):
    from budgetkit import checks

    reports = {name: checks.run(b, "text.items") for name, b in budgets.items()}
    fin = reports["sh_putuo_finance_bureau_2025_dept_budget.pdf"]
    # p.5 line 93: “…机关事业单位职业年金缴费支出（项）”887.36万元; 表3 and 表5 2080506 873,617.00 元 = 87.36 万元
    f = _finding(fin, "text.items", "职业年金缴费支出（第 93 行）")
    assert (f["status"], f["expected"], f["actual"]) == ("fail", 873_617, 8_873_600)
    # line 89: 行政单位离退休 87.70 万元 for 877,080.00 元: cut to 0.01 万元, not rounded (87.71)
    f = _finding(fin, "text.items", "行政单位离退休（第 89 行）")
    assert f["status"] == "rounding" and "截尾" in f["note"] and f["actual"] == 877_000
    # line 95: 其它行政事业单位养老支出 (其它 for 其他) is found as 2080599
    assert "2080599" in _finding(fin, "text.items", "其它行政事业单位养老支出（第 95 行）")["subject"]
    com = reports["sh_putuo_commerce_commission_2025_dept_budget.pdf"]
    # line 140: “卫生健康支出（类）行政事业单位医疗（款)行政单位医疗（项）”63.19万元 (a half-width bracket) = 2101101
    f = _finding(com, "text.items", "行政单位医疗（第 140 行）")
    assert f["status"] in ("ok", "rounding") and "2101101" in f["subject"]
    wanli = reports["sh_putuo_wanli_street_2024_dept_budget.pdf"]
    # line 156: the item is 350.35 万元 (= 表3 2210201 3,503,499 元); its statement says 预算安排352.67万元
    items = wanli[wanli["subject"].str.contains("住房公积金（第 156 行）", regex=False)]
    assert items["status"].tolist() == ["rounding", "fail"]
    assert (items.iloc[1]["expected"], items.iloc[1]["actual"]) == (3_503_500, 3_526_700)

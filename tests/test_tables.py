"""Tables 1, 3, 6–11 parsed from the seed's source text.

Expected figures are read off the source text (line numbers in comments) and
converted to 元 by hand: 1 万元 = 10,000 元.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import budgetkit as bk
from budgetkit.errors import AmountError, CodeError, MissingTableError, ParseError, TemplateError, UnplacedNumberError

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw" / "2023-longhua-iit-department-budget.txt"
W = 10_000  # 元 per 万元


@pytest.fixture(scope="module")
def parsed() -> bk.Budget:
    return bk.parse_text(RAW)


@pytest.fixture(scope="module")
def raw_lines() -> list[str]:
    return RAW.read_text(encoding="utf-8").split("\n")


def _mutate(raw_lines, **edits) -> str:
    """The seed text with 1-based lines replaced (value None deletes the line)."""
    lines = list(raw_lines)
    for key, value in sorted(edits.items(), key=lambda kv: -int(kv[0][1:])):
        n = int(key[1:])
        if value is None:
            del lines[n - 1]
        else:
            lines[n - 1] = value
    return "\n".join(lines)


# ----------------------------------------------------------------- meta / contents


def test_meta(parsed):
    m = parsed.meta
    assert m["department"] == "深圳市龙华区工业和信息化局"  # line 3
    assert m["year"] == 2023
    assert m["currency_unit"] == "万元"  # line 282
    assert m["published"] == [1, 3, 6, 7, 8, 9, 10, 11, 12]
    assert m["listed_not_published"] == [2, 4, 5]  # contents lines 21-32
    assert m["contents"]["12"] == "整体支出绩效目标表"
    assert m["warnings"] == []


@pytest.mark.parametrize("n,title", [(2, "收入总表"), (4, "基本支出总表"), (5, "项目支出总表")])
def test_missing_tables_raise(parsed, n, title):
    with pytest.raises(MissingTableError, match="listed in the contents but absent") as info:
        parsed.table(n)
    assert title in str(info.value)
    assert isinstance(info.value, LookupError)


def test_unknown_table_number(parsed):
    with pytest.raises(MissingTableError, match="neither listed"):
        parsed.table(13)


# ----------------------------------------------------------------- 表3


def test_table3_shape_and_total(parsed):
    t3 = parsed.table(3)
    # rows: lines 376-387 (12), 399-410 (12), 422-433 (12), 445-448 (4)
    assert len(t3) == 40
    assert list(t3["line"]) == list(range(376, 388)) + list(range(399, 411)) + list(range(422, 434)) + list(range(445, 449))
    total = t3.iloc[0]
    assert total["kind"] == "total" and pd.isna(total["code"]) and total["level"] == 0
    # line 376: 132,234 1,881 130,353 1,796 174 104
    assert [total[c] for c in ["total", "basic", "project", "procurement", "procurement_sme", "procurement_small_micro"]] == [
        132_234 * W, 1_881 * W, 130_353 * W, 1_796 * W, 174 * W, 104 * W]
    for col in ["total", "basic", "project", "procurement"]:
        assert str(t3[col].dtype) == "Int64"


def test_table3_rows(parsed):
    t3 = parsed.table(3).set_index("code", drop=False)
    # line 379: 2011301 行政运行 1,219 1,213 6 6 0 0
    r = t3.loc["2011301"]
    assert (r["name"], r["level"], r["total"], r["basic"], r["project"], r["procurement"]) == (
        "行政运行", 3, 1_219 * W, 1_213 * W, 6 * W, 6 * W)
    assert r["line"] == 379
    # line 408: 21208 国有土地使用权出让收入安排的支出★ — marker split off the name
    r = t3.loc["21208"]
    assert r["name"] == "国有土地使用权出让收入安排的支出" and r["marker"] == "★" and r["level"] == 2
    assert t3.loc["215", "marker"] == "★"  # line 424
    assert pd.isna(t3.loc["201", "marker"])
    # line 422: 21305 printed as 扶贫 in 表3
    assert t3.loc["21305", "name"] == "扶贫"
    assert t3.loc["2170199", "procurement"] == 554 * W  # line 431


def test_page_breaks_do_not_duplicate_rows(parsed):
    for n in (1, 3, 6, 7, 8):
        df = parsed.table(n)
        assert not df.duplicated(subset=[c for c in ["side", "line"] if c in df.columns]).any()
        # no header text ever becomes a row
        assert not df["name"].isin(["科目名称", "项目", "项 目", "预算单位"]).any()


# ----------------------------------------------------------------- 表7, 8, 10, 11


def test_table7(parsed):
    t7 = parsed.table(7)
    assert len(t7) == 13 + 14 + 10  # lines 534-546, 557-570, 581-590
    assert t7.iloc[0][["total", "basic", "project"]].tolist() == [131_234 * W, 1_881 * W, 129_353 * W]  # line 534
    # 表7 has no 212 城乡社区支出 (the 政府性基金 money is in 表10)
    assert "212" not in set(t7["code"].dropna())


def test_table8_economic(parsed):
    t8 = parsed.table(8).set_index("code")
    assert len(t8) == 1 + 31  # total row + lines 602-613, 624-637, 648-652
    assert t8.loc["312", "total"] == 121_502 * W  # line 651
    assert t8.loc["30228", ["total", "basic", "project"]].tolist() == [36 * W, 25 * W, 11 * W]  # line 632
    assert set(t8["level"].dropna()) == {0, 1, 2}
    assert t8.loc["309", "name"] == "资本性支出（基本建设）"  # line 637


def test_table10_and_11(parsed):
    t10 = parsed.table(10)
    assert t10["code"].dropna().tolist() == ["212", "21208", "2120804"]  # lines 680-682
    assert t10["total"].tolist() == [1_000 * W] * 4
    t11 = parsed.table(11)
    assert len(t11) == 1 and t11.iloc[0][["total", "basic", "project"]].tolist() == [0, 0, 0]  # line 695
    assert t11.attrs["notes"] == ["注：本表本年无发生额。"]  # line 697
    assert "本表本年无发生额" in parsed.notes.set_index("line").loc[697, "text"]


# ----------------------------------------------------------------- 表1 / 表6


def test_table1_sides(parsed):
    t1 = parsed.table(1)
    inc = t1[t1["side"] == "income"]
    exp = t1[t1["side"] == "expenditure"]
    assert len(inc) == 14  # lines 286-296 (11) + 358-360 (3)
    assert len(exp) == 42  # lines 286-296, 308-320, 332-344, 356-360
    by_name = inc.set_index("name")["amount"]
    assert by_name["政府预算拨款"] == 132_234 * W  # line 286
    assert by_name["一般公共预算拨款"] == 131_234 * W  # line 287
    assert by_name["政府性基金预算拨款"] == 1_000 * W  # line 288
    assert by_name["收入总计"] == 132_234 * W  # line 360
    assert inc.set_index("name").loc["政府预算拨款", "level"] == 1
    assert inc.set_index("name").loc["一般公共预算拨款", "level"] == 2
    totals = exp[exp["kind"] != "item"].set_index("name")["amount"]
    assert totals["本年支出合计"] == 132_234 * W and totals["结转下年"] == 0 and totals["支出总计"] == 132_234 * W


def test_table1_expenditure_lines_get_codes(parsed):
    exp = parsed.table(1)
    exp = exp[(exp["side"] == "expenditure") & (exp["kind"] == "item")].set_index("line")
    assert exp["code"].notna().all()
    # the same printed name at two levels (lines 293-294)
    assert exp.loc[293, "code"] == "20699" and exp.loc[294, "code"] == "2069999"
    # renamed 款 (line 320: printed as 巩固脱贫攻坚成果衔接乡村振兴, 表3 line 422 prints 扶贫)
    assert exp.loc[320, "code"] == "21305"
    assert exp.loc[356, "code"] == "2210201"  # 住房公积金 after a page break
    assert exp.loc[286, "level"] == 1 and exp.loc[287, "level"] == 2 and exp.loc[288, "level"] == 3


def test_table1_matches_table3_line_by_line(parsed):
    """Every functional line of 表1 has the 表3 amount of the same code (both printed)."""
    t1 = parsed.table(1)
    t1 = t1[(t1["side"] == "expenditure") & (t1["kind"] == "item")].set_index("code")["amount"]
    t3 = parsed.table(3).dropna(subset=["code"]).set_index("code")["total"]
    assert sorted(t1.index) == sorted(t3.index)
    assert (t1.sort_index() == t3.sort_index()).all()


def test_table6(parsed):
    t6 = parsed.table(6)
    inc = t6[t6["side"] == "income"].set_index("name")["amount"]
    assert inc["政府预算拨款"] == 132_234 * W and inc["国有资本经营预算拨款"] == 0  # lines 460, 463
    assert len(t6[t6["side"] == "expenditure"]) == 42


# ----------------------------------------------------------------- 表9


def test_table9(parsed):
    t9 = parsed.table(9).set_index("period")
    # line 664: 2022 年 5.5 0 2 3.5 0 3.5
    assert t9.loc["2022 年", ["total", "outbound", "reception", "vehicle", "vehicle_purchase", "vehicle_operation"]].tolist() == [
        55_000, 0, 20_000, 35_000, 0, 35_000]
    assert t9.loc["2023 年", "year"] == 2023 and t9.loc["2023 年", "total"] == 80_000  # line 665
    assert t9.loc["增减变化金额", "reception"] == -10_000 and t9.loc["增减变化金额", "kind"] == "change"  # line 666


# ----------------------------------------------------------------- provenance


def test_every_row_points_at_its_source_line(parsed, raw_lines):
    for n in parsed.meta["published"]:
        df = parsed.table(n)
        for row in df.itertuples():
            text = "\n".join(raw_lines[row.line - 1 : row.line_end])
            label = getattr(row, "label", None) or getattr(row, "name", None) or getattr(row, "task", None) or getattr(row, "period")
            assert str(label)[:6] in text, (n, row.line, label)


def test_amounts_match_source_cells(parsed, raw_lines):
    """Independent check: re-read each 表3 row's printed numbers from its line."""
    t3 = parsed.table(3)
    for row in t3.itertuples():
        cells = raw_lines[row.line - 1].split("\t")[3:]  # 预算单位, 科目编码, 科目名称 come first
        assert all(re.fullmatch(r"[\d,]+", c.strip()) for c in cells)
        printed = [int(c.replace(",", "")) * W for c in cells]
        assert printed == [row.total, row.basic, row.project, row.procurement, row.procurement_sme,
                           row.procurement_small_micro]


def test_source_lines(parsed):
    assert "132,234" in parsed.source_lines(376)
    assert parsed.source_lines(376, 377, numbered=False).startswith("深圳市龙华区工业和信息化局\t")


def test_results_are_copies(parsed):
    t3 = parsed.table(3)
    t3.loc[0, "total"] = 1
    del t3["basic"]
    assert parsed.table(3).loc[0, "total"] == 132_234 * W
    assert "basic" in parsed.table(3).columns


# ----------------------------------------------------------------- bad input


def test_bad_amount_names_table_and_line(raw_lines):
    text = _mutate(raw_lines, l379="\t2011301\t行政运行\t1,2l9\t1,213\t6\t6\t0\t0")
    with pytest.raises(AmountError) as info:
        bk.parse_text(text)
    msg = str(info.value)
    assert "表3 支出总表" in msg and "line 379" in msg and "1,2l9" in msg


def test_malformed_code_names_table_and_line(raw_lines):
    text = _mutate(raw_lines, l380="\t20113O2\t一般行政管理事务\t2,941\t0\t2,941\t490\t0\t0")
    with pytest.raises(CodeError, match=r"表3 支出总表, line 380"):
        bk.parse_text(text)


def test_economic_code_in_function_table(raw_lines):
    text = _mutate(raw_lines, l380="\t30201\t办公费\t2,941\t0\t2,941\t490\t0\t0")
    with pytest.raises(CodeError, match=r"line 380"):
        bk.parse_text(text)


def test_unplaced_number(raw_lines):
    text = _mutate(raw_lines, l537="\t2011301\t行政运行\t1,219\t1,213\t6\t99")
    with pytest.raises(UnplacedNumberError, match=r"表7 .*line 537.*99"):
        bk.parse_text(text)


def test_amount_without_label(raw_lines):
    text = _mutate(raw_lines, l308="\t7\t机关事业单位基本养老保险缴费支出\t95")
    with pytest.raises(UnplacedNumberError, match=r"表1 收支总表, line 308"):
        bk.parse_text(text)


def test_table_missing_its_header(raw_lines):
    # drop 表7's first 单位 line (531) and its 部门名称 line (529)
    text = _mutate(raw_lines, l531=None, l529=None)
    with pytest.raises(ParseError, match=r"表7 .*(header|单位)"):
        bk.parse_text(text)


def test_truncated_in_a_table(raw_lines):
    text = "\n".join(raw_lines[:503])  # stops inside 表6's second page, before its totals
    with pytest.raises(ParseError, match=r"表6 .*收入总计.*truncated"):
        bk.parse_text(text)


def test_truncated_before_tables(raw_lines):
    with pytest.raises(TemplateError):
        bk.parse_text("\n".join(raw_lines[:250]))


def test_empty_and_foreign_documents(tmp_path):
    with pytest.raises(TemplateError, match="empty"):
        bk.parse_text("")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"empty\.txt.*empty"):
        bk.parse_text(empty)
    shanghai = "上海市普陀区商务委员会\n2025年部门预算\n目录\n一、部门财务收支预算总表\n单位：元\n"
    with pytest.raises(TemplateError, match="template"):
        bk.parse_text(shanghai)
    with pytest.raises(TemplateError, match="no such file"):
        bk.parse_text(tmp_path / "missing.txt")


def test_repeated_header_must_agree(raw_lines):
    text = _mutate(raw_lines, l443="预算单位\t科目编码\t科目名称\t支出总计\t项目支出\t基本支出")
    with pytest.raises(ParseError, match=r"表3 .*line 435.*header"):
        bk.parse_text(text)


def test_unknown_code_is_reported_not_dropped(raw_lines):
    # 2011388 is well formed but not a 2023 科目 (not in the reference list): kept with its printed name, listed in meta["warnings"]
    text = _mutate(raw_lines, l380="\t2011388\t一般行政管理事务\t2,941\t0\t2,941\t490\t0\t0")
    b = bk.parse_text(text)
    assert b.table(3).set_index("line").loc[380, "code"] == "2011388"
    assert any("line 380" in w and "2011388" in w for w in b.meta["warnings"])
    with pytest.raises(CodeError, match=r"表3 支出总表, line 380.*2011388"):
        bk.parse_text(text, strict=True)

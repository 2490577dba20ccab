"""Tests of budgetkit.codes.

Expected values come from the seed document
``data/raw/2023-longhua-iit-department-budget.txt`` (line numbers quoted) or
from arithmetic done by hand. The seed tables are read here with a plain tab
split, independent of any budgetkit parser.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetkit import codes
from budgetkit.codes import (
    LEVEL_NAMES,
    Code,
    check_name,
    children,
    lookup,
    name,
    parse,
    reference,
    rollup,
    walk,
)
from budgetkit.errors import BudgetkitError, CodeError, DataError

SEED = Path(__file__).resolve().parents[1] / "data" / "raw" / "2023-longhua-iit-department-budget.txt"
WAN = 10_000  # 元 per 万元


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").split("\n")


def cells(lines: list[str], n: int) -> list[str]:
    """Cells of 1-based source line ``n``, split on tabs and stripped."""
    return [c.strip() for c in lines[n - 1].split("\t")]


def seed_code_rows(lines: list[str], start: int, end: int) -> list[tuple[int, str, str]]:
    """(line, code, printed name) of the rows in [start, end] whose 科目编码 cell is digits."""
    out = []
    for n in range(start, end + 1):
        c = cells(lines, n)
        if len(c) > 2 and c[1].isdigit():
            out.append((n, c[1], c[2]))
    return out


def seed_table(lines: list[str], start: int, end: int, ncols: int) -> pd.DataFrame:
    """A seed table as a tidy frame: code (NA for the unit total row), name, v0.. in 元."""
    rows = []
    for n in range(start, end + 1):
        c = cells(lines, n)
        if len(c) < 3 + ncols:
            continue
        values = c[3 : 3 + ncols]
        if not all(v.replace(",", "").isdigit() for v in values):
            continue  # headers
        rows.append(
            {"line": n, "code": c[1] or None, "name": c[2],
             **{f"v{i}": int(v.replace(",", "")) * WAN for i, v in enumerate(values)}}
        )
    df = pd.DataFrame(rows)
    df["code"] = df["code"].astype("string")
    for i in range(ncols):
        df[f"v{i}"] = df[f"v{i}"].astype("Int64")
    return df


@pytest.fixture(scope="module")
def t3(seed_lines) -> pd.DataFrame:
    # 表3 支出总表, lines 376-448: 6 value columns (支出总计, 基本支出, 项目支出, 政府采购 小计/中小企业/小微企业)
    return seed_table(seed_lines, 376, 448, 6)


@pytest.fixture(scope="module")
def t7(seed_lines) -> pd.DataFrame:
    # 表7 一般公共预算支出表（按功能分类）, lines 534-590
    return seed_table(seed_lines, 534, 590, 3)


@pytest.fixture(scope="module")
def t8(seed_lines) -> pd.DataFrame:
    # 表8 一般公共预算支出表（按经济分类）, lines 601-652
    return seed_table(seed_lines, 601, 652, 3)


def published(df: pd.DataFrame, digits: int) -> pd.DataFrame:
    """The published rows of one level (codes with ``digits`` digits), in code order."""
    sel = df[df["code"].notna() & (df["code"].str.len() == digits)]
    return sel.sort_values("code").reset_index(drop=True)


# --------------------------------------------------------------------------
# parse
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["2011301", "201 13 01", "201\t13\t01", "20113 01", 2011301, np.int64(2011301),
     "２０１１３０１", "  2011301\n", "\u30002011301\u3000", "２０１　１３　０１"],
)
def test_parse_accepts_the_printed_forms(raw):
    c = parse(raw)
    assert c.code == "2011301"
    assert c.system == "function"
    assert c.level == 3
    assert c.name == "行政运行"  # line 379
    assert c.known


def test_parse_returns_a_code_unchanged():
    c = parse("30108")
    assert parse(c) is c
    assert parse(c, system="economic") is c


@pytest.mark.parametrize(
    "raw",
    [
        "", "   ", "\t",                       # empty
        "abc", "20113a", "2011301 行政运行", "201-13", "201,13", "2O1",  # letters / punctuation
        "2011", "201130", "20113011", "2", "20",  # wrong length
        "201 13 01 01",                         # nine digits
        "3010101", "301 01 01",                  # economic codes have no 项
        "101", "401", "501", "000", "9011301",   # first digit neither 2 nor 3
        "20 113", "2011 301", "2 0113",          # split off level boundaries
        "20100", "2010100", "2011300", "30100",  # zero segments
        "-201", -201, None, True, False, 2.0, 201.5, b"201", ["201"],
        "٢٠١",                                   # Arabic-Indic digits are not code digits
    ],
)
def test_parse_rejects_malformed_codes(raw):
    with pytest.raises(CodeError):
        parse(raw)


def test_malformed_messages_say_what_is_wrong():
    with pytest.raises(CodeError, match="3 \\(类\\), 5 \\(款\\) or 7 \\(项\\) digits"):
        parse("2011")
    with pytest.raises(CodeError, match="only have 类 .* and 款"):
        parse("3010101")
    with pytest.raises(CodeError, match="empty"):
        parse("  ")
    with pytest.raises(CodeError, match="digits only"):
        parse("20113a")


def test_parse_checks_the_system_when_given():
    assert parse("301", system="economic").system == "economic"
    with pytest.raises(CodeError, match="expected"):
        parse("301", system="function")
    with pytest.raises(CodeError, match="expected"):
        parse("2011301", system="economic")
    with pytest.raises(CodeError, match="expected"):
        parse(parse("30101"), system="function")
    with pytest.raises(CodeError, match="unknown classification system"):
        parse("201", system="functional")


def test_code_error_is_a_budgetkit_error():
    assert issubclass(CodeError, BudgetkitError)


def test_unknown_but_well_formed_codes_parse():
    c = parse("2999999")
    assert (c.code, c.level, c.known, c.name, c.aliases) == ("2999999", 3, False, None, ())
    assert c.parent.code == "29999" and not c.parent.known
    assert c.parent.parent.code == "299"
    assert str(c) == "2999999"
    assert name("2999999") is None
    with pytest.raises(CodeError, match="not in budgetkit"):
        lookup("2999999")
    with pytest.raises(CodeError):
        lookup("abc")  # malformed stays malformed


def test_first_digit_decides_the_system():
    assert parse("201").system == "function"
    assert parse("399").system == "economic"
    assert parse("30907").system == "economic"


# --------------------------------------------------------------------------
# Code: levels, parents, names
# --------------------------------------------------------------------------


def test_levels_and_parents():
    assert LEVEL_NAMES == {"function": {1: "类", 2: "款", 3: "项"}, "economic": {1: "类", 2: "款"}}
    c = parse("2080505")  # line 399
    assert c.level == 3 and c.level_name == "项"
    assert c.parent.code == "20805" and c.parent.level == 2 and c.parent.level_name == "款"
    assert c.parent.parent.code == "208" and c.parent.parent.level_name == "类"
    assert c.parent.parent.parent is None
    assert [a.code for a in c.ancestors()] == ["208", "20805"]
    assert c.segments == ("208", "05", "05")
    assert c.ancestor(1).code == "208" and c.ancestor("款").code == "20805" and c.ancestor(3) is c
    e = parse("30108")
    assert (e.level, e.level_name, e.parent.code) == (2, "款", "301")
    assert parse("301").ancestors() == ()
    with pytest.raises(CodeError):
        parse("201").ancestor(2)
    with pytest.raises(CodeError):
        e.ancestor("项")


def test_is_ancestor_of():
    assert parse("201").is_ancestor_of("2011301")
    assert parse("20113").is_ancestor_of(2011301)
    assert not parse("2011301").is_ancestor_of("2011301")
    assert not parse("2011301").is_ancestor_of("201")
    assert not parse("206").is_ancestor_of("2011301")
    assert not parse("20113").is_ancestor_of("2011401")


def test_direct_construction_is_validated():
    top = Code("201", "function", 1, None, "一般公共服务支出", (), True)
    assert Code("20113", "function", 2, top).parent == top
    with pytest.raises(CodeError):
        Code("20113", "function", 2, None)         # parent missing
    with pytest.raises(CodeError):
        Code("20613", "function", 2, top)          # wrong parent
    with pytest.raises(CodeError):
        Code("201", "economic", 1)                 # wrong system
    with pytest.raises(CodeError):
        Code("201", "function", 2)                 # wrong level
    with pytest.raises(CodeError):
        Code("20a", "function", 1)                 # not digits
    with pytest.raises(CodeError):
        Code("201", "function", 1, None, "x", ["y"])  # aliases must be a tuple


def test_codes_compare_and_sort_by_code():
    assert parse("201 13") == parse("20113")
    assert len({parse("20113"), parse(20113), parse("２０１１３")}) == 1
    order = ["206", "2011301", "201", "20699", "20113"]
    assert [c.code for c in sorted(map(parse, order))] == ["201", "20113", "2011301", "206", "20699"]


def test_str():
    assert str(parse("30907")) == "30907 信息网络及软件购置更新"  # line 648


def test_the_poverty_relief_rename():
    c = parse("21305")
    assert c.name == "巩固脱贫攻坚成果衔接乡村振兴"
    assert "扶贫" in c.aliases
    d = parse("2130599")
    assert d.name == "其他巩固脱贫攻坚成果衔接乡村振兴支出"
    assert "其他扶贫支出" in d.aliases
    assert check_name("2130599", "其他扶贫支出") == "alias"


def test_rename_as_printed_in_the_seed(seed_lines):
    # 表3 line 422 and 表7 line 565 print the former name 扶贫 for 21305
    for n in (422, 565):
        c = cells(seed_lines, n)
        assert c[1] == "21305"
        assert c[2] == "扶贫"
        assert check_name(c[1], c[2]) == "alias"
        assert parse(c[1]).matches_name(c[2])
    # 表1 line 320 and 表6 line 494 print the current name (no code column there)
    for n in (320, 494):
        printed = cells(seed_lines, n)[2]
        assert printed == "巩固脱贫攻坚成果衔接乡村振兴"
        assert check_name("21305", printed) == "same"


def test_matches_name_ignores_markers_and_white_space(seed_lines):
    c = cells(seed_lines, 424)  # 215 资源勘探工业信息等支出★
    assert c[2].endswith("★")
    assert parse(c[1]).matches_name(c[2])
    assert check_name(c[1], c[2]) == "same"
    assert parse("20113").matches_name(" 商贸 事务 ")
    assert parse("30213").matches_name("维修(护)费")  # half-width parentheses
    assert parse("20113").matches_name("<p>商贸事务</p>")
    assert not parse("20113").matches_name("商贸")
    assert not parse("20113").matches_name("")
    assert not parse("20113").matches_name(None)
    assert not parse("2999999").matches_name("行政运行")


def test_check_name_different_and_unknown():
    assert check_name("2011301", "一般行政管理事务") == "different"
    assert check_name("2011301", "") == "different"
    with pytest.raises(CodeError):
        check_name("2999999", "x")


def test_name_function():
    assert name("2150517") == "产业发展"      # line 428
    assert name(31299) == "其他对企业补助"      # line 652


# --------------------------------------------------------------------------
# Every seed code is known and printed with its official name
# --------------------------------------------------------------------------

SEED_TABLES = {
    "表3": (376, 448),
    "表7": (534, 590),
    "表8": (601, 652),
    "表10": (679, 682),
}


def test_seed_row_counts(seed_lines):
    # Guards the tab-split helper: code rows counted by hand from the line ranges.
    counts = {t: len(seed_code_rows(seed_lines, *r)) for t, r in SEED_TABLES.items()}
    # 表3: 377-387 (11) + 399-410 (12) + 422-433 (12) + 445-448 (4)
    # 表7: 535-546 (12) + 557-570 (14) + 581-590 (10)
    # 表8: 602-613 (12) + 624-637 (14) + 648-652 (5)
    # 表10: 680-682 (3)
    assert counts == {"表3": 39, "表7": 36, "表8": 31, "表10": 3}


@pytest.mark.parametrize("table", list(SEED_TABLES))
def test_every_seed_code_is_known_with_its_printed_name(seed_lines, table):
    for n, code, printed in seed_code_rows(seed_lines, *SEED_TABLES[table]):
        c = lookup(code)
        assert c.system == ("economic" if table == "表8" else "function"), n
        expected = "alias" if code == "21305" else "same"  # lines 422 and 565 print 扶贫
        assert check_name(code, printed) == expected, f"line {n}: {code} {printed}"


def test_seed_code_systems(seed_lines):
    t8_codes = {c for _, c, _ in seed_code_rows(seed_lines, 601, 652)}
    assert all(parse(c, system="economic") for c in t8_codes)
    assert {"30108", "30109"} <= t8_codes  # lines 606-607
    assert name("30108") == "机关事业单位基本养老保险缴费"
    assert name("30109") == "职业年金缴费"


# --------------------------------------------------------------------------
# children / walk / reference
# --------------------------------------------------------------------------


def test_children_from_the_reference():
    kids = children("20113")
    codes_ = [c.code for c in kids]
    assert {"2011301", "2011302", "2011304", "2011399"} <= set(codes_)  # lines 379-382
    assert codes_ == sorted(codes_)
    assert all(k.parent.code == "20113" for k in kids)
    assert [c.code for c in children("2011301")] == []
    assert {c.code for c in children("301")} >= {"30101", "30108", "30109", "30199"}


def test_children_among_a_table(t3):
    assert [c.code for c in children("20113", among=t3["code"])] == [
        "2011301", "2011302", "2011304", "2011399"  # lines 379-382
    ]
    assert [c.code for c in children("215", among=t3["code"])] == ["21502", "21505"]  # lines 425, 427
    assert children("206", among=["201", None, pd.NA, "20699", "2069999"]) == [parse("20699")]
    with pytest.raises(CodeError):
        children("201", among=["20113", "2011x"])
    with pytest.raises(CodeError):
        children("201", among="20113")


def test_walk(t3):
    assert [c.code for c in walk("201", among=t3["code"])] == [
        "20113", "2011301", "2011302", "2011304", "2011399"  # lines 378-382
    ]
    assert [c.code for c in walk("221", among=t3["code"])] == ["22102", "2210201", "2210203"]  # 446-448
    seen: set[str] = {"221"}
    for c in walk("221"):
        assert c.parent.code in seen  # pre-order: parents first
        seen.add(c.code)
    assert "2210202" in seen


def test_reference_frames():
    for system in ("function", "economic"):
        ref = reference(system)
        assert list(ref.columns) == ["code", "name", "level", "parent", "aliases", "note"]
        assert [str(ref[c].dtype) for c in ("code", "name", "level", "parent", "note")] == [
            "string", "string", "Int64", "string", "string"]
        assert not (ref["note"] == "").any()  # no note is NA, never ""
        assert ref["code"].is_unique
        assert list(ref["code"]) == sorted(ref["code"])
        for row in ref.itertuples():
            c = parse(row.code, system=system)
            assert c.known and c.name == row.name and c.level == row.level
            assert (c.parent.code if c.parent else None) == (None if pd.isna(row.parent) else row.parent)
            assert isinstance(row.aliases, tuple)
    with pytest.raises(CodeError):
        reference("revenue")


def test_reference_returns_a_copy():
    ref = reference("economic")
    ref.loc[0, "name"] = "changed"
    assert reference("economic").loc[0, "name"] == "工资福利支出"


def test_reference_covers_the_classes():
    eco = reference("economic")
    eco_classes = dict(zip(eco.loc[eco["level"] == 1, "code"], eco.loc[eco["level"] == 1, "name"]))
    assert eco_classes == {
        "301": "工资福利支出", "302": "商品和服务支出", "303": "对个人和家庭的补助",
        "307": "债务利息及费用支出", "309": "资本性支出（基本建设）", "310": "资本性支出",
        "311": "对企业补助（基本建设）", "312": "对企业补助", "313": "对社会保障基金补助",
        "399": "其他支出",
    }
    assert (eco["level"] <= 2).all()
    fn = reference("function")
    classes = fn[fn["level"] == 1]
    assert classes["code"].map(int).between(201, 234).all()
    # the 类 the seed prints (表3 lines 377-445)
    for code, printed in [("201", "一般公共服务支出"), ("206", "科学技术支出"), ("208", "社会保障和就业支出"),
                          ("210", "卫生健康支出"), ("211", "节能环保支出"), ("212", "城乡社区支出"),
                          ("213", "农林水支出"), ("215", "资源勘探工业信息等支出"), ("217", "金融支出"),
                          ("221", "住房保障支出")]:
        assert check_name(code, printed) == "same"
    assert len(classes) >= 25


def _csv(*rows: str) -> str:
    return "\n".join(["code,name,level,parent,aliases,note", *rows]) + "\n"


@pytest.mark.parametrize(
    "text, line",
    [
        (_csv("201,一般公共服务支出,1,,,", "20113,商贸事务,3,201,,"), 3),         # wrong level
        (_csv("201,一般公共服务支出,1,,,", "20113,商贸事务,2,206,,"), 3),         # wrong parent
        (_csv("20113,商贸事务,2,201,,"), 2),                                        # parent not listed
        (_csv("201,一般公共服务支出,1,,,", "201,一般公共服务支出,1,,,"), 3),      # listed twice
        (_csv("201,,1,,,"), 2),                                                     # no name
        (_csv("2O1,x,1,,,"), 2),                                                    # not digits
        (_csv("301,工资福利支出,1,,,"), 2),                                         # other system
        (_csv("201,一般公共服务支出,1,,"), 2),                                      # too few columns
        ("code,name\n201,x\n", 1),                                                  # bad header
    ],
)
def test_reference_lists_are_validated(text, line):
    with pytest.raises(DataError) as info:
        codes._parse_reference_csv(text, "function", "test.csv")
    assert info.value.file == "test.csv"
    assert info.value.line == line
    assert f"line {line}" in str(info.value)


def test_reference_list_parser_accepts_aliases():
    entries = codes._parse_reference_csv(
        _csv("213,农林水支出,1,,,", "21305,巩固脱贫攻坚成果衔接乡村振兴,2,213,扶贫; 旧名 ,note"),
        "function", "test.csv",
    )
    assert entries["21305"].aliases == ("扶贫", "旧名")


# --------------------------------------------------------------------------
# rollup
# --------------------------------------------------------------------------


def test_seed_table_helper(t3):
    assert len(t3) == 40                       # 39 code rows + the unit row, line 376
    assert t3["code"].isna().sum() == 1
    assert t3.loc[t3["code"].isna(), "v0"].item() == 132_234 * WAN  # line 376


def test_rollup_t3_to_class_reproduces_the_published_class_rows(t3):
    got = rollup(t3, 1)
    want = published(t3, 3)  # 类 rows: lines 377, 383, 386, 401, 404, 407, 410, 424, 429, 445
    assert list(got.columns) == ["code", "name", "level", "v0", "v1", "v2", "v3", "v4", "v5"]
    assert list(got["code"]) == list(want["code"])
    assert (got["level"] == 1).all()
    assert [str(got[c].dtype) for c in ("code", "name", "level")] == ["string", "string", "Int64"]
    for col in ["v0", "v1", "v2", "v3", "v4", "v5"]:
        assert str(got[col].dtype) == "Int64"
        assert list(got[col]) == list(want[col]), col
    assert got.loc[got["code"] == "215", "v0"].item() == 62_103 * WAN  # line 424


def test_rollup_t3_to_subclass_reproduces_the_published_subclass_rows(t3):
    got = rollup(t3, "款")
    want = published(t3, 5)
    assert list(got["code"]) == list(want["code"])
    for col in ["v0", "v1", "v2", "v3", "v4", "v5"]:
        assert list(got[col]) == list(want[col]), col
    assert got.loc[got["code"] == "21305", "name"].item() == "巩固脱贫攻坚成果衔接乡村振兴"


def test_rollup_does_not_double_count(t3):
    total = t3[t3["code"].isna()].iloc[0]   # line 376: 132,234 1,881 130,353 1,796 174 104
    got = rollup(t3, 1)
    for col, wan in zip(["v0", "v1", "v2", "v3", "v4", "v5"], [132_234, 1_881, 130_353, 1_796, 174, 104]):
        assert got[col].sum() == wan * WAN == total[col]
    # Summing every printed row instead counts each amount three times:
    # each 项 is also inside its 款 row and its 类 row.
    naive = t3.loc[t3["code"].notna(), "v0"].sum()
    assert naive == 3 * 132_234 * WAN
    # Rolling up to 项 keeps exactly the 项 rows.
    leaves = rollup(t3, 3)
    assert list(leaves["code"]) == list(published(t3, 7)["code"])
    assert leaves["v0"].sum() == 132_234 * WAN


def test_rollup_does_not_mutate_its_input(t3):
    before = t3.copy(deep=True)
    rollup(t3, 1)
    rollup(t3, 2, value_cols=["v0"])
    pd.testing.assert_frame_equal(t3, before)


def test_rollup_t7(t7):
    got = rollup(t7, 1)
    want = published(t7, 3)
    for col in ["v0", "v1", "v2"]:
        assert list(got[col]) == list(want[col])
    assert got["v0"].sum() == 131_234 * WAN  # line 534


def test_rollup_t8_economic_shows_the_rounding_of_302(t8):
    got = rollup(t8, 1).set_index("code")
    want = published(t8, 3).set_index("code")
    assert list(got.index) == ["301", "302", "309", "310", "312"]
    # Sums of the 款 rows, by hand:
    # 302 支出总计: 110+473+16+87+19+152+39+1+561+3224+36+3+7+22+2753 = 7503 (line 611 prints 7,502)
    # 302 项目支出: 90+473+87+152+39+561+3224+11+2753 = 7390 (line 611 prints 7,389)
    assert got.loc["302", "v0"] == 7_503 * WAN
    assert got.loc["302", "v1"] == 113 * WAN
    assert got.loc["302", "v2"] == 7_390 * WAN
    assert want.loc["302", "v0"] == 7_502 * WAN and want.loc["302", "v2"] == 7_389 * WAN
    for code in ["301", "309", "310", "312"]:
        for col in ["v0", "v1", "v2"]:
            assert got.loc[code, col] == want.loc[code, col], (code, col)
    # 款 rows are the leaves: rolling up to 款 gives them back unchanged.
    kuan = rollup(t8, 2)
    assert list(kuan["v0"]) == list(published(t8, 5)["v0"])


def test_rollup_default_value_columns_skip_bookkeeping(t3):
    df = t3.assign(level=t3["code"].str.len().map({3: 1, 5: 2, 7: 3}).astype("Int64"),
                   line_end=t3["line"], table=pd.array([3] * len(t3), dtype="Int64"))
    got = rollup(df, 1)
    # integer columns, but not money: never summed by default
    assert list(got.columns) == ["code", "name", "level", "v0", "v1", "v2", "v3", "v4", "v5"]
    assert (got["level"] == 1).all()


def test_rollup_custom_code_column_and_numpy_ints(t3):
    df = t3.rename(columns={"code": "科目编码"})
    df["v0"] = df["v0"].astype("int64")
    got = rollup(df, "类", code_col="科目编码", value_cols=["v0"])
    assert list(got.columns) == ["code", "name", "level", "v0"]
    assert got["v0"].dtype == np.dtype("int64")
    assert list(got["v0"]) == list(published(t3, 3)["v0"])


def test_rollup_by_group(seed_lines):
    t10 = seed_table(seed_lines, 679, 682, 3)  # 表10, lines 679-682
    two = pd.concat([t10.assign(unit="A"), t10.assign(unit="B")], ignore_index=True)
    with pytest.raises(DataError, match="appears twice"):
        rollup(two, 1)
    got = rollup(two, 1, by=["unit"])
    assert list(got.columns) == ["unit", "code", "name", "level", "v0", "v1", "v2"]
    assert list(got["unit"]) == ["A", "B"]
    assert list(got["v0"]) == [1_000 * WAN, 1_000 * WAN]  # line 680


def test_rollup_propagates_missing_values(t3):
    df = t3.copy()
    df.loc[df["code"] == "2011302", "v1"] = pd.NA
    got = rollup(df, 1).set_index("code")
    assert pd.isna(got.loc["201", "v1"])
    assert got.loc["201", "v0"] == 10_259 * WAN  # line 377
    assert got.loc["206", "v1"] == 0              # line 383


def test_rollup_names_unknown_codes_from_the_table():
    df = pd.DataFrame({"code": ["299", "29999", "2999999"], "name": ["甲", "乙", "丙"],
                       "v": pd.array([5, 5, 5], dtype="Int64")})
    got = rollup(df, 2)
    assert got.to_dict("list") == {"code": ["29999"], "name": ["乙"], "level": [2], "v": [5]}


def test_rollup_errors(t3):
    with pytest.raises(DataError, match="no column"):
        rollup(t3, 1, code_col="科目编码")
    with pytest.raises(DataError, match="no column"):
        rollup(t3, 1, value_cols=["v9"])
    floats = t3.assign(f=t3["v0"].astype("float64"))
    with pytest.raises(DataError, match="dtype float64"):
        rollup(floats, 1, value_cols=["f"])
    with pytest.raises(CodeError):
        rollup(t3, 4)
    with pytest.raises(CodeError):
        rollup(t3, "目")
    bad = t3.copy()
    bad.loc[bad["line"] == 380, "code"] = "20113x"
    with pytest.raises(CodeError, match="source line 380") as info:
        rollup(bad, 1, file="seed.txt", table="表3")
    assert info.value.file == "seed.txt" and info.value.table == "表3"
    mixed = pd.DataFrame({"code": ["201", "301"], "v": pd.array([1, 1], dtype="Int64")})
    with pytest.raises(DataError, match="mixes"):
        rollup(mixed, 1)
    coarse = pd.DataFrame({"code": ["201", "206", "20699"], "v": pd.array([1, 2, 2], dtype="Int64")})
    with pytest.raises(DataError, match="cannot be rolled"):
        rollup(coarse, 2)
    with pytest.raises(DataError, match="no classified rows"):
        rollup(t3[t3["code"].isna()], 1)
    with pytest.raises(DataError):
        rollup([1, 2], 1)
    with pytest.raises(CodeError):
        rollup(t8_like := pd.DataFrame({"code": ["301"], "v": pd.array([1], dtype="Int64")}), 3)
    assert len(t8_like) == 1


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet="0123456789 ２３０１\t　"), st.integers()))
def test_parse_returns_a_code_or_raises_code_error(raw):
    try:
        c = parse(raw)
    except CodeError:
        return
    assert isinstance(c, Code)
    assert c.code.isascii() and c.code.isdigit() and len(c.code) in (3, 5, 7)
    assert c.system == {"2": "function", "3": "economic"}[c.code[0]]


_segment = st.integers(1, 99).map(lambda n: f"{n:02d}")


@st.composite
def valid_codes(draw):
    first = draw(st.sampled_from("23"))
    head = first + draw(_segment)
    depth = draw(st.integers(1, 3 if first == "2" else 2))
    return head + "".join(draw(_segment) for _ in range(depth - 1))


@settings(max_examples=200, deadline=None)
@given(valid_codes())
def test_valid_codes_round_trip(code):
    c = parse(code)
    assert c.code == code
    assert c.level == {3: 1, 5: 2, 7: 3}[len(code)]
    assert parse(" ".join(c.segments)) == c
    assert parse(int(code)) == c
    assert parse(code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))) == c
    assert [a.code for a in c.ancestors()] == [code[:n] for n in (3, 5) if n < len(code)]
    assert all(a.is_ancestor_of(c) for a in c.ancestors())

"""budgetkit.money: exact parsing of published amounts into integer 元, and display helpers.

Expected values are the source document's figures converted by hand
(1 万元 = 10,000 元), e.g. 表3's 合计 132,234 万元 (line 376) and 表9's 公务接待费
5.5 万元 (line 664).
"""

from __future__ import annotations

import pandas as pd
import pytest

from budgetkit.errors import AmountError, BudgetkitError
from budgetkit.money import (
    decimals_of, format_wan, format_yi, format_yuan, is_amount, parse_amount, to_wan, wan,
)


@pytest.mark.parametrize("text, unit, yuan", [
    ("132,234", "万元", 1_322_340_000),        # 表3 合计, line 376
    ("613.2", "万元", 6_132_000),              # 基本工资, 第三部分
    ("5.5", "万元", 55_000),                   # 表9 公务接待费, line 664
    ("132233.84", "万元", 1_322_338_400),      # 表12 金额合计, line 722 (two decimals)
    ("9,389,913.00", "元", 9_389_913),         # a national-template 元 cell
    ("0", "万元", 0),
    ("-13", "万元", -130_000),
    ("－13", "万元", -130_000),                # full-width minus
    ("１,０００", "万元", 10_000_000),          # full-width digits and comma
    ("1 000", "元", 1_000),                    # a space inside the number
    ("1.5", "亿元", 150_000_000),
])
def test_parse_amount_is_exact(text, unit, yuan):
    value = parse_amount(text, unit)
    assert value == yuan and type(value) is int


@pytest.mark.parametrize("text", ["", "abc", "1,,0", "12,34", "1,0000", "1.2.3", ",100", "100,", "0,800,000.00",
                                  "-0,800"])
def test_parse_amount_rejects_what_is_not_an_amount(text):
    with pytest.raises(AmountError, match="not an amount") as info:
        parse_amount(text, "元")
    assert isinstance(info.value, BudgetkitError)


def test_a_leading_zero_before_thousands_separators_is_a_misprint_not_a_smaller_number():
    # "0,800,000.00" is 1,800,000.00 with its first digit corrupted: never read it as 800,000
    with pytest.raises(AmountError, match="cannot start with 0"):
        parse_amount("0,800,000.00", "元")
    assert parse_amount("0.5", "万元") == 5_000 and parse_amount("800,000.00", "元") == 800_000


def test_amounts_finer_than_one_yuan_are_refused_not_rounded():
    with pytest.raises(AmountError, match="not a whole number of 元"):
        parse_amount("1.23456", "万元")  # 12,345.6 元
    with pytest.raises(AmountError, match="not a whole number of 元"):
        parse_amount("31,214,205.80", "元")


def test_unknown_unit():
    with pytest.raises(AmountError, match="unknown currency unit"):
        parse_amount("1", "美元")


def test_is_amount_and_decimals():
    assert is_amount("1,000") and is_amount("5.5") and is_amount("-1") and not is_amount("有效促进")
    assert decimals_of("132233.84") == 2 and decimals_of("132,234") == 0 and decimals_of("5.5") == 1


def test_display_helpers():
    assert format_wan(1_322_340_000) == "132,234 万元"
    assert format_wan(55_000) == "5.5 万元"
    assert format_wan(1_322_338_400, unit=False) == "132,233.84"
    assert format_wan(1_322_340_000, decimals=1) == "132,234.0 万元"
    assert format_yi(1_322_340_000) == "13.22 亿元"
    assert format_yuan(80_000) == "80,000 元"
    assert to_wan(55_000) == 5.5 and to_wan(None) is None


def test_wan_converts_a_copy_of_the_money_columns_only():
    # 表3 line 377: 201 一般公共服务支出 10,259 万元
    df = pd.DataFrame({"code": pd.array(["201"], dtype="string"), "total": pd.array([102_590_000], dtype="Int64"),
                       "line": pd.array([377], dtype="Int64")})
    out = wan(df)
    assert out["total"].tolist() == [10_259.0] and out["line"].tolist() == [377] and out.attrs["unit"] == "万元"
    assert df["total"].tolist() == [102_590_000]  # the input is not changed

"""budgetkit.derive: tables the seed leaves out, derived from published ones and labelled as derived.

Expected amounts are read off the source text (line numbers cited), not from the code under test.
"""

from __future__ import annotations

import pandas as pd
import pytest

import budgetkit as bk
from budgetkit.derive import DERIVATIONS, derivable, derive_table
from budgetkit.errors import DataError, MissingTableError

W = 10_000


@pytest.fixture(scope="module")
def b():
    return bk.load()


def _labelled(df, source_label):
    assert df.attrs["derived"] is True and df.attrs["published"] is False
    assert df.attrs["derived_from"].startswith(source_label)
    assert "非公开表" in df.attrs["title"]
    assert df["derived_from"].str.startswith(source_label).all()
    assert df["derived_from"].notna().all()


def test_income_summary_from_table_1(b):
    t2 = derive_table(b, 2)
    _labelled(t2, "表1")
    assert t2.attrs["table"] == 2 and t2.attrs["key"] == "income"
    amounts = dict(zip(t2["name"], t2["amount"]))
    assert amounts["政府预算拨款"] == 132_234 * W           # line 286
    assert amounts["一般公共预算拨款"] == 131_234 * W       # line 287
    assert amounts["政府性基金预算拨款"] == 1_000 * W       # line 288
    assert amounts["国有资本经营预算拨款"] == 0            # line 289
    assert amounts["收入总计"] == 132_234 * W              # line 360
    assert list(t2["line"]) == list(range(286, 297)) + [358, 359, 360]
    assert t2.loc[t2["name"] == "一般公共预算拨款", "derived_from"].item() == "表1 第287行 收入方"


def test_basic_summary_from_table_3(b):
    t4 = derive_table(b, 4)
    _labelled(t4, "表3")
    total = t4[t4["kind"] == "total"].iloc[0]
    assert total["total"] == 1_881 * W and total["line"] == 376            # 表3 line 376 基本支出
    # 人员 = 表8 301 (line 602) 1,768; 公用 = 表8 302 basic (line 611) 113
    assert (total["personnel"], total["public"]) == (1_768 * W, 113 * W)
    items = t4[t4["kind"] == "item"]
    # rows of 表3 with a non-zero 基本支出 column (lines 377–448)
    assert list(items["code"]) == ["201", "20113", "2011301", "2011399", "208", "20805", "2080505", "2080506",
                                   "210", "21011", "2101101", "221", "22102", "2210201", "2210203"]
    assert dict(zip(items["code"], items["total"]))["2011399"] == 12 * W   # line 382
    assert items.loc[items["level"] == 1, "total"].sum() == 1_881 * W       # 1,225 + 142 + 41 + 473
    assert items["personnel"].isna().all()   # not derivable by function from published tables


def test_project_summary_from_table_3(b):
    t5 = derive_table(b, 5)
    _labelled(t5, "表3")
    total = t5[t5["kind"] == "total"].iloc[0]
    assert total["total"] == 130_353 * W                                     # line 376 项目支出
    items = t5[t5["kind"] == "item"]
    assert len(items) == 28 and "208" not in set(items["code"]) and "221" not in set(items["code"])
    assert items.loc[items["level"] == 1, "total"].sum() == 130_353 * W
    # 9,034 + 43,735 + 78 + 1,000 + 929 + 62,103 + 13,474 (lines 377, 383, 404, 407, 410, 424, 429)


def test_general_basic_from_table_8(b):
    t = derive_table(b, "general_basic")
    _labelled(t, "表8")
    assert t.attrs["table"] is None
    total = t[t["kind"] == "total"].iloc[0]
    assert (total["total"], total["personnel"], total["public"]) == (1_881 * W, 1_768 * W, 113 * W)   # line 601
    items = t[t["kind"] == "item"]
    assert len(items) == 18        # 301 + 8 款 (lines 602–610), 302 + 8 款 with a basic amount (611–635)
    assert dict(zip(items["code"], items["public"]))["30228"] == 25 * W     # 工会经费 basic, line 632
    assert dict(zip(items["code"], items["personnel"]))["30101"] == 613 * W  # line 603
    assert (items["personnel"] + items["public"] == items["total"]).all()


def test_titles_and_keys_reach_the_same_derivation(b):
    pd.testing.assert_frame_equal(derive_table(b, "收入总表"), derive_table(b, 2))
    pd.testing.assert_frame_equal(derive_table(b, "一般公共预算基本支出表"), derive_table(b, "general_basic"))
    pd.testing.assert_frame_equal(derive_table(b, "basic_summary"), derive_table(b, 4))


def test_money_columns_are_exact_integers(b):
    for key in DERIVATIONS:
        df = derive_table(b, key)
        for c in ("amount", "total", "personnel", "public"):
            if c in df.columns:
                assert str(df[c].dtype) == "Int64", (key, c)


def test_a_published_table_is_not_derived(b):
    with pytest.raises(DataError, match=r"Budget.table\(3\)"):
        derive_table(b, 3)
    with pytest.raises(DataError, match="derivable"):
        derive_table(b, 13)
    with pytest.raises(DataError, match="derivable"):
        derive_table(b, "不存在的表")
    with pytest.raises(DataError):
        derive_table(b, True)


def test_missing_source_names_file_and_table(b):
    frames = {n: b.frame(n) for n in b.frame_names if n != "table3"}
    partial = bk.Budget(frames, {**b.meta, "source": "partial.txt"})
    with pytest.raises(MissingTableError) as exc:
        derive_table(partial, 4)
    assert "partial.txt" in str(exc.value) and "表3 支出总表" in str(exc.value)


def test_derivation_does_not_change_the_budget(b):
    before = {n: b.frame(n) for n in b.frame_names}
    for key in DERIVATIONS:
        derive_table(b, key)
    for n, df in before.items():
        pd.testing.assert_frame_equal(b.frame(n), df, check_exact=True)


def test_derivable_lists_the_seed_gaps(b):
    d = derivable(b)
    assert list(d["key"]) == ["income", "basic_summary", "project_summary", "general_basic"]
    assert list(d["number"].astype(object)) == [2, 4, 5, pd.NA]
    assert d["available"].all() and not d["published"].any()


def test_personnel_split_left_empty_when_table_8_does_not_cover_basic(b):
    frames = {n: b.frame(n) for n in b.frame_names}
    t8 = frames["table8"].copy()
    t8.loc[t8["kind"] == "total", "basic"] = 1_000 * W     # no longer 表3's 1,881
    frames["table8"] = t8
    t4 = derive_table(bk.Budget(frames, b.meta), 4)
    total = t4[t4["kind"] == "total"].iloc[0]
    assert pd.isna(total["personnel"]) and pd.isna(total["public"])


def test_personnel_split_left_empty_when_table_8_total_is_missing(b):
    frames = {n: b.frame(n) for n in b.frame_names}
    t8 = frames["table8"].copy()
    t8["basic"] = t8["basic"].astype("Int64")
    t8.loc[t8["kind"] == "total", "basic"] = pd.NA      # a blank 合计 cell: no bare TypeError, no split
    frames["table8"] = t8
    total = derive_table(bk.Budget(frames, b.meta), 4)
    total = total[total["kind"] == "total"].iloc[0]
    assert pd.isna(total["personnel"]) and total["total"] == 1_881 * W      # 表3 line 376 基本支出

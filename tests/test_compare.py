"""Tests of budgetkit.compare (notebook 07 多部门比较).

Expected numbers come from the source documents — the seed's text
(data/raw/2023-longhua-iit-department-budget.txt, amounts in 万元; the cited
lines are read here with plain string handling), the 表9 “三公” figures the
corpus PDFs state in their prose — or from independent integer arithmetic;
never from the code under test. Malformed data is exercised on small
hand-made Budgets.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import budgetkit as bk
from budgetkit import compare
from budgetkit.errors import BudgetkitError, DataError, MissingTableError
from budgetkit.reader import read

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw" / "2023-longhua-iit-department-budget.txt"
RAW_LINES = RAW.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n")
WAN = 10_000


def wan(text: str) -> int:
    """万元 as printed → 元 by plain decimal arithmetic (not budgetkit.money)."""
    d = Decimal(text.replace(",", "")) * WAN
    assert d == d.to_integral_value()
    return int(d)


@pytest.fixture(scope="module")
def seed():
    return bk.load()


# ---------------------------------------------------------------------------
# corpus_folder
# ---------------------------------------------------------------------------


def test_corpus_folder_unset_or_empty_is_none(monkeypatch):
    monkeypatch.delenv(compare.CORPUS_ENV, raising=False)
    assert compare.corpus_folder() is None
    monkeypatch.setenv(compare.CORPUS_ENV, "")
    assert compare.corpus_folder() is None


def test_corpus_folder_absolute(monkeypatch, tmp_path):
    monkeypatch.setenv(compare.CORPUS_ENV, str(tmp_path))
    assert compare.corpus_folder() == tmp_path
    assert compare.corpus_folder(str(tmp_path / "nope")) is None
    (tmp_path / "file.pdf").write_bytes(b"%PDF")
    assert compare.corpus_folder(str(tmp_path / "file.pdf")) is None  # a file is not a folder


def test_corpus_folder_relative_to_cwd_or_its_parent(monkeypatch, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "local").mkdir()
    # from the repository root …
    assert compare.corpus_folder("corpus", cwd=tmp_path) == tmp_path / "corpus"
    # … and from notebooks/ (the parent is searched too)
    assert compare.corpus_folder("corpus", cwd=tmp_path / "notebooks") == tmp_path / "corpus"
    # the working directory wins over its parent
    assert compare.corpus_folder("local", cwd=tmp_path / "notebooks") == tmp_path / "notebooks" / "local"
    assert compare.corpus_folder("missing", cwd=tmp_path / "notebooks") is None
    # default cwd is the process's working directory; the value comes from the environment
    monkeypatch.chdir(tmp_path / "notebooks")
    monkeypatch.setenv(compare.CORPUS_ENV, "corpus")
    assert compare.corpus_folder().resolve() == (tmp_path / "corpus").resolve()


# ---------------------------------------------------------------------------
# The seed (Shenzhen 12-table template)
# ---------------------------------------------------------------------------


def test_seed_three_public_from_table9(seed):
    # 表9 一般公共预算“三公”经费支出表 (lines 664–666): 年度, 总计, 出国, 接待, 用车小计, 购置, 运行
    line_2023 = RAW_LINES[665 - 1].split("\t")
    assert line_2023[1] == "2023 年"
    line_2022 = RAW_LINES[664 - 1].split("\t")
    assert line_2022[1] == "2022 年"
    assert compare.three_public_total(seed) == wan(line_2023[2]) == 80_000  # 8 万元, not 2022's 5.5
    assert compare.three_public_total(seed) != wan(line_2022[2])
    # the total is the sum of its parts: 0 + 1 + 7 万元
    assert wan(line_2023[2]) == wan(line_2023[3]) + wan(line_2023[4]) + wan(line_2023[5])


def test_seed_authorised_staff_from_line_68(seed):
    text = RAW_LINES[68 - 1]
    admin = int(re.search(r"行政编制总数(\d+)人", text).group(1))
    public = int(re.search(r"事业编制总数(\d+)人", text).group(1))
    assert (admin, public) == (31, 6)
    assert compare.authorised_staff(seed) == admin + public == 37


def test_seed_per_staff_row(seed):
    df = compare.three_public_per_staff([seed])
    assert list(df.columns) == compare.PER_STAFF_COLUMNS
    row = df.iloc[0]
    assert row["department"] == "深圳市龙华区工业和信息化局" and row["year"] == 2023
    assert row["template"] == "shenzhen-12"
    assert row["three_public"] == 80_000 and row["staff"] == 37
    # 80,000 / 37 = 2,162 remainder 6; 6/37 < 1/2, so it rounds down to 2,162 元
    assert divmod(80_000, 37) == (2_162, 6)
    assert row["per_staff_rounded"] == 2_162
    assert row["three_public_line"] == 665 and row["staff_line"] == 68
    for c in ("year", "three_public", "staff", "per_staff_rounded", "three_public_line", "staff_line"):
        assert df[c].dtype == "Int64", c


# ---------------------------------------------------------------------------
# Hand-made budgets: both templates, edge cases, malformed data
# ---------------------------------------------------------------------------

SOURCE = "/somewhere/on/a/machine/example-budget.pdf"


def make_budget(table9: pd.DataFrame | None, *, template: str = "national-9", year: int = 2025,
                staffing: pd.DataFrame | None = None, contents: dict | None = None) -> bk.Budget:
    frames = {}
    if table9 is not None:
        frames["table9"] = table9
    if staffing is not None:
        frames["staffing"] = staffing
    meta = {"department": "示例区示例局", "year": year, "template": template, "source": SOURCE,
            "contents": contents or {"9": "“三公”经费和机关运行经费预算表"},
            "published": [9] if table9 is not None else []}
    return bk.Budget(frames, meta)


def national_t9(rows: list[dict]) -> pd.DataFrame:
    cols = ["kind", "year", "total", "outbound", "reception", "vehicle", "vehicle_purchase",
            "vehicle_operation", "operating_costs", "line", "line_end", "page"]
    return pd.DataFrame.from_records(rows, columns=cols)


def staffing(rows: list[tuple[str, str, int | None, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"unit": u, "kind": k, "authorised": a, "actual": None, "line": n, "line_end": n}
                         for u, k, a, n in rows])


def test_national_one_row():
    # 1.50 万元 = 出国 0 + 接待 0.50 + 用车 1.00 (机关运行经费 10.00 万元 is not 三公)
    b = make_budget(national_t9([{"kind": "budget", "year": 2025, "total": 15_000, "outbound": 0,
                                  "reception": 5_000, "vehicle": 10_000, "vehicle_purchase": 0,
                                  "vehicle_operation": 10_000, "operating_costs": 100_000,
                                  "line": 40, "line_end": 40, "page": 9}]))
    assert compare.three_public_total(b) == 15_000
    assert compare.authorised_staff(b) is None  # no staffing frame
    row = compare.three_public_per_staff([b]).iloc[0]
    assert row["three_public"] == 15_000 and row["three_public_line"] == 40
    assert pd.isna(row["staff"]) and pd.isna(row["per_staff_rounded"]) and pd.isna(row["staff_line"])


def test_national_row_without_year_is_this_years():
    b = make_budget(national_t9([{"kind": "budget", "year": None, "total": 9_500, "line": 7, "line_end": 7}]))
    assert compare.three_public_total(b) == 9_500


def test_empty_table_is_none():
    b = make_budget(national_t9([]))
    assert compare.three_public_total(b) is None
    row = compare.three_public_per_staff([b]).iloc[0]
    assert pd.isna(row["three_public"]) and pd.isna(row["per_staff_rounded"])


def test_shenzhen_picks_this_year_not_the_change_row():
    t9 = pd.DataFrame([
        {"unit": "某局", "period": "2024 年", "kind": "budget", "year": 2024, "total": 30_000, "line": 10, "line_end": 10},
        {"unit": "某局", "period": "2025 年", "kind": "budget", "year": 2025, "total": 25_000, "line": 11, "line_end": 11},
        {"unit": "某局", "period": "增减变化金额", "kind": "change", "year": None, "total": -5_000, "line": 12,
         "line_end": 12},
    ])
    b = make_budget(t9, template="shenzhen-12", staffing=staffing([("部门合计", "行政编制", 8, 3),
                                                                   ("部门合计", "事业编制", 2, 3),
                                                                   ("本级", "行政编制", 8, 5)]))
    assert compare.three_public_total(b) == 25_000
    assert compare.authorised_staff(b) == 10  # 部门合计 only: 8 + 2, not the 本级 row again
    row = compare.three_public_per_staff([b]).iloc[0]
    assert row["per_staff_rounded"] == 2_500 and row["three_public_line"] == 11 and row["staff_line"] == 3


@pytest.mark.parametrize(("total", "staff", "expected"), [
    (5, 2, 3),            # 2.5 → 3 (half up, not banker's 2)
    (7, 2, 4),            # 3.5 → 4
    (80_000, 37, 2_162),  # 2,162.16…
    (80_000, 3, 26_667),  # 26,666.67
    (1, 3, 0),            # 0.33
])
def test_per_staff_rounds_half_up(total, staff, expected):
    b = make_budget(national_t9([{"kind": "budget", "year": 2025, "total": total, "line": 1, "line_end": 1}]),
                    staffing=staffing([("部门合计", "行政编制", staff, 2)]))
    assert compare.three_public_per_staff([b]).iloc[0]["per_staff_rounded"] == expected


def test_zero_staff_gives_no_per_head():
    b = make_budget(national_t9([{"kind": "budget", "year": 2025, "total": 100, "line": 1, "line_end": 1}]),
                    staffing=staffing([("部门合计", "行政编制", 0, 2)]))
    row = compare.three_public_per_staff([b]).iloc[0]
    assert row["staff"] == 0 and pd.isna(row["per_staff_rounded"])


def test_staffing_without_whole_department_is_none():
    b = make_budget(national_t9([]), staffing=staffing([("本级", "行政编制", 8, 5)]))
    assert compare.authorised_staff(b) is None


def _assert_located(exc: BudgetkitError, *, line: int | None = None) -> None:
    text = str(exc)
    assert "example-budget.pdf" in text
    assert "/somewhere/" not in text  # the file's name, never this machine's path
    assert exc.table is not None
    if line is not None:
        assert exc.line == line and f"line {line}" in text


def test_no_row_for_the_year_is_a_data_error():
    t9 = national_t9([{"kind": "budget", "year": 2024, "total": 100, "line": 5, "line_end": 5}])
    with pytest.raises(DataError, match="no budget row for 2025") as info:
        compare.three_public_total(make_budget(t9))
    _assert_located(info.value)
    assert "表9" in str(info.value)


def test_two_rows_for_the_year_is_a_data_error():
    t9 = national_t9([{"kind": "budget", "year": 2025, "total": 100, "line": 5, "line_end": 5},
                      {"kind": "budget", "year": 2025, "total": 200, "line": 6, "line_end": 6}])
    with pytest.raises(DataError, match="2 budget rows") as info:
        compare.three_public_total(make_budget(t9))
    _assert_located(info.value)


def test_missing_total_is_a_data_error_with_its_line():
    t9 = national_t9([{"kind": "budget", "year": 2025, "total": None, "line": 42, "line_end": 42}])
    with pytest.raises(DataError, match="no total") as info:
        compare.three_public_per_staff([make_budget(t9)])
    _assert_located(info.value, line=42)


def test_missing_column_is_a_data_error():
    t9 = pd.DataFrame([{"kind": "budget", "year": 2025, "amount": 1, "line": 3, "line_end": 3}])
    with pytest.raises(DataError, match="no column 'total'") as info:
        compare.three_public_total(make_budget(t9))
    _assert_located(info.value)


def test_unpublished_table9_is_a_missing_table_error():
    b = make_budget(None)
    with pytest.raises(MissingTableError) as info:
        compare.three_public_total(b)
    assert isinstance(info.value, BudgetkitError) and "表9" in str(info.value)


def test_staff_without_number_is_a_data_error_with_its_line():
    b = make_budget(national_t9([]), staffing=staffing([("部门合计", "行政编制", None, 68)]))
    with pytest.raises(DataError, match="编制数") as info:
        compare.authorised_staff(b)
    _assert_located(info.value, line=68)


def test_not_a_budget():
    with pytest.raises(DataError, match="expected a budgetkit Budget"):
        compare.three_public_total("budget.pdf")
    with pytest.raises(DataError, match="expected a budgetkit Budget"):
        compare.three_public_per_staff([None])


def test_per_staff_of_nothing_is_an_empty_typed_frame():
    df = compare.three_public_per_staff([])
    assert df.empty and list(df.columns) == compare.PER_STAFF_COLUMNS
    assert df["three_public"].dtype == "Int64"


# ---------------------------------------------------------------------------
# The corpus (national 9-table template PDFs); skipped when BUDGETKIT_CORPUS is unset
# ---------------------------------------------------------------------------

# “三公”经费预算数 as each document states it in 其他相关情况说明 (万元)
CORPUS_THREE_PUBLIC = {
    "sh_putuo_commerce_commission_2025_dept_budget.pdf": "1.00",   # “2025年“三公”经费预算数为1.00万元”
    "sh_putuo_finance_bureau_2025_dept_budget.pdf": "0.95",        # “……预算数为0.95万元”
    "sh_putuo_wanli_street_2024_dept_budget.pdf": "47.91",         # “2024年“三公”经费预算数为47.91万元”
}


# ---------------------------------------------------------------------------
# function_shares, basic_project_split
# ---------------------------------------------------------------------------


def _table3_row(code: str) -> list[str]:
    """The printed cells of 表3's row for a 类 code (tab-separated source line)."""
    hits = [ln for ln in RAW_LINES[370:450] if f"\t{code}\t" in ln]
    assert hits, code
    return [c for c in hits[0].split("\t") if c]


def test_function_shares_of_the_seed(seed):
    df = compare.function_shares([seed])
    # 表3 line 376: 合计 132,234 万元; the ten 类 rows add up to it
    assert df["total"].sum() == wan("132,234")
    row = df.set_index("code").loc["215"]
    printed = _table3_row("215")  # ['215', '资源勘探工业信息等支出★', '62,103', …]
    assert row["total"] == wan(printed[2]) and row["line"] == 424
    # 62,103 / 132,234 = 46.964… % → 47.0 (half up, one decimal)
    assert row["share"] == 47.0
    assert df.set_index("code").loc["206", "share"] == 33.1  # 43,735 / 132,234 = 33.073… %
    assert str(df["total"].dtype) == "Int64" and str(df["share"].dtype) == "Float64"


def test_basic_project_split_of_the_seed(seed):
    row = compare.basic_project_split([seed]).iloc[0]
    # 表3 line 376: 132,234 = 1,881 基本 + 130,353 项目 (万元); 130,353 / 132,234 = 98.577… %
    assert (row["basic"], row["project"], row["total"]) == (wan("1,881"), wan("130,353"), wan("132,234"))
    assert row["project_share"] == 98.6


def test_shares_need_amounts(seed):
    frames = {n: seed.frame(n) for n in seed.frame_names}
    t3 = frames["table3"].copy()
    t3.loc[(t3["level"] == 1).fillna(False).to_numpy().nonzero()[0][0], "total"] = pd.NA
    frames["table3"] = t3
    broken = bk.Budget(frames, seed.meta)
    with pytest.raises(DataError, match="no 合计 amount") as ei:
        compare.function_shares([broken])
    assert ei.value.line == 377


# ---------------------------------------------------------------------------
# audit across budgets
# ---------------------------------------------------------------------------


def test_audit_of_several_budgets_keeps_each_report(seed):
    from budgetkit import checks

    report = compare.audit([seed, seed])
    alone = checks.run(seed)
    assert len(report) == 2 * len(alone)
    assert list(report.columns) == ["department", "year", "template", *checks.COLUMNS]
    assert set(report["department"]) == {"深圳市龙华区工业和信息化局"} and set(report["year"]) == {2023}
    first = report.iloc[: len(alone)].drop(columns=["department", "year", "template"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(first, alone, check_dtype=True)
    # the two stated rates the seed gets wrong: line 158 "下降 69%" (−68.496 %) and line 240 "下降 8%" (−78.9 %)
    fails = report[(report["status"] == "fail") & (report["rule"] == "change.recompute")]
    assert sorted(set(fails["lines"])) == ["158", "240"]


def test_audit_counts_per_budget(seed):
    report = compare.audit([seed])
    counts = compare.audit_counts(report)
    assert list(counts.columns) == ["ok", "rounding", "fail", "not_applicable"]
    assert counts.index.tolist() == [("深圳市龙华区工业和信息化局", 2023)]
    row = counts.iloc[0]
    assert row.to_dict() == report["status"].value_counts().reindex(counts.columns, fill_value=0).to_dict()
    assert row.sum() == len(report)


def test_audit_that_cannot_run_is_one_row_not_a_stop(seed, monkeypatch):
    from budgetkit import checks

    other = bk.Budget({n: seed.frame(n) for n in seed.frame_names}, {**seed.meta, "department": "乙局"})
    real_run = checks.run

    def run(budget, rules=None):
        if budget is other and rules is None:
            raise DataError("表3 lacks column 'total'", file="other.txt", table="表3", line=376)
        return real_run(budget, rules)

    monkeypatch.setattr(checks, "run", run)
    report = compare.audit([other, seed])
    broken = report[report["department"] == "乙局"]
    assert len(broken) == 1 and broken.iloc[0]["rule"] == "checks.run"
    assert broken.iloc[0]["status"] == "not_applicable" and "表3" in broken.iloc[0]["note"]
    assert "376" in broken.iloc[0]["note"]
    assert (report["department"] == "深圳市龙华区工业和信息化局").sum() == len(real_run(seed))
    assert str(report["expected"].dtype) == "Int64"  # the extra row keeps the report's types
    assert compare.audit_counts(report).index.tolist() == [("乙局", 2023), ("深圳市龙华区工业和信息化局", 2023)]


def test_audit_of_nothing_and_of_a_non_budget():
    assert compare.audit([]).empty
    with pytest.raises(DataError, match="expected a budgetkit Budget"):
        compare.audit([object()])


@pytest.mark.corpus
def test_corpus_three_public_matches_the_prose(corpus_dir, seed):
    paths = [corpus_dir / name for name in CORPUS_THREE_PUBLIC if (corpus_dir / name).is_file()]
    if not paths:
        pytest.skip("none of the expected corpus PDFs is in the corpus folder")
    budgets = [read(p) for p in paths]
    for path, b in zip(paths, budgets):
        assert b.meta["template"] == "national-9"
        assert compare.three_public_total(b) == wan(CORPUS_THREE_PUBLIC[path.name]), path.name
        assert compare.authorised_staff(b) is None  # these documents do not state 编制数
    df = compare.three_public_per_staff([seed, *budgets])
    assert len(df) == 1 + len(budgets)
    assert list(df["three_public"]) == [80_000, *(wan(CORPUS_THREE_PUBLIC[p.name]) for p in paths)]
    assert df["per_staff_rounded"].isna().sum() == len(budgets)

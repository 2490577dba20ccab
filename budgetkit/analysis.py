"""Summaries of a department budget, for the notebooks and for analysts.

Each function takes a :class:`~budgetkit.Budget` and returns a *new*
DataFrame (nothing the Budget holds is modified). The notebooks of the series
call these functions instead of carrying long cells:

================================  ==============================================
00 导读                             :func:`contents_overview`, :func:`budget_types`
01 收入来源                          :func:`revenue_sources`, :func:`balance`,
                                  :func:`baselines`, :func:`baseline_comparison`
02 支出结构                          :func:`function_structure`,
                                  :func:`economic_structure`,
                                  :func:`basic_project_split`,
                                  :func:`personnel_public`,
                                  :func:`personnel_public_items`,
                                  :func:`three_public_summary`,
                                  :func:`procurement_summary`,
                                  :func:`procurement_by_function`
================================  ==============================================

Conventions
-----------
* Amounts are exact integers of 元 (``Int64``). :func:`wan` shows every amount
  column of these frames in 万元 (or 亿元) for reading.
* Shares and percentages are computed exactly from the integers
  (:func:`share` returns a :class:`fractions.Fraction`) and *shown* as percent
  floats rounded half up (四舍五入) to ``digits`` decimals: the rounding is
  for display only, never used in a check.
* Every row keeps the 1-based source line(s) it comes from (``line`` …), so
  ``b.source_lines(line)`` shows the printed text behind it.
* The source rounds (尾数误差): a printed parent row can differ from the sum of
  its printed items by a 万元 or so. Such differences are reported in their
  own column (``rounding``, ``difference``), never hidden.
* Bad input raises a :class:`~budgetkit.errors.BudgetkitError` naming the
  file and table.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import pandas as pd

from . import codes, money
from .budget import Budget
from .errors import DataError, MissingTableError

__all__ = [
    "BUDGET_TYPES",
    "MONEY_COLUMNS",
    "balance",
    "baseline_comparison",
    "baselines",
    "basic_project_split",
    "budget_types",
    "contents_overview",
    "economic_structure",
    "function_structure",
    "percent",
    "personnel_public",
    "personnel_public_items",
    "procurement_by_function",
    "procurement_summary",
    "revenue_sources",
    "share",
    "three_public_summary",
    "wan",
]

#: Amount columns (integer 元) of the frames returned here, on top of
#: :data:`budgetkit.money.MONEY_COLUMNS`; :func:`wan` converts all of them.
MONEY_COLUMNS = money.MONEY_COLUMNS | frozenset({
    "income", "expenditure", "revenue", "items_total", "rounding", "text_amount", "text_change",
    "table_amount", "text_items_total", "table_items_total", "difference",
})

#: The four budgets (四本预算) of Chinese public finance: name, English name,
#: the 收入 row of 表1/表6 that funds it, and the expenditure table of the
#: Shenzhen template that details it (None: not part of department budgets).
BUDGET_TYPES: tuple[tuple[str, str, str | None, int | None], ...] = (
    ("一般公共预算", "general public budget", "一般公共预算拨款", 7),
    ("政府性基金预算", "government fund budget", "政府性基金预算拨款", 10),
    ("国有资本经营预算", "state capital operation budget", "国有资本经营预算拨款", 11),
    ("社会保险基金预算", "social insurance fund budget", None, None),
)

# Function (支出功能分类) and economic (经济分类) tables of the Shenzhen template.
_FUNCTION_TABLES = (3, 7, 10, 11)
_ECONOMIC_TABLES = (8,)
_TWO_SIDED_TABLES = (1, 6)

# 第三部分's basic-expenditure categories → the 经济分类 类 codes of 表8 whose
# 基本支出 column holds them.
_BASIC_CATEGORIES: dict[str, tuple[str, ...]] = {
    "人员支出": ("301",),
    "公用支出": ("302", "310"),
    "对个人和家庭的补助支出": ("303",),
}

# 第五部分 item → 表9 column.
_THREE_PUBLIC_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("total", "“三公”经费合计", "“三公”经费合计"),
    ("outbound", "因公出国（境）费", "因公出国（境）费用"),
    ("reception", "公务接待费", "公务接待费"),
    ("vehicle", "公务用车购置及运行维护费", "公务用车购置和运行维护费"),
    ("vehicle_purchase", "其中：公务用车购置费", "公务用车购置费"),
    ("vehicle_operation", "其中：公务用车运行维护费", "公务用车运行维护费"),
)


# ---------------------------------------------------------------------------
# Exact shares
# ---------------------------------------------------------------------------


def _is_na(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def share(part: int, whole: int) -> Fraction | None:
    """``part / whole`` as an exact :class:`~fractions.Fraction` (None when undefined).

    >>> share(25_000, 55_000)
    Fraction(5, 11)
    """
    if _is_na(part) or _is_na(whole) or int(whole) == 0:
        return None
    return Fraction(int(part), int(whole))


def percent(part: int, whole: int, digits: int = 1) -> float | None:
    """``part / whole`` in percent, rounded half up (四舍五入) to ``digits`` decimals.

    Computed exactly from the integers; only the result is rounded, for
    display: ``percent(25_000, 55_000) == 45.5`` (45.4545… %). None when
    ``whole`` is 0 or either value is missing.
    """
    exact = share(part, whole)
    if exact is None:
        return None
    if digits < 0:
        raise DataError(f"digits must be >= 0, got {digits}")
    scaled = exact * 100 * 10**digits
    sign = -1 if scaled < 0 else 1
    rounded = sign * int(abs(scaled) + Fraction(1, 2))  # half away from zero
    return float(Fraction(rounded, 10**digits))


def _percents(parts, whole: int, digits: int) -> pd.Series:
    return pd.Series([percent(p, whole, digits) for p in parts], dtype="Float64")


def wan(df: pd.DataFrame, unit: str = "万元") -> pd.DataFrame:
    """A copy of ``df`` with every amount column shown in 万元 (or ``亿元``/``元``).

    Like :func:`budgetkit.money.wan`, but it also knows the amount columns of
    this module's frames (:data:`MONEY_COLUMNS`). For reading only; compute
    with the integer 元 columns.
    """
    cols = [c for c in df.columns if c in MONEY_COLUMNS and pd.api.types.is_integer_dtype(df[c].dtype)]
    return money.wan(df, cols, unit=unit)


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _check_budget(b: Any) -> Budget:
    if not isinstance(b, Budget):
        raise DataError(f"expected a budgetkit Budget (bk.load()), got {type(b).__name__}")
    return b


def _source(b: Budget) -> str | None:
    return b.meta.get("source")


def _table_label(b: Budget, n: int) -> str:
    title = b.meta.get("contents", {}).get(str(n))
    return f"表{n} {title}" if title else f"表{n}"


def _table(b: Budget, n: int, allowed: tuple[int, ...], what: str) -> pd.DataFrame:
    if isinstance(n, bool) or not isinstance(n, int) or n not in allowed:
        raise DataError(
            f"{what} reads 表{'/'.join(map(str, allowed))}, not {n!r}",
            file=_source(b), table=_table_label(b, n) if isinstance(n, int) else None,
        )
    return b.table(n)


def _one_row(df: pd.DataFrame, mask, b: Budget, n: int, what: str) -> pd.Series:
    rows = df[mask]
    if len(rows) != 1:
        raise DataError(
            f"expected exactly one {what} row, found {len(rows)}", file=_source(b), table=_table_label(b, n)
        )
    return rows.iloc[0]


def _level(level: int | str, system: str) -> int:
    names = codes.LEVEL_NAMES[system]
    for number, label in names.items():
        if level == label or (isinstance(level, int) and not isinstance(level, bool) and level == number):
            return number
    raise DataError(
        f"level must be one of {', '.join(map(str, names))} ({', '.join(names.values())}) "
        f"for {codes.SYSTEM_NAMES[system]}, got {level!r}"
    )


def _int(value: Any) -> Any:
    return pd.NA if _is_na(value) else int(value)


# ---------------------------------------------------------------------------
# 00 导读
# ---------------------------------------------------------------------------


def contents_overview(b: Budget) -> pd.DataFrame:
    """The contents list (目录) with what was actually published.

    Columns: ``number``, ``title``, ``published`` (bool), ``rows`` (rows of
    the tidy table; NA when not published), ``first_line``/``last_line`` (the
    table's rows in the source), ``notes`` (the notes printed under it),
    ``line`` (the contents entry).
    """
    _check_budget(b)
    contents = b.contents
    rows, first, last, notes = [], [], [], []
    for n, published in zip(contents["number"], contents["published"]):
        if published:
            t = b.table(int(n))
            rows.append(len(t))
            first.append(_int(t["line"].min()) if len(t) else pd.NA)
            last.append(_int(t["line_end"].max()) if len(t) else pd.NA)
            notes.append("；".join(t.attrs.get("notes", [])))
        else:
            rows.append(pd.NA)
            first.append(pd.NA)
            last.append(pd.NA)
            notes.append("")
    return pd.DataFrame({
        "number": contents["number"].astype("Int64"),
        "title": contents["title"].astype("string"),
        "published": contents["published"].astype("boolean"),
        "rows": pd.array(rows, dtype="Int64"),
        "first_line": pd.array(first, dtype="Int64"),
        "last_line": pd.array(last, dtype="Int64"),
        "notes": pd.array(notes, dtype="string"),
        "line": contents["line"].astype("Int64"),
    })


def budget_types(b: Budget) -> pd.DataFrame:
    """The four budgets (四本预算) and what this department has of each.

    One row per budget of :data:`BUDGET_TYPES`: ``budget``, ``english``,
    ``revenue`` (its 拨款 row on the 收入 side of 表1; NA when 表1 has no
    such row), ``revenue_line``, ``table`` (the expenditure table detailing
    it), ``expenditure`` (that table's total row), ``expenditure_line``,
    ``has`` (any money in it), ``note`` (the notes printed under the table,
    or why there is none). 社会保险基金预算 is not part of department budgets:
    its amounts are NA.
    """
    _check_budget(b)
    t1 = b.table(1)
    income = t1[(t1["side"] == "income") & (t1["kind"] == "item")]
    out = []
    for name, english, income_row, table in BUDGET_TYPES:
        revenue = revenue_line = expenditure = expenditure_line = pd.NA
        note = ""
        if income_row is not None:
            hit = income[income["name"].map(codes.normalise_name) == income_row]
            if len(hit) > 1:
                raise DataError(f"{income_row} appears {len(hit)} times", file=_source(b), table=_table_label(b, 1))
            if len(hit) == 1:
                revenue, revenue_line = _int(hit["amount"].iloc[0]), _int(hit["line"].iloc[0])
        if table is None:
            note = "不编入部门预算（表1 注：财政拨款只含前三本预算）"
        else:
            try:
                t = b.table(table)
            except MissingTableError:
                note = f"{_table_label(b, table)} 未公开"
            else:
                total = _one_row(t, t["kind"] == "total", b, table, "total")
                expenditure, expenditure_line = _int(total["total"]), _int(total["line"])
                note = "；".join(t.attrs.get("notes", []))
        amounts = [v for v in (revenue, expenditure) if not _is_na(v)]
        out.append({
            "budget": name, "english": english,
            "revenue": revenue, "revenue_line": revenue_line,
            "table": table if table is not None else pd.NA,
            "expenditure": expenditure, "expenditure_line": expenditure_line,
            "has": any(v != 0 for v in amounts) if amounts else pd.NA,
            "note": note,
        })
    df = pd.DataFrame(out)
    for c in ("revenue", "revenue_line", "table", "expenditure", "expenditure_line"):
        df[c] = df[c].astype("Int64")
    for c in ("budget", "english", "note"):
        df[c] = df[c].astype("string")
    df["has"] = df["has"].astype("boolean")
    return df


# ---------------------------------------------------------------------------
# 01 收入来源
# ---------------------------------------------------------------------------


def revenue_sources(b: Budget, table: int = 1, digits: int = 1) -> pd.DataFrame:
    """The 收入 (revenue) side of 表1 收支总表 (or 表6), with shares.

    Columns: ``name``, ``label`` (as printed, with its numbering), ``level``
    (1 for 一、二、三、, 2 for the numbered sub-items), ``leaf`` (True when no
    sub-item follows: the leaves add up to the total without double
    counting), ``amount``, ``share`` (percent of 本年收入合计, rounded to
    ``digits`` for display), ``line``. Only the income items; the
    本年收入合计/上年结转/收入总计 rows are in :func:`balance`.
    """
    _check_budget(b)
    t = _table(b, table, _TWO_SIDED_TABLES, "revenue_sources")
    inc = t[t["side"] == "income"]
    subtotal = _one_row(inc, inc["kind"] == "subtotal", b, table, "本年收入合计")
    items = inc[inc["kind"] == "item"].reset_index(drop=True)
    levels = [None if _is_na(v) else int(v) for v in items["level"]]
    leaf = [i + 1 == len(levels) or lv is None or levels[i + 1] is None or levels[i + 1] <= lv
            for i, lv in enumerate(levels)]
    return pd.DataFrame({
        "name": items["name"],
        "label": items["label"],
        "level": items["level"],
        "leaf": pd.array(leaf, dtype="boolean"),
        "amount": items["amount"],
        "share": _percents(items["amount"], subtotal["amount"], digits),
        "line": items["line"],
    })


def balance(b: Budget) -> pd.DataFrame:
    """收支平衡: 收入 against 支出 on every two-sided table (表1, 表6).

    One row per table and kind of total: ``本年合计`` (本年收入合计 /
    本年支出合计), ``结转`` (上年结余、结转 / 结转下年), ``总计`` (收入总计 /
    支出总计). Columns: ``table``, ``row``, ``income_label``, ``income``,
    ``expenditure_label``, ``expenditure``, ``difference`` (income −
    expenditure), ``balanced``, ``income_line``, ``expenditure_line``.
    A row missing on one side gives NA (and ``balanced`` NA), never a drop.
    """
    _check_budget(b)
    out = []
    for n in _TWO_SIDED_TABLES:
        try:
            t = b.table(n)
        except MissingTableError:
            continue
        for kind, label in (("subtotal", "本年合计"), ("carry", "结转"), ("total", "总计")):
            pair = {}
            for side in ("income", "expenditure"):
                rows = t[(t["side"] == side) & (t["kind"] == kind)]
                if len(rows) > 1:
                    raise DataError(f"{len(rows)} {side} {kind} rows", file=_source(b), table=_table_label(b, n))
                pair[side] = rows.iloc[0] if len(rows) else None
            inc, exp = pair["income"], pair["expenditure"]
            i_amt = _int(inc["amount"]) if inc is not None else pd.NA
            e_amt = _int(exp["amount"]) if exp is not None else pd.NA
            diff = pd.NA if _is_na(i_amt) or _is_na(e_amt) else i_amt - e_amt
            out.append({
                "table": n, "row": label,
                "income_label": inc["label"] if inc is not None else pd.NA, "income": i_amt,
                "expenditure_label": exp["label"] if exp is not None else pd.NA, "expenditure": e_amt,
                "difference": diff,
                "balanced": pd.NA if _is_na(diff) else diff == 0,
                "income_line": _int(inc["line"]) if inc is not None else pd.NA,
                "expenditure_line": _int(exp["line"]) if exp is not None else pd.NA,
            })
    df = pd.DataFrame(out, columns=["table", "row", "income_label", "income", "expenditure_label", "expenditure",
                                    "difference", "balanced", "income_line", "expenditure_line"])
    for c in ("table", "income", "expenditure", "difference", "income_line", "expenditure_line"):
        df[c] = df[c].astype("Int64")
    for c in ("row", "income_label", "expenditure_label"):
        df[c] = df[c].astype("string")
    df["balanced"] = df["balanced"].astype("boolean")
    return df


_SPACES = re.compile(r"\s+")
_MONTH = re.compile(r"(\d{1,2})月")


def _basis(baseline: Any) -> str:
    """What a printed comparison baseline means (口径)."""
    if _is_na(baseline):
        return "无基准（只说增加额）"
    text = _SPACES.sub("", str(baseline))
    if "年初" in text:
        return "年初预算"
    month = _MONTH.search(text)
    if month:
        return f"{month.group(1)}月预算（含年中调整）"
    return "上年预算（口径未说明）"


def baselines(b: Budget) -> pd.DataFrame:
    """The statements of change (:attr:`Budget.statements`) grouped by baseline.

    A disclosure compares this year's figures with *different* prior-year
    figures: 第二部分 with the 年初预算 (the budget approved at the start of
    the prior year), 第三部分's projects with the budget as adjusted by
    October (which includes 年中追加, mid-year top-ups), 第五部分 with an
    unspecified 预算. Columns: ``baseline`` (as printed, white space removed;
    NA for changes stated without one), ``basis`` (its meaning), ``statements``,
    ``with_amount`` (statements giving both the amount and the change),
    ``parts``, ``subjects`` (``、``-joined, in document order), ``first_line``,
    ``last_line``. In order of first appearance.
    """
    _check_budget(b)
    s = b.statements
    key = s["baseline"].map(lambda v: pd.NA if _is_na(v) else _SPACES.sub("", str(v))).astype("string")
    out = []
    for value in pd.unique(key):
        mask = key.isna() if _is_na(value) else (key == value).fillna(False)
        g = s[mask.to_numpy(dtype=bool)]
        out.append({
            "baseline": value,
            "basis": _basis(value),
            "statements": len(g),
            "with_amount": int((g["amount"].notna() & g["change"].notna()).sum()),
            "parts": "、".join(pd.unique(g["part"])),
            "subjects": "、".join(g["subject"]),
            "first_line": int(g["line"].min()),
            "last_line": int(g["line_end"].max()),
        })
    df = pd.DataFrame(out)
    for c in ("baseline", "basis", "parts", "subjects"):
        df[c] = df[c].astype("string")
    for c in ("statements", "with_amount", "first_line", "last_line"):
        df[c] = df[c].astype("Int64")
    return df


def baseline_comparison(b: Budget, digits: int = 1) -> pd.DataFrame:
    """The department total and the projects, each against its own baseline.

    Row ``部门预算支出`` is 第二部分's statement (this year against the prior
    year's 年初预算); row ``项目支出（N 个项目之和）`` adds up the projects'
    statements of 第三部分 (each against the October budget). Columns:
    ``subject``, ``baseline``, ``statements``, ``amount`` (this year),
    ``prior_amount`` (implied: amount − change), ``change``, ``change_pct``
    (computed exactly from ``change / prior_amount``, rounded for display),
    ``stated_pct`` (the percentage printed, when a single statement), ``line``,
    ``line_end``.

    The projects' ``amount`` is the sum of the amounts printed per project,
    which may differ from the 项目支出 total printed elsewhere by rounding.
    """
    _check_budget(b)
    s = b.statements
    rows = []
    dept = s[(s["subject"] == "部门预算支出") & s["change"].notna() & s["amount"].notna()]
    for _, r in dept.iterrows():
        rows.append({
            "subject": r["subject"], "baseline": r["baseline"], "statements": 1,
            "amount": int(r["amount"]), "prior_amount": int(r["prior_amount"]), "change": int(r["change"]),
            "stated_pct": r["change_pct"], "line": int(r["line"]), "line_end": int(r["line_end"]),
        })
    proj = s[s["project_no"].notna() & s["kind"].eq("comparison") & s["amount"].notna() & s["change"].notna()]
    for baseline, g in proj.groupby("baseline", sort=False):
        if g["project_no"].duplicated().any():
            raise DataError(
                f"a project has two comparisons with {baseline}", file=_source(b), table="第三部分",
                line=int(g.loc[g["project_no"].duplicated(), "line"].iloc[0]),
            )
        rows.append({
            "subject": f"项目支出（{len(g)} 个项目之和）", "baseline": baseline, "statements": len(g),
            "amount": int(g["amount"].sum()), "prior_amount": int(g["prior_amount"].sum()),
            "change": int(g["change"].sum()), "stated_pct": pd.NA,
            "line": int(g["line"].min()), "line_end": int(g["line_end"].max()),
        })
    df = pd.DataFrame(rows, columns=["subject", "baseline", "statements", "amount", "prior_amount", "change",
                                     "stated_pct", "line", "line_end"])
    df.insert(6, "change_pct", pd.Series([percent(c, p, digits) for c, p in zip(df["change"], df["prior_amount"])],
                                         dtype="Float64"))
    for c in ("statements", "amount", "prior_amount", "change", "line", "line_end"):
        df[c] = df[c].astype("Int64")
    df["stated_pct"] = df["stated_pct"].astype("Float64")
    for c in ("subject", "baseline"):
        df[c] = df[c].astype("string")
    return df


# ---------------------------------------------------------------------------
# 02 支出结构
# ---------------------------------------------------------------------------

_STRUCTURE_COLUMNS = ["code", "name", "level", "total", "basic", "project", "share", "rounding", "line"]


def _structure(b: Budget, n: int, level: int | str, system: str, digits: int) -> pd.DataFrame:
    t = b.table(n)
    lv = _level(level, system)
    total_row = _one_row(t, t["kind"] == "total", b, n, "total")
    items = t[t["kind"] == "item"].reset_index(drop=True)
    if items.empty:
        empty = pd.DataFrame({c: pd.Series(dtype="string" if c in ("code", "name") else
                                           "Float64" if c == "share" else "Int64") for c in _STRUCTURE_COLUMNS})
        return empty
    rows = items[items["level"] == lv].reset_index(drop=True)
    rolled = codes.rollup(items, lv, value_cols=["total"], file=_source(b), table=_table_label(b, n))
    sums = dict(zip(rolled["code"], rolled["total"]))
    missing = sorted(set(sums) - set(rows["code"]))
    if missing:
        raise DataError(
            f"items roll up to {', '.join(missing)}, which has no printed {codes.LEVEL_NAMES[system][lv]} row",
            file=_source(b), table=_table_label(b, n),
        )
    items_total = pd.array([sums.get(c, pd.NA) for c in rows["code"]], dtype="Int64")
    return pd.DataFrame({
        "code": rows["code"].astype("string"),
        "name": rows["name"].astype("string"),
        "level": rows["level"].astype("Int64"),
        "total": rows["total"],
        "basic": rows["basic"],
        "project": rows["project"],
        "share": _percents(rows["total"], total_row["total"], digits),
        "rounding": rows["total"] - pd.Series(items_total),
        "line": rows["line"],
    })


def function_structure(b: Budget, level: int | str = 1, table: int = 3, digits: int = 1) -> pd.DataFrame:
    """Spending by function (支出功能分类) at one level: 类 (1), 款 (2) or 项 (3).

    Reads 表3 支出总表 (all money) by default; ``table=7`` gives the 一般公共预算
    only, ``10`` the 政府性基金预算, ``11`` the 国有资本经营预算. The rows are
    the ones *printed* at ``level``, in table order. Columns: ``code``,
    ``name`` (as printed), ``level``, ``total``, ``basic``, ``project``,
    ``share`` (percent of the table's total row, rounded to ``digits`` for
    display), ``rounding`` (printed total − the sum of the printed items
    below it, i.e. the source's 尾数误差; 0 for a leaf), ``line``.
    An empty table (表11 here) gives an empty frame.
    """
    _check_budget(b)
    _table(b, table, _FUNCTION_TABLES, "function_structure")
    return _structure(b, table, level, "function", digits)


def economic_structure(b: Budget, level: int | str = 1, digits: int = 1) -> pd.DataFrame:
    """Spending by economic nature (经济分类, 表8) at 类 (1) or 款 (2) level.

    Same columns as :func:`function_structure`; shares are of 表8's total
    (the 一般公共预算 only). In the seed, 302 商品和服务支出 is printed as 7,502
    万元 while its 款 add up to 7,503: ``rounding`` is −10,000 元 there.
    """
    _check_budget(b)
    return _structure(b, 8, level, "economic", digits)


def basic_project_split(b: Budget, digits: int = 1) -> pd.DataFrame:
    """基本支出 (basic) against 项目支出 (project) spending, in every place it is stated.

    Rows: 表3 (all money), 表7 (一般公共预算), 表10 (政府性基金预算) — their
    total rows — and 第三部分's text (人员 + 公用 + 对个人和家庭的补助 = basic).
    Columns: ``source``, ``total``, ``basic``, ``project``, ``basic_share``,
    ``project_share`` (percent of ``total``, for display), ``line``.
    Tables that are not published are left out.
    """
    _check_budget(b)
    rows = []
    for n in (3, 7, 10):
        try:
            t = b.table(n)
        except MissingTableError:
            continue
        r = _one_row(t, t["kind"] == "total", b, n, "total")
        rows.append({"source": _table_label(b, n), "total": _int(r["total"]), "basic": _int(r["basic"]),
                     "project": _int(r["project"]), "line": _int(r["line"])})
    es = b.expenditure_summary
    amounts = dict(zip(es["category"], es["amount"]))
    if "项目支出" in amounts:
        basic_parts = [amounts[c] for c in _BASIC_CATEGORIES if c in amounts]
        basic = sum(int(v) for v in basic_parts) if basic_parts else pd.NA
        rows.append({"source": "第三部分 文字（人员＋公用＋对个人和家庭）",
                     "total": _int(amounts.get("合计")), "basic": basic, "project": _int(amounts["项目支出"]),
                     "line": _int(es["line"].min())})
    df = pd.DataFrame(rows, columns=["source", "total", "basic", "project", "line"])
    df.insert(4, "basic_share", pd.Series([percent(x, t, digits) for x, t in zip(df["basic"], df["total"])],
                                          dtype="Float64"))
    df.insert(5, "project_share", pd.Series([percent(x, t, digits) for x, t in zip(df["project"], df["total"])],
                                            dtype="Float64"))
    for c in ("total", "basic", "project", "line"):
        df[c] = df[c].astype("Int64")
    df["source"] = df["source"].astype("string")
    return df


def _table8_basic(b: Budget) -> tuple[pd.DataFrame, pd.DataFrame]:
    """表8's printed 类 and 款 rows (item rows only)."""
    t8 = b.table(8)
    items = t8[t8["kind"] == "item"]
    return items[items["level"] == 1], items[items["level"] == 2]


def personnel_public(b: Budget) -> pd.DataFrame:
    """人员支出 / 公用支出 / 对个人和家庭的补助: the text (第三部分) beside 表8.

    One row per category of :attr:`Budget.expenditure_summary` other than
    项目支出/合计. Columns: ``category``; ``text_amount`` (stated, e.g.
    1,768 万元 on source line 110) and ``text_items_total`` (the sum of the
    items listed after it, :attr:`Budget.basic_items`; NA when none are
    listed); ``codes`` (the 表8 类 codes that hold the category:
    301 for 人员, 302/310 for 公用, 303 for 对个人和家庭); ``table_amount``
    (the 基本支出 column of those 类 rows) and ``table_items_total`` (of their
    款 rows); ``difference`` (table_amount − text_amount); ``line`` (text),
    ``table_line`` (first 表8 row).
    """
    _check_budget(b)
    classes, subs = _table8_basic(b)
    es = b.expenditure_summary
    items = b.basic_items
    out = []
    for category, cls in _BASIC_CATEGORIES.items():
        hit = es[es["category"] == category]
        if hit.empty:
            continue
        text_amount = int(hit["amount"].iloc[0])
        listed = items[items["category"] == category]
        c_rows = classes[classes["code"].isin(cls)]
        s_rows = subs[subs["code"].str[:3].isin(cls)]
        table_amount = int(c_rows["basic"].sum())
        out.append({
            "category": category,
            "text_amount": text_amount,
            "text_items_total": int(listed["amount"].sum()) if len(listed) else pd.NA,
            "codes": "/".join(cls),
            "table_amount": table_amount,
            "table_items_total": int(s_rows["basic"].sum()),
            "difference": table_amount - text_amount,
            "line": _int(hit["line"].iloc[0]),
            "table_line": _int(c_rows["line"].min()) if len(c_rows) else pd.NA,
        })
    df = pd.DataFrame(out, columns=["category", "text_amount", "text_items_total", "codes", "table_amount",
                                    "table_items_total", "difference", "line", "table_line"])
    for c in ("text_amount", "text_items_total", "table_amount", "table_items_total", "difference", "line",
              "table_line"):
        df[c] = df[c].astype("Int64")
    for c in ("category", "codes"):
        df[c] = df[c].astype("string")
    return df


def personnel_public_items(b: Budget) -> pd.DataFrame:
    """Each 人员/公用 item of the text beside the 表8 款 row of the same name.

    Columns: ``category``, ``item``, ``text_amount`` (第三部分, printed to
    0.1 万元), ``code``, ``table_amount`` (表8 基本支出, printed to whole
    万元), ``difference`` (table − text: rounding), ``line``, ``table_line``.
    Items of the text without a 表8 row of that name have NA table columns;
    表8 款 rows with 基本支出 that the text does not list are added with NA
    text columns — nothing is dropped.
    """
    _check_budget(b)
    _, subs = _table8_basic(b)
    items = b.basic_items
    by_name: dict[str, pd.Series] = {}
    for _, r in subs.iterrows():
        by_name.setdefault(codes.normalise_name(r["name"]), r)
    used: set[str] = set()
    out = []
    for category, cls in _BASIC_CATEGORIES.items():
        for _, it in items[items["category"] == category].iterrows():
            r = by_name.get(codes.normalise_name(it["item"]))
            if r is not None and str(r["code"])[:3] not in cls:
                r = None
            if r is not None:
                used.add(str(r["code"]))
            out.append({
                "category": category, "item": it["item"], "text_amount": int(it["amount"]),
                "code": r["code"] if r is not None else pd.NA,
                "table_amount": _int(r["basic"]) if r is not None else pd.NA,
                "line": int(it["line"]), "table_line": _int(r["line"]) if r is not None else pd.NA,
            })
        extra = subs[subs["code"].str[:3].isin(cls) & ~subs["code"].isin(used) & subs["basic"].ne(0)]
        for _, r in extra.iterrows():
            out.append({"category": category, "item": r["name"], "text_amount": pd.NA, "code": r["code"],
                        "table_amount": _int(r["basic"]), "line": pd.NA, "table_line": _int(r["line"])})
    df = pd.DataFrame(out, columns=["category", "item", "text_amount", "code", "table_amount", "line", "table_line"])
    for c in ("text_amount", "table_amount", "line", "table_line"):
        df[c] = df[c].astype("Int64")
    for c in ("category", "item", "code"):
        df[c] = df[c].astype("string")
    df.insert(5, "difference", df["table_amount"] - df["text_amount"])
    return df


def three_public_summary(b: Budget, digits: int = 1) -> pd.DataFrame:
    """“三公”经费: 表9's two years and change, beside 第五部分's text.

    One row per 表9 column (total, 因公出国（境）费, 公务接待费, 公务用车购置及
    运行维护费 and its two parts). Columns: ``item``, ``column`` (of 表9),
    ``prior_amount`` / ``amount`` (the two budget years), ``change`` (the
    printed 增减变化金额 row), ``consistent`` (change == amount −
    prior_amount), ``change_pct`` (computed exactly, rounded for display; NA
    when the prior year is 0), ``text_amount``, ``text_change``,
    ``text_change_pct`` (as stated in 第五部分; NA when not stated), ``line``
    (表9's row of the current year), ``text_line``. The years are in
    ``attrs["years"]``.
    """
    _check_budget(b)
    t9 = b.table(9)
    budgets = t9[t9["kind"] == "budget"].sort_values("year")
    if len(budgets) != 2:
        raise DataError(f"expected two budget years, found {len(budgets)}", file=_source(b),
                        table=_table_label(b, 9))
    prior, current = budgets.iloc[0], budgets.iloc[1]
    change = _one_row(t9, t9["kind"] == "change", b, 9, "增减变化金额")
    text = b.three_public
    out = []
    for col, label, text_item in _THREE_PUBLIC_COLUMNS:
        p, a, c = _int(prior[col]), _int(current[col]), _int(change[col])
        hit = text[text["item"] == text_item]
        t = hit.iloc[0] if len(hit) else None
        out.append({
            "item": label, "column": col, "prior_amount": p, "amount": a, "change": c,
            "consistent": pd.NA if any(_is_na(v) for v in (p, a, c)) else c == a - p,
            "change_pct": percent(a - p, p, digits) if not (_is_na(a) or _is_na(p)) else None,
            "text_amount": _int(t["amount"]) if t is not None else pd.NA,
            "text_change": _int(t["change"]) if t is not None else pd.NA,
            "text_change_pct": t["change_pct"] if t is not None else pd.NA,
            "line": _int(current["line"]),
            "text_line": _int(t["line"]) if t is not None else pd.NA,
        })
    df = pd.DataFrame(out)
    for c in ("prior_amount", "amount", "change", "text_amount", "text_change", "line", "text_line"):
        df[c] = df[c].astype("Int64")
    for c in ("change_pct", "text_change_pct"):
        df[c] = df[c].astype("Float64")
    df["consistent"] = df["consistent"].astype("boolean")
    for c in ("item", "column"):
        df[c] = df[c].astype("string")
    df.attrs["years"] = (int(prior["year"]), int(current["year"]))
    return df


def procurement_summary(b: Budget, digits: int = 1) -> pd.DataFrame:
    """政府采购预算: 第四部分's 货物/工程/服务 split beside 表3's procurement columns.

    Rows: the text's categories and 合计 (source line 170 in the seed), then
    表3's total-row 政府采购 小计 and its 其中 面向中小企业 / 面向小型、微型企业.
    Columns: ``category``, ``amount``, ``share`` (percent of the text's 合计,
    for display), ``source``, ``line``.
    """
    _check_budget(b)
    text = b.procurement
    total_hit = text[text["category"] == "合计"]
    if len(total_hit) != 1:
        raise DataError("第四部分 states no single 政府采购 合计", file=_source(b), table="第四部分")
    whole = int(total_hit["amount"].iloc[0])
    rows = [{"category": r["category"], "amount": int(r["amount"]), "source": "第四部分", "line": int(r["line"])}
            for _, r in text[text["category"] != "合计"].iterrows()]
    rows.append({"category": "合计", "amount": whole, "source": "第四部分", "line": int(total_hit["line"].iloc[0])})
    t3 = b.table(3)
    tot = _one_row(t3, t3["kind"] == "total", b, 3, "total")
    for col, label in (("procurement", "表3 政府采购小计"), ("procurement_sme", "其中：面向中小企业"),
                       ("procurement_small_micro", "其中：面向小型、微型企业")):
        rows.append({"category": label, "amount": _int(tot[col]), "source": _table_label(b, 3),
                     "line": _int(tot["line"])})
    df = pd.DataFrame(rows)
    df.insert(2, "share", _percents(df["amount"], whole, digits))
    df["amount"] = df["amount"].astype("Int64")
    df["line"] = df["line"].astype("Int64")
    for c in ("category", "source"):
        df[c] = df[c].astype("string")
    return df


def procurement_by_function(b: Budget, level: int | str = 3, digits: int = 1) -> pd.DataFrame:
    """表3's procurement columns by function, for the rows that buy anything.

    Rows printed at ``level`` with a non-zero 政府采购 小计. Columns: ``code``,
    ``name``, ``total`` (the row's spending), ``procurement``,
    ``procurement_sme``, ``procurement_small_micro``, ``procurement_share``
    (of the row's spending), ``sme_share`` (of its procurement), ``line``.
    """
    _check_budget(b)
    t3 = b.table(3)
    lv = _level(level, "function")
    rows = t3[(t3["kind"] == "item") & (t3["level"] == lv) & t3["procurement"].ne(0)].reset_index(drop=True)
    df = rows[["code", "name", "total", "procurement", "procurement_sme", "procurement_small_micro"]].copy()
    df["procurement_share"] = pd.Series([percent(p, t, digits) for p, t in zip(df["procurement"], df["total"])],
                                        dtype="Float64")
    df["sme_share"] = pd.Series([percent(s, p, digits) for s, p in zip(df["procurement_sme"], df["procurement"])],
                                dtype="Float64")
    df["line"] = rows["line"]
    return df

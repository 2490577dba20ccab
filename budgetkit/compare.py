"""Compare several departments' budgets (notebook 07 多部门比较).

* :func:`corpus_folder` — the folder of disclosures named by
  ``$BUDGETKIT_CORPUS`` (absolute, or relative to the working directory or
  its parent), or ``None`` when it is unset or names no folder;
* :func:`three_public_total` — this year's budget of the “三公”经费
  (因公出国（境）费 + 公务接待费 + 公务用车购置及运行费) from 表9, in integer 元;
* :func:`authorised_staff` — the department's authorised staff (编制数), when
  the document states it;
* :func:`three_public_per_staff` — one row per department: 三公 total, staff
  and the 三公 per authorised staff member (rounded half up to whole 元);
* :func:`function_shares`, :func:`basic_project_split` — spending by 类 and
  基本/项目 per department, exact 元 with shares rounded only for display;
* :func:`audit`, :func:`audit_counts` — the audit (:mod:`budgetkit.checks`)
  of every budget as one long table, and its statuses counted per department.

表9 differs between the two templates budgetkit reads:

* Shenzhen 12-table template (``meta["template"] == "shenzhen-12"``):
  一般公共预算“三公”经费支出表 has one row per year — ``kind == "budget"`` for
  the previous year and this year (``year`` 2022 and 2023 in the seed) and a
  ``kind == "change"`` row (增减变化金额) without a year;
* national 9-table template (``"national-9"``): “三公”经费和机关运行经费预算表
  has at most one row (``kind == "budget"``, this year) and an extra column
  ``operating_costs`` (机关运行经费); a table published empty (空表) has no row.

Both are handled the same way: the row with ``kind == "budget"`` and
``year == meta["year"]``. Malformed data raises :class:`~budgetkit.DataError`
naming the file, the table and (when known) the source line.
"""

from __future__ import annotations

import os
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Iterable

import pandas as pd

from .budget import Budget
from .errors import CodeError, DataError

__all__ = [
    "CORPUS_ENV",
    "corpus_folder",
    "three_public_total",
    "authorised_staff",
    "three_public_per_staff",
    "function_shares",
    "basic_project_split",
    "audit",
    "audit_counts",
    "PER_STAFF_COLUMNS",
]

#: Environment variable naming the folder of disclosures (PDF or text) to compare.
CORPUS_ENV = "BUDGETKIT_CORPUS"

#: Columns of :func:`three_public_per_staff`.
PER_STAFF_COLUMNS = [
    "department", "year", "template", "three_public", "staff", "per_staff_rounded",
    "three_public_line", "staff_line",
]

_STAFF_TABLE = "第一部分 机构设置情况（编制数）"
_WHOLE_DEPARTMENT = "部门合计"


def _check_budget(budget: object) -> Budget:
    if not isinstance(budget, Budget):
        raise DataError(f"expected a budgetkit Budget (e.g. budgetkit.load()), got {type(budget).__name__}")
    return budget


def _source(budget: Budget) -> str | None:
    """The source's file name (never an absolute path of this machine)."""
    src = budget.meta.get("source")
    return None if src is None else Path(str(src)).name


def corpus_folder(value: str | None = None, *, cwd: str | os.PathLike | None = None) -> Path | None:
    """The folder of disclosures to compare, or ``None``.

    ``value`` defaults to ``$BUDGETKIT_CORPUS``. An absolute path is used as
    it is; a relative one is looked up in ``cwd`` (default: the working
    directory) and then in its parent — so the same setting works from the
    repository root and from ``notebooks/``. Returns ``None`` when the value
    is unset or empty or names no existing folder (a notebook then falls back
    to the bundled budget).
    """
    if value is None:
        value = os.environ.get(CORPUS_ENV)
    if not value:
        return None
    path = Path(value).expanduser()
    if path.is_absolute():
        return path if path.is_dir() else None
    here = Path.cwd() if cwd is None else Path(cwd)
    for base in (here, here.parent):
        candidate = base / path
        if candidate.is_dir():
            return candidate
    return None


def _table9(budget: Budget) -> tuple[pd.DataFrame, str]:
    t9 = budget.table(9)  # MissingTableError (a BudgetkitError) when the document lacks it
    label = f"表9 {t9.attrs.get('title') or '“三公”经费支出表'}"
    missing = [c for c in ("kind", "total") if c not in t9.columns]
    if missing:
        raise DataError(f"表9 has no column {', '.join(map(repr, missing))}", file=_source(budget), table=label)
    return t9, label


def _three_public_row(budget: Budget) -> pd.Series | None:
    """This year's budget row of 表9, or None when the table has no row at all."""
    t9, label = _table9(budget)
    if t9.empty:
        return None
    rows = t9[t9["kind"] == "budget"]
    year = budget.meta.get("year")
    if "year" in t9.columns and year is not None:
        this_year = rows[rows["year"] == int(year)]
        # a one-row table that prints no year is this year's
        if this_year.empty and len(rows) == 1 and pd.isna(rows["year"].iloc[0]):
            this_year = rows
        rows = this_year
    if rows.empty:
        raise DataError(f"no budget row for {year}; the table's rows are: "
                        f"{', '.join(f'{k}/{y}' for k, y in zip(t9['kind'], t9.get('year', [None] * len(t9))))}",
                        file=_source(budget), table=label)
    if len(rows) > 1:
        lines = ", ".join(str(n) for n in rows.get("line", pd.Series(dtype="Int64")).dropna())
        raise DataError(f"{len(rows)} budget rows for {year} (lines {lines}); expected one",
                        file=_source(budget), table=label)
    row = rows.iloc[0]
    if pd.isna(row["total"]):
        line = row.get("line")
        raise DataError("the budget row has no total (合计)", file=_source(budget), table=label,
                        line=None if line is None or pd.isna(line) else int(line))
    return row


def three_public_total(budget: Budget) -> int | None:
    """This year's budget of the “三公”经费 (表9's total), in integer 元.

    ``None`` when 表9 is published without any row (an empty table, 空表):
    there is no figure to compare. Raises :class:`~budgetkit.MissingTableError`
    when the document does not publish 表9, :class:`~budgetkit.DataError` when
    the table has no row for the budget year, several, or no total.

    >>> import budgetkit as bk
    >>> three_public_total(bk.load())   # 表9, line 665: 2023 年 总计 8 万元
    80000
    """
    row = _three_public_row(_check_budget(budget))
    return None if row is None else int(row["total"])


def _staff_rows(budget: Budget) -> pd.DataFrame | None:
    if "staffing" not in budget.frame_names:
        return None
    s = budget.staffing
    missing = [c for c in ("unit", "authorised") if c not in s.columns]
    if missing:
        raise DataError(f"the staffing table has no column {', '.join(map(repr, missing))}",
                        file=_source(budget), table=_STAFF_TABLE)
    whole = s[s["unit"] == _WHOLE_DEPARTMENT]
    if whole.empty:
        return None
    for r in whole.itertuples(index=False):
        if pd.isna(r.authorised):
            line = getattr(r, "line", None)
            raise DataError(f"{_WHOLE_DEPARTMENT} {getattr(r, 'kind', '')} has no authorised number (编制数)",
                            file=_source(budget), table=_STAFF_TABLE,
                            line=None if line is None or pd.isna(line) else int(line))
    return whole


def authorised_staff(budget: Budget) -> int | None:
    """Authorised staff (编制数) of the department as a whole, or ``None``.

    The sum of the ``部门合计`` rows of :attr:`Budget.staffing` (行政编制 +
    事业编制 …). ``None`` when the document does not state the numbers — the
    national template's tables have no staffing, and its prose often omits it.

    >>> import budgetkit as bk
    >>> authorised_staff(bk.load())     # line 68: 行政编制 31 人 + 事业编制 6 人
    37
    """
    whole = _staff_rows(_check_budget(budget))
    return None if whole is None else int(whole["authorised"].sum())


def _round_half_up(numerator: int, denominator: int) -> int:
    return int((Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def three_public_per_staff(budgets: Iterable[Budget]) -> pd.DataFrame:
    """“三公”经费 and 三公 per authorised staff member, one row per budget.

    Columns:

    * ``department``, ``year``, ``template`` — from the Budget's metadata;
    * ``three_public`` — :func:`three_public_total`, exact integer 元 (NA when
      表9 is an empty table);
    * ``staff`` — :func:`authorised_staff` (NA when not stated);
    * ``per_staff_rounded`` — ``three_public / staff`` **rounded half up to a
      whole 元** (NA when either is missing or staff is 0). It is for display
      and ranking; compute with ``three_public`` and ``staff``;
    * ``three_public_line``, ``staff_line`` — source lines of the figures
      (``staff_line``: the first 部门合计 line).
    """
    rows = []
    for budget in budgets:
        b = _check_budget(budget)
        m = b.meta
        t9_row = _three_public_row(b)
        staff_rows = _staff_rows(b)
        total = None if t9_row is None else int(t9_row["total"])
        staff = None if staff_rows is None else int(staff_rows["authorised"].sum())
        per = _round_half_up(total, staff) if total is not None and staff else None
        t9_line = None if t9_row is None or pd.isna(t9_row.get("line")) else int(t9_row["line"])
        staff_line = (None if staff_rows is None or "line" not in staff_rows.columns
                      or staff_rows["line"].isna().all() else int(staff_rows["line"].min()))
        rows.append({"department": m.get("department"), "year": m.get("year"), "template": m.get("template"),
                     "three_public": total, "staff": staff, "per_staff_rounded": per,
                     "three_public_line": t9_line, "staff_line": staff_line})
    out = pd.DataFrame.from_records(rows, columns=PER_STAFF_COLUMNS)
    for c in ("department", "template"):
        out[c] = out[c].astype("string")
    for c in ("year", "three_public", "staff", "per_staff_rounded", "three_public_line", "staff_line"):
        out[c] = pd.array([None if v is None or pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
    return out


def _expenditure_classes(budget: Budget) -> pd.DataFrame:
    """The 类 (level-1) rows of ``budget.expenditure``, checked to carry amounts."""
    top = budget.expenditure
    top = top[top["level"] == 1]
    missing = top[top["total"].isna()]
    if len(missing):
        r = missing.iloc[0]
        raise DataError(f"类 {r['code']} {r['name']} has no 合计 amount", file=_source(budget),
                        table="支出总表", line=None if pd.isna(r.get("line")) else int(r["line"]))
    return top


def function_shares(budgets: Iterable[Budget], digits: int = 1) -> pd.DataFrame:
    """Each budget's spending by functional class (类), with its share of the budget's total.

    One row per budget and 类: ``department``, ``year``, ``template``,
    ``code``, ``name`` (the reference name of the code, else as printed),
    ``total`` (exact integer 元), ``share`` (percent of the sum of the 类 rows,
    computed exactly and rounded half up to ``digits`` for display), ``line``.
    """
    from . import codes
    from .analysis import percent

    rows = []
    for budget in budgets:
        b = _check_budget(budget)
        top = _expenditure_classes(b)
        whole = int(top["total"].sum())
        for r in top.itertuples():
            try:
                name = codes.parse(r.code).name or r.name
            except CodeError:  # a code the reference list cannot parse: keep the printed name
                name = r.name
            rows.append({"department": b.meta.get("department"), "year": b.meta.get("year"),
                         "template": b.meta.get("template"), "code": r.code, "name": name,
                         "total": int(r.total), "share": percent(int(r.total), whole, digits),
                         "line": None if pd.isna(r.line) else int(r.line)})
    return _typed(pd.DataFrame.from_records(
        rows, columns=["department", "year", "template", "code", "name", "total", "share", "line"]))


def basic_project_split(budgets: Iterable[Budget], digits: int = 1) -> pd.DataFrame:
    """基本支出 vs 项目支出 per budget, from the 类 rows of its 支出总表.

    Columns: ``department``, ``year``, ``template``, ``basic``, ``project``,
    ``total`` (exact integer 元), ``project_share`` (percent of ``total``,
    rounded half up to ``digits`` for display).
    """
    from .analysis import percent

    rows = []
    for budget in budgets:
        b = _check_budget(budget)
        top = _expenditure_classes(b)
        basic, project, total = (int(top[c].fillna(0).sum()) for c in ("basic", "project", "total"))
        rows.append({"department": b.meta.get("department"), "year": b.meta.get("year"),
                     "template": b.meta.get("template"), "basic": basic, "project": project, "total": total,
                     "project_share": percent(project, total, digits)})
    return _typed(pd.DataFrame.from_records(
        rows, columns=["department", "year", "template", "basic", "project", "total", "project_share"]))


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    for c in df.columns:
        if c in ("department", "template", "code", "name"):
            df[c] = df[c].astype("string")
        elif c.endswith("share"):
            df[c] = df[c].astype("Float64")
        else:
            df[c] = pd.array([None if v is None or pd.isna(v) else int(v) for v in df[c]], dtype="Int64")
    return df


def audit(budgets: Iterable[Budget]) -> pd.DataFrame:
    """The audit of every budget as one long table: ``department``, ``year``, ``template``, then the
    columns of :func:`budgetkit.checks.run`, budgets in the order given.

    A budget whose audit cannot run (a :class:`~budgetkit.BudgetkitError`, e.g. a
    table without the columns a rule needs) gives one row, rule ``checks.run``,
    status ``not_applicable``, with the error as its note: one bad document never
    stops the comparison, and it is never silently left out.
    """
    from . import checks
    from .errors import BudgetkitError

    columns = ["department", "year", "template", *checks.COLUMNS]
    parts = []
    for budget in budgets:
        b = _check_budget(budget)
        try:
            report = checks.run(b)
        except BudgetkitError as exc:
            row = {"rule": "checks.run", "subject": "—", "status": "not_applicable",
                   "note": f"核对未能运行 / the audit could not run: {exc}"}
            report = pd.DataFrame([row], columns=list(checks.COLUMNS)).astype(checks.run(b, []).dtypes.to_dict())
        parts.append(report.assign(department=b.meta.get("department"), year=b.meta.get("year"),
                                   template=b.meta.get("template"))[columns])
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    return out.astype({"department": "string", "template": "string", "year": "Int64"})


def audit_counts(report: pd.DataFrame) -> pd.DataFrame:
    """How many findings of each status (:data:`budgetkit.checks.STATUSES`) each budget's audit has.

    ``report`` is :func:`audit`'s; one row per budget (department and year), in its order.
    """
    from . import checks

    keys = ["department", "year"]
    counts = pd.crosstab([report[k] for k in keys], report["status"])
    order = pd.MultiIndex.from_frame(report[keys].drop_duplicates())
    counts = counts.reindex(index=order, columns=list(checks.STATUSES), fill_value=0)
    counts.columns.name = None
    return counts.astype("Int64")


"""Interactive explorers for Jupyter: drill-down, projects, special funds, indicators.

Every explorer comes in two halves:

* a **state** object (:class:`DrillDownState`, :class:`ProjectExplorerState`,
  :class:`FundComparisonState`, :class:`IndicatorBrowserState`): plain
  Python/pandas — what is selected, what is shown and the exact data behind the
  chart. It needs no ipywidgets and works in scripts and tests;
* a **view** (:class:`DrillDown`, :class:`ProjectExplorer`,
  :class:`FundComparison`, :class:`IndicatorBrowser`): ipywidgets controls that
  change the state and redraw. ``view.state`` is the state, ``view.widget`` the
  top-level box; a view displays itself as the last expression of a cell.

>>> import budgetkit as bk
>>> from budgetkit.widgets import DrillDown
>>> b = bk.load()
>>> dd = DrillDown(b)              # 表3 支出总表, column 支出总计
>>> dd                             # in a notebook: the interactive drill-down
>>> dd.child_select.value = "201"  # what a click does: drill into 201
>>> dd.state.children()            # 20113 商贸事务 … (amounts in integer 元)

Charts are rendered by matplotlib (Agg) into a PNG that is put into the view's
``output`` widget, so redrawing is deterministic and needs no interactive
matplotlib backend (no ipympl); ``view.figure`` is the last matplotlib Figure
drawn. Figures are not registered with pyplot, so nothing is shown twice and
nothing needs closing.

An exception in a callback (a control changed, a button clicked) is shown in
the widget *and re-raised*, so that code that sets ``control.value`` — and
nbval running a notebook — sees it. (ipywidgets itself logs and swallows
exceptions of button callbacks; the buttons here let them through.)

Amounts are exact integer 元 in the state objects; labels use
:func:`budgetkit.money.format_wan`. Shares are computed exactly from the
integers (:class:`fractions.Fraction`) and only converted to float for display;
the texts that round them say so.
"""

from __future__ import annotations

import base64
import html
import io
import numbers
import unicodedata
import urllib.parse
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Iterable, Sequence

import pandas as pd

from . import codes as _codes
from .budget import Budget, Component
from .errors import DataError
from .money import MONEY_COLUMNS, format_wan, format_yuan

__all__ = [
    "DrillDownState",
    "DrillDown",
    "ProjectExplorerState",
    "ProjectExplorer",
    "FundComparisonState",
    "FundComparison",
    "IndicatorBrowserState",
    "IndicatorBrowser",
]

#: Label of "no filter" in the indicator browser and of the top of a drill-down.
ALL = "全部"

#: Chinese labels of the amount columns of the classified tables.
COLUMN_LABELS: dict[str, str] = {
    "total": "支出总计",
    "basic": "基本支出",
    "project": "项目支出",
    "procurement": "政府采购",
    "procurement_sme": "面向中小企业政府采购",
    "procurement_small_micro": "面向小型、微型企业政府采购",
}

#: Drill-down display modes: value → label of the toggle.
MODES: dict[str, str] = {"amount": "万元", "percent": "%"}
#: Drill-down bar orders: value → label of the toggle.
ORDERS: dict[str, str] = {"code": "科目顺序", "amount": "按金额"}
#: Special-fund comparison metrics: value → label of the toggle.
METRICS: dict[str, str] = {"amount": "2023 预算", "change": "变化", "compare": "2023 与基数对比"}
#: The text of an indicator row (三级指标 and 目标值) that does not apply: a
#: placeholder for a 二级指标 without indicators, not an indicator.
NOT_APPLICABLE = "不适用"
#: Indicator kinds of the indicator browser's filter: label → key of
#: :meth:`IndicatorBrowserState.counts` (None = no filter). 定量: a target with
#: a number; 定性: a target in words (有效促进 …); 不适用: a placeholder row.
KINDS: dict[str, str | None] = {
    ALL: None, "定量": "quantitative", "定性": "qualitative", NOT_APPLICABLE: "not_applicable",
}

_PRIOR_COLOR = "#A6A6A6"
_ROUNDING_NOTE = "占比由整数元精确计算，显示时四舍五入（≥1% 保留 1 位小数，<1% 保留 2 位），合计可能不等于 100%。"


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def _check_budget(budget: Any) -> Budget:
    if not isinstance(budget, Budget):
        raise ValueError(
            f"expected a budgetkit Budget (e.g. budgetkit.load()), got {type(budget).__name__}"
        )
    return budget


def _indicator_kind(row: Any) -> str:
    """``'quantitative'``, ``'qualitative'`` or ``'not_applicable'`` (see :data:`KINDS`) of an indicator row."""
    q = row.quantitative
    if q is not None and q is not pd.NA and bool(q):
        return "quantitative"
    for text in (row.level3, row.target):
        if text is not None and text is not pd.NA and str(text).strip() == NOT_APPLICABLE:
            return "not_applicable"
    return "qualitative"


def _int_or_none(value: Any) -> int | None:
    return None if value is None or value is pd.NA else int(value)


def _str_or_none(value: Any) -> str | None:
    return None if value is None or value is pd.NA else str(value)


def _fraction(num: int | None, den: int | None) -> Fraction | None:
    if num is None or den is None or den == 0:
        return None
    return Fraction(num, den)


def _pct_text(share: Fraction | None, decimals: int | None = None, signed: bool = False) -> str:
    """A share (Fraction of 1) as percent text, rounded half up.

    Default precision: 1 decimal from 1 % up, 2 decimals below; ``'<0.01%'``
    for tiny non-zero shares.
    """
    if share is None:
        return "—"
    pct = Decimal(share.numerator * 100) / Decimal(share.denominator)
    if decimals is None:
        if pct != 0 and abs(pct) < Decimal("0.005"):
            return ("-" if pct < 0 else "") + "<0.01%"
        decimals = 1 if abs(pct) >= 1 else 2
    q = pct.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if q.is_zero():
        q = abs(q)
    sign = "+" if signed and q > 0 else ""
    return f"{sign}{q:,.{decimals}f}%"


def _signed_wan(yuan: int) -> str:
    text = format_wan(abs(yuan))
    return ("+" if yuan > 0 else "-" if yuan < 0 else "") + text


def _esc(value: Any) -> str:
    return "" if value is None or value is pd.NA else html.escape(str(value))


def _lines_text(start: int | None, end: int | None) -> str:
    if start is None:
        return "—"
    if end is None or end == start:
        return f"第 {start} 行"
    return f"第 {start}–{end} 行"


def _norm_search(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _source_label(budget: Budget) -> str:
    meta = budget.meta
    year = meta.get("year")
    dept = meta.get("department") or ""
    return f"{year} 年{dept}部门预算" if year else f"{dept}部门预算"


# ---------------------------------------------------------------------------
# 1. Drill-down of a classified table (表3/7/8/10/11)
# ---------------------------------------------------------------------------


class DrillDownState:
    """Drill-down through the classification of a budget table.

    Parameters
    ----------
    budget:
        A :class:`~budgetkit.Budget`.
    table:
        A table with classification codes: 表3 (default), 7, 10, 11
        (functional classification, 类 → 款 → 项) or 8 (economic
        classification, 类 → 款).
    column:
        The amount column shown: ``"total"`` (default), ``"basic"``,
        ``"project"`` (and the procurement columns of 表3).

    The state starts at the top (``path == []``), where the children are the
    类 of the table and the node's total is the table's total row. ``select``
    goes one level down, ``up``/``goto`` go back. Nothing here changes the
    Budget: the state works on its own copy of the table.
    """

    def __init__(self, budget: Budget, table: int = 3, column: str = "total") -> None:
        self._budget = _check_budget(budget)
        df = budget.table(table)  # MissingTableError for tables the document does not contain
        need = {"code", "level", "kind", "name"}
        if not need <= set(df.columns):
            usable = [n for n in budget.meta.get("published", []) if _is_classified(budget, n)]
            raise ValueError(
                f"表{table} has no classification codes to drill into; "
                f"use one of: {', '.join(f'表{n}' for n in usable)}"
            )
        money = [
            c for c in df.columns if c in MONEY_COLUMNS and pd.api.types.is_integer_dtype(df[c].dtype)
        ]
        if column not in money:
            raise ValueError(
                f"column {column!r} is not an amount column of 表{table}; choose one of: {', '.join(money)}"
            )
        self.table_number = int(table)
        self.column = column
        self.table_title = str(df.attrs.get("title") or f"表{table}")
        self._source = budget.meta.get("source")
        self._department = budget.meta.get("department") or ""
        self._year = budget.meta.get("year")
        self._source_label = _source_label(budget)

        rows: dict[str, dict[str, Any]] = {}
        order: list[str] = []
        items = df[df["kind"] == "item"]
        for r in items.itertuples(index=False):
            code = _str_or_none(r.code)
            line = _int_or_none(getattr(r, "line", None))
            if code is None:
                raise DataError(
                    f"an item row of 表{table} has no classification code",
                    file=self._source, table=f"表{table}", line=line,
                )
            if code in rows:
                raise DataError(
                    f"code {code} appears twice in 表{table} (lines {rows[code]['line']} and {line})",
                    file=self._source, table=f"表{table}", line=line,
                )
            rows[code] = {
                "code": code,
                "name": _str_or_none(r.name) or "",
                "level": _int_or_none(r.level),
                "amount": _int_or_none(getattr(r, column)),
                "line": line,
                "line_end": _int_or_none(getattr(r, "line_end", None)) or line,
            }
            order.append(code)
        self._rows = rows
        self._position = {c: i for i, c in enumerate(order)}

        # Parent of each row: the nearest ancestor code present in the table
        # (a table that skips a level still keeps every row reachable).
        self._kids: dict[str | None, list[str]] = {None: []}
        for code in order:
            self._kids.setdefault(code, [])
            parent = None
            for length in (5, 3):
                if len(code) > length and code[:length] in rows:
                    parent = code[:length]
                    break
            rows[code]["parent"] = parent
            self._kids[parent].append(code)

        totals = df[df["kind"] == "total"]
        if len(totals):
            t = totals.iloc[0]
            self._root_total = _int_or_none(t[column])
            self._root_line = _int_or_none(t.get("line"))
        else:
            amounts = [rows[c]["amount"] for c in self._kids[None]]
            self._root_total = None if any(a is None for a in amounts) else sum(amounts)
            self._root_line = None
        first = next(iter(rows), None)
        self.system = _codes.parse(first).system if first else "function"

        self._path: list[str] = []
        self._mode = "amount"
        self._order = "code"

    # ------------------------------------------------------------ navigation
    @property
    def path(self) -> list[str]:
        """Codes from the top to the current node (``[]`` at the top)."""
        return list(self._path)

    @property
    def level(self) -> int:
        """Depth of the current node: 0 at the top (the 类 are shown), 1 in a 类, …"""
        return len(self._path)

    @property
    def node(self) -> str | None:
        """Code of the current node, None at the top."""
        return self._path[-1] if self._path else None

    @property
    def mode(self) -> str:
        """``"amount"`` (bars in 元, labelled in 万元) or ``"percent"`` (share of the node)."""
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        value = {label: key for key, label in MODES.items()}.get(value, value)
        if value not in MODES:
            raise ValueError(f"mode must be one of {', '.join(map(repr, MODES))}, not {value!r}")
        self._mode = value

    @property
    def order(self) -> str:
        """Order of the children: ``"code"`` (as printed, default) or ``"amount"`` (largest first)."""
        return self._order

    @order.setter
    def order(self, value: str) -> None:
        value = {label: key for key, label in ORDERS.items()}.get(value, value)
        if value not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(map(repr, ORDERS))}, not {value!r}")
        self._order = value

    def _norm(self, code: Any) -> str:
        if isinstance(code, _codes.Code):
            return code.code
        if isinstance(code, str):
            text = unicodedata.normalize("NFKC", code).strip()
            return text if text in self._rows else "".join(text.split())
        if isinstance(code, numbers.Integral) and not isinstance(code, bool):
            return str(int(code))
        raise ValueError(f"a classification code is text or an integer, got {code!r}")

    def _label(self, code: str) -> str:
        row = self._rows[code]
        return f"{code} {row['name']}".strip()

    def drillable(self) -> list[str]:
        """Codes of the current node's children that have children themselves."""
        return [c for c in self._kids[self.node] if self._kids.get(c)]

    def is_leaf(self, code: Any) -> bool:
        """True when ``code`` (a code of the table) has no children in the table."""
        norm = self._norm(code)
        if norm not in self._rows:
            raise ValueError(f"code {code!r} is not in 表{self.table_number} {self.table_title}")
        return not self._kids.get(norm)

    def select(self, code: Any) -> None:
        """Drill into ``code``, a child of the current node that has children."""
        norm = self._norm(code)
        kids = self._kids[self.node]
        if norm not in kids:
            valid = ", ".join(self._label(c) for c in kids) or "none"
            raise ValueError(
                f"{code!r} is not a child of {self.node_label}; its children are: {valid}"
            )
        if not self._kids.get(norm):
            can = ", ".join(self._label(c) for c in self.drillable()) or "none"
            raise ValueError(
                f"{self._label(norm)} has no sub-items in 表{self.table_number}; nothing to drill into "
                f"(children of {self.node_label} with sub-items: {can})"
            )
        self._path.append(norm)

    def up(self) -> None:
        """Go one level up (nothing happens at the top)."""
        if self._path:
            self._path.pop()

    def goto(self, depth: int) -> None:
        """Go to breadcrumb ``depth``: 0 = the top, ``len(path)`` = where you are."""
        if isinstance(depth, bool) or not isinstance(depth, numbers.Integral) or not 0 <= depth <= len(self._path):
            raise ValueError(f"depth must be an integer from 0 to {len(self._path)}, not {depth!r}")
        del self._path[int(depth):]

    def reset(self) -> None:
        """Back to the top."""
        self._path.clear()

    # ------------------------------------------------------------ what is shown
    @property
    def node_total(self) -> int | None:
        """Amount (元) of the current node: the table's total row at the top."""
        return self._root_total if self.node is None else self._rows[self.node]["amount"]

    @property
    def node_label(self) -> str:
        """``'201 一般公共服务支出'``, or ``'全部'`` at the top."""
        return ALL if self.node is None else self._label(self.node)

    @property
    def node_line(self) -> int | None:
        """Source line of the current node's row (the total row at the top)."""
        return self._root_line if self.node is None else self._rows[self.node]["line"]

    @property
    def breadcrumbs(self) -> list[str]:
        """``['全部 132,234 万元', '201 一般公共服务支出', …]``."""
        top = ALL if self._root_total is None else f"{ALL} {format_wan(self._root_total)}"
        return [top, *(self._label(c) for c in self._path)]

    @property
    def child_level_name(self) -> str:
        """类, 款 or 项: what the children of the current node are."""
        names = _codes.LEVEL_NAMES.get(self.system, {})
        return names.get(self.level + 1, "下级科目")

    def _records(self) -> list[dict[str, Any]]:
        total = self.node_total
        out = []
        for code in self._kids[self.node]:
            row = self._rows[code]
            out.append({**row, "fraction": _fraction(row["amount"], total)})
        if self._order == "amount":
            out.sort(key=lambda r: (r["amount"] is None, -(r["amount"] or 0), self._position[r["code"]]))
        return out

    def children(self) -> pd.DataFrame:
        """The current node's children: ``code, name, amount`` (元, Int64), ``share``, ``line``, ``line_end``.

        ``share`` is the child's amount over the current node's total,
        computed exactly (Fraction) and given as float (NA when the total is
        0 or unknown).
        """
        recs = self._records()
        return pd.DataFrame(
            {
                "code": pd.array([r["code"] for r in recs], dtype="string"),
                "name": pd.array([r["name"] for r in recs], dtype="string"),
                "amount": pd.array([r["amount"] for r in recs], dtype="Int64"),
                "share": pd.array(
                    [None if r["fraction"] is None else float(r["fraction"]) for r in recs], dtype="Float64"
                ),
                "line": pd.array([r["line"] for r in recs], dtype="Int64"),
                "line_end": pd.array([r["line_end"] for r in recs], dtype="Int64"),
            }
        )

    def exact_shares(self) -> dict[str, Fraction | None]:
        """``{code: Fraction}`` shares of the children in the current node's total."""
        return {r["code"]: r["fraction"] for r in self._records()}

    def difference(self) -> int | None:
        """Node total minus the sum of its children (元); 0 when they reconcile.

        None when an amount is missing or the node has no children. A non-zero
        value is rounding in the source (尾数误差) or an error in the table.
        """
        recs = self._records()
        if not recs or self.node_total is None or any(r["amount"] is None for r in recs):
            return None
        return self.node_total - sum(r["amount"] for r in recs)

    def small_items(self, threshold: float = 0.01) -> pd.DataFrame:
        """Children whose share of the node is below ``threshold`` (too small to see as bars)."""
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float, Fraction)) or not 0 <= threshold <= 1:
            raise ValueError(f"threshold is a share between 0 and 1 (0.01 = 1%), not {threshold!r}")
        limit = Fraction(threshold)
        keep = [r["code"] for r in self._records() if r["fraction"] is not None and r["fraction"] < limit]
        kids = self.children()
        return kids[kids["code"].isin(keep)].reset_index(drop=True)

    def figure_data(self) -> tuple[list[str], list]:
        """``(labels, values)`` as plotted: ``'code name'`` labels, values in 元 (int) or percent (float).

        Children without an amount are left out (they cannot be drawn).
        """
        labels: list[str] = []
        values: list = []
        for r in self._records():
            if r["amount"] is None:
                continue
            if self._mode == "amount":
                value: Any = r["amount"]
            else:
                if r["fraction"] is None:
                    continue
                value = float(r["fraction"] * 100)
            labels.append(self._label(r["code"]))
            values.append(value)
        return labels, values

    def source_lines(self) -> tuple[int | None, int | None]:
        """First and last source line of the current node and its children."""
        lines = [r["line"] for r in self._records() if r["line"] is not None]
        ends = [r["line_end"] for r in self._records() if r["line_end"] is not None]
        if self.node_line is not None:
            lines.append(self.node_line)
            ends.append(self.node_line)
        return (min(lines), max(ends)) if lines else (None, None)

    @property
    def table_label(self) -> str:
        return f"表{self.table_number} {self.table_title}"

    @property
    def column_label(self) -> str:
        return COLUMN_LABELS.get(self.column, self.column)

    def title(self) -> str:
        """Chart title naming the node: ``'201 一般公共服务支出：各款支出'``."""
        if self.node is None:
            return f"{self.table_label}：各{self.child_level_name}支出"
        return f"{self.node_label}：各{self.child_level_name}支出"

    def subtitle(self) -> str:
        total = "—" if self.node_total is None else format_wan(self.node_total)
        unit = "单位：万元" if self._mode == "amount" else "单位：占本级合计的百分比"
        where = self._department if self.node is None else self.table_label
        return f"{where} · {self.column_label} {total} · {unit}"

    def source_text(self) -> str:
        first, last = self.source_lines()
        where = "" if first is None else f"，{_lines_text(first, last)}"
        return f"数据来源：{self._source_label}，{self.table_label}{where}。由 budgetkit 整理。"

    def csv_filename(self) -> str:
        return f"表{self.table_number}_{'_'.join(self._path) or ALL}_{self.column}.csv"

    def to_csv(self) -> str:
        """CSV text of the current view (children, amounts in 元), after one ``#`` header line.

        Read it back with ``pd.read_csv(io.StringIO(text), skiprows=1, dtype={"code": str})``.
        """
        path = " > ".join(self.breadcrumbs)
        header = (
            f"# budgetkit {self._source_label} {self.table_label}；路径：{path}；"
            f"列：{self.column}（{self.column_label}）；amount 单位：元；share = amount / 本级合计 "
            f"{'' if self.node_total is None else format_yuan(self.node_total)}\n"
        )
        return header + self.children().to_csv(index=False, lineterminator="\n")

    def __repr__(self) -> str:
        return (
            f"<DrillDownState {self.table_label} {self.column}: {' › '.join(self.breadcrumbs)} "
            f"({len(self._kids[self.node])} children, mode={self._mode})>"
        )


def _is_classified(budget: Budget, n: int) -> bool:
    try:
        return "code" in budget.frame(f"table{n}").columns
    except Exception:  # pragma: no cover - a frame that cannot be read is not usable here
        return False


# ---------------------------------------------------------------------------
# 2. Projects
# ---------------------------------------------------------------------------


class ProjectExplorerState:
    """One project of 第三部分（四）项目支出 at a time: amount, components, change, reason, goal.

    ``project_no`` is the project's number in the document (1–19 in the
    seed); it starts at the first project.
    """

    def __init__(self, budget: Budget) -> None:
        self._budget = _check_budget(budget)
        projects = budget.projects
        if projects.empty:
            raise DataError("this Budget has no projects (第三部分 项目支出)", file=budget.meta.get("source"))
        self._projects = projects.set_index(projects["project_no"].astype(int), drop=False)
        self._numbers = [int(n) for n in projects["project_no"]]
        self._project_no = self._numbers[0]

    @property
    def numbers(self) -> list[int]:
        """The project numbers, in document order."""
        return list(self._numbers)

    @property
    def project_no(self) -> int:
        return self._project_no

    @project_no.setter
    def project_no(self, value: int) -> None:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or int(value) not in self._numbers:
            raise ValueError(
                f"no project {value!r}; projects are numbered {self._numbers[0]}–{self._numbers[-1]}"
                if self._numbers == list(range(self._numbers[0], self._numbers[-1] + 1))
                else f"no project {value!r}; projects: {', '.join(map(str, self._numbers))}"
            )
        self._project_no = int(value)

    def select(self, project_no: int) -> None:
        """Show project ``project_no``."""
        self.project_no = project_no

    def options(self) -> list[tuple[str, int]]:
        """``(label, project_no)`` pairs for a dropdown: ``'1. 工业园区…（217 万元）'``."""
        out = []
        for no in self._numbers:
            r = self._projects.loc[no]
            amount = _int_or_none(r["amount"])
            money = "" if amount is None else f"（{format_wan(amount)}）"
            out.append((f"{no}. {r['name']}{money}", no))
        return out

    def details(self) -> dict[str, Any]:
        """Everything the document says about the project, amounts in integer 元.

        Keys: ``project_no, name, amount, components`` (list of
        :class:`~budgetkit.Component`), ``components_total``,
        ``components_difference`` (amount − components), ``purpose``,
        ``baseline`` (e.g. ``'2022 年 10 月预算'``), ``prior_amount``,
        ``change``, ``change_pct`` (as published, rounded), ``change_pct_text``,
        ``change_pct_exact`` (Fraction change / prior_amount, None when the
        prior amount is 0), ``reason``, ``goal``, ``goal_amount``,
        ``special_fund``, ``sub_fund``, ``line``/``line_end`` (the project's
        source lines), ``goal_line``/``goal_line_end`` (its performance goal)
        and ``source`` (the project's source text, None when not attached).
        """
        r = self._projects.loc[self._project_no]
        amount = _int_or_none(r["amount"])
        comps = [Component(c.name, int(c.amount)) for c in r["components"]]
        comp_total = sum(c.amount for c in comps) if comps else None
        change = _int_or_none(r.get("change"))
        prior = _int_or_none(r.get("prior_amount"))
        pct = r.get("change_pct")
        line, line_end = _int_or_none(r.get("line")), _int_or_none(r.get("line_end"))
        try:
            source = None if line is None else self._budget.source_lines(line, line_end or line, numbered=False)
        except DataError:
            source = None
        special = r.get("special_fund")
        return {
            "project_no": self._project_no,
            "name": str(r["name"]),
            "amount": amount,
            "components": comps,
            "components_total": comp_total,
            "components_difference": None if amount is None or comp_total is None else amount - comp_total,
            "purpose": _str_or_none(r.get("purpose")),
            "baseline": _str_or_none(r.get("baseline")),
            "prior_amount": prior,
            "change": change,
            "change_pct": None if pct is None or pct is pd.NA else float(pct),
            "change_pct_text": _str_or_none(r.get("change_pct_text")),
            "change_pct_exact": _fraction(change, prior),
            "reason": _str_or_none(r.get("reason")),
            "goal": _str_or_none(r.get("goal")),
            "goal_amount": _int_or_none(r.get("goal_amount")),
            "special_fund": None if special is None or special is pd.NA else bool(special),
            "sub_fund": _str_or_none(r.get("sub_fund")),
            "line": line,
            "line_end": line_end,
            "goal_line": _int_or_none(r.get("goal_line")),
            "goal_line_end": _int_or_none(r.get("goal_line_end")),
            "source": source,
        }

    def components(self) -> pd.DataFrame:
        """The project's components: ``name``, ``amount`` (元), ``share`` of the project amount."""
        d = self.details()
        return pd.DataFrame(
            {
                "name": pd.array([c.name for c in d["components"]], dtype="string"),
                "amount": pd.array([c.amount for c in d["components"]], dtype="Int64"),
                "share": pd.array(
                    [None if (f := _fraction(c.amount, d["amount"])) is None else float(f) for c in d["components"]],
                    dtype="Float64",
                ),
            }
        )

    def figure_data(self) -> tuple[list[str], list[int]]:
        """``(component names, amounts in 元)`` of the components chart."""
        d = self.details()
        return [c.name for c in d["components"]], [c.amount for c in d["components"]]

    def __repr__(self) -> str:
        d = self.details()
        return f"<ProjectExplorerState project {d['project_no']}: {d['name']}>"


# ---------------------------------------------------------------------------
# 3. Special funds
# ---------------------------------------------------------------------------


class FundComparisonState:
    """Compare the sub-funds of 产业发展专项资金 (all selected at first).

    ``metric``: ``"amount"`` (2023 预算), ``"change"`` (变化 against the
    baseline) or ``"compare"`` (2023 与基数对比: baseline and 2023 side by
    side). The Chinese labels of :data:`METRICS` are accepted too.
    """

    def __init__(self, budget: Budget) -> None:
        self._budget = _check_budget(budget)
        funds = budget.special_funds
        if funds.empty:
            raise DataError("this Budget has no special funds (产业发展专项资金)", file=budget.meta.get("source"))
        self._funds = funds.reset_index(drop=True)
        self._names = [str(n) for n in funds["sub_fund"]]
        if len(set(self._names)) != len(self._names):
            raise DataError("special fund names are not unique", file=budget.meta.get("source"))
        baselines: set[str] = set()
        projects = budget.projects
        if "baseline" in projects.columns and "project_no" in funds.columns:
            wanted = set(int(n) for n in funds["project_no"].dropna())
            baselines = {
                str(b) for no, b in zip(projects["project_no"], projects["baseline"])
                if b is not pd.NA and int(no) in wanted
            }
        self.baseline = baselines.pop() if len(baselines) == 1 else "上年预算"
        amounts = [_int_or_none(a) for a in funds["amount"]]
        self.total = None if any(a is None for a in amounts) else sum(amounts)
        self._selected = tuple(self._names)
        self._metric = "amount"

    @property
    def names(self) -> list[str]:
        """All sub-fund names, in document order."""
        return list(self._names)

    @property
    def selected(self) -> tuple[str, ...]:
        return self._selected

    @selected.setter
    def selected(self, names: Iterable[str]) -> None:
        if isinstance(names, str):
            names = (names,)
        names = tuple(names)
        unknown = [n for n in names if n not in self._names]
        if unknown:
            raise ValueError(
                f"unknown special fund(s): {', '.join(map(repr, unknown))}; known: {', '.join(self._names)}"
            )
        chosen = set(names)
        self._selected = tuple(n for n in self._names if n in chosen)  # document order, no duplicates

    def select(self, names: Iterable[str]) -> None:
        self.selected = names

    @property
    def metric(self) -> str:
        return self._metric

    @metric.setter
    def metric(self, value: str) -> None:
        value = {label: key for key, label in METRICS.items()}.get(value, value)
        if value not in METRICS:
            raise ValueError(
                f"metric must be one of {', '.join(map(repr, METRICS))} "
                f"({' / '.join(METRICS.values())}), not {value!r}"
            )
        self._metric = value

    def table(self) -> pd.DataFrame:
        """The selected sub-funds, in document order.

        ``sub_fund, project_no, amount, prior_amount, change`` (元),
        ``change_pct`` (as published, rounded), ``change_pct_exact``
        (change / prior_amount, exact then float; NA when the prior amount is
        0), ``share`` (of the total of *all* sub-funds, :attr:`total`),
        ``line``, ``line_end``.
        """
        df = self._funds[self._funds["sub_fund"].isin(self._selected)].reset_index(drop=True)
        cols = [c for c in ("sub_fund", "project_no", "amount", "prior_amount", "change", "change_pct", "line", "line_end")
                if c in df.columns]
        out = df[cols].copy()
        exact = [
            _fraction(_int_or_none(c), _int_or_none(p)) for c, p in zip(df["change"], df["prior_amount"])
        ]
        share = [_fraction(_int_or_none(a), self.total) for a in df["amount"]]
        pos = list(out.columns).index("change_pct") + 1 if "change_pct" in out.columns else len(out.columns)
        out.insert(pos, "change_pct_exact", pd.array([None if f is None else float(f) for f in exact], dtype="Float64"))
        out.insert(pos + 1, "share", pd.array([None if f is None else float(f) for f in share], dtype="Float64"))
        return out

    def figure_data(self) -> tuple[list[str], list]:
        """``(labels, values)`` of the chart, largest first.

        ``amount``/``change``: values are integers of 元. ``compare``: values
        are ``(prior_amount, amount)`` pairs, sorted by the 2023 amount.
        """
        t = self.table()
        recs = []
        for r in t.itertuples(index=False):
            amount, prior, change = _int_or_none(r.amount), _int_or_none(r.prior_amount), _int_or_none(r.change)
            if self._metric == "amount":
                if amount is None:
                    continue
                recs.append((str(r.sub_fund), amount, amount))
            elif self._metric == "change":
                if change is None:
                    continue
                recs.append((str(r.sub_fund), change, change))
            else:
                if amount is None or prior is None:
                    continue
                recs.append((str(r.sub_fund), (prior, amount), amount))
        recs.sort(key=lambda x: -x[2])  # stable: ties keep document order
        return [r[0] for r in recs], [r[1] for r in recs]

    def title(self) -> str:
        if self._metric == "amount":
            return "产业发展专项资金：2023 年预算"
        if self._metric == "change":
            return f"产业发展专项资金：较 {self.baseline}的变化"
        return f"产业发展专项资金：2023 年预算与 {self.baseline}对比"

    def __repr__(self) -> str:
        return f"<FundComparisonState {len(self._selected)}/{len(self._names)} funds, metric={self._metric}>"


# ---------------------------------------------------------------------------
# 4. Performance indicators
# ---------------------------------------------------------------------------


class IndicatorBrowserState:
    """Filter the 表12 performance indicators (年度绩效指标).

    Filters: ``level1`` (一级指标, ``'全部'`` or e.g. ``'产出'``), ``level2``
    (二级指标; its options depend on ``level1`` and it resets to ``'全部'``
    when ``level1`` changes), ``kind`` (``'全部'``/``'定量'``/``'定性'``/``'不适用'``)
    and ``search`` (a substring of the 三级指标, case- and width-insensitive).

    Every row is exactly one kind: ``定量`` (quantitative — the target is a
    number), ``定性`` (qualitative — a target in words such as 有效提升) or
    ``不适用`` (not applicable — a placeholder row whose 三级指标 or 目标值 reads
    不适用; it is not an indicator). The kinds agree with
    :func:`budgetkit.performance.indicator_kinds`.
    """

    def __init__(self, budget: Budget) -> None:
        self._budget = _check_budget(budget)
        ind = budget.indicators
        if ind.empty:
            raise DataError("this Budget has no performance indicators (表12)", file=budget.meta.get("source"))
        self._ind = ind.reset_index(drop=True)
        self._level3_norm = [_norm_search(str(t)) if t is not pd.NA else "" for t in ind["level3"]]
        self._kinds = [_indicator_kind(r) for r in self._ind.itertuples(index=False)]
        self._level1 = ALL
        self._level2 = ALL
        self._kind = ALL
        self._search = ""

    @staticmethod
    def _unique(values: Iterable[Any]) -> list[str]:
        seen: dict[str, None] = {}
        for v in values:
            if v is not None and v is not pd.NA:
                seen.setdefault(str(v), None)
        return list(seen)

    def level1_options(self) -> list[str]:
        return [ALL, *self._unique(self._ind["level1"])]

    def level2_options(self, level1: str | None = None) -> list[str]:
        """``'全部'`` and the 二级指标 under ``level1`` (default: the current one)."""
        level1 = self._level1 if level1 is None else level1
        rows = self._ind if level1 == ALL else self._ind[self._ind["level1"] == level1]
        return [ALL, *self._unique(rows["level2"])]

    @property
    def level1(self) -> str:
        return self._level1

    @level1.setter
    def level1(self, value: str) -> None:
        if value not in self.level1_options():
            raise ValueError(f"level1 must be one of {', '.join(self.level1_options())}, not {value!r}")
        if value != self._level1:
            self._level1 = value
            self._level2 = ALL

    @property
    def level2(self) -> str:
        return self._level2

    @level2.setter
    def level2(self, value: str) -> None:
        opts = self.level2_options()
        if value not in opts:
            raise ValueError(
                f"level2 {value!r} is not under level1 {self._level1!r}; choose one of {', '.join(opts)}"
            )
        self._level2 = value

    @property
    def kind(self) -> str:
        return self._kind

    @kind.setter
    def kind(self, value: str) -> None:
        if value not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {value!r}")
        self._kind = value

    @property
    def search(self) -> str:
        return self._search

    @search.setter
    def search(self, value: str | None) -> None:
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ValueError(f"search is text, not {type(value).__name__}")
        self._search = value

    def _mask(self) -> list[bool]:
        ind = self._ind
        want = KINDS[self._kind]
        needle = _norm_search(self._search)
        mask = []
        for i in range(len(ind)):
            ok = self._level1 == ALL or ind.at[i, "level1"] == self._level1
            ok = ok and (self._level2 == ALL or ind.at[i, "level2"] == self._level2)
            ok = ok and (want is None or self._kinds[i] == want)
            ok = ok and (not needle or needle in self._level3_norm[i])
            mask.append(bool(ok))
        return mask

    def filtered(self) -> pd.DataFrame:
        """The indicators that pass the filters (a copy; all columns, document order)."""
        return self._ind[self._mask()].reset_index(drop=True)

    def kinds(self) -> list[str]:
        """The kind label (``'定量'``/``'定性'``/``'不适用'``) of each row of :meth:`filtered`."""
        label = {key: name for name, key in KINDS.items() if key is not None}
        return [label[k] for k, ok in zip(self._kinds, self._mask()) if ok]

    def counts(self) -> dict[str, int]:
        """``{'total', 'shown', 'quantitative', 'qualitative', 'not_applicable'}``.

        The last three are among the rows shown and add up to ``shown``.
        """
        shown = [k for k, ok in zip(self._kinds, self._mask()) if ok]
        return {"total": len(self._ind), "shown": len(shown),
                **{key: shown.count(key) for key in KINDS.values() if key is not None}}

    def __repr__(self) -> str:
        c = self.counts()
        return (
            f"<IndicatorBrowserState {c['shown']}/{c['total']} indicators: level1={self._level1!r}, "
            f"level2={self._level2!r}, kind={self._kind!r}, search={self._search!r}>"
        )


# ---------------------------------------------------------------------------
# Views (ipywidgets)
# ---------------------------------------------------------------------------

_BUTTON_CLASS = None


def _button_class():
    """A Button whose ``click()`` lets callback exceptions propagate.

    ipywidgets' Button runs its handlers through a CallbackDispatcher that
    logs and swallows exceptions; this one calls them directly.
    """
    global _BUTTON_CLASS
    if _BUTTON_CLASS is None:
        import ipywidgets as W

        class RaisingButton(W.Button):
            def __init__(self, **kwargs: Any) -> None:
                super().__init__(**kwargs)
                self._handlers: list = []

            def on_click(self, callback, remove: bool = False) -> None:  # noqa: D401 - ipywidgets API
                if remove:
                    self._handlers = [h for h in self._handlers if h is not callback]
                else:
                    self._handlers.append(callback)

            def click(self) -> None:
                for handler in list(self._handlers):
                    handler(self)

        _BUTTON_CLASS = RaisingButton
    return _BUTTON_CLASS


#: Figure width (inches) of the charts; the height follows the number of bars.
FIGURE_WIDTH = 8.5
_BOTTOM_IN = 0.62  # x tick labels and axis label
_RIGHT_IN = 0.35  # half of the last x tick label
_LABEL_WRAP = 24  # characters per line of a bar label in the chart


def _wrap(label: str, width: int = _LABEL_WRAP) -> str:
    """Break a long bar label onto lines of at most ``width`` characters (display only)."""
    if len(label) <= width:
        return label
    lines = -(-len(label) // width)
    size = -(-len(label) // lines)  # balanced lines
    return "\n".join(label[i:i + size] for i in range(0, len(label), size))


def _new_figure(n_bars: int, *, extra: float = 0.0, subtitle: bool = True):
    """A Figure (not registered with pyplot) and its Axes, with fixed top/bottom/right margins.

    Margins are set by hand instead of constrained layout, which would double
    the drawing time of a redraw; :func:`_finish_layout` fits the left margin
    to the bar labels before rendering.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = max(2.6, 0.42 * max(n_bars, 1) + 1.9 + extra)
    fig = Figure(figsize=(FIGURE_WIDTH, height), dpi=100)
    FigureCanvasAgg(fig)
    top_in = (52 if subtitle else 36) / 72
    fig.subplots_adjust(bottom=_BOTTOM_IN / height, top=1 - top_in / height, right=1 - _RIGHT_IN / FIGURE_WIDTH)
    return fig, fig.add_subplot()


def _finish_layout(fig) -> None:
    """Fit the left margin to the y tick labels and align titles with the figure's left edge."""
    if not fig.axes:
        return
    ax = fig.axes[0]
    renderer = fig.canvas.get_renderer()
    widths = [t.get_window_extent(renderer).width for t in ax.get_yticklabels() if t.get_text()]
    width_in = fig.get_figwidth()
    label_in = max(widths, default=0.0) / fig.dpi + (0.22 if widths else 0.0)
    left = min(0.55, max(0.12 / width_in, label_in / width_in))
    fig.subplots_adjust(left=left)
    # Title and subtitle start at the figure's left edge, not at the axes'.
    axes_in = (fig.subplotpars.right - left) * width_in
    x0 = -(left * width_in - 0.12) / axes_in if axes_in > 0 else 0.0
    from matplotlib.text import Annotation, Text

    left_title = ax.get_title(loc="left")
    for artist in ax.get_children():
        if isinstance(artist, Annotation):
            if artist.xycoords == "axes fraction" and tuple(artist.xy) == (0, 1):  # titled()'s subtitle
                artist.xy = (x0, 1)
        elif (isinstance(artist, Text) and left_title and artist.get_text() == left_title
              and artist.get_horizontalalignment() == "left"):
            artist.set_x(x0)


def _empty_axes(ax, title: str, message: str, subtitle: str | None = None) -> None:
    from . import plotting

    plotting.use_chinese_font()
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=11, color="#595959", transform=ax.transAxes)
    plotting.titled(ax, title, subtitle)


def _style_axes(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.axvline(0, color="#333333", linewidth=0.8)


def _percent_bars(ax, labels: Sequence[str], values: Sequence[float], texts: Sequence[str], *,
                  title: str, subtitle: str, source: str) -> None:
    from matplotlib.ticker import PercentFormatter

    from . import plotting

    plotting.use_chinese_font()
    pos = list(range(len(labels)))
    colors = [plotting.NEGATIVE_BAR_COLOR if v < 0 else plotting.BAR_COLOR for v in values]
    bars = ax.barh(pos, values, color=colors, height=0.62)
    ax.set_yticks(pos, labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=100, decimals=0))
    ax.set_xlabel("占比（%）")
    ax.bar_label(bars, labels=list(texts), padding=3, fontsize=9)
    ax.margins(x=0.18)
    if min(values, default=0) >= 0:
        ax.set_xlim(left=0)
    _style_axes(ax)
    plotting.titled(ax, title, subtitle)
    plotting.source_note(ax.figure, source)


def _compare_bars(ax, labels: Sequence[str], pairs: Sequence[tuple[int, int]], *, prior_label: str,
                  title: str, subtitle: str, source: str) -> None:
    from . import plotting

    plotting.use_chinese_font()
    h = 0.38
    pos = list(range(len(labels)))
    prior = ax.barh([p - h / 2 for p in pos], [float(a) for a, _ in pairs], height=h, color=_PRIOR_COLOR,
                    label=prior_label)
    now = ax.barh([p + h / 2 for p in pos], [float(b) for _, b in pairs], height=h, color=plotting.BAR_COLOR,
                  label="2023 年预算")
    ax.set_yticks(pos, labels)
    ax.invert_yaxis()
    plotting.money_axis(ax, unit="万元", axis="x")
    fmt = plotting.money_formatter("万元")
    ax.bar_label(prior, labels=[fmt.format_value(a) for a, _ in pairs], padding=3, fontsize=8, color="#595959")
    ax.bar_label(now, labels=[fmt.format_value(b) for _, b in pairs], padding=3, fontsize=8)
    ax.margins(x=0.18)
    ax.set_xlim(left=0)
    _style_axes(ax)
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    plotting.titled(ax, title, subtitle)
    plotting.source_note(ax.figure, source)


class _View:
    """Shared machinery of the views: error handling, PNG output, display."""

    #: Resolution of the rendered chart (pixels per inch).
    dpi = 100

    state: Any
    widget: Any

    def _init_view(self) -> None:
        import ipywidgets as W

        self._W = W
        self._syncing = False
        self.figure = None
        self.png: bytes | None = None
        self.output = W.Output()

    @contextmanager
    def _sync(self):
        """Changes to controls made by the view itself (not the user) are ignored by the callbacks."""
        old, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = old

    def _guarded(self, action) -> None:
        """Run a callback; on error show it in the widget, then re-raise."""
        try:
            action()
        except Exception as exc:
            self._show_error(exc)
            raise

    def _show_error(self, exc: BaseException) -> None:
        text = f"出错 / error: {type(exc).__name__}: {exc}\n"
        self.output.outputs = ({"output_type": "stream", "name": "stderr", "text": text},)

    def _render(self, fig) -> None:
        _finish_layout(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=self.dpi, pil_kwargs={"compress_level": 1})
        self.figure = fig
        self.png = buf.getvalue()
        w, h = fig.get_size_inches() * self.dpi
        self.output.outputs = (
            {
                "output_type": "display_data",
                "data": {
                    "image/png": base64.b64encode(self.png).decode("ascii"),
                    "text/plain": f"<Figure size {int(w)}x{int(h)}: {self._figure_title()}>",
                },
                "metadata": {"image/png": {"width": int(w), "height": int(h)}},
            },
        )

    def _figure_title(self) -> str:
        if self.figure is None or not self.figure.axes:
            return ""
        return self.figure.axes[0].get_title(loc="left")

    def _summary(self) -> str:
        return repr(self.state)

    def _fallback(self) -> dict[str, Any]:
        """Static fallback shown where widgets cannot render (e.g. a saved notebook)."""
        if self.png is None:
            return {}
        return {"image/png": base64.b64encode(self.png).decode("ascii")}

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        data = dict(self.widget._repr_mimebundle_() or {})
        data.update(self._fallback())
        data["text/plain"] = f"{type(self).__name__}: {self._summary()}"
        return data

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)


class DrillDown(_View):
    """Interactive drill-down of a classified table (see :class:`DrillDownState`).

    Controls: ``crumbs`` (breadcrumb Buttons; a click goes back up),
    ``child_select`` (Dropdown of the children that have sub-items; choosing
    one drills down), ``mode_toggle`` (万元 / %), ``order_toggle`` (科目顺序 /
    按金额), ``export_button`` (fills ``export_link`` with a CSV data link; no
    file is written). Output: ``output`` (the bar chart), ``small_list``
    (children too small to see, rounding and reconciliation notes).
    """

    def __init__(self, budget: Budget, table: int = 3, column: str = "total", *,
                 small_threshold: float = 0.01) -> None:
        self.state = DrillDownState(budget, table=table, column=column)
        self.state.small_items(small_threshold)  # validates the threshold
        self.small_threshold = small_threshold
        self._init_view()
        W = self._W
        self.crumbs = W.HBox(layout=W.Layout(flex_flow="row wrap"))
        self.child_select = W.Dropdown(description="下钻：", layout=W.Layout(width="460px"))
        self.mode_toggle = W.ToggleButtons(options=[(label, key) for key, label in MODES.items()],
                                           value=self.state.mode, tooltips=["金额（万元）", "占本级合计的百分比"],
                                           style={"button_width": "56px"})
        self.order_toggle = W.ToggleButtons(options=[(label, key) for key, label in ORDERS.items()],
                                            value=self.state.order, style={"button_width": "72px"})
        self.export_button = _button_class()(description="导出 CSV", icon="download",
                                             tooltip="导出当前视图（金额单位：元）")
        self.export_link = W.HTML()
        self.small_list = W.HTML()
        self.widget = W.VBox([
            self.crumbs,
            W.HBox([self.child_select, self.mode_toggle, self.order_toggle, self.export_button],
                   layout=W.Layout(flex_flow="row wrap", align_items="center")),
            self.export_link,
            self.output,
            self.small_list,
        ])
        self.child_select.observe(self._on_child, names="value")
        self.mode_toggle.observe(self._on_mode, names="value")
        self.order_toggle.observe(self._on_order, names="value")
        self.export_button.on_click(self._on_export)
        self._guarded(self._refresh)

    # ------------------------------------------------------------ callbacks
    def _on_child(self, change) -> None:
        if self._syncing or change["new"] is None:
            return

        def act():
            self.state.select(change["new"])
            self._refresh()

        self._guarded(act)

    def _on_mode(self, change) -> None:
        if self._syncing:
            return

        def act():
            self.state.mode = change["new"]
            self._refresh()

        self._guarded(act)

    def _on_order(self, change) -> None:
        if self._syncing:
            return

        def act():
            self.state.order = change["new"]
            self._refresh()

        self._guarded(act)

    def _on_crumb(self, depth: int) -> None:
        def act():
            self.state.goto(depth)
            self._refresh()

        self._guarded(act)

    def _on_export(self, _button=None) -> None:
        self._guarded(self._export)

    # ------------------------------------------------------------ drawing
    def _refresh(self) -> None:
        self._sync_controls()
        self._redraw()

    def _sync_controls(self) -> None:
        W = self._W
        st = self.state
        Button = _button_class()
        crumbs = []
        labels = st.breadcrumbs
        for depth, label in enumerate(labels):
            last = depth == len(labels) - 1
            b = Button(description=label, tooltip="当前位置" if last else f"返回：{label}",
                       button_style="info" if last else "", layout=W.Layout(width="auto"))
            b.on_click(lambda _b, d=depth: self._on_crumb(d))
            crumbs.append(b)
        kids = st.drillable()
        if kids:
            rows = {r["code"]: r for r in st._records()}
            opts = [(f"（选择{st.child_level_name}以下钻）", None)] + [
                (f"{st._label(c)}（{'—' if rows[c]['amount'] is None else format_wan(rows[c]['amount'])}）", c)
                for c in kids
            ]
        else:
            opts = [("（已到最末级）", None)]
        with self._sync():
            self.crumbs.children = crumbs
            self.child_select.options = opts
            self.child_select.value = None
            self.child_select.disabled = not kids
            self.mode_toggle.value = st.mode
            self.order_toggle.value = st.order
            self.export_link.value = ""

    def _redraw(self) -> None:
        from . import plotting

        st = self.state
        labels, values = st.figure_data()
        fig, ax = _new_figure(len(labels))
        if not labels:
            if st._kids[st.node]:
                msg = "（无法计算占比：本级合计为 0 或缺失）"
            elif st.node is None:
                total = "—" if st.node_total is None else format_wan(st.node_total)
                msg = f"（本表没有列出科目，合计 {total}）"
            else:
                msg = "（本级没有下级科目）"
            _empty_axes(ax, st.title(), msg, st.subtitle())
            plotting.source_note(fig, st.source_text())
        elif st.mode == "amount":
            plotting.bar_chart([_wrap(x) for x in labels], values, title=st.title(), subtitle=st.subtitle(),
                               unit="万元", source=st.source_text(), ax=ax)
        else:
            fractions = [r["fraction"] for r in st._records() if r["amount"] is not None and r["fraction"] is not None]
            _percent_bars(ax, [_wrap(x) for x in labels], values, [_pct_text(f) for f in fractions], title=st.title(),
                          subtitle=st.subtitle(), source=st.source_text() + "\n" + _ROUNDING_NOTE)
        self._render(fig)
        self.small_list.value = self._small_html()

    def _small_html(self) -> str:
        st = self.state
        parts = []
        small = st.small_items(self.small_threshold)
        shares = st.exact_shares()
        if len(small):
            items = "".join(
                f"<li>{_esc(r.code)} {_esc(r.name)}：{format_wan(int(r.amount))}"
                f"（{_pct_text(shares[r.code])}，{_lines_text(int(r.line), int(r.line_end))}）</li>"
                for r in small.itertuples()
            )
            limit = f"{(Decimal(repr(float(self.small_threshold))) * 100).normalize():f}%"
            parts.append(f"<b>图中难以看清的小项（占本级合计 &lt; {limit}）：</b><ul style='margin:2px 0'>{items}</ul>")
        missing = [r for r in st._records() if r["amount"] is None]
        if missing:
            parts.append("<b>未公布金额：</b>" + "、".join(_esc(st._label(r["code"])) for r in missing))
        diff = st.difference()
        if diff:
            kids_total = st.node_total - diff
            parts.append(
                f"<b>注意：</b>本级合计 {format_wan(st.node_total)}，下级合计 {format_wan(kids_total)}，"
                f"相差 {format_yuan(diff)}（本级 − 下级）。原表金额以万元取整，可能是尾数误差。"
            )
        elif diff == 0:
            parts.append(f"下级合计 = 本级合计 {format_wan(st.node_total)}（精确到元）。")
        first, last = st.source_lines()
        if first is not None:
            parts.append(f"来源：{_esc(st.table_label)}，{_lines_text(first, last)}。")
        if st.mode == "percent":
            parts.append(_esc(_ROUNDING_NOTE))
        return "<div style='font-size:12px;line-height:1.5'>" + "".join(f"<div>{p}</div>" for p in parts) + "</div>"

    def _export(self) -> None:
        st = self.state
        text = st.to_csv()
        # A UTF-8 byte order mark lets Excel open Chinese CSV correctly; to_csv() itself has none.
        href = "data:text/csv;charset=utf-8," + urllib.parse.quote("\ufeff" + text)
        name = st.csv_filename()
        n = len(st._kids[st.node])
        self.export_link.value = (
            f'<a download="{html.escape(name)}" href="{href}" target="_blank">下载 {html.escape(name)}</a>'
            f"（{n} 行，金额单位：元）"
        )

    def _summary(self) -> str:
        return f"{self.state.table_label} · {' › '.join(self.state.breadcrumbs)}（{MODES[self.state.mode]}）"


class ProjectExplorer(_View):
    """One project at a time (see :class:`ProjectExplorerState`).

    Controls: ``project_select`` (Dropdown of the projects, by name with
    amount), ``show_source`` (Checkbox: the project's source text). Output:
    ``panel`` (HTML: 金额与构成 | 变化与原因, 绩效目标), ``output`` (components
    bar chart).
    """

    def __init__(self, budget: Budget) -> None:
        self.state = ProjectExplorerState(budget)
        self._source_label = _source_label(budget)
        self._init_view()
        W = self._W
        self.project_select = W.Dropdown(options=self.state.options(), value=self.state.project_no,
                                         description="项目：", layout=W.Layout(width="640px"))
        self.show_source = W.Checkbox(value=False, description="显示原文", indent=False)
        self.panel = W.HTML()
        self.widget = W.VBox([W.HBox([self.project_select, self.show_source]), self.panel, self.output])
        self.project_select.observe(self._on_project, names="value")
        self.show_source.observe(self._on_source, names="value")
        self._guarded(self._refresh)

    def _on_project(self, change) -> None:
        if self._syncing:
            return

        def act():
            self.state.project_no = change["new"]
            self._refresh()

        self._guarded(act)

    def _on_source(self, change) -> None:
        if self._syncing:
            return
        self._guarded(self._refresh_panel)

    def _refresh(self) -> None:
        with self._sync():
            self.project_select.value = self.state.project_no
        self._refresh_panel()
        self._redraw()

    def _refresh_panel(self) -> None:
        self.panel.value = self._panel_html()

    def _panel_html(self) -> str:
        d = self.state.details()
        amount = d["amount"]
        box = "flex:1 1 340px;min-width:300px"
        h = "margin:4px 0 6px 0;font-size:14px"
        # 金额与构成
        rows = "".join(
            f"<tr><td>{_esc(c.name)}</td><td style='text-align:right'>{format_wan(c.amount, unit=False)}</td>"
            f"<td style='text-align:right'>{_pct_text(_fraction(c.amount, amount))}</td></tr>"
            for c in d["components"]
        )
        comp_note = ""
        if d["components_difference"]:
            comp_note = (f"<div style='color:#C0504D'>构成合计 {format_wan(d['components_total'])}，"
                         f"与项目预算相差 {format_wan(d['components_difference'])}。</div>")
        fund = ""
        if d["special_fund"]:
            fund = f"<div>属于产业发展专项资金（子项：{_esc(d['sub_fund'])}）。</div>"
        left = (
            f"<div style='{box}'><h4 style='{h}'>金额与构成</h4>"
            f"<div>2023 年预算 <b>{'—' if amount is None else format_wan(amount)}</b>"
            f"{'' if amount is None else f'（{format_yuan(amount)}）'}</div>{fund}"
            "<table cellpadding='4' style='border-collapse:collapse;margin-top:4px'>"
            "<tr><th style='text-align:left'>构成</th><th>金额（万元）</th><th>占比</th></tr>"
            f"{rows}</table>{comp_note}"
            f"<div style='margin-top:4px'><b>用途：</b>{_esc(d['purpose']) or '—'}</div></div>"
        )
        # 变化与原因
        prior, change = d["prior_amount"], d["change"]
        if change is None:
            change_text = "—"
        elif change == 0:
            change_text = "持平"
        else:
            change_text = f"{'增加' if change > 0 else '减少'} {format_wan(abs(change))}"
        exact = d["change_pct_exact"]
        pct = (f"文中：{_esc(d['change_pct_text']) or '—'}；按整数元计算："
               f"{'不可比（基数为 0）' if exact is None else _pct_text(exact, decimals=2, signed=True)}")
        right = (
            f"<div style='{box}'><h4 style='{h}'>变化与原因</h4>"
            f"<div>基数（{_esc(d['baseline']) or '上年'}）：{'—' if prior is None else format_wan(prior)}</div>"
            f"<div>变化：<b>{change_text}</b></div><div>变化率：{pct}</div>"
            f"<div style='margin-top:4px'><b>原因：</b>{_esc(d['reason']) or '—'}</div>"
            f"<h4 style='{h};margin-top:10px'>绩效目标</h4>"
            f"<div>{_esc(d['goal']).replace(chr(10), '<br>') or '—'}</div></div>"
        )
        src = (f"来源：{_esc(self._source_label)} 第三部分（四）{_lines_text(d['line'], d['line_end'])}"
               f"；绩效目标 {_lines_text(d['goal_line'], d['goal_line_end'])}。")
        if self.show_source.value and d["source"]:
            src += f"<pre style='white-space:pre-wrap;font-size:11px;background:#F5F5F5;padding:6px'>{_esc(d['source'])}</pre>"
        return (
            f"<div style='font-size:13px;line-height:1.55'><h3 style='margin:4px 0'>{d['project_no']}. {_esc(d['name'])}</h3>"
            f"<div style='display:flex;flex-wrap:wrap;gap:24px'>{left}{right}</div>"
            f"<div style='font-size:11px;color:#595959;margin-top:6px'>{src}</div></div>"
        )

    def _redraw(self) -> None:
        from . import plotting

        d = self.state.details()
        labels, values = self.state.figure_data()
        fig, ax = _new_figure(len(labels), extra=-0.4, subtitle=False)
        title = f"{d['project_no']}. {d['name']}：主要构成"
        source = (f"数据来源：{self._source_label} 第三部分（四），{_lines_text(d['line'], d['line_end'])}。"
                  "括号内为占构成合计的比例。")
        if labels:
            plotting.bar_chart([_wrap(x) for x in labels], values, title=title, unit="万元", source=source, ax=ax,
                               percent=True)
        else:
            _empty_axes(ax, title, "（文中未列出构成）")
            plotting.source_note(fig, source)
        self._render(fig)

    def _fallback(self) -> dict[str, Any]:
        return {"text/html": self.panel.value}

    def _summary(self) -> str:
        d = self.state.details()
        return f"{d['project_no']}. {d['name']}（{format_wan(d['amount']) if d['amount'] is not None else '—'}）"


class FundComparison(_View):
    """Compare the 产业发展专项资金 sub-funds (see :class:`FundComparisonState`).

    Controls: ``fund_select`` (SelectMultiple, all selected at first),
    ``metric_toggle`` (2023 预算 / 变化 / 2023 与基数对比). Output: ``output``
    (bar chart), ``table_html`` (the selection with 合计).
    """

    def __init__(self, budget: Budget) -> None:
        self.state = FundComparisonState(budget)
        self._source_label = _source_label(budget)
        self._init_view()
        W = self._W
        amounts = dict(zip(self.state.names, (_int_or_none(a) for a in self.state._funds["amount"])))
        self.fund_select = W.SelectMultiple(
            options=[(f"{n}（{'—' if amounts[n] is None else format_wan(amounts[n])}）", n) for n in self.state.names],
            value=self.state.selected, rows=len(self.state.names), description="子项：",
            layout=W.Layout(width="420px"),
        )
        self.metric_toggle = W.ToggleButtons(options=[(label, key) for key, label in METRICS.items()],
                                             value=self.state.metric, style={"button_width": "120px"})
        self.table_html = W.HTML()
        self.widget = W.VBox([W.HBox([self.fund_select, self.metric_toggle],
                                     layout=W.Layout(flex_flow="row wrap", align_items="flex-start")),
                              self.output, self.table_html])
        self.fund_select.observe(self._on_funds, names="value")
        self.metric_toggle.observe(self._on_metric, names="value")
        self._guarded(self._redraw)

    def _on_funds(self, change) -> None:
        if self._syncing:
            return

        def act():
            self.state.selected = change["new"]
            self._redraw()

        self._guarded(act)

    def _on_metric(self, change) -> None:
        if self._syncing:
            return

        def act():
            self.state.metric = change["new"]
            self._redraw()

        self._guarded(act)

    def _source(self) -> str:
        t = self.state.table()
        if t.empty:
            return f"数据来源：{self._source_label} 第三部分（四）。"
        return (f"数据来源：{self._source_label} 第三部分（四），"
                f"{_lines_text(int(t['line'].min()), int(t['line_end'].max()))}。")

    def _redraw(self) -> None:
        from . import plotting

        st = self.state
        labels, values = st.figure_data()
        fig, ax = _new_figure(len(labels), extra=0.4 if st.metric == "compare" else 0.0)
        sel = f"已选 {len(st.selected)}/{len(st.names)} 个子项"
        if not labels:
            _empty_axes(ax, st.title(), "（未选择子项）" if not st.selected else "（所选子项没有可比数据）", sel)
            plotting.source_note(fig, self._source())
        elif st.metric == "compare":
            _compare_bars(ax, labels, values, prior_label=f"基数（{st.baseline}）", title=st.title(),
                          subtitle=sel + " · 金额：万元", source=self._source())
        else:
            sub = sel + (" · 金额：万元" if st.metric == "amount" else " · 红色为减少")
            plotting.bar_chart(labels, values, title=st.title(), subtitle=sub, unit="万元", source=self._source(),
                               ax=ax)
        self._render(fig)
        self.table_html.value = self._table_html()

    def _table_html(self) -> str:
        st = self.state
        t = st.table()
        if t.empty:
            return "<i>未选择子项。</i>"
        body = []
        for r in t.itertuples(index=False):
            exact = _fraction(_int_or_none(r.change), _int_or_none(r.prior_amount))
            published = "—" if r.change_pct is pd.NA else f"{float(r.change_pct):+.0f}%"
            body.append(
                f"<tr><td>{_esc(r.sub_fund)}</td><td>{format_wan(int(r.amount), unit=False)}</td>"
                f"<td>{format_wan(int(r.prior_amount), unit=False)}</td>"
                f"<td>{_signed_wan(int(r.change)).replace(' 万元', '')}</td>"
                f"<td>{published}</td><td>{'不可比' if exact is None else _pct_text(exact, 2, signed=True)}</td>"
                f"<td>{_pct_text(_fraction(int(r.amount), st.total))}</td>"
                f"<td>{_lines_text(int(r.line), int(r.line_end))}</td></tr>"
            )
        amount = sum(int(a) for a in t["amount"])
        prior = sum(int(a) for a in t["prior_amount"])
        change = sum(int(a) for a in t["change"])
        body.append(
            f"<tr style='font-weight:bold;border-top:1px solid #999'><td>合计（已选）</td>"
            f"<td>{format_wan(amount, unit=False)}</td><td>{format_wan(prior, unit=False)}</td>"
            f"<td>{_signed_wan(change).replace(' 万元', '')}</td><td></td>"
            f"<td>{_pct_text(_fraction(change, prior), 2, signed=True) if prior else '—'}</td>"
            f"<td>{_pct_text(_fraction(amount, st.total))}</td><td></td></tr>"
        )
        head = ("<tr><th>子项</th><th>2023 预算（万元）</th><th>基数（万元）</th><th>变化（万元）</th>"
                "<th>文中变化率</th><th>按整数元计算</th><th>占专项资金合计</th><th>来源</th></tr>")
        note = (f"基数：{_esc(st.baseline)}。专项资金合计（全部 {len(st.names)} 个子项）"
                f"{'—' if st.total is None else format_wan(st.total)}。文中变化率为取整后的公布值；"
                "占比与计算变化率由整数元精确计算后四舍五入。")
        return (f"<table cellpadding='4' style='border-collapse:collapse;font-size:12px;text-align:right'>{head}{''.join(body)}</table>"
                f"<div style='font-size:11px;color:#595959'>{note}</div>")

    def _summary(self) -> str:
        return f"{len(self.state.selected)}/{len(self.state.names)} 个子项 · {METRICS[self.state.metric]}"


class IndicatorBrowser(_View):
    """Browse the 表12 performance indicators (see :class:`IndicatorBrowserState`).

    Controls: ``level1_select``, ``level2_select`` (options follow level1;
    reset to 全部 when level1 changes), ``kind_toggle`` (全部/定量/定性/不适用),
    ``search`` (Text). Output: ``counts_html`` and ``table_html``.
    """

    def __init__(self, budget: Budget) -> None:
        self.state = IndicatorBrowserState(budget)
        self._init_view()
        W = self._W
        st = self.state
        self.level1_select = W.Dropdown(options=st.level1_options(), value=st.level1, description="一级指标：")
        self.level2_select = W.Dropdown(options=st.level2_options(), value=st.level2, description="二级指标：")
        self.kind_toggle = W.ToggleButtons(options=list(KINDS), value=st.kind, style={"button_width": "56px"})
        self.search = W.Text(value=st.search, placeholder="搜索三级指标…", description="搜索：",
                             continuous_update=True)
        self.counts_html = W.HTML()
        self.table_html = W.HTML()
        self.widget = W.VBox([
            W.HBox([self.level1_select, self.level2_select], layout=W.Layout(flex_flow="row wrap")),
            W.HBox([self.kind_toggle, self.search], layout=W.Layout(flex_flow="row wrap")),
            self.counts_html,
            self.table_html,
        ])
        self.level1_select.observe(self._on_level1, names="value")
        self.level2_select.observe(self._on_level2, names="value")
        self.kind_toggle.observe(self._on_kind, names="value")
        self.search.observe(self._on_search, names="value")
        self._guarded(self._redraw)

    def _on_level1(self, change) -> None:
        if self._syncing:
            return

        def act():
            self.state.level1 = change["new"]
            with self._sync():
                self.level2_select.options = self.state.level2_options()
                self.level2_select.value = self.state.level2
            self._redraw()

        self._guarded(act)

    def _setter(self, attr: str):
        def handler(change) -> None:
            if self._syncing:
                return

            def act():
                setattr(self.state, attr, change["new"])
                self._redraw()

            self._guarded(act)

        return handler

    def _on_level2(self, change) -> None:
        self._setter("level2")(change)

    def _on_kind(self, change) -> None:
        self._setter("kind")(change)

    def _on_search(self, change) -> None:
        self._setter("search")(change)

    def _show_error(self, exc: BaseException) -> None:
        self.counts_html.value = f"<div style='color:#C0504D'>出错 / error: {_esc(type(exc).__name__)}: {_esc(exc)}</div>"

    def _redraw(self) -> None:
        c = self.state.counts()
        self.counts_html.value = (
            f"<div style='font-size:13px'>显示 <b>{c['shown']}</b> / {c['total']} 条指标"
            f"（定量 {c['quantitative']}，定性 {c['qualitative']}，不适用 {c['not_applicable']}）</div>"
        )
        self.table_html.value = self._table()

    def _table(self) -> str:
        rows = self.state.filtered()
        if rows.empty:
            return "<i>没有符合条件的指标。</i>"
        needle = self.state.search.strip()
        out = []
        for r, kind in zip(rows.itertuples(index=False), self.state.kinds()):
            name = _esc(r.level3)
            if needle:
                name = self._highlight(str(r.level3), needle)
            out.append(
                f"<tr><td>{_esc(r.level1)}</td><td>{_esc(r.level2)}</td><td style='text-align:left'>{name}</td>"
                f"<td>{_esc(r.target)}</td><td>{kind}</td><td>{_esc(r.line)}</td></tr>"
            )
        head = "<tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>目标值</th><th>类型</th><th>行</th></tr>"
        return (f"<div style='max-height:420px;overflow:auto'><table cellpadding='4' style='border-collapse:collapse;font-size:12px'>"
                f"{head}{''.join(out)}</table></div>"
                "<div style='font-size:11px;color:#595959'>来源：表12 整体支出绩效目标表 — 年度绩效指标；“行”为原文行号；"
                "“不适用”是某个二级指标没有设指标时填的占位行，不是指标。</div>")

    @staticmethod
    def _highlight(text: str, needle: str) -> str:
        norm_text = unicodedata.normalize("NFKC", text).casefold()
        norm_needle = _norm_search(needle)
        # NFKC can change lengths; highlight only when positions map one to one.
        if not norm_needle or len(norm_text) != len(text):
            return _esc(text)
        out, pos = [], 0
        while (i := norm_text.find(norm_needle, pos)) != -1:
            out.append(_esc(text[pos:i]) + "<mark>" + _esc(text[i:i + len(norm_needle)]) + "</mark>")
            pos = i + len(norm_needle)
        out.append(_esc(text[pos:]))
        return "".join(out)

    def _fallback(self) -> dict[str, Any]:
        return {"text/html": self.counts_html.value + self.table_html.value}

    def _summary(self) -> str:
        c = self.state.counts()
        return f"{c['shown']}/{c['total']} 条绩效指标"

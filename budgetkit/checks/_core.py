"""The audit engine's machinery: rules, findings, the run context and exact comparisons.

Rounding (尾数误差)
-------------------
Every printed amount is a rounding of a true amount to the *unit of its last
printed digit* (1 万元 for ``1,768``, 0.1 万元 for ``613.2``): the true value
lies within ± half that unit. Two printed figures are **consistent** when the
intervals of true values they stand for overlap:

* one figure against another (the same amount printed twice):
  ``|a − b| ≤ (unit_a + unit_b) / 2`` — at most one unit when both have the
  same precision;
* a printed total against the sum of printed terms:
  ``|Σ terms − total| ≤ (Σ unit_term + unit_total) / 2``.

``difference == 0`` is ``ok``; a non-zero difference within that allowance is
``rounding`` (the document warns of it: “本套报表金额单位转换时可能存在尾数误差”);
anything beyond is ``fail``. Everything is computed in exact integer 元; no
float tolerance is involved.

The unit of a printed figure is taken from the printed text when known, else
from the figure itself: the coarsest power of ten (at most one currency unit,
e.g. 1 万元) that divides it — prose prints as few decimals as needed
(``2.5``, ``1,768``). A table's unit is the finest unit of any of its
amounts (a table is printed in one format; ``8`` next to ``5.5`` is 8.0).
``meta["precision"] = {"table12": 100}`` (元) overrides the inference.

Percentages
-----------
A stated percentage ``p`` printed with ``d`` decimals holds when the ratio
computed from the printed amounts rounds (half away from zero) to ``p``
(``ok``), or when some ratio allowed by the amounts' own rounding intervals
falls within ``p ± ½·10⁻ᵈ`` (``rounding``); otherwise ``fail``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Callable, Iterable, Sequence

import pandas as pd

from ..errors import BudgetkitError, DataError
from ..money import MONEY_COLUMNS, UNIT_FACTORS
from ._roles import ROLES, TableRef, resolve

#: The statuses a finding can have, from best to worst (``not_applicable`` aside).
STATUSES: tuple[str, ...] = ("ok", "rounding", "fail", "not_applicable")
_RANK = {"ok": 0, "rounding": 1, "fail": 2, "not_applicable": -1}

#: Columns of the report :func:`budgetkit.checks.run` returns, in order.
COLUMNS: tuple[str, ...] = (
    "rule", "category", "description_zh", "description_en", "subject", "lines",
    "expected", "actual", "difference", "status", "note",
    "expected_text", "actual_text", "tolerance",
)

#: Categories of rules, in report order, with Chinese names.
CATEGORIES: dict[str, str] = {
    "balance": "收支平衡",
    "cross_table": "表间核对",
    "hierarchy": "表内层级",
    "text": "文字与表格",
    "changes": "增减变化",
    "naming": "名称与口径",
    "units": "数量×单价",
    "completeness": "完整性与透明度",
}

#: Chinese labels of amount columns.
COLUMN_LABELS: dict[str, str] = {
    "amount": "金额", "total": "合计", "basic": "基本支出", "project": "项目支出",
    "procurement": "政府采购小计", "procurement_sme": "面向中小企业", "procurement_small_micro": "面向小微企业",
    "fiscal": "财政拨款", "other": "其他资金", "personnel": "人员经费", "public": "公用经费",
    "outbound": "因公出国（境）费", "reception": "公务接待费", "vehicle": "公务用车购置及运行维护费",
    "vehicle_purchase": "公务用车购置费", "vehicle_operation": "公务用车运行维护费",
}

#: Amount columns that coded tables may carry, in display order.
VALUE_COLUMNS: tuple[str, ...] = (
    "total", "basic", "project", "procurement", "procurement_sme", "procurement_small_micro",
    "personnel", "public", "fiscal", "other", "amount",
)

#: Columns a frame must have for the rules that use it.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "summary": ("side", "kind", "level", "name", "amount", "line"),
    "appropriation": ("side", "kind", "level", "name", "amount", "line"),
    "expenditure": ("kind", "code", "level", "name", "total", "line"),
    "general_function": ("kind", "code", "level", "name", "total", "line"),
    "general_economic": ("kind", "code", "level", "name", "total", "line"),
    "general_basic": ("kind", "code", "level", "name", "total", "line"),
    "fund": ("kind", "code", "level", "name", "total", "line"),
    "state_capital": ("kind", "code", "level", "name", "total", "line"),
    "basic_summary": ("kind", "code", "level", "name", "total", "line"),
    "project_summary": ("kind", "code", "level", "name", "total", "line"),
    "income": ("line",),
    "three_public_table": ("kind", "year", "total", "line"),
    "performance": ("kind", "total", "fiscal", "other", "line"),
    "statements": ("part", "kind", "subject", "amount", "change", "change_pct", "change_pct_text", "line"),
    "projects": ("project_no", "name", "amount", "line"),
    "project_components": ("project_no", "amount", "line"),
    "expenditure_summary": ("category", "amount", "line"),
    "basic_items": ("category", "item", "amount", "line"),
    "procurement": ("category", "amount", "line"),
    "facts": ("key", "value", "amount", "line"),
    "notes": ("table", "text", "line"),
    "staffing": ("unit", "kind", "authorised", "actual", "line"),
    "special_funds": ("project_no", "amount", "change", "line"),
    "three_public": ("item", "amount", "line"),
    "items": ("item", "class_name", "amount", "line"),
    "project_goals": ("name", "amount", "goal", "line"),
}


#: Fact keys rules ask for → the names other templates' parsers give the same fact.
FACT_ALIASES: dict[str, tuple[str, ...]] = {
    "operating_cost": ("operating_costs",),   # national template: 机关运行经费预算
}


# --------------------------------------------------------------------------
# Findings and rules
# --------------------------------------------------------------------------

Lines = tuple[tuple[int, int], ...]


@dataclass
class Finding:
    """One application of a rule: what was compared and how it came out.

    ``expected`` and ``actual`` are exact integer 元 when the comparison is
    about money (``difference = actual − expected``); other comparisons
    (percentages, counts, names) leave them None and say it in
    ``expected_text`` / ``actual_text``.
    """

    subject: str
    status: str
    lines: Lines = ()
    expected: int | None = None
    actual: int | None = None
    note: str = ""
    expected_text: str | None = None
    actual_text: str | None = None
    tolerance: int | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}; one of {', '.join(STATUSES)}")


@dataclass(frozen=True)
class Rule:
    """A named check.

    ``check(ctx)`` yields :class:`Finding` objects. ``requires`` lists the
    roles (see :data:`budgetkit.checks.ROLES`) or frame names the rule cannot
    run without; when one is missing from a Budget the rule reports a single
    ``not_applicable`` finding. ``optional`` ones are used when present.
    """

    id: str
    category: str
    description_zh: str
    description_en: str
    check: Callable[["Context"], Iterable[Finding]] = field(repr=False, compare=False)
    requires: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    reference: str = ""

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"rule {self.id}: unknown category {self.category!r}")


#: The registry: rule id → :class:`Rule`, in registration (= report) order.
RULES: dict[str, Rule] = {}


def rule(id: str, category: str, zh: str, en: str, *, requires: Sequence[str] = (),
         optional: Sequence[str] = (), reference: str = ""):
    """Decorator registering ``func(ctx) -> Iterable[Finding]`` as a :class:`Rule`."""

    def register(func: Callable[["Context"], Iterable[Finding]]) -> Callable:
        if id in RULES:
            raise ValueError(f"rule {id!r} is registered twice")
        RULES[id] = Rule(id, category, zh, en, func, tuple(requires), tuple(optional), reference)
        return func

    return register


# --------------------------------------------------------------------------
# Printed figures and exact comparisons
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Fig:
    """A printed amount: ``value`` (元), ``unit`` (元 of its last printed digit), where, what."""

    value: int
    unit: int
    lines: Lines = ()
    label: str = ""


def worst(statuses: Iterable[str]) -> str:
    """The worst of several statuses (``fail`` > ``rounding`` > ``ok`` > ``not_applicable``)."""
    best = "not_applicable"
    for s in statuses:
        if _RANK[s] > _RANK[best]:
            best = s
    return best


def span(*items: Any) -> Lines:
    """Merge line numbers, ``(start, end)`` pairs, Figs and Lines into sorted, merged ranges."""
    pairs: list[tuple[int, int]] = []

    def add(x: Any) -> None:
        if x is None:
            return
        if isinstance(x, Fig):
            for p in x.lines:
                add(p)
        elif isinstance(x, (int,)) and not isinstance(x, bool):
            pairs.append((x, x))
        elif isinstance(x, tuple) and len(x) == 2 and all(isinstance(v, int) for v in x):
            a, b = x
            if a is not None:
                pairs.append((a, b if b is not None else a))
        elif isinstance(x, (list, tuple, set)):
            for y in x:
                add(y)
        else:
            try:
                if pd.isna(x):
                    return
            except (TypeError, ValueError):
                pass
            pairs.append((int(x), int(x)))

    for it in items:
        add(it)
    pairs.sort()
    merged: list[list[int]] = []
    for a, b in pairs:
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return tuple((a, b) for a, b in merged)


def format_lines(lines: Lines) -> str:
    """``((376, 376), (602, 610))`` → ``"376, 602-610"``."""
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in lines)


def parse_lines(text: str) -> list[tuple[int, int]]:
    """``"376, 602-610"`` → ``[(376, 376), (602, 610)]`` (the inverse of the report's ``lines``)."""
    out = []
    for part in str(text or "").split(","):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition("-")
        out.append((int(a), int(b or a)))
    return out


def status_of(difference: int, slack2: int) -> str:
    """``ok`` / ``rounding`` / ``fail`` for a difference against twice the rounding allowance."""
    if difference == 0:
        return "ok"
    return "rounding" if 2 * abs(difference) <= slack2 else "fail"


def pct_interval(num: Callable[[Fraction, Fraction], Fraction], den: Callable[[Fraction, Fraction], Fraction],
                 x: Fig, y: Fig) -> tuple[Fraction, Fraction] | None:
    """Range of ``100·num/den`` over the rounding box of two printed figures (None if den can be 0).

    num and den are linear in (x, y), so the ratio is monotone in each
    variable while the denominator keeps its sign: the extremes are at the
    corners.
    """
    hx, hy = Fraction(x.unit, 2), Fraction(y.unit, 2)
    corners = [(x.value + sx * hx, y.value + sy * hy) for sx in (-1, 1) for sy in (-1, 1)]
    dens = [den(a, b) for a, b in corners]
    if any(d == 0 for d in dens) or (min(dens) < 0 < max(dens)):
        return None
    vals = [100 * num(a, b) / den(a, b) for a, b in corners]
    return min(vals), max(vals)


def round_half_up(value: Fraction, decimals: int) -> Decimal:
    """Round an exact fraction half away from zero (四舍五入) to ``decimals`` places."""
    q = Decimal(1).scaleb(-decimals)
    d = Decimal(value.numerator) / Decimal(value.denominator)
    return d.quantize(q, rounding=ROUND_HALF_UP)


def pct_status(exact: Fraction | None, interval: tuple[Fraction, Fraction] | None, stated: Decimal,
               decimals: int) -> str:
    """``ok`` when ``exact`` rounds to ``stated``; ``rounding`` when the interval reaches it; else ``fail``."""
    if exact is None:
        return "fail"
    if round_half_up(exact, decimals) == stated:
        return "ok"
    if interval is not None:
        half = Fraction(1, 2 * 10 ** decimals)
        lo, hi = Fraction(stated) - half, Fraction(stated) + half
        if interval[0] <= hi and interval[1] >= lo:
            return "rounding"
    return "fail"


def fmt_pct(value: Fraction | Decimal | float, decimals: int = 1) -> str:
    """``Fraction(-789, 10)`` → ``"−78.9%"`` (with a real minus sign)."""
    d = round_half_up(Fraction(value) if not isinstance(value, Fraction) else value, decimals)
    text = f"{abs(d):.{decimals}f}%"
    return ("−" if d < 0 else "") + text


def fmt_count(n: int, unit: str = "") -> str:
    return f"{n:,}{(' ' + unit) if unit else ''}"


# --------------------------------------------------------------------------
# The run context
# --------------------------------------------------------------------------


def _clean(v: Any) -> Any:
    """pandas missing values → None; numpy scalars → Python."""
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        try:
            return v.item()
        except (ValueError, AttributeError):
            return v
    return v


class Context:
    """What a rule sees: the Budget's frames (read-only copies, cached), roles and precision.

    Rules never change a frame they get: the frames are shared between rules
    of one run (they are copies, so the Budget itself is never touched).
    """

    def __init__(self, budget: Any) -> None:
        self.budget = budget
        self.meta: dict[str, Any] = budget.meta
        self.file: str | None = self.meta.get("source")
        self.year: int | None = self.meta.get("year")
        self.currency_unit: str = self.meta.get("currency_unit") or "万元"
        self.factor: int = UNIT_FACTORS.get(self.currency_unit, UNIT_FACTORS["万元"])
        self.frame_names: set[str] = set(budget.frame_names)
        self.roles: dict[str, TableRef] = resolve(self.meta, self.frame_names)
        self._frames: dict[str, pd.DataFrame] = {}
        self._records: dict[str, list[dict[str, Any]]] = {}
        self._col_units: dict[tuple[str, str], int] = {}
        self._precision: dict[str, int] = dict(self.meta.get("precision") or {})

    # ---------------------------------------------------------- frames
    def frame_name(self, name: str) -> str:
        """A role's frame name (``"expenditure"`` → ``"table3"``) or ``name`` itself."""
        ref = self.roles.get(name)
        if ref is not None:
            return ref.frame
        return name if name not in ROLES else f"<{name}>"

    def has(self, name: str) -> bool:
        """True when the Budget holds the frame (or the role's published table)."""
        return self.frame_name(name) in self.frame_names

    def ref(self, role: str) -> TableRef | None:
        return self.roles.get(role)

    def label(self, name: str) -> str:
        """``"表3"`` for a role, the frame name otherwise."""
        ref = self.roles.get(name)
        return ref.label if ref is not None else name

    def full_label(self, name: str) -> str:
        ref = self.roles.get(name)
        return ref.full_label if ref is not None else name

    def frame(self, name: str) -> pd.DataFrame:
        fname = self.frame_name(name)
        if fname not in self._frames:
            if fname not in self.frame_names:
                raise DataError(f"the Budget has no table {fname!r}", file=self.file, table=self.full_label(name))
            df = self.budget.frame(fname)
            need = REQUIRED_COLUMNS.get(name) or REQUIRED_COLUMNS.get(fname) or ()
            missing = [c for c in need if c not in df.columns]
            if missing:
                raise DataError(
                    f"table {fname!r} lacks the column(s) {', '.join(missing)} the audit needs",
                    file=self.file, table=self.full_label(name),
                )
            self._frames[fname] = df
        return self._frames[fname]

    def records(self, name: str) -> list[dict[str, Any]]:
        """The frame's rows as dicts with plain Python values (None for missing)."""
        fname = self.frame_name(name)
        if fname not in self._records:
            df = self.frame(name)
            cols = list(df.columns)
            self._records[fname] = [
                {c: _clean(v) for c, v in zip(cols, row)} for row in df.itertuples(index=False, name=None)
            ]
        return self._records[fname]

    def fact(self, key: str) -> dict[str, Any] | None:
        """The stated fact ``key`` (or one of its other templates' names, :data:`FACT_ALIASES`), or None."""
        if not self.has("facts"):
            return None
        keys = (key, *FACT_ALIASES.get(key, ()))
        return next((r for k in keys for r in self.records("facts") if r["key"] == k), None)

    def notes_of(self, number: int) -> list[dict[str, Any]]:
        if not self.has("notes"):
            return []
        return [r for r in self.records("notes") if r["table"] == number]

    # ---------------------------------------------------------- precision
    def table_factor(self, name: str) -> int:
        """元 per printed unit of a table (``meta["table_units"]`` when tables differ, e.g. 三公 in 万元)."""
        ref = self.roles.get(name)
        units = self.meta.get("table_units") or {}
        if ref is not None and str(ref.number) in units:
            return UNIT_FACTORS.get(units[str(ref.number)], self.factor)
        return self.factor

    def unit_of(self, value: int | None, factor: int | None = None) -> int:
        """Unit (元) of the last digit of a figure printed with as few decimals as needed."""
        factor = factor or self.factor
        if not value:
            return factor
        unit = factor
        while unit > 1 and value % unit:
            unit //= 10
        return unit

    def unit_of_text(self, text: str | None, value: int | None = None, factor: int | None = None) -> int:
        """Unit from the printed text of a number (``"613.2"`` → 1,000 元 in 万元); ``factor``: 元 per printed unit."""
        from ..money import decimals_of, is_amount

        factor = factor or self.factor
        if text is not None and is_amount(str(text)):
            return max(1, factor // 10 ** decimals_of(str(text)))
        return self.unit_of(value, factor)

    def column_unit(self, name: str, column: str) -> int:
        """Unit of a table column: the finest unit of any figure printed in it."""
        fname = self.frame_name(name)
        key = (fname, column)
        if key not in self._col_units:
            override = self._precision.get(fname)
            if isinstance(override, dict):
                override = override.get(column)
            if override:
                self._col_units[key] = int(override)
            else:
                # a table prints all its amount columns in one format: the finest unit of any of them
                cols = [c for c in self.frame(name).columns if c in MONEY_COLUMNS] or [column]
                vals = [r[c] for r in self.records(name) for c in cols if isinstance(r.get(c), int) and r.get(c)]
                factor = self.table_factor(name)
                self._col_units[key] = min((self.unit_of(v, factor) for v in vals), default=factor)
        return self._col_units[key]

    def fig(self, name: str, row: dict[str, Any], column: str, label: str = "") -> Fig | None:
        """A table cell as a :class:`Fig` (None when the cell is empty)."""
        v = row.get(column)
        if v is None:
            return None
        return Fig(int(v), self.column_unit(name, column), span((row.get("line"), row.get("line_end") or row.get("line"))), label)

    def prose_fig(self, row: dict[str, Any], column: str = "amount", text: str | None = None, label: str = "") -> Fig | None:
        """A figure of the prose. Its unit comes from the row's printed ``unit`` (``万元`` in a document whose
        tables are in 元) and its printed text (``text``, else the row's ``value``) when the row carries them."""
        v = row.get(column)
        if v is None:
            return None
        factor = UNIT_FACTORS.get(str(row.get("unit") or ""), self.factor)
        if text is None and column == "amount":
            text = row.get("value")
        unit = self.unit_of_text(text, v, factor) if text is not None else self.unit_of(v, factor)
        return Fig(int(v), unit, span((row.get("line"), row.get("line_end") or row.get("line"))), label)

    # ---------------------------------------------------------- formatting
    def money(self, yuan: int | None, decimals: int | None = None) -> str:
        """元 → text in the published unit: ``"1,768 万元"``, ``"−0.5 万元"``."""
        if yuan is None:
            return "—"
        value = Decimal(int(yuan)) / Decimal(self.factor)
        if decimals is None:
            decimals = 0
            while decimals < 4 and value != value.quantize(Decimal(1).scaleb(-decimals)):
                decimals += 1
        text = f"{abs(value):,.{decimals}f} {self.currency_unit}"
        return ("−" if value < 0 else "") + text

    # ---------------------------------------------------------- comparisons
    def compare(self, subject: str, expected: Sequence[Fig] | Fig, actual: Fig, *, note: str = "",
                expected_text: str | None = None, extra_lines: Any = ()) -> Finding:
        """Compare a printed figure with one figure or with the sum of several (rounding-aware)."""
        terms = [expected] if isinstance(expected, Fig) else list(expected)
        if actual is None or not terms or any(t is None for t in terms):
            return Finding(subject=subject, status="not_applicable", lines=span(
                [t for t in terms if t is not None], actual, extra_lines),
                note="；".join(x for x in (note, "金额缺失 / an amount is missing") if x))
        exp_value = sum(t.value for t in terms)
        slack2 = sum(t.unit for t in terms) + actual.unit
        diff = actual.value - exp_value
        status = status_of(diff, slack2)
        tol = slack2 // 2
        parts = []
        if status == "rounding":
            what = f"{len(terms)} 项之和" if len(terms) > 1 else "另一处"
            parts.append(
                f"差额 {self.money(diff)} 在尾数误差允许范围 ±{self.money(tol)} 内"
                f"（{what}与本数各按末位半个单位计）/ difference within the rounding allowance"
            )
        elif status == "fail":
            parts.append(f"差额 {self.money(diff)} 超出尾数误差允许范围 ±{self.money(tol)} / difference beyond rounding")
        if note:
            parts.insert(0, note)
        return Finding(
            subject=subject, status=status, lines=span(terms, actual, extra_lines),
            expected=exp_value, actual=actual.value, note="；".join(parts),
            expected_text=expected_text or self.money(exp_value), actual_text=self.money(actual.value),
            tolerance=tol,
        )


def located_error(rule: Rule, ctx: Context, exc: Exception) -> BudgetkitError:
    """Turn an unexpected exception inside a rule into a DataError naming the file and rule."""
    return DataError(f"rule {rule.id} could not check this Budget: {type(exc).__name__}: {exc}", file=ctx.file,
                     table=", ".join(ctx.full_label(r) for r in rule.requires) or None)

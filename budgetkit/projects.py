"""Projects (第三部分 项目支出) and the 产业发展专项资金 sub-funds.

Everything here works on a :class:`~budgetkit.Budget` and returns new
DataFrames (amounts: exact integer 元, ``Int64``); nothing the caller passes in
is modified.

* :func:`ranking` — the projects by size, with exact shares;
* :func:`change_table` — each project against its stated baseline
  (“较 2022 年 10 月预算”), with the printed percentage re-computed and
  checked against the rounding of the printed figures;
* :func:`change_waterfall` / :func:`plot_waterfall` — the bridge from the prior
  baseline to the 2023 amounts, project by project;
* :func:`components_table` / :func:`components_check` — the itemised
  sub-amounts (主要包括 …) and whether they add up to each project;
* :func:`special_fund_summary` — the seven sub-funds with their share of the
  department total as an exact fraction;
* :func:`subsidy_check` — re-compute a per-unit subsidy (e.g. 5G 基站 ×
  3,000 元) and compare it with the printed, rounded amount;
* :func:`project_total_check` — the sum of the project amounts against every
  place the document states the project total (尾数误差 shows up exactly);
* :func:`percent_check` — is a printed percentage consistent with the printed,
  rounded amounts?
* :func:`amount_combinations` — which groups of amounts add up to a target
  (for reconciling tables that group the same money differently).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from decimal import Decimal, ROUND_HALF_UP
from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from .budget import Budget
from .errors import AmountError, BudgetkitError, DataError
from .money import UNIT_FACTORS, YUAN_PER_WAN, decimals_of, format_wan, parse_amount

__all__ = [
    "SPECIAL_FUND_PREFIX",
    "PercentCheck",
    "SubsidyCheck",
    "amount_combinations",
    "change_table",
    "change_waterfall",
    "components_check",
    "components_table",
    "functional_matches",
    "percent_check",
    "plot_ranking",
    "plot_waterfall",
    "plot_special_funds",
    "project_total_check",
    "ranking",
    "short_label",
    "special_fund_summary",
    "special_funds_vs_economic",
    "subsidy_check",
]

#: How the document names the sub-funds of the 产业发展专项资金 (line 128 ff.).
SPECIAL_FUND_PREFIX = "产业发展专项资金/产业发展专项资金-"

_PROJECTS = "第三部分 项目支出"
_FUNDS = "第三部分 产业发展专项资金"

#: Colours of the waterfall (increase / decrease / totals).
INCREASE_COLOR = "#4E9A6B"
DECREASE_COLOR = "#C0504D"
TOTAL_COLOR = "#3B6EA8"


# --------------------------------------------------------------------------
# helpers


def short_label(name: str) -> str:
    """A chart label: ``产业发展专项资金/产业发展专项资金-制造业`` → ``专项资金·制造业``.

    Other names are returned unchanged.
    """
    name = str(name)
    if name.startswith(SPECIAL_FUND_PREFIX):
        return "专项资金·" + name[len(SPECIAL_FUND_PREFIX):]
    return name


def _source(b: Budget) -> str | None:
    return b.meta.get("source")


def _require(df: pd.DataFrame, columns: Iterable[str], b: Budget, table: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"the table has no column {', '.join(map(repr, missing))}", file=_source(b), table=table)


def _line_of(row: Any) -> int | None:
    line = getattr(row, "line", None)
    return None if line is None or line is pd.NA else int(line)


def _projects(b: Budget, needed: Sequence[str] = ("project_no", "name", "amount")) -> pd.DataFrame:
    """``b.projects`` after checking that ``needed`` columns exist and hold no NA."""
    if not isinstance(b, Budget):
        raise BudgetkitError(f"expected a budgetkit Budget, got {type(b).__name__}")
    df = b.projects
    _require(df, [*needed, "line"], b, _PROJECTS)
    if df.empty:
        raise DataError("the budget lists no projects", file=_source(b), table=_PROJECTS)
    for row in df.itertuples(index=False):
        for col in needed:
            if pd.isna(getattr(row, col)):
                raise DataError(
                    f"project {getattr(row, 'project_no', '?')} ({getattr(row, 'name', '?')}) has no {col}",
                    file=_source(b), table=_PROJECTS, line=_line_of(row),
                )
    return df


def _department_total(b: Budget) -> tuple[int, int | None]:
    """表3's total row: (total in 元, source line)."""
    t3 = b.table(3)
    _require(t3, ["kind", "total"], b, "表3 支出总表")
    tot = t3[t3["kind"] == "total"]
    if len(tot) != 1 or pd.isna(tot["total"].iloc[0]):
        raise DataError("表3 has no single total row with an amount", file=_source(b), table="表3 支出总表")
    line = tot["line"].iloc[0] if "line" in tot.columns else None
    return int(tot["total"].iloc[0]), (None if pd.isna(line) else int(line))


def _pct(fr: Fraction | None, digits: int = 1) -> float | None:
    """A fraction as a percentage rounded half up to ``digits`` decimals (display only)."""
    if fr is None:
        return None
    d = (Decimal(fr.numerator) * 100 / Decimal(fr.denominator)).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )
    return float(d)


def _round_half_up(fr: Fraction) -> int:
    """Round a non-negative fraction to an integer, halves up (四舍五入)."""
    return math.floor(fr + Fraction(1, 2))


# --------------------------------------------------------------------------
# ranking


def ranking(b: Budget) -> pd.DataFrame:
    """The projects from largest to smallest.

    Columns: ``rank`` (1 = largest; equal amounts share a rank), ``project_no``,
    ``name``, ``label`` (:func:`short_label`), ``amount`` (元), ``share``
    (exact :class:`~fractions.Fraction` of the projects' sum), ``share_pct``
    and ``cumulative_pct`` (percent, 2 decimals, for display),
    ``special_fund`` (bool), ``line``.
    """
    df = _projects(b)
    total = int(df["amount"].sum())
    if total <= 0:
        raise DataError("the projects' amounts sum to zero", file=_source(b), table=_PROJECTS)
    out = df[["project_no", "name", "amount", "line"]].copy()
    out["special_fund"] = df["special_fund"].fillna(False).astype(bool) if "special_fund" in df else False
    out = out.sort_values(["amount", "project_no"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out.insert(0, "rank", out["amount"].rank(method="min", ascending=False).astype("Int64"))
    out.insert(3, "label", [short_label(n) for n in out["name"]])
    shares = [Fraction(int(a), total) for a in out["amount"]]
    out["share"] = pd.Series(shares, dtype=object)
    out["share_pct"] = pd.array([_pct(s, 2) for s in shares], dtype="Float64")
    cum = list(itertools.accumulate(shares))
    out["cumulative_pct"] = pd.array([_pct(s, 2) for s in cum], dtype="Float64")
    cols = ["rank", "project_no", "name", "label", "amount", "share", "share_pct", "cumulative_pct",
            "special_fund", "line"]
    return out[cols]


def plot_ranking(
    df: pd.DataFrame,
    *,
    scale: str = "split",
    threshold_yuan: int = 10_000_000,
    unit: str = "万元",
    title: str | None = "19 个项目的预算规模",
    source: str | None = None,
):
    """Bar chart of :func:`ranking` whose largest bars do not hide the smallest.

    ``scale="split"`` draws two panels with their own linear axes: projects of
    at least ``threshold_yuan`` (default 1,000 万元) on top, the rest below.
    ``scale="log"`` draws one panel with a logarithmic amount axis.
    Returns the Figure.
    """
    import matplotlib.pyplot as plt

    from . import plotting

    _check_columns(df, ["label", "amount"], "ranking")
    if scale not in ("split", "log"):
        raise ValueError(f"scale must be 'split' or 'log', not {scale!r}")
    plotting.use_chinese_font()
    labels = list(df["label"])
    values = [int(v) for v in df["amount"]]
    if scale == "log":
        fig, ax = plt.subplots(figsize=(8.5, 0.36 * len(labels) + 2.2), layout="constrained")
        plotting.bar_chart(labels, values, ax=ax, unit=unit)
        ax.set_xscale("log")
        ax.set_xlim(left=min(v for v in values if v > 0) / 3, right=max(values) * 6)
        ax.xaxis.set_major_formatter(plotting.money_formatter(unit))
        from matplotlib.ticker import NullFormatter

        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(f"金额（{unit}，对数刻度）")
        if title:
            plotting.titled(ax, title, "对数刻度：每一格是上一格的 10 倍")
    else:
        big = [(lb, v) for lb, v in zip(labels, values) if v >= threshold_yuan]
        small = [(lb, v) for lb, v in zip(labels, values) if v < threshold_yuan]
        if not big or not small:
            raise ValueError("threshold_yuan puts every project on one side; use scale='log'")
        limit = format_wan(threshold_yuan) if unit == "万元" else f"{threshold_yuan:,} 元"
        fig, (ax1, ax2) = plt.subplots(
            2, 1, figsize=(8.5, 0.36 * len(labels) + 3.0), layout="constrained",
            height_ratios=[len(big), len(small)],
        )
        plotting.bar_chart([x for x, _ in big], [v for _, v in big], ax=ax1, unit=unit)
        plotting.bar_chart([x for x, _ in small], [v for _, v in small], ax=ax2, unit=unit)
        plotting.titled(ax1, title or "", f"上：不少于 {limit} 的 {len(big)} 个项目；"
                                         f"下：其余 {len(small)} 个项目（两图刻度不同）")
        ax1.set_xlabel("")
    if source:
        plotting.source_note(fig, source)
    return fig


# --------------------------------------------------------------------------
# changes against the baseline


@dataclass(frozen=True)
class PercentCheck:
    """Is a printed percentage change consistent with the printed amounts?

    ``exact`` is the percentage computed from the printed amounts (a
    Fraction, in percent); ``low``/``high`` the range it can take when every
    printed amount may be off by half a unit of its last digit; ``status`` is
    ``"exact"`` (the printed percentage is the computed one, rounded half
    up), ``"within rounding"`` (only some unrounded amounts give it),
    ``"inconsistent"`` or ``"not comparable"`` (no prior amount).
    """

    printed: float | None
    exact: Fraction | None
    low: Fraction | None
    high: Fraction | None
    status: str


def percent_check(amount_yuan: int, change_yuan: int, printed_pct: float | None, *,
                  unit_yuan: int = YUAN_PER_WAN, decimals: int = 0) -> PercentCheck:
    """Check a printed “增长/下降 p%” against the printed amount and change.

    ``amount_yuan`` is this year's amount and ``change_yuan`` the signed change
    (both as printed, in 元), so the prior amount is their difference.
    ``unit_yuan`` is the value of the last printed digit of the amounts
    (10,000 元 for whole 万元), ``decimals`` the printed decimals of the
    percentage. The percentage's sign is taken from the change.
    """
    prior = amount_yuan - change_yuan
    if prior <= 0:
        return PercentCheck(printed_pct, None, None, None, "not comparable")
    exact = Fraction(abs(change_yuan) * 100, prior)
    h = Fraction(unit_yuan, 2)
    corners = []
    for da, dc in itertools.product((-h, h), (-h, h)):
        a, c = amount_yuan + da, change_yuan + dc
        p = a - c
        if p <= 0:
            return PercentCheck(printed_pct, exact, None, None, "not comparable")
        corners.append(c * 100 / p)
    lo, hi = min(corners), max(corners)
    # magnitudes (the printed text says 增长/下降, the number is unsigned)
    if lo < 0 < hi:
        low, high = Fraction(0), max(-lo, hi)
    else:
        low, high = sorted((abs(lo), abs(hi)))
    if printed_pct is None or pd.isna(printed_pct):
        return PercentCheck(None, exact, low, high, "not comparable")
    scale = 10 ** decimals
    printed_abs = Fraction(Decimal(str(abs(float(printed_pct)))))
    if Fraction(_round_half_up(exact * scale), scale) == printed_abs:
        status = "exact"
    else:
        half = Fraction(1, 2 * scale)
        # half up: x rounds to p when p - half <= x < p + half
        status = "within rounding" if (low < printed_abs + half and high >= printed_abs - half) else "inconsistent"
    return PercentCheck(float(printed_pct), exact, low, high, status)


_PCT_DEC_RE = re.compile(r"(\d+(?:\.(\d+))?)\s*%")


def change_table(b: Budget) -> pd.DataFrame:
    """Each project against its stated baseline (“较 2022 年 10 月预算 …”).

    Columns: ``project_no``, ``label``, ``baseline`` (as printed),
    ``prior_amount``, ``amount``, ``change`` (元; prior = amount − change),
    ``change_pct`` (as printed, signed; NA when the text says 不可比),
    ``pct_exact`` (re-computed from the printed amounts, percent, 3
    decimals, for display), ``pct_check`` (see :class:`PercentCheck`), ``comparable``
    (False when the prior amount is 0), ``reason``, ``line``.
    """
    df = _projects(b, ("project_no", "name", "amount", "change"))
    rows = []
    for r in df.itertuples(index=False):
        text = getattr(r, "change_pct_text", None)
        m = _PCT_DEC_RE.search(text) if isinstance(text, str) else None
        decimals = len(m.group(2)) if m and m.group(2) else 0
        pct = getattr(r, "change_pct", None)
        chk = percent_check(int(r.amount), int(r.change), None if pd.isna(pct) else float(pct), decimals=decimals)
        prior = int(r.amount) - int(r.change)
        stored_prior = getattr(r, "prior_amount", None)
        if stored_prior is not None and not pd.isna(stored_prior) and int(stored_prior) != prior:
            raise DataError(
                f"project {r.project_no}: prior_amount {int(stored_prior)} ≠ amount − change = {prior}",
                file=_source(b), table=_PROJECTS, line=_line_of(r),
            )
        exact = None
        if chk.exact is not None:
            frac = chk.exact / 100  # chk.exact is in percent
            exact = _pct(frac if r.change >= 0 else -frac, 3)
        rows.append({
            "project_no": r.project_no,
            "label": short_label(r.name),
            "baseline": getattr(r, "baseline", None),
            "prior_amount": prior,
            "amount": int(r.amount),
            "change": int(r.change),
            "change_pct": pct,
            "pct_exact": exact,
            "pct_check": chk.status,
            "comparable": prior > 0,
            "reason": getattr(r, "reason", None),
            "line": r.line,
        })
    out = pd.DataFrame(rows)
    for c in ("project_no", "prior_amount", "amount", "change", "line"):
        out[c] = out[c].astype("Int64")
    for c in ("change_pct", "pct_exact"):
        out[c] = pd.array([None if pd.isna(v) else float(v) for v in out[c]], dtype="Float64")
    for c in ("label", "baseline", "pct_check", "reason"):
        out[c] = out[c].astype("string")
    out["comparable"] = out["comparable"].astype(bool)
    return out


def change_waterfall(b: Budget, *, order: str = "change", group_below: int | None = None,
                     prior_label: str | None = None, final_label: str | None = None) -> pd.DataFrame:
    """The bridge from the projects' prior total to their 2023 total.

    One row per step: ``step`` (0 …), ``kind`` (``start``, ``increase``,
    ``decrease``, ``unchanged``, ``end``), ``project_no`` (NA for totals and
    groups), ``label``, ``start``, ``end``, ``delta`` (元), ``comparable``
    (False for a project whose prior amount is 0: its percentage change is
    不可比, its amount change is still real), ``line``.

    The first row runs from 0 to the prior total (Σ(amount − change)), each
    project row from the running total by its change, the last row from 0 to
    Σ amount; ``start + Σ project deltas == end`` holds exactly.

    ``order``: ``"change"`` (largest increase first, largest decrease last)
    or ``"project_no"`` (document order). ``group_below``: merge projects
    whose absolute change is below this many 元 into one step
    (“其他 n 个项目”), for a readable chart.
    """
    if order not in ("change", "project_no"):
        raise ValueError(f"order must be 'change' or 'project_no', not {order!r}")
    if group_below is not None and group_below < 0:
        raise ValueError("group_below must be >= 0")
    df = _projects(b, ("project_no", "name", "amount", "change"))
    baselines = sorted({str(x) for x in df.get("baseline", pd.Series(dtype="string")).dropna()})
    base_text = "、".join(baselines) if baselines else "上年"
    n = len(df)
    steps = []
    for r in df.itertuples(index=False):
        prior = int(r.amount) - int(r.change)
        label = short_label(r.name)
        if prior == 0:
            label += "（上年为 0，不可比）"
        steps.append({"project_no": int(r.project_no), "label": label, "delta": int(r.change),
                      "comparable": prior > 0, "line": _line_of(r)})
    if order == "change":
        steps.sort(key=lambda s: (-s["delta"], s["project_no"]))
    if group_below:
        keep = [s for s in steps if abs(s["delta"]) >= group_below]
        rest = [s for s in steps if abs(s["delta"]) < group_below]
        if len(rest) > 1:
            limit = format_wan(group_below)
            group = {"project_no": None, "label": f"其他 {len(rest)} 个项目（变动各不足 {limit}）",
                     "delta": sum(s["delta"] for s in rest), "comparable": all(s["comparable"] for s in rest),
                     "line": None}
            # keep the group where its sign would sort it
            keep.append(group)
            if order == "change":
                keep.sort(key=lambda s: -s["delta"])
            steps = keep
    prior_total = int(df["amount"].sum()) - int(df["change"].sum())
    total = int(df["amount"].sum())
    rows = [{"kind": "start", "project_no": None,
             "label": prior_label or f"{base_text}（{n} 个项目合计）",
             "start": 0, "end": prior_total, "delta": prior_total, "comparable": True, "line": None}]
    running = prior_total
    for s in steps:
        d = s["delta"]
        kind = "increase" if d > 0 else ("decrease" if d < 0 else "unchanged")
        rows.append({"kind": kind, "project_no": s["project_no"], "label": s["label"], "start": running,
                     "end": running + d, "delta": d, "comparable": s["comparable"], "line": s["line"]})
        running += d
    if running != total:  # pragma: no cover - arithmetic identity; guards future edits
        raise DataError(f"waterfall does not close: {running} ≠ {total}", file=_source(b), table=_PROJECTS)
    year = b.meta.get("year", "")
    rows.append({"kind": "end", "project_no": None, "label": final_label or f"{year} 年预算（{n} 个项目合计）",
                 "start": 0, "end": total, "delta": total, "comparable": True, "line": None})
    out = pd.DataFrame(rows)
    out.insert(0, "step", range(len(out)))
    for c in ("step", "project_no", "start", "end", "delta", "line"):
        out[c] = pd.array([None if v is None or pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
    out["kind"] = out["kind"].astype("string")
    out["label"] = out["label"].astype("string")
    out["comparable"] = out["comparable"].astype(bool)
    return out


def _check_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise BudgetkitError(f"{what} needs a DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{what}: the table has no column {', '.join(map(repr, missing))}")


def plot_waterfall(df: pd.DataFrame, ax=None, unit: str = "万元", source: str | None = None, *,
                   title: str | None = None, subtitle: str | None = None):
    """Draw a :func:`change_waterfall` as a horizontal waterfall chart.

    Totals (``start``/``end`` rows) are bars from 0; every other step is a bar
    from its ``start`` to its ``end`` (green up, red down), joined by thin
    connectors. Checks that the steps chain (each step starts where the
    previous one ended) and raises :class:`~budgetkit.errors.DataError`
    otherwise. Returns the Axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from . import plotting

    _check_columns(df, ["kind", "label", "start", "end", "delta"], "plot_waterfall")
    if df.empty:
        raise DataError("plot_waterfall: the table is empty")
    vals = df[["start", "end", "delta"]]
    if vals.isna().any().any():
        raise DataError("plot_waterfall: start/end/delta must not be missing")
    starts, ends, deltas = ([int(v) for v in df[c]] for c in ("start", "end", "delta"))
    kinds = [str(k) for k in df["kind"]]
    prev_end = None
    for i, (k, s, e, d) in enumerate(zip(kinds, starts, ends, deltas)):
        if s + d != e:
            raise DataError(f"plot_waterfall: row {i} ({df['label'].iloc[i]}): start + delta ≠ end")
        if k not in ("start", "end") and prev_end is not None and s != prev_end:
            raise DataError(f"plot_waterfall: row {i} ({df['label'].iloc[i]}) starts at {s}, "
                            f"but the previous step ended at {prev_end}")
        if k == "end" and prev_end is not None and e != prev_end:
            raise DataError(f"plot_waterfall: the final total {e} ≠ the running total {prev_end}")
        prev_end = e

    plotting.use_chinese_font()
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 0.38 * len(df) + 2.0), layout="constrained")
    fig = ax.figure
    fmt = plotting.money_formatter(unit)
    y = list(range(len(df)))
    for i, (k, s, e, d) in enumerate(zip(kinds, starts, ends, deltas)):
        if k in ("start", "end"):
            color, left, width = TOTAL_COLOR, 0, e
            text = fmt.format_value(e)
        else:
            color = INCREASE_COLOR if d > 0 else DECREASE_COLOR if d < 0 else "#9E9E9E"
            left, width = min(s, e), abs(d)
            sign = "+" if d > 0 else "−" if d < 0 else "±"
            text = sign + fmt.format_value(abs(d))
        ax.barh(i, width, left=left, color=color, height=0.62)
        x_text = max(s, e) if k not in ("start", "end") else e
        ax.annotate(text, (x_text, i), xytext=(3, 0), textcoords="offset points",
                    va="center", ha="left", fontsize=8.5)
        if i + 1 < len(df):
            ax.plot([e, e], [i + 0.31, i + 0.69], color="#777777", linewidth=0.7)
    ax.set_yticks(y, [str(lb) for lb in df["label"]])
    ax.invert_yaxis()
    plotting.money_axis(ax, unit=unit, axis="x")
    ax.set_xlim(left=0, right=max(max(starts), max(ends)) * 1.15)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(handles=[Patch(color=TOTAL_COLOR, label="合计"), Patch(color=INCREASE_COLOR, label="增加"),
                       Patch(color=DECREASE_COLOR, label="减少")],
              loc="lower right", fontsize=8.5, frameon=False)
    if title:
        plotting.titled(ax, title, subtitle)
    if source:
        plotting.source_note(fig, source)
    return ax


# --------------------------------------------------------------------------
# components


def components_table(b: Budget) -> pd.DataFrame:
    """The itemised sub-amounts (“主要包括 …”), one row per component.

    Columns: ``project_no``, ``project`` (short label), ``component``,
    ``amount`` (元), ``share`` (exact Fraction of the project's amount),
    ``share_pct`` (display), ``line``.
    """
    comps = b.project_components
    _require(comps, ["project_no", "component", "amount", "line"], b, "第三部分 项目构成")
    projects = _projects(b)
    amount_of = {int(r.project_no): int(r.amount) for r in projects.itertuples(index=False)}
    label_of = {int(r.project_no): short_label(r.name) for r in projects.itertuples(index=False)}
    rows = []
    for r in comps.itertuples(index=False):
        if pd.isna(r.amount) or pd.isna(r.project_no):
            raise DataError(f"component {r.component!r} has no amount or project number",
                            file=_source(b), table="第三部分 项目构成", line=_line_of(r))
        no = int(r.project_no)
        if no not in amount_of:
            raise DataError(f"component {r.component!r} belongs to unknown project {no}",
                            file=_source(b), table="第三部分 项目构成", line=_line_of(r))
        share = Fraction(int(r.amount), amount_of[no]) if amount_of[no] else None
        rows.append({"project_no": no, "project": label_of[no], "component": r.component,
                     "amount": int(r.amount), "share": share, "share_pct": _pct(share, 1), "line": r.line})
    out = pd.DataFrame(rows)
    out["project_no"] = out["project_no"].astype("Int64")
    out["amount"] = out["amount"].astype("Int64")
    out["line"] = out["line"].astype("Int64")
    out["share_pct"] = pd.array(list(out["share_pct"]), dtype="Float64")
    out["project"] = out["project"].astype("string")
    out["component"] = out["component"].astype("string")
    return out


def components_check(b: Budget) -> pd.DataFrame:
    """Do each project's components add up to its amount?

    Columns: ``project_no``, ``project``, ``amount``, ``components`` (how
    many), ``components_total``, ``difference`` (amount − components_total,
    元), ``matches`` (bool), ``line``. A project without components has
    ``components == 0`` and ``matches == False``.
    """
    comps = components_table(b)
    projects = _projects(b)
    rows = []
    for r in projects.itertuples(index=False):
        mine = comps[comps["project_no"] == r.project_no]
        total = int(mine["amount"].sum())
        rows.append({"project_no": r.project_no, "project": short_label(r.name), "amount": int(r.amount),
                     "components": len(mine), "components_total": total,
                     "difference": int(r.amount) - total, "matches": len(mine) > 0 and total == int(r.amount),
                     "line": r.line})
    out = pd.DataFrame(rows)
    for c in ("project_no", "amount", "components", "components_total", "difference", "line"):
        out[c] = out[c].astype("Int64")
    out["project"] = out["project"].astype("string")
    out["matches"] = out["matches"].astype(bool)
    return out


# --------------------------------------------------------------------------
# special funds


def special_fund_summary(b: Budget) -> pd.DataFrame:
    """The 产业发展专项资金 sub-funds, with their share of the department total.

    Total row first (``kind == "total"``), then one row per sub-fund in
    document order. Columns: ``kind``, ``sub_fund``, ``project_no``,
    ``amount``, ``share`` (exact Fraction of 表3's department total),
    ``share_pct`` (percent, 2 decimals, display), ``prior_amount``,
    ``change`` (元, against the project's stated baseline), ``change_pct``
    (as printed), ``change_pct_text``, ``line``. ``attrs`` hold
    ``department_total`` and ``department_total_line``.
    """
    funds = b.special_funds
    _require(funds, ["sub_fund", "project_no", "amount", "change", "line"], b, _FUNDS)
    if funds.empty:
        raise DataError("the budget lists no special-fund sub-funds", file=_source(b), table=_FUNDS)
    for r in funds.itertuples(index=False):
        if pd.isna(r.amount) or pd.isna(r.change):
            raise DataError(f"sub-fund {r.sub_fund!r} has no amount or change", file=_source(b), table=_FUNDS,
                            line=_line_of(r))
    dept, dept_line = _department_total(b)
    rows = []
    for r in funds.itertuples(index=False):
        share = Fraction(int(r.amount), dept)
        rows.append({"kind": "item", "sub_fund": r.sub_fund, "project_no": r.project_no, "amount": int(r.amount),
                     "share": share, "share_pct": _pct(share, 2),
                     "prior_amount": int(r.amount) - int(r.change), "change": int(r.change),
                     "change_pct": getattr(r, "change_pct", None), "change_pct_text": getattr(r, "change_pct_text", None),
                     "line": r.line})
    total = sum(r["amount"] for r in rows)
    tshare = Fraction(total, dept)
    rows.insert(0, {"kind": "total", "sub_fund": f"合计（{len(rows)} 个子项）", "project_no": None, "amount": total,
                    "share": tshare, "share_pct": _pct(tshare, 2),
                    "prior_amount": sum(r["prior_amount"] for r in rows),
                    "change": sum(r["change"] for r in rows), "change_pct": None, "change_pct_text": None,
                    "line": None})
    out = pd.DataFrame(rows)
    for c in ("project_no", "amount", "prior_amount", "change", "line"):
        out[c] = pd.array([None if v is None or pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
    for c in ("share_pct", "change_pct"):
        out[c] = pd.array([None if v is None or pd.isna(v) else float(v) for v in out[c]], dtype="Float64")
    for c in ("kind", "sub_fund", "change_pct_text"):
        out[c] = out[c].astype("string")
    out.attrs["department_total"] = dept
    out.attrs["department_total_line"] = dept_line
    return out


def plot_special_funds(summary: pd.DataFrame, metric: str = "amount", *, ax=None, unit: str = "万元",
                       title: str | None = None, subtitle: str | None = None, source: str | None = None):
    """Bar chart of :func:`special_fund_summary`'s sub-funds, largest first.

    ``metric="amount"``: the 2023 amounts, each labelled with its share of
    the sub-funds' total; ``metric="change"``: the change against the stated
    baseline (decreases in red). Returns the Axes.
    """
    from . import plotting

    _check_columns(summary, ["kind", "sub_fund", "amount", "change"], "plot_special_funds")
    if metric not in ("amount", "change"):
        raise ValueError(f"metric must be 'amount' or 'change', not {metric!r}")
    items = summary[summary["kind"] == "item"].sort_values(metric, ascending=False, kind="stable")
    if items.empty:
        raise DataError("plot_special_funds: no sub-funds in the table")
    default = {"amount": "产业发展专项资金：七个子项的 2023 年预算",
               "change": "产业发展专项资金：各子项较基准的变化"}[metric]
    values = [int(v) for v in items[metric]]
    ax = plotting.bar_chart(list(items["sub_fund"]), values, title=title or default, subtitle=subtitle, unit=unit,
                            ax=ax)
    if metric == "amount":
        # shares of the sub-funds' total, exact then rounded: 1 decimal from 1 % up, 2 below
        total = sum(values)
        labels = [t for t in ax.texts if t.get_text()][-len(values):]
        for text, v in zip(labels, values):
            share = Fraction(v * 100, total)
            text.set_text(f"{text.get_text()}（{_pct(share / 100, 1 if share >= 1 else 2)}%）")
    if source:
        plotting.source_note(ax.figure, source)
    return ax


def special_funds_vs_economic(b: Budget, code: str = "312") -> pd.DataFrame:
    """The sub-funds' total against an economic class of 表8 (default 312 对企业补助).

    Rows: the sub-funds' total (第三部分), the 表8 row of ``code`` (项目支出
    column), and their difference. Columns: ``item``, ``amount`` (元),
    ``line``; ``attrs`` hold ``difference`` (sub-funds − 表8, 元),
    ``max_rounding`` (half a 万元 for each of the printed figures) and
    ``within_rounding``.
    """
    funds = special_fund_summary(b)
    total = int(funds["amount"].iloc[0])
    n_items = int((funds["kind"] == "item").sum())
    t8 = b.table(8)
    _require(t8, ["code", "name", "project", "line"], b, "表8 一般公共预算支出表（按经济分类）")
    hit = t8[t8["code"] == code]
    if len(hit) != 1 or pd.isna(hit["project"].iloc[0]):
        raise DataError(f"表8 has no single row {code} with a 项目支出 amount", file=_source(b),
                        table="表8 一般公共预算支出表（按经济分类）")
    row = hit.iloc[0]
    econ = int(row["project"])
    lines = funds.loc[funds["kind"] == "item", "line"]
    out = pd.DataFrame({
        "item": [f"产业发展专项资金 {n_items} 个子项合计（第三部分）", f"表8 {code} {row['name']}（项目支出）",
                 "差额（专项资金 − 表8）"],
        "amount": pd.array([total, econ, total - econ], dtype="Int64"),
        "line": pd.array([int(lines.min()), int(row["line"]), None], dtype="Int64"),
    })
    out["item"] = out["item"].astype("string")
    max_rounding = (n_items + 1) * YUAN_PER_WAN // 2
    out.attrs.update(difference=total - econ, max_rounding=max_rounding,
                     within_rounding=abs(total - econ) <= max_rounding)
    return out


def functional_matches(b: Budget, codes: Sequence[str | Sequence[str]] | None = None, *, max_size: int = 4,
                       tolerance: int = 0) -> pd.DataFrame:
    """Which projects add up to a 表3 functional code's 项目支出 (arithmetic, not a statement).

    ``codes``: 表3 codes, or tuples of codes whose amounts are added (e.g.
    ``[("2069999", "2150299")]``); default: every 项 (7-digit) code with a
    non-zero 项目支出. For each, every group of up to ``max_size`` projects
    whose amounts sum to it (within ``tolerance`` 元) is listed.

    Columns: ``codes`` (joined by ``+``), ``names``, ``project`` (元),
    ``matches`` (how many groups), ``groups`` (groups as text, ``；``
    between groups, ``+`` within), ``line``. The document never says which
    project is booked under which code: a unique exact match is strong
    evidence, several matches or none say the arithmetic cannot decide.
    """
    t3 = b.table(3)
    _require(t3, ["kind", "code", "name", "project", "line"], b, "表3 支出总表")
    items = t3[t3["kind"] == "item"]
    by_code = {str(c): r for c, r in zip(items["code"], items.itertuples(index=False))}
    if codes is None:
        codes = [str(c) for c, p in zip(items["code"], items["project"])
                 if len(str(c)) == 7 and not pd.isna(p) and int(p) != 0]
    projects = _projects(b)
    pool = {short_label(n): int(a) for n, a in zip(projects["name"], projects["amount"])}
    rows = []
    for group in codes:
        group = (group,) if isinstance(group, str) else tuple(str(g) for g in group)
        missing = [g for g in group if g not in by_code]
        if missing:
            raise DataError(f"表3 has no code {', '.join(missing)}", file=_source(b), table="表3 支出总表")
        recs = [by_code[g] for g in group]
        if any(pd.isna(r.project) for r in recs):
            raise DataError(f"表3 code {'+'.join(group)} has no 项目支出 amount", file=_source(b),
                            table="表3 支出总表", line=int(recs[0].line))
        target = sum(int(r.project) for r in recs)
        found = amount_combinations(pool, target, tolerance=tolerance, max_size=max_size)
        rows.append({"codes": "+".join(group), "names": "+".join(str(r.name) for r in recs), "project": target,
                     "matches": len(found), "groups": "；".join("+".join(f) for f in found) or None,
                     "line": int(recs[0].line)})
    out = pd.DataFrame(rows, columns=["codes", "names", "project", "matches", "groups", "line"])
    for c in ("project", "matches", "line"):
        out[c] = out[c].astype("Int64")
    for c in ("codes", "names", "groups"):
        out[c] = out[c].astype("string")
    return out


# --------------------------------------------------------------------------
# subsidy check


@dataclass(frozen=True)
class SubsidyCheck:
    """Result of :func:`subsidy_check` (amounts in 元)."""

    stations: int
    parts: tuple[int, ...]
    per_station_yuan: int
    expected_yuan: int
    printed_text: str
    printed_unit: str
    printed_yuan: int
    decimals: int
    tolerance_yuan: Fraction
    difference_yuan: int
    within_rounding: bool

    def __str__(self) -> str:
        parts = " + ".join(f"{p:,}" for p in self.parts)
        count = f"{parts} = {self.stations:,}" if len(self.parts) > 1 else f"{self.stations:,}"
        exp_wan = Decimal(self.expected_yuan) / YUAN_PER_WAN
        tol = self.tolerance_yuan
        tol_text = f"{tol.numerator // tol.denominator:,}" if tol.denominator == 1 else f"{float(tol):,}"
        verdict = "在印刷精度的舍入范围内（尾数误差）" if self.within_rounding else "超出印刷精度的舍入范围"
        if self.difference_yuan == 0:
            verdict = "完全一致"
        return "\n".join([
            f"数量：{count}",
            f"应为：{self.stations:,} × {self.per_station_yuan:,} 元 = {self.expected_yuan:,} 元"
            f" = {exp_wan:,f} 万元",
            f"印刷：{self.printed_text} {self.printed_unit} = {self.printed_yuan:,} 元",
            f"差额：印刷 − 应为 = {self.difference_yuan:+,} 元；"
            f"允许的舍入误差为 ±{tol_text} 元（最后一位的一半）",
            f"结论：{verdict}",
        ])

    def as_frame(self) -> pd.DataFrame:
        """The check as a two-column table (项目, 值)."""
        return pd.DataFrame({
            "item": ["stations", "per_station_yuan", "expected_yuan", "printed_yuan", "difference_yuan",
                     "tolerance_yuan", "within_rounding"],
            "value": [self.stations, self.per_station_yuan, self.expected_yuan, self.printed_yuan,
                      self.difference_yuan, self.tolerance_yuan, self.within_rounding],
        })


def _as_int(value: Any, what: str, where: Mapping[str, Any]) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)) and not hasattr(value, "__index__"):
        raise BudgetkitError(f"{what} must be a whole number, got {value!r}", **where)
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise BudgetkitError(f"{what} must be a whole number, got {value}", **where)
        return int(value)
    return int(value)


def subsidy_check(stations: int | Sequence[int] | Mapping[str, int], per_station_yuan: int,
                  printed_wan: str | int | Decimal, *, unit: str = "万元", file: str | None = None,
                  table: str | None = None, line: int | None = None) -> SubsidyCheck:
    """Re-compute a per-unit subsidy and compare it with the printed, rounded amount.

    ``stations`` is a count, or several counts to add (a list, or a mapping
    such as ``{"电信": 901, "联通": 1152, "移动": 1650}``). ``printed_wan`` is
    the amount as printed, preferably as text (``"1,111"``) so that its
    precision is known; an integer means no decimals. The printed amount
    is consistent when the exact amount rounds half up to it, i.e. it lies
    within half a unit of the last printed digit.

    ``file``/``table``/``line`` locate the figures in a document for error
    messages. Raises :class:`~budgetkit.errors.BudgetkitError` for negative
    or fractional counts and amounts.
    """
    where = {"file": file, "table": table, "line": line}
    if isinstance(stations, Mapping):
        parts = tuple(_as_int(v, f"station count {k!r}", where) for k, v in stations.items())
    elif isinstance(stations, (list, tuple)):
        parts = tuple(_as_int(v, "station count", where) for v in stations)
    else:
        parts = (_as_int(stations, "station count", where),)
    if not parts:
        raise BudgetkitError("no station counts given", **where)
    if any(p < 0 for p in parts):
        raise BudgetkitError(f"station counts must not be negative: {parts}", **where)
    per = _as_int(per_station_yuan, "per-station amount", where)
    if per < 0:
        raise BudgetkitError(f"per-station amount must not be negative: {per}", **where)
    if unit not in UNIT_FACTORS:
        raise BudgetkitError(f"unknown unit {unit!r}; known: {', '.join(UNIT_FACTORS)}", **where)
    if isinstance(printed_wan, str):
        text = printed_wan.strip()
        try:
            printed_yuan = parse_amount(text, unit)
        except AmountError as exc:
            raise BudgetkitError(exc.reason, **where) from None
        decimals = decimals_of(text)
    else:
        if isinstance(printed_wan, bool) or not isinstance(printed_wan, (int, Decimal)):
            raise BudgetkitError(
                f"printed amount must be text (e.g. '1,111'), an int or a Decimal, got {printed_wan!r}", **where)
        dec = Decimal(printed_wan)
        text = f"{dec:,f}"
        try:
            printed_yuan = parse_amount(text, unit)
        except AmountError as exc:
            raise BudgetkitError(exc.reason, **where) from None
        decimals = max(0, -dec.as_tuple().exponent)
    stations_total = sum(parts)
    expected = stations_total * per
    tolerance = Fraction(UNIT_FACTORS[unit], 2 * 10 ** decimals)
    diff = printed_yuan - expected
    within = -tolerance < diff <= tolerance
    return SubsidyCheck(stations=stations_total, parts=parts, per_station_yuan=per, expected_yuan=expected,
                        printed_text=text, printed_unit=unit, printed_yuan=printed_yuan, decimals=decimals,
                        tolerance_yuan=tolerance, difference_yuan=diff, within_rounding=within)


# --------------------------------------------------------------------------
# project total


def project_total_check(b: Budget) -> pd.DataFrame:
    """The projects' sum against every statement of the project total.

    One row per place the document states the total of 项目支出: the
    第三部分 summary sentence, the （四）项目支出 heading, 第六部分 (funds
    under performance management) and 表3's 项目支出 total. Columns:
    ``where`` (中文 description), ``line``, ``stated``, ``computed`` (Σ of
    the projects' printed amounts), ``difference`` (stated − computed, 元),
    ``max_rounding`` (the largest difference rounding can explain: half a
    unit for each of the n printed project amounts and for the stated total),
    ``within_rounding`` (bool).
    """
    projects = _projects(b)
    n = len(projects)
    computed = int(projects["amount"].sum())
    max_rounding = (n + 1) * YUAN_PER_WAN // 2
    found: list[tuple[str, int, int | None]] = []

    es = b.expenditure_summary
    if {"category", "amount"} <= set(es.columns):
        hit = es[es["category"] == "项目支出"]
        if len(hit):
            found.append(("第三部分 支出构成（项目支出）", int(hit["amount"].iloc[0]), int(hit["line"].iloc[0])))
    facts = b.facts
    for key, where in (("project_expenditure", "第三部分（四）项目支出"),
                       ("perf_project_funds", "第六部分 纳入绩效管理的项目资金")):
        hit = facts[facts["key"] == key]
        if len(hit) and not pd.isna(hit["amount"].iloc[0]):
            found.append((where, int(hit["amount"].iloc[0]), int(hit["line"].iloc[0])))
    t3 = b.table(3)
    tot = t3[t3["kind"] == "total"]
    if len(tot) and not pd.isna(tot["project"].iloc[0]):
        found.append(("表3 支出总表 合计行（项目支出）", int(tot["project"].iloc[0]), int(tot["line"].iloc[0])))
    if not found:
        raise DataError("the document states no project total to check against", file=_source(b), table=_PROJECTS)
    out = pd.DataFrame([
        {"where": w, "line": ln, "stated": s, "computed": computed, "difference": s - computed,
         "max_rounding": max_rounding, "within_rounding": abs(s - computed) <= max_rounding}
        for w, s, ln in found
    ])
    for c in ("line", "stated", "computed", "difference", "max_rounding"):
        out[c] = out[c].astype("Int64")
    out["where"] = out["where"].astype("string")
    out["within_rounding"] = out["within_rounding"].astype(bool)
    out.attrs["projects"] = n
    return out


# --------------------------------------------------------------------------
# combinations


def amount_combinations(items: Mapping[str, int], target: int, *, tolerance: int = 0,
                        max_size: int = 4) -> list[tuple[str, ...]]:
    """Groups of ``items`` (label → 元) whose sum is within ``tolerance`` 元 of ``target``.

    Every combination of 1 … ``max_size`` items is tried (smallest groups
    first, then in the items' order). Use it to reconcile two tables that
    group the same money differently; a match is arithmetic evidence, not
    a statement of the document.
    """
    if max_size < 1:
        raise ValueError("max_size must be >= 1")
    if tolerance < 0:
        raise ValueError("tolerance must be >= 0")
    labels = list(items)
    values = []
    for k in labels:
        v = items[k]
        if isinstance(v, bool) or not isinstance(v, int) and not hasattr(v, "__index__"):
            raise BudgetkitError(f"amount of {k!r} must be an integer number of 元, got {v!r}")
        values.append(int(v))
    found = []
    for size in range(1, min(max_size, len(labels)) + 1):
        for idx in itertools.combinations(range(len(labels)), size):
            if abs(sum(values[i] for i in idx) - target) <= tolerance:
                found.append(tuple(labels[i] for i in idx))
    return found

"""Helpers the rules share for reading tables: coded rows, totals, balance sides, column comparisons."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from ..codes import parse
from ..errors import CodeError
from ._core import COLUMN_LABELS, VALUE_COLUMNS, Context, Fig, Finding, span, status_of, worst

#: Roles of tables whose rows are classified by code (支出功能分类 or 经济分类).
CODED_ROLES: tuple[str, ...] = (
    "expenditure", "basic_summary", "project_summary", "general_function", "general_economic",
    "general_basic", "fund", "state_capital",
)
#: Roles of the two balance tables (income side / expenditure side).
BALANCE_ROLES: tuple[str, ...] = ("summary", "appropriation")


def present(ctx: Context, roles: Iterable[str]) -> list[str]:
    """The roles (or frame names) the Budget holds, in the given order."""
    return [r for r in roles if ctx.has(r)]


def na(subject: str, note: str, lines: Any = ()) -> Finding:
    """A ``not_applicable`` finding."""
    return Finding(subject=subject, status="not_applicable", lines=span(lines), note=note)


def missing_tables(ctx: Context, names: Iterable[str]) -> str:
    labels = []
    for n in names:
        ref = ctx.ref(n)
        labels.append(ref.full_label if ref else n)
    return "本预算没有 / this Budget lacks: " + "、".join(labels)


def value_columns(ctx: Context, role: str) -> list[str]:
    cols = ctx.frame(role).columns
    return [c for c in VALUE_COLUMNS if c in cols and c != "amount"] or (["amount"] if "amount" in cols else [])


def coded_rows(ctx: Context, role: str) -> list[dict[str, Any]]:
    """Item rows that carry a (parseable) code, in source order."""
    out = []
    for r in ctx.records(role):
        if r.get("code") is None or r.get("kind") in ("total", "subtotal", "carry"):
            continue
        if "side" in r and r["side"] != "expenditure":
            continue
        try:
            parse(r["code"])
        except CodeError:
            continue
        out.append(r)
    return out


def by_code(rows: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        out.setdefault(str(r["code"]), r)
    return out


def total_row(ctx: Context, role: str) -> dict[str, Any] | None:
    """The table's total row (``kind == "total"``, else the level-0 row)."""
    rows = ctx.records(role)
    for r in rows:
        if r.get("kind") == "total":
            return r
    for r in rows:
        if r.get("level") == 0:
            return r
    return None


def parent_map(codes: Iterable[str]) -> dict[str, str | None]:
    """code → nearest ancestor among ``codes`` (None for top-level codes)."""
    present = set(codes)
    out: dict[str, str | None] = {}
    for c in present:
        node = parse(c).parent
        while node is not None and node.code not in present:
            node = node.parent
        out[c] = node.code if node is not None else None
    return out


def children_of(codes: Iterable[str]) -> dict[str | None, list[str]]:
    """Nearest-ancestor → [codes], in code order (key None: the top-level codes)."""
    out: dict[str | None, list[str]] = {}
    for c, p in sorted(parent_map(codes).items()):
        out.setdefault(p, []).append(c)
    return out


def side_rows(ctx: Context, role: str, side: str) -> list[dict[str, Any]]:
    return [r for r in ctx.records(role) if r.get("side") == side]


def kind_row(rows: Sequence[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    for r in rows:
        if r.get("kind") == kind:
            return r
    return None


def year_row(ctx: Context, role: str, side: str) -> tuple[dict[str, Any] | None, str]:
    """The row holding a balance table's revenue (expenditure) of the year, and what it is called.

    The 本年收入合计 / 本年支出合计 line; templates without one (the national
    财务收支预算总表) print only 收入总计 / 支出总计, which is the year's amount
    when nothing is carried over (no carry line, or a carry line of 0).
    """
    rows = side_rows(ctx, role, side)
    what = "收入" if side == "income" else "支出"
    sub = kind_row(rows, "subtotal")
    if sub is not None:
        return sub, f"本年{what}合计"
    carry = kind_row(rows, "carry")
    if carry is None or not carry.get("amount"):
        return kind_row(rows, "total"), f"{what}总计"
    return None, f"本年{what}合计"


def current_three_public(ctx: Context) -> dict[str, Any] | None:
    """This year's row of the “三公” table (the last budget row when no row is dated this year)."""
    rows = [r for r in ctx.records("three_public_table") if r.get("kind") == "budget"]
    return next((r for r in rows if r.get("year") == ctx.year), rows[-1] if rows else None)


def economic_table(ctx: Context) -> tuple[str, str] | None:
    """``(role, column)`` of the basic expenditure by economic class, or None.

    The Shenzhen 表8 (``general_economic``) has a 基本支出 column beside its
    project column; the national 表8 (``general_basic``, 一般公共预算基本支出
    部门预算经济分类预算表) holds basic expenditure only, so its 合计 column is it.
    """
    if ctx.has("general_economic") and "basic" in ctx.frame("general_economic").columns:
        return "general_economic", "basic"
    if ctx.has("general_basic"):
        return "general_basic", "basic" if "basic" in ctx.frame("general_basic").columns else "total"
    return None


def at_most(ctx: Context, subject: str, smaller: Fig | None, larger: Fig | None, note: str = "") -> Finding:
    """``smaller ≤ larger`` for two printed figures: ok; rounding when the excess is within their rounding; else fail."""
    if smaller is None or larger is None:
        return na(subject, "；".join(x for x in (note, "金额缺失 / an amount is missing") if x),
                  [f for f in (smaller, larger) if f is not None])
    excess = smaller.value - larger.value
    slack2 = smaller.unit + larger.unit
    status = "ok" if excess <= 0 else status_of(excess, slack2)
    parts = [note] if note else []
    if status == "rounding":
        parts.append(f"超出 {ctx.money(excess)}，在尾数误差允许范围 ±{ctx.money(slack2 // 2)} 内 / within rounding")
    elif status == "fail":
        parts.append(f"超出 {ctx.money(excess)} / exceeds the bound")
    # an inequality, not an identity: expected/actual stay None (difference would mean nothing)
    return Finding(subject=subject, status=status, lines=span(smaller, larger), note="；".join(parts),
                   expected_text=f"≤ {ctx.money(larger.value)}", actual_text=ctx.money(smaller.value))


def income_groups(rows: Sequence[dict[str, Any]]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Income items as (level-1 item, [its level-2 items]) in printed order."""
    groups: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for r in rows:
        if r.get("kind") != "item":
            continue
        if r.get("level") == 1 or not groups:
            groups.append((r, []))
        else:
            groups[-1][1].append(r)
    return groups


def find_income(rows: Sequence[dict[str, Any]], *keywords: str) -> dict[str, Any] | None:
    """The first income item whose name contains any keyword."""
    for r in rows:
        if r.get("kind") == "item" and any(k in (r.get("name") or "") for k in keywords):
            return r
    return None


def row_label(ctx: Context, role: str, row: dict[str, Any]) -> str:
    code = row.get("code")
    name = row.get("name") or ""
    if code is None:
        return f"{ctx.label(role)} {name}".strip()
    return f"{ctx.label(role)} {code} {name}".strip()


def zero_fig(unit: int, lines: Any = ()) -> Fig:
    return Fig(0, unit, span(lines), "0")


def neg(f: Fig | None) -> Fig | None:
    """The figure subtracted (None stays None, so a missing amount stays visible)."""
    return None if f is None else Fig(-f.value, f.unit, f.lines, f.label)


def compare_columns(ctx: Context, subject: str, pairs: Sequence[tuple[str, Sequence[Fig], Fig]],
                    note: str = "") -> Finding:
    """One finding for several columns of one row.

    The status is the worst column's; ``expected``/``actual`` (元) are the
    worst column's (the first column when all agree) and the texts list
    every column.
    """
    results = [(col, ctx.compare(subject, terms, actual)) for col, terms, actual in pairs]
    if len(results) == 1:
        f = results[0][1]
        if note:
            f.note = "；".join(x for x in (note, f.note) if x)
        return f
    status = worst(f.status for _, f in results)
    main_col, main = next((cf for cf in results if cf[1].status == status), results[0])
    parts = [note] if note else []
    if status not in ("ok", "not_applicable"):
        parts.append(f"金额列取“{COLUMN_LABELS.get(main_col, main_col)}” / amounts shown for column {main_col}")
        if main.note:
            parts.append(main.note)
        others = [f"{COLUMN_LABELS.get(c, c)} {f.actual_text}（应为 {f.expected_text}，{f.status}）"
                  for c, f in results if c != main_col and f.status != "ok"]
        if others:
            parts.append("其他列 other columns: " + "；".join(others))

    def texts(kind: str) -> str:
        return "；".join(f"{COLUMN_LABELS.get(c, c)} {getattr(f, kind) or '—'}" for c, f in results)

    return Finding(
        subject=subject, status=status, lines=span(*(f.lines for _, f in results)),
        expected=main.expected, actual=main.actual, note="；".join(parts),
        expected_text=texts("expected_text"), actual_text=texts("actual_text"), tolerance=main.tolerance,
    )


def count_finding(subject: str, expected: int | None, actual: int | None, lines=(), unit: str = "",
                  note: str = "") -> Finding:
    """Compare two counts exactly (people, projects, stations …)."""
    if expected is None or actual is None:
        return na(subject, note or "数量缺失 / a count is missing", lines)
    status = "ok" if expected == actual else "fail"
    suffix = f" {unit}" if unit else ""
    return Finding(subject=subject, status=status, lines=span(lines), note=note,
                   expected_text=f"{expected:,}{suffix}", actual_text=f"{actual:,}{suffix}")

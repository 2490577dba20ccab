"""Hierarchy rules: inside one table, parents equal the sum of their children and columns add up."""

from __future__ import annotations

from ._core import COLUMN_LABELS, Context, Finding, rule, span
from ._tables import (
    BALANCE_ROLES, CODED_ROLES, by_code, children_of, coded_rows, compare_columns, missing_tables, na, neg,
    present, row_label, total_row, value_columns,
)


@rule("hierarchy.children", "hierarchy",
      "上级科目 = 下级科目之和（功能分类：类 = Σ款，款 = Σ项；经济分类：类 = Σ款），各金额列分别核对",
      "Every parent code equals the sum of its children (类 = Σ款, 款 = Σ项), in every amount column",
      optional=CODED_ROLES + BALANCE_ROLES)
def children(ctx: Context):
    roles = present(ctx, CODED_ROLES + BALANCE_ROLES)
    if not roles:
        yield na("科目层级", missing_tables(ctx, CODED_ROLES))
        return
    for role in roles:
        rows = by_code(coded_rows(ctx, role))
        cols = ["amount"] if role in BALANCE_ROLES else value_columns(ctx, role)
        for parent, kids in children_of(rows).items():
            if parent is None:
                continue
            prow = rows[parent]
            pairs = []
            for col in cols:
                terms = [ctx.fig(role, rows[k], col) for k in kids]
                pairs.append((col, terms, ctx.fig(role, prow, col)))
            kid_names = "、".join(kids)
            yield compare_columns(ctx, f"{row_label(ctx, role, prow)} = Σ {kid_names}", pairs)


@rule("hierarchy.total_row", "hierarchy",
      "合计行 = 各类（一级科目）之和",
      "The table's total row equals the sum of its top-level (类) rows",
      optional=CODED_ROLES)
def total(ctx: Context):
    roles = present(ctx, CODED_ROLES)
    if not roles:
        yield na("合计行", missing_tables(ctx, CODED_ROLES))
        return
    for role in roles:
        t = total_row(ctx, role)
        rows = by_code(coded_rows(ctx, role))
        tops = children_of(rows).get(None, [])
        subject = f"{ctx.label(role)} 合计 = Σ 类"
        if t is None:
            yield na(subject, "没有合计行 / no total row")
            continue
        if not tops:
            # an empty table: nothing below the total row
            zero = all(t.get(c) in (0, None) for c in value_columns(ctx, role))
            yield Finding(subject=subject, status="ok" if zero else "fail", lines=span(t["line"]),
                          expected=0, actual=t.get("total"), expected_text=ctx.money(0),
                          actual_text=ctx.money(t.get("total")),
                          note="空表：合计为 0 且没有科目行 / empty table" if zero else
                          "合计不为 0 但没有科目行 / a non-zero total without rows")
            continue
        pairs = [(c, [ctx.fig(role, rows[k], c) for k in tops], ctx.fig(role, t, c)) for c in value_columns(ctx, role)]
        yield compare_columns(ctx, subject, pairs)


_SPLITS = (("total", ("basic", "project")), ("total", ("personnel", "public")))


@rule("hierarchy.basic_project", "hierarchy",
      "每行：合计 = 基本支出 + 项目支出（或 人员经费 + 公用经费）",
      "Every row: total = basic + project (or personnel + public)",
      optional=CODED_ROLES)
def basic_project(ctx: Context):
    roles = [r for r in present(ctx, CODED_ROLES)
             if any(all(c in ctx.frame(r).columns for c in (t, *parts)) for t, parts in _SPLITS)]
    if not roles:
        yield na("合计 = 基本支出 + 项目支出", missing_tables(ctx, CODED_ROLES) + "（或没有相应列）")
        return
    for role in roles:
        cols = ctx.frame(role).columns
        for t, parts in _SPLITS:
            if not all(c in cols for c in (t, *parts)):
                continue
            labels = " + ".join(COLUMN_LABELS[p] for p in parts)
            for r in ctx.records(role):
                if all(r.get(c) is None for c in (t, *parts)):
                    continue
                yield ctx.compare(f"{row_label(ctx, role, r)}：合计 = {labels}",
                                  [ctx.fig(role, r, p) for p in parts], ctx.fig(role, r, t))


_PROC = ("procurement_small_micro", "procurement_sme", "procurement", "total")


@rule("hierarchy.procurement", "hierarchy",
      "政府采购列：面向小微企业 ≤ 面向中小企业 ≤ 采购小计 ≤ 支出合计",
      "Procurement columns: small/micro ≤ SME ≤ procurement subtotal ≤ total expenditure",
      requires=("expenditure",))
def procurement(ctx: Context):
    cols = ctx.frame("expenditure").columns
    chain_cols = [c for c in _PROC if c in cols]
    if len(chain_cols) < 2 or "procurement" not in chain_cols:
        yield na(f"{ctx.label('expenditure')} 政府采购", "没有政府采购列 / no procurement columns")
        return
    for r in ctx.records("expenditure"):
        vals = [(c, r.get(c)) for c in chain_cols if r.get(c) is not None]
        if len(vals) < 2:
            continue
        bad = [(a, b) for (a, va), (b, vb) in zip(vals, vals[1:]) if va > vb]
        chain = " ≤ ".join(ctx.money(v).replace(f" {ctx.currency_unit}", "") for _, v in vals)
        expected = " ≤ ".join(COLUMN_LABELS[c] for c, _ in vals)
        note = "；".join(f"{COLUMN_LABELS[a]} 大于 {COLUMN_LABELS[b]} / {a} exceeds {b}" for a, b in bad)
        # rounding cannot reverse an order: round() is monotone, so any excess is a contradiction
        yield Finding(subject=row_label(ctx, "expenditure", r), status="fail" if bad else "ok",
                      lines=span((r["line"], r.get("line_end") or r["line"])), expected_text=expected,
                      actual_text=f"{chain}（{ctx.currency_unit}）", note=note)


@rule("hierarchy.three_public", "hierarchy",
      "“三公”经费表：总计 = 因公出国 + 公务接待 + 公务用车；公务用车 = 购置 + 运行维护；增减 = 本年 − 上年",
      "“Three public” table: total = outbound + reception + vehicles; vehicles = purchase + operation; change = this − last year",
      requires=("three_public_table",))
def three_public(ctx: Context):
    rows = ctx.records("three_public_table")
    label = ctx.label("three_public_table")
    budget_rows = [r for r in rows if r.get("kind") == "budget"]
    for r in budget_rows:
        period = r.get("period") or r.get("year")
        if all(c in r for c in ("outbound", "reception", "vehicle")):
            yield ctx.compare(f"{label} {period}：总计 = 因公出国 + 公务接待 + 公务用车",
                              [ctx.fig("three_public_table", r, c) for c in ("outbound", "reception", "vehicle")],
                              ctx.fig("three_public_table", r, "total"))
        if all(c in r for c in ("vehicle_purchase", "vehicle_operation", "vehicle")):
            yield ctx.compare(f"{label} {period}：公务用车 = 购置 + 运行维护",
                              [ctx.fig("three_public_table", r, c) for c in ("vehicle_purchase", "vehicle_operation")],
                              ctx.fig("three_public_table", r, "vehicle"))
    change = next((r for r in rows if r.get("kind") == "change"), None)
    if change is None or len(budget_rows) < 2:
        return
    by_year = sorted(budget_rows, key=lambda r: r.get("year") or 0)
    prior, current = by_year[-2], by_year[-1]
    cols = [c for c in ("total", "outbound", "reception", "vehicle", "vehicle_purchase", "vehicle_operation")
            if c in change]
    pairs = []
    for c in cols:
        a, b = ctx.fig("three_public_table", current, c), ctx.fig("three_public_table", prior, c)
        if a is None or b is None:
            continue
        pairs.append((c, [a, neg(b)], ctx.fig("three_public_table", change, c)))
    if pairs:
        yield compare_columns(ctx, f"{label} 增减变化金额 = 本年 − 上年", pairs)

"""Balance rules: the two balance tables (收支总表, 财政拨款收支总表) must balance."""

from __future__ import annotations

from ._core import Context, rule
from ._tables import BALANCE_ROLES, income_groups, kind_row, missing_tables, na, present, side_rows


def _tables(ctx: Context):
    """The balance tables the Budget holds; None alone when it holds neither (one not_applicable row)."""
    yield from present(ctx, BALANCE_ROLES) or [None]


@rule("balance.totals", "balance",
      "收支总表、财政拨款收支总表：收入总计 = 支出总计",
      "Balance tables: total revenue (收入总计) equals total expenditure (支出总计)",
      optional=BALANCE_ROLES)
def totals(ctx: Context):
    for role in _tables(ctx):
        if role is None:
            yield na("收入总计 = 支出总计", missing_tables(ctx, BALANCE_ROLES))
            continue
        inc = kind_row(side_rows(ctx, role, "income"), "total")
        exp = kind_row(side_rows(ctx, role, "expenditure"), "total")
        subject = f"{ctx.label(role)} 收入总计 = 支出总计"
        if inc is None or exp is None:
            yield na(subject, f"{ctx.full_label(role)} 没有收入总计或支出总计行 / no total row")
            continue
        yield ctx.compare(subject, ctx.fig(role, inc, "amount"), ctx.fig(role, exp, "amount"))


def _year_sum(ctx: Context, role: str, side: str, tops: list, what: str, items: str, carry_name: str):
    """本年合计 = Σ top-level items; 总计 = 本年合计 + carry (or, without a 本年合计 line, 总计 = Σ items + carry)."""
    rows = side_rows(ctx, role, side)
    sub, carry, total = kind_row(rows, "subtotal"), kind_row(rows, "carry"), kind_row(rows, "total")
    label = ctx.label(role)
    tops = [f for f in tops if f is not None]
    carried = [ctx.fig(role, carry, "amount")] if carry else []
    if sub is not None and tops:
        yield ctx.compare(f"{label} 本年{what}合计 = Σ {items}", tops, ctx.fig(role, sub, "amount"))
    elif sub is None and total is not None and tops:
        # templates without a 本年合计 line (the national one): 总计 = Σ items + carry
        yield ctx.compare(f"{label} {what}总计 = Σ {items}" + (f" + {carry_name}" if carry else ""), tops + carried,
                          ctx.fig(role, total, "amount"), note=f"本表没有本年{what}合计行 / no subtotal line")
    elif sub is None:
        yield na(f"{label} 本年{what}合计", f"没有本年{what}合计行 / no {side}-of-the-year row")
    if total is not None and sub is not None:
        yield ctx.compare(f"{label} {what}总计 = 本年{what}合计 + {carry_name}", [ctx.fig(role, sub, "amount")] + carried,
                          ctx.fig(role, total, "amount"))


@rule("balance.income", "balance",
      "本年收入合计 = 各项收入之和；收入总计 = 本年收入合计 + 上年结余结转",
      "Revenue of the year = sum of the revenue items; total revenue = revenue of the year + carry-over",
      optional=BALANCE_ROLES)
def income(ctx: Context):
    for role in _tables(ctx):
        if role is None:
            yield na("本年收入合计", missing_tables(ctx, BALANCE_ROLES))
            continue
        tops = [ctx.fig(role, g, "amount") for g, _ in income_groups(side_rows(ctx, role, "income"))]
        yield from _year_sum(ctx, role, "income", tops, "收入", "一级收入项目", "上年结余结转")


@rule("balance.income_items", "balance",
      "一级收入项目 = 其下各项之和（政府预算拨款 = 一般公共预算拨款 + 政府性基金预算拨款 + 国有资本经营预算拨款）",
      "A revenue item equals the sum of its sub-items (government appropriations = general + fund + state capital)",
      optional=BALANCE_ROLES)
def income_items(ctx: Context):
    for role in _tables(ctx):
        if role is None:
            yield na("政府预算拨款", missing_tables(ctx, BALANCE_ROLES))
            continue
        groups = [(p, kids) for p, kids in income_groups(side_rows(ctx, role, "income")) if kids]
        if not groups:
            yield na(f"{ctx.label(role)} 收入项目", "没有分项收入 / no revenue item has sub-items")
        for parent, kids in groups:
            names = " + ".join(k["name"] for k in kids)
            yield ctx.compare(f"{ctx.label(role)} {parent['name']} = {names}",
                              [ctx.fig(role, k, "amount") for k in kids], ctx.fig(role, parent, "amount"))


@rule("balance.expenditure", "balance",
      "本年支出合计 = 各类（功能分类类级）支出之和；支出总计 = 本年支出合计 + 结转下年",
      "Expenditure of the year = sum of the functional classes (类); total expenditure = that + carry-forward",
      optional=BALANCE_ROLES)
def expenditure(ctx: Context):
    for role in _tables(ctx):
        if role is None:
            yield na("本年支出合计", missing_tables(ctx, BALANCE_ROLES))
            continue
        rows = side_rows(ctx, role, "expenditure")
        tops = [ctx.fig(role, r, "amount") for r in rows if r.get("kind") == "item" and r.get("level") == 1]
        yield from _year_sum(ctx, role, "expenditure", tops, "支出", "类", "结转下年")

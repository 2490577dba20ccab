"""Cross-table rules: the same money must show the same in every table that shows it."""

from __future__ import annotations

from ._core import COLUMN_LABELS, Context, Fig, rule, span
from ._tables import (
    at_most, by_code, coded_rows, compare_columns, current_three_public, economic_table, find_income, kind_row,
    missing_tables, na, neg, side_rows, total_row, year_row, zero_fig,
)


def _non_appropriation_income(ctx: Context) -> int | None:
    """表1 revenue that is not a government appropriation (财政专户, 单位资金, carry-over); None if unknown."""
    if not ctx.has("summary"):
        return None
    rows = side_rows(ctx, "summary", "income")
    total = kind_row(rows, "total")
    approp = find_income(rows, "政府预算拨款", "财政拨款")
    if total is None or approp is None or total.get("amount") is None or approp.get("amount") is None:
        return None
    return total["amount"] - approp["amount"]


@rule("cross.totals", "cross_table",
      "表1、表3、表6 的总额一致（支出总表合计 = 收支总表本年支出合计；财政拨款收支总表收入 = 政府预算拨款）",
      "Totals agree across the summary (表1), expenditure (表3) and appropriations (表6) tables",
      requires=("summary", "expenditure"), optional=("appropriation",))
def totals(ctx: Context):
    s_exp, what = year_row(ctx, "summary", "expenditure")
    t3 = total_row(ctx, "expenditure")
    l1, l3 = ctx.label("summary"), ctx.label("expenditure")
    if s_exp is None or t3 is None:
        yield na(f"{l3} 合计 = {l1} 本年支出合计", "缺少合计行 / a total row is missing")
    else:
        yield ctx.compare(f"{l3} 合计 = {l1} {what}", ctx.fig("summary", s_exp, "amount"),
                          ctx.fig("expenditure", t3, "total"))
    if not ctx.has("appropriation"):
        return
    l6 = ctx.label("appropriation")
    approp = find_income(side_rows(ctx, "summary", "income"), "政府预算拨款", "财政拨款")
    a_inc, inc_what = year_row(ctx, "appropriation", "income")
    subject = f"{l6} {inc_what} = {l1} {approp['name'] if approp else '政府预算拨款'}"
    if approp is None or a_inc is None:
        yield na(subject, "缺少财政拨款收入行或合计行 / an appropriation or total row is missing")
    else:
        yield ctx.compare(subject, ctx.fig("summary", approp, "amount"), ctx.fig("appropriation", a_inc, "amount"))
    a_exp, exp_what = year_row(ctx, "appropriation", "expenditure")
    other = _non_appropriation_income(ctx)
    subject = f"{l6} {exp_what} = {l3} 合计"
    if a_exp is None or t3 is None:
        yield na(subject, "缺少合计行 / a total row is missing")
    elif other != 0:
        yield na(subject, f"{l1} 有财政拨款以外的收入，{l6} 只含财政拨款 / {l1} has non-appropriation revenue",
                 lines=(a_exp["line"], t3["line"]))
    else:
        yield ctx.compare(subject, ctx.fig("expenditure", t3, "total"), ctx.fig("appropriation", a_exp, "amount"),
                          note=f"{l1} 财政拨款以外的收入为 0 / no other revenue, so the tables must agree")


@rule("cross.functional_lines", "cross_table",
      "支出总表每个功能分类科目的金额 = 收支总表、财政拨款收支总表中同一科目的金额",
      "Every functional line of the expenditure table (表3) equals the same code in 表1 and 表6",
      requires=("expenditure",), optional=("summary", "appropriation"))
def functional_lines(ctx: Context):
    t3 = by_code(coded_rows(ctx, "expenditure"))
    others = [r for r in ("summary", "appropriation") if ctx.has(r)]
    if not others:
        yield na(f"{ctx.label('expenditure')} 科目", missing_tables(ctx, ("summary", "appropriation")))
        return
    for role in others:
        lo = ctx.label(role)
        if role == "appropriation" and _non_appropriation_income(ctx) != 0:
            yield na(f"{lo} 科目 vs {ctx.label('expenditure')}",
                     f"{ctx.label('summary')} 有财政拨款以外的收入（或缺失），{lo} 不必与支出总表逐项相等")
            continue
        other = by_code(coded_rows(ctx, role))
        # a table that prints only 类 (or 类 and 款) rows is compared at the levels it prints
        levels = {len(c) for c in other}
        for code in sorted(set(t3) | set(other)):
            a, b = t3.get(code), other.get(code)
            if b is None and len(code) not in levels:
                continue
            subject = f"{lo} vs {ctx.label('expenditure')} {code} {(a or b)['name']}"
            if a is None:
                yield ctx.compare(subject, zero_fig(ctx.factor), ctx.fig(role, b, "amount"),
                                  note=f"{ctx.label('expenditure')} 没有该科目 / code not in {ctx.label('expenditure')}")
                continue
            if b is None:
                yield ctx.compare(subject, ctx.fig("expenditure", a, "total"), zero_fig(ctx.factor),
                                  note=f"{lo} 没有该科目 / code not in {lo}")
                continue
            yield ctx.compare(subject, ctx.fig("expenditure", a, "total"), ctx.fig(role, b, "amount"))


def _general_expected(ctx: Context):
    """Per code: (表3 fig, [表10/表11 figs]) for the general-budget identity."""
    t3 = by_code(coded_rows(ctx, "expenditure"))
    minus = {r: by_code(coded_rows(ctx, r)) for r in ("fund", "state_capital") if ctx.has(r)}
    t7 = by_code(coded_rows(ctx, "general_function"))
    return t3, minus, t7


def _general_rows(ctx: Context, columns: tuple[str, ...]):
    t3, minus, t7 = _general_expected(ctx)
    l3, l7 = ctx.label("expenditure"), ctx.label("general_function")
    labels = "−".join([l3] + [ctx.label(r) for r in minus])
    skipped = [ctx.full_label(r) for r in ("fund", "state_capital") if not ctx.has(r)]
    base_note = f"{l7} = {labels}" + (f"（{'、'.join(skipped)} 不在本预算中，按 0 计）" if skipped else "")
    # total rows
    tot3, tot7 = total_row(ctx, "expenditure"), total_row(ctx, "general_function")
    keys: list[tuple[str | None, dict | None, dict | None]] = [(None, tot3, tot7)]
    for code in sorted(set(t3) | set(t7)):
        keys.append((code, t3.get(code), t7.get(code)))
    for code, a, b in keys:
        subtract = []
        for role, table in minus.items():
            row = total_row(ctx, role) if code is None else table.get(code)
            if row is not None:
                subtract.append((role, row))
        name = (a or b or {}).get("name") or ""
        subject = f"{l7} {code or '合计'} {name if code else ''}".strip()
        pairs = []
        for col in columns:
            if a is None:
                terms = [zero_fig(ctx.factor)]
            else:
                terms = [ctx.fig("expenditure", a, col)]
            terms += [neg(ctx.fig(role, row, col)) for role, row in subtract if ctx.fig(role, row, col)]
            if b is None:
                actual = Fig(0, ctx.column_unit("general_function", col), (), "not listed")
            else:
                actual = ctx.fig("general_function", b, col)
            pairs.append((col, terms, actual))
        note = base_note
        if b is None:
            note += f"；{l7} 没有该科目（按 0 计）/ not listed in {l7}"
        if a is None:
            note += f"；{l3} 没有该科目 / not listed in {l3}"
        yield subject, pairs, note


@rule("cross.general_budget", "cross_table",
      "一般公共预算支出表（按功能分类）= 支出总表 − 政府性基金预算支出表 − 国有资本经营预算支出表（逐科目）",
      "General-budget expenditure (表7) = expenditure table (表3) − fund budget (表10) − state capital (表11), per code",
      requires=("expenditure", "general_function"), optional=("fund", "state_capital"))
def general_budget(ctx: Context):
    for subject, pairs, note in _general_rows(ctx, ("total",)):
        yield compare_columns(ctx, subject, pairs, note)


@rule("cross.general_budget_columns", "cross_table",
      "一般公共预算支出表的基本支出、项目支出 = 支出总表相应列（扣除政府性基金、国有资本经营预算）",
      "Basic and project columns of 表7 equal those of 表3 net of the fund and state-capital budgets",
      requires=("expenditure", "general_function"), optional=("fund", "state_capital"))
def general_budget_columns(ctx: Context):
    cols = tuple(c for c in ("basic", "project") if c in ctx.frame("expenditure").columns
                 and c in ctx.frame("general_function").columns)
    if not cols:
        yield na(ctx.label("general_function"), "没有基本支出/项目支出列 / no basic/project columns")
        return
    for subject, pairs, note in _general_rows(ctx, cols):
        yield compare_columns(ctx, subject, pairs, note)


@rule("cross.economic_total", "cross_table",
      "一般公共预算支出表按经济分类的合计 = 按功能分类的合计（合计、基本支出、项目支出）；"
      "只列基本支出的经济分类表（全国模板表8）的合计 = 功能分类表的基本支出",
      "The economic-classification table (表8) totals equal the functional one (表7): total, basic, project; "
      "a basic-only economic table (national 表8) totals the functional table's basic column",
      requires=("general_function",), optional=("general_economic", "general_basic"))
def economic_total(ctx: Context):
    econ = economic_table(ctx)
    l7 = ctx.label("general_function")
    if econ is None:
        yield na(f"经济分类表 合计 = {l7} 合计", missing_tables(ctx, ("general_economic", "general_basic")))
        return
    role, basic_col = econ
    a, b = total_row(ctx, "general_function"), total_row(ctx, role)
    l8 = ctx.label(role)
    if a is None or b is None:
        yield na(f"{l8} 合计 = {l7} 合计", "缺少合计行 / a total row is missing")
        return
    if role == "general_economic":
        pairs = [(col, col) for col in ("total", "basic", "project") if col in a and col in b]
    else:  # basic expenditure only: its 合计 is the functional table's 基本支出
        pairs = [("basic", basic_col)]
    for col7, col8 in pairs:
        note = "" if col7 == col8 else f"{ctx.full_label(role)} 只列基本支出，其合计即基本支出 / a basic-only table"
        yield ctx.compare(f"{l8} = {l7} · {COLUMN_LABELS[col7]}", ctx.fig("general_function", a, col7),
                          ctx.fig(role, b, col8), note=note)


_SOURCES = (
    ("一般公共预算", "general_function"),
    ("政府性基金", "fund"),
    ("国有资本经营", "state_capital"),
)


@rule("cross.appropriation_sources", "cross_table",
      "收入中的一般公共预算拨款、政府性基金预算拨款、国有资本经营预算拨款 = 相应支出表合计",
      "Each appropriation on the revenue side equals the total of its expenditure table (表7, 表10, 表11)",
      optional=("summary", "appropriation", "general_function", "fund", "state_capital"))
def appropriation_sources(ctx: Context):
    sides = [r for r in ("summary", "appropriation") if ctx.has(r)]
    if not sides:
        yield na("财政拨款来源", missing_tables(ctx, ("summary", "appropriation")))
        return
    for side in sides:
        rows = side_rows(ctx, side, "income")
        for keyword, role in _SOURCES:
            item = find_income(rows, keyword)
            if item is None:
                continue
            subject = f"{ctx.label(side)} {item['name']} = {ctx.label(role)} 合计"
            if not ctx.has(role):
                yield na(subject, missing_tables(ctx, (role,)), lines=item["line"])
                continue
            t = total_row(ctx, role)
            if t is None:
                yield na(subject, f"{ctx.full_label(role)} 没有合计行 / no total row", lines=item["line"])
                continue
            yield ctx.compare(subject, ctx.fig(role, t, "total"), ctx.fig(side, item, "amount"))


#: 表9 column → economic codes (款) whose 表8 total it must equal
_THREE_PUBLIC_CODES = {
    "outbound": ("30212",),
    "reception": ("30217",),
    "vehicle_operation": ("30231",),
    "vehicle_purchase": ("30913", "31013"),
}


@rule("cross.three_public_economic", "cross_table",
      "“三公”经费表本年各项 = 按经济分类表中对应款级科目（因公出国 30212、公务接待 30217、公务用车运行维护 30231、公务用车购置 30913/31013）；"
      "经济分类表只列基本支出时，其款级科目 ≤ “三公”经费表",
      "This year's “three public” items (表9) equal the matching economic 款 of 表8 "
      "(at least them, when 表8 lists basic expenditure only)",
      requires=("three_public_table",), optional=("general_economic", "general_basic"))
def three_public_economic(ctx: Context):
    current = current_three_public(ctx)
    l9 = ctx.label("three_public_table")
    econ = economic_table(ctx) if ctx.has("general_economic") or ctx.has("general_basic") else None
    if econ is None:
        yield na(f"{l9} = 经济分类表", missing_tables(ctx, ("general_economic", "general_basic")))
        return
    if current is None:
        yield na(f"{l9} 本年", "“三公”经费表没有本年数 / no current-year row")
        return
    role, basic_col = econ
    basic_only = role == "general_basic"
    column = basic_col if basic_only else "total"
    l8 = ctx.label(role)
    t8 = by_code(coded_rows(ctx, role))
    for col, codes in _THREE_PUBLIC_CODES.items():
        if col not in current:
            continue
        found = [t8[c] for c in codes if c in t8]
        terms = [ctx.fig(role, r, column) for r in found] or [zero_fig(ctx.factor)]
        note = "" if found else f"{l8} 没有 {'/'.join(codes)} 科目（按 0 计）/ not in {l8}, taken as 0"
        actual = ctx.fig("three_public_table", current, col)
        if basic_only:
            summed = Fig(sum(t.value for t in terms), sum(t.unit for t in terms), span(terms), l8)
            note = "；".join(x for x in (
                f"{ctx.full_label(role)} 只列基本支出；项目支出安排的“三公”经费不在其中，故只核对 ≤ / "
                "basic expenditure only, so the table bounds it from below", note) if x)
            yield at_most(ctx, f"{l8} {'/'.join(codes)} ≤ {l9} {COLUMN_LABELS[col]}", summed, actual, note=note)
        else:
            yield ctx.compare(f"{l9} {COLUMN_LABELS[col]} = {l8} {'/'.join(codes)}", terms, actual, note=note)

"""Text-vs-table rules: every amount the prose (文字部分) states must agree with the tables."""

from __future__ import annotations

from dataclasses import replace

from ..codes import normalise_name, parse
from ._core import COLUMN_LABELS, Context, Fig, Finding, rule, span
from ._tables import (
    at_most, by_code, children_of, coded_rows, compare_columns, count_finding, current_three_public, economic_table,
    kind_row, missing_tables, na, side_rows, total_row, year_row,
)


def _fact_fig(ctx: Context, key: str) -> tuple[dict | None, Fig | None]:
    f = ctx.fact(key)
    if f is None or f.get("amount") is None:
        return f, None
    return f, ctx.prose_fig(f, "amount", text=f.get("value"))


def _summary_fig(ctx: Context, category_keyword: str) -> Fig | None:
    if not ctx.has("expenditure_summary"):
        return None
    for r in ctx.records("expenditure_summary"):
        if category_keyword in (r.get("category") or ""):
            return ctx.prose_fig(r)
    return None


# ------------------------------------------------------------------ 表8 by class

def _economic_basic(ctx: Context) -> dict[str, list[dict]] | None:
    """表8 rows by 类 (first three digits) when 表8 covers all basic expenditure of 表3; else None."""
    econ = economic_table(ctx)
    if econ is None:
        return None
    role, col = econ
    rows = coded_rows(ctx, role)
    if ctx.has("expenditure"):
        t3, t8 = total_row(ctx, "expenditure"), total_row(ctx, role)
        if t3 is None or t8 is None or t3.get("basic") != t8.get(col):
            return None
    index = by_code(rows)
    out: dict[str, list[dict]] = {}
    for code in children_of(index).get(None, []):
        out.setdefault(code[:3], []).append(index[code])
    return out


def _basic_fig(ctx: Context, rows: list[dict], label: str) -> Fig:
    role, col = economic_table(ctx) or ("general_economic", "basic")
    figs = [ctx.fig(role, r, col) for r in rows]
    figs = [f for f in figs if f is not None]
    if not figs:
        return Fig(0, ctx.factor, (), label)
    return Fig(sum(f.value for f in figs), sum(f.unit for f in figs), span(figs), label)


@rule("text.totals", "text",
      "文字部分的部门预算收入、支出总额 = 收支总表、支出总表的合计",
      "The department's revenue and expenditure totals stated in the prose equal the tables' totals",
      optional=("facts", "expenditure_summary", "summary", "expenditure"))
def totals(ctx: Context):
    any_row = False
    for key, side, what in (("budget_income", "income", "收入"), ("budget_expenditure", "expenditure", "支出")):
        f, fig = _fact_fig(ctx, key)
        if fig is None:
            continue
        any_row = True
        subject = f"文字 部门预算{what}（第 {f['line']} 行）= {ctx.label('summary')} 本年{what}合计"
        if not ctx.has("summary"):
            yield na(subject, missing_tables(ctx, ("summary",)), lines=f["line"])
            continue
        sub, what_row = year_row(ctx, "summary", side)
        if sub is None:
            yield na(subject, "收支总表没有本年合计行 / no subtotal row", lines=f["line"])
            continue
        yield ctx.compare(subject.replace(f"本年{what}合计", what_row), ctx.fig("summary", sub, "amount"), fig)
    total = _summary_fig(ctx, "合计")
    if total is not None:
        any_row = True
        subject = f"文字 部门预算支出构成合计（第 {total.lines[0][0]} 行）= {ctx.label('expenditure')} 合计"
        t3 = total_row(ctx, "expenditure") if ctx.has("expenditure") else None
        if t3 is None:
            yield na(subject, missing_tables(ctx, ("expenditure",)), lines=total.lines)
        else:
            yield ctx.compare(subject, ctx.fig("expenditure", t3, "total"), total)
    if not any_row:
        yield na("文字部分总额", "文字部分没有可核对的总额 / the prose states no totals to check")


@rule("text.expenditure_summary", "text",
      "文字部分的人员支出、公用支出、对个人和家庭补助、项目支出 = 经济分类表基本支出、支出总表项目支出",
      "Personnel, public, household and project expenditure stated in the prose equal 表8's basic column and 表3",
      requires=("expenditure_summary",), optional=("general_economic", "expenditure"))
def expenditure_summary(ctx: Context):
    econ = _economic_basic(ctx)
    l8 = ctx.label("general_economic")
    why = (missing_tables(ctx, ("general_economic",)) if not ctx.has("general_economic") else
           f"{l8} 的基本支出合计与 {ctx.label('expenditure')} 不同（另有非一般公共预算的基本支出），不能逐类比较")
    personnel, public = _summary_fig(ctx, "人员"), _summary_fig(ctx, "公用")
    household, project = _summary_fig(ctx, "个人和家庭"), _summary_fig(ctx, "项目")
    if econ is None:
        for fig, what in ((personnel, "人员支出"), (public, "公用支出"), (household, "对个人和家庭的补助支出")):
            if fig is not None:
                yield na(f"文字 {what} = {l8} 基本支出", why, lines=fig.lines)
    else:
        p_rows = econ.get("301", [])
        h_rows = econ.get("303", [])
        o_rows = [r for k, rows in econ.items() if k not in ("301", "303") for r in rows]
        if personnel is not None:
            yield ctx.compare(f"文字 人员支出 = {l8} 301 工资福利支出 · 基本支出",
                              _basic_fig(ctx, p_rows, "301"), personnel)
        if public is not None:
            codes = "、".join(sorted({str(r['code']) for r in o_rows})) or "—"
            yield ctx.compare(f"文字 公用支出 = {l8} 其他各类（{codes}）· 基本支出",
                              _basic_fig(ctx, o_rows, "公用"), public)
        if household is not None:
            note = "" if h_rows else f"{l8} 没有 303 类（按 0 计）/ no class 303 in {l8}"
            yield ctx.compare(f"文字 对个人和家庭的补助支出 = {l8} 303 · 基本支出",
                              _basic_fig(ctx, h_rows, "303"), household, note=note)
    t3 = total_row(ctx, "expenditure") if ctx.has("expenditure") else None
    l3 = ctx.label("expenditure")
    if project is not None:
        if t3 is None:
            yield na(f"文字 项目支出 = {l3} 项目支出", missing_tables(ctx, ("expenditure",)), lines=project.lines)
        else:
            yield ctx.compare(f"文字 项目支出 = {l3} 合计 · 项目支出", ctx.fig("expenditure", t3, "project"), project)
    basics = [f for f in (personnel, public, household) if f is not None]
    if basics and t3 is not None and t3.get("basic") is not None:
        total = Fig(sum(f.value for f in basics), sum(f.unit for f in basics), span(basics), "基本支出")
        yield ctx.compare(f"文字 人员 + 公用 + 对个人和家庭 = {l3} 合计 · 基本支出",
                          ctx.fig("expenditure", t3, "basic"), total,
                          note="左边为文字部分三项之和 / the prose's three items added up")
    grand = _summary_fig(ctx, "合计")
    parts = [f for f in (personnel, public, household, project) if f is not None]
    if grand is not None and parts:
        yield ctx.compare("文字 支出构成各项之和 = 部门预算合计", parts, grand)


def _economic_index(ctx: Context) -> dict[str, dict]:
    """normalised name (printed, official and former names) → 表8 款 row."""
    out: dict[str, dict] = {}
    for r in coded_rows(ctx, "general_economic"):
        if len(str(r["code"])) != 5:
            continue
        c = parse(r["code"])
        for n in (r.get("name"), c.name, *c.aliases):
            if n:
                out.setdefault(normalise_name(n), r)
    return out


@rule("text.basic_items", "text",
      "文字部分列举的人员支出、公用支出明细 = 经济分类表对应款级科目的基本支出；明细之和 = 该项合计",
      "Each itemised personnel/public expense in the prose equals 表8's 款 (basic column); the items add up",
      requires=("basic_items",), optional=("general_economic", "facts", "expenditure_summary"))
def basic_items(ctx: Context):
    items = ctx.records("basic_items")
    l8 = ctx.label("general_economic")
    index = _economic_index(ctx) if ctx.has("general_economic") else {}
    for it in items:
        fig = ctx.prose_fig(it)
        subject = f"文字 {it['category']}·{it['item']} = {l8} 基本支出"
        if not ctx.has("general_economic"):
            yield na(subject, missing_tables(ctx, ("general_economic",)), lines=it["line"])
            continue
        row = index.get(normalise_name(it["item"]))
        if row is None:
            yield na(subject, f"{l8} 没有名为“{it['item']}”的款级科目 / no 款 of that name", lines=it["line"])
            continue
        note = ""
        if row.get("total") is not None and row.get("basic") is not None and row["total"] != row["basic"]:
            note = (f"{l8} {row['code']} 合计 {ctx.money(row['total'])} 含项目支出 {ctx.money(row.get('project'))}；"
                    f"文字只列基本支出 / the table's total also includes project spending")
        yield ctx.compare(f"文字 {it['category']}·{it['item']} = {l8} {row['code']} {row['name']} · 基本支出",
                          ctx.fig("general_economic", row, "basic"), fig, note=note)
    # the items against their category's stated amount
    keys = {"人员支出": "personnel_expenditure", "公用支出": "public_expenditure"}
    for category in dict.fromkeys(it["category"] for it in items):
        figs = [ctx.prose_fig(it) for it in items if it["category"] == category]
        stated = None
        if category in keys:
            _, stated = _fact_fig(ctx, keys[category])
        if stated is None:
            stated = _summary_fig(ctx, category.replace("支出", ""))
        subject = f"文字 {category}明细之和 = {category}"
        if stated is None:
            yield na(subject, "文字部分没有该项合计 / no stated amount for the category",
                     lines=[f.lines for f in figs])
            continue
        yield ctx.compare(subject, figs, stated, note="“主要包括”所列各项之和 / the items listed after 主要包括")


@rule("text.projects", "text",
      "项目支出总额 = 各项目之和 = 支出总表项目支出；绩效管理的项目资金、项目个数与之一致",
      "The stated project total equals the sum of the projects and 表3's project column; the performance part agrees",
      requires=("projects",), optional=("facts", "expenditure", "expenditure_summary"))
def projects(ctx: Context):
    projs = ctx.records("projects")
    figs = [ctx.prose_fig(p) for p in projs if p.get("amount") is not None]
    _, stated = _fact_fig(ctx, "project_expenditure")
    if stated is None:
        stated = _summary_fig(ctx, "项目")
    t3 = total_row(ctx, "expenditure") if ctx.has("expenditure") else None
    l3 = ctx.label("expenditure")
    if stated is not None:
        yield ctx.compare(f"{len(figs)} 个项目之和 = 文字 项目支出（第 {stated.lines[0][0]} 行）", figs, stated)
    elif t3 is not None:
        yield ctx.compare(f"{len(figs)} 个项目之和 = {l3} 项目支出", figs, ctx.fig("expenditure", t3, "project"))
    else:
        yield na("项目之和", "没有可比的项目支出合计 / no project total to compare with")
    if stated is not None and t3 is not None:
        yield ctx.compare(f"文字 项目支出（第 {stated.lines[0][0]} 行）= {l3} 合计 · 项目支出",
                          ctx.fig("expenditure", t3, "project"), stated)
    f, perf = _fact_fig(ctx, "perf_project_funds")
    if perf is not None:
        if t3 is not None:
            yield ctx.compare(f"文字 纳入绩效管理的项目资金（第 {f['line']} 行）= {l3} 项目支出",
                              ctx.fig("expenditure", t3, "project"), perf)
        else:
            yield ctx.compare(f"文字 纳入绩效管理的项目资金（第 {f['line']} 行）= 各项目之和", figs, perf)
    f = ctx.fact("perf_project_count")
    if f is not None and f.get("value") is not None:
        try:
            n = int(str(f["value"]).replace(",", ""))
        except ValueError:
            n = None
        yield count_finding(f"文字 项目绩效目标个数（第 {f['line']} 行）= 项目个数", len(projs), n,
                            lines=[f["line"], [(p["line"], p.get("line_end") or p["line"]) for p in projs[:1]]],
                            unit="个")


@rule("text.project_components", "text",
      "每个项目“主要包括”的分项之和 = 项目金额",
      "The sub-amounts listed for each project add up to the project's amount",
      requires=("projects", "project_components"))
def project_components(ctx: Context):
    comps: dict[int, list[dict]] = {}
    for c in ctx.records("project_components"):
        comps.setdefault(c["project_no"], []).append(c)
    for p in ctx.records("projects"):
        parts = comps.get(p["project_no"])
        subject = f"项目 {p['project_no']} {p['name']}：分项之和 = 项目金额"
        if not parts:
            yield na(subject, "没有列出分项 / no sub-amounts listed", lines=p["line"])
            continue
        yield ctx.compare(subject, [ctx.prose_fig(c) for c in parts], ctx.prose_fig(p))


@rule("text.project_goals", "text",
      "重点项目绩效表（第七部分）的预算数 = 第三部分的项目金额",
      "The amount of each project in the performance table (第七部分) equals its amount in 第三部分",
      requires=("projects",))
def project_goals(ctx: Context):
    if "goal_amount" not in ctx.frame("projects").columns:
        yield na("重点项目绩效表", "项目表没有绩效表金额 / projects carry no goal_amount")
        return
    for p in ctx.records("projects"):
        subject = f"项目 {p['project_no']} {p['name']}：绩效表预算数 = 项目金额"
        if p.get("goal_amount") is None:
            yield na(subject, "绩效表中没有该项目 / not in the performance table", lines=p["line"])
            continue
        goal = Fig(p["goal_amount"], ctx.unit_of(p["goal_amount"]),
                   span((p.get("goal_line"), p.get("goal_line_end") or p.get("goal_line"))), "第七部分")
        yield ctx.compare(subject, ctx.prose_fig(p), goal)


@rule("text.procurement", "text",
      "政府采购：货物 + 工程 + 服务 = 合计；合计 = 支出总表政府采购小计",
      "Procurement: goods + works + services = total, and the total equals 表3's procurement column",
      requires=("procurement",), optional=("expenditure",))
def procurement(ctx: Context):
    rows = ctx.records("procurement")
    total = next((r for r in rows if "合计" in (r.get("category") or "")), None)
    parts = [r for r in rows if r is not total]
    if total is None:
        yield na("政府采购合计", "文字部分没有政府采购合计 / no procurement total", lines=[r["line"] for r in rows])
        return
    if parts:
        names = " + ".join(r["category"] for r in parts)
        yield ctx.compare(f"文字 政府采购 {names} = 合计", [ctx.prose_fig(r) for r in parts], ctx.prose_fig(total))
    l3 = ctx.label("expenditure")
    subject = f"文字 政府采购合计 = {l3} 政府采购小计"
    if not ctx.has("expenditure") or "procurement" not in ctx.frame("expenditure").columns:
        yield na(subject, missing_tables(ctx, ("expenditure",)) + "（或没有政府采购列）", lines=total["line"])
        return
    t3 = total_row(ctx, "expenditure")
    yield ctx.compare(subject, ctx.fig("expenditure", t3, "procurement"), ctx.prose_fig(total))


_THREE_PUBLIC_ITEMS = (
    ("购置和运行", "vehicle"), ("购置及运行", "vehicle"), ("购置费", "vehicle_purchase"),
    ("运行维护费", "vehicle_operation"), ("运行费", "vehicle_operation"), ("出国", "outbound"),
    ("接待", "reception"), ("合计", "total"), ("三公", "total"),
)


def three_public_column(item: str) -> str | None:
    """The 表9 column a “三公” item of the prose belongs to."""
    for keyword, col in _THREE_PUBLIC_ITEMS:
        if keyword in item:
            return col
    return None


def _same_name(a: str, b: str) -> bool:
    """Names equal once normalised; 其它 and 其他 are the same word."""
    return normalise_name(a).replace("其它", "其他") == normalise_name(b).replace("其它", "其他")


def _row_by_names(rows: list[dict], names: list[str | None]) -> dict | None:
    """The coded row reached by following 类 → 款 → 项 names down the code tree."""
    row = None
    for level, name in enumerate(names, start=1):
        if not name:
            break
        prefix = row["code"] if row is not None else ""
        row = next((r for r in rows if r.get("level") == level and str(r["code"]).startswith(prefix)
                    and _same_name(r.get("name") or "", name)), None)
        if row is None:
            return None
    return row


def _truncated(finding: Finding, unit: int) -> Finding:
    """A ``fail`` that is the table's figure cut (not rounded) to the prose's last digit: ``rounding``, said so."""
    e, a = finding.expected, finding.actual
    if finding.status != "fail" or e is None or a is None or unit <= 1 or abs(e) // unit * unit != abs(a) \
            or (e < 0) != (a < 0):
        return finding
    note = (f"差额 {a - e:,} 元：文字把 {e:,} 元截尾（舍去）到 {unit:,} 元，而不是四舍五入 / "
            "truncated to the printed digit, not rounded")
    return replace(finding, status="rounding", note=note)


_FISCAL_ROLES = ("general_function", "fund", "state_capital")


def _fiscal_figs(ctx: Context, code: str) -> tuple[list[Fig], str]:
    """The code's lines in the appropriation tables by function (一般公共预算, 政府性基金, 国有资本经营) and their labels."""
    figs, labels = [], []
    for role in (r for r in _FISCAL_ROLES if ctx.has(r)):
        row = by_code(coded_rows(ctx, role)).get(code)
        fig = ctx.fig(role, row, "total") if row is not None else None
        if fig is not None:
            figs.append(fig)
            labels.append(ctx.label(role))
    return figs, "+".join(labels)


@rule("text.items", "text",
      "文字逐项说明的财政拨款支出金额 = 该科目（按类、款、项名称在支出总表中找到编码）在财政拨款各功能分类表中的金额"
      "（没有这些表时为支出总表）；该项增减说明中的“预算安排”金额 = 该项金额",
      "Each appropriation item the prose describes by its 类/款/项 names equals that code's lines in the "
      "appropriation tables by function (else the expenditure table); the amount its change statement repeats "
      "equals it too",
      requires=("items", "expenditure"), optional=("statements", *_FISCAL_ROLES))
def items(ctx: Context):
    rows = coded_rows(ctx, "expenditure")
    l3 = ctx.label("expenditure")
    stated = [s for s in ctx.records("statements") if s.get("prior_text") and s.get("amount") is not None] \
        if ctx.has("statements") else []
    for it in ctx.records("items"):
        name = it.get("xiang_name") or it.get("kuan_name") or it.get("class_name")
        subject = f"文字 {name}（第 {it['line']} 行）"
        fig = ctx.prose_fig(it, label="文字")
        row = _row_by_names(rows, [it.get("class_name"), it.get("kuan_name"), it.get("xiang_name")])
        if row is None:
            yield na(subject, f"{l3}中找不到名称为“{it['item']}”的科目 / no line of that name", lines=it["line"])
        else:
            expected, where = _fiscal_figs(ctx, row["code"])
            if not expected:  # no appropriation table by function holds it: the expenditure table
                expected, where = [ctx.fig("expenditure", row, "total")], l3
            yield _truncated(ctx.compare(f"{subject} = {where} {row['code']} {row.get('name')}", expected, fig),
                             fig.unit)
        repeat = next((s for s in stated if s.get("subject_text") == it["item"] and s["line"] >= it["line"]), None)
        if repeat is not None:
            yield ctx.compare(f"{subject}：增减说明中的“预算安排”（第 {repeat['line']} 行）= 该项金额", fig,
                              ctx.prose_fig(repeat, text=repeat.get("amount_text"), label="预算安排"))


@rule("text.three_public", "text",
      "第五部分“三公”经费各项 = “三公”经费表本年数",
      "Each “three public” figure of the prose equals this year's figure in the 三公 table (表9)",
      requires=("three_public", "three_public_table"))
def three_public(ctx: Context):
    current = current_three_public(ctx)
    l9 = ctx.label("three_public_table")
    for it in ctx.records("three_public"):
        col = three_public_column(it["item"] or "")
        subject = f"文字 {it['item']} = {l9} 本年 {COLUMN_LABELS.get(col, '?')}"
        if col is None or current is None or current.get(col) is None or it.get("amount") is None:
            yield na(subject, "无法对应到“三公”经费表的列 / no matching column", lines=it["line"])
            continue
        yield ctx.compare(subject, ctx.fig("three_public_table", current, col), ctx.prose_fig(it))


@rule("text.operating_cost", "text",
      "机关运行经费 = 基本支出中的公用经费（名词解释：行政单位用于购买货物和服务的各项资金）；"
      "表中另列机关运行经费时（全国模板表9）：文字 = 表9，且不超过经济分类表的公用经费",
      "Office running costs (机关运行经费) equal the public (公用) part of basic expenditure; where a table states "
      "them (national 表9): the prose equals it, and it is at most the economic table's public expenditure",
      requires=("facts",), optional=("general_economic", "general_basic", "three_public_table",
                                     "expenditure_summary", "expenditure"))
def operating_cost(ctx: Context):
    f, fig = _fact_fig(ctx, "operating_cost")
    if fig is None:
        yield na("机关运行经费", "文字部分没有机关运行经费 / no 机关运行经费 stated")
        return
    econ = _economic_basic(ctx)
    public_rows = [r for k, rs in (econ or {}).items() if k not in ("301", "303") for r in rs]
    l8 = ctx.label((economic_table(ctx) or ("general_economic",))[0])
    subject = f"文字 机关运行经费（第 {f['line']} 行）"
    current = current_three_public(ctx) if ctx.has("three_public_table") else None
    if current is not None and current.get("operating_costs") is not None:
        # the table states it: the prose must repeat it; 公用经费 also pays 事业单位, so it only bounds it
        stated = ctx.fig("three_public_table", current, "operating_costs")
        yield ctx.compare(f"{subject} = {ctx.label('three_public_table')} 机关运行经费预算数", stated, fig)
        if econ is not None:
            yield at_most(ctx, f"{ctx.label('three_public_table')} 机关运行经费 ≤ {l8} 公用经费（基本支出）", stated,
                          _basic_fig(ctx, public_rows, "公用"),
                          note="机关运行经费只含行政单位（及参公单位）的公用经费 / administrative units only")
        return
    note = "按定义机关运行经费是行政单位的公用经费；本部门文字部分把下属事业单位一并计入 / by definition"
    if econ is not None:
        yield ctx.compare(f"{subject} = {l8} 公用经费（基本支出）", _basic_fig(ctx, public_rows, "公用"), fig, note=note)
        return
    public = _summary_fig(ctx, "公用")
    if public is not None:
        yield ctx.compare(f"{subject} = 文字 公用支出", public, fig, note=note)
    else:
        yield na("机关运行经费", "没有可比的公用经费 / nothing to compare with", lines=f["line"])


@rule("text.tasks", "text",
      "整体绩效目标表：各项任务之和 = 金额合计；每项 总额 = 财政拨款 + 其他资金；金额合计 = 部门预算总额",
      "Performance table (表12): tasks add up to 金额合计; each total = fiscal + other; 金额合计 = the budget",
      requires=("performance",), optional=("summary",))
def tasks(ctx: Context):
    rows = ctx.records("performance")
    lt = ctx.label("performance")
    total = next((r for r in rows if r.get("kind") == "total"), None)
    items = [r for r in rows if r.get("kind") == "task"]
    cols = [c for c in ("total", "fiscal", "other") if c in ctx.frame("performance").columns]
    if total is not None and items:
        pairs = [(c, [ctx.fig("performance", r, c) for r in items], ctx.fig("performance", total, c)) for c in cols]
        yield compare_columns(ctx, f"{lt} {len(items)} 项任务之和 = 金额合计", pairs)
    for r in items + ([total] if total else []):
        name = r.get("task") or r.get("name") or "金额合计"
        yield ctx.compare(f"{lt} {name}：总额 = 财政拨款 + 其他资金",
                          [ctx.fig("performance", r, "fiscal"), ctx.fig("performance", r, "other")],
                          ctx.fig("performance", r, "total"))
    if total is None:
        yield na(f"{lt} 金额合计", "没有金额合计行 / no total row")
        return
    subject = f"{lt} 金额合计 = {ctx.label('summary')} 本年收入合计"
    if not ctx.has("summary"):
        yield na(subject, missing_tables(ctx, ("summary",)), lines=total["line"])
        return
    sub = kind_row(side_rows(ctx, "summary", "income"), "subtotal")
    yield ctx.compare(subject, ctx.fig("summary", sub, "amount") if sub else None,
                      ctx.fig("performance", total, "total"))


@rule("text.staffing", "text",
      "编制与实有人数：部门合计 = 各单位之和",
      "Staffing: the department's figures equal the sum over its units",
      requires=("staffing",))
def staffing(ctx: Context):
    rows = ctx.records("staffing")
    totals = [r for r in rows if "合计" in (r.get("unit") or "")]
    if not totals:
        yield na("编制人数", "没有部门合计 / no department total", lines=[r["line"] for r in rows])
        return
    for t in totals:
        units = [r for r in rows if r is not t and r.get("kind") == t.get("kind") and "合计" not in (r.get("unit") or "")]
        for col, what in (("authorised", "编制数"), ("actual", "实有人数")):
            vals = [r.get(col) for r in units]
            expected = None if not units or any(v is None for v in vals) else sum(vals)
            yield count_finding(f"{t['kind']}{what}：部门合计 = Σ 各单位", expected, t.get(col),
                                lines=[t["line"]] + [r["line"] for r in units], unit="人",
                                note="各单位：" + "、".join(f"{r['unit']} {r.get(col)}" for r in units))


@rule("text.vehicles", "text",
      "车辆：实有车辆（第五部分）= 国有资产占用中的车辆数；实有 ≤ 定编",
      "Vehicles: the vehicles in use (第五部分) equal the vehicles among state assets; in use ≤ authorised",
      requires=("facts",))
def vehicles(ctx: Context):
    actual, assets, authorised = ctx.fact("vehicles_actual"), ctx.fact("assets_vehicles"), ctx.fact("vehicles_authorised")

    def num(f):
        try:
            return int(str(f["value"]).replace(",", "")) if f is not None else None
        except ValueError:
            return None

    if actual is None:
        yield na("车辆", "文字部分没有实有车辆数 / no vehicle count stated")
        return
    if assets is not None:
        yield count_finding("实有车辆 = 国有资产占用 共有车辆", num(assets), num(actual),
                            lines=[actual["line"], assets["line"]], unit="辆")
    if authorised is not None:
        a, b = num(actual), num(authorised)
        ok = a is not None and b is not None and a <= b
        yield Finding(subject="实有车辆 ≤ 定编车辆", status="ok" if ok else "fail",
                      lines=span(actual["line"], authorised["line"]),
                      expected_text=f"≤ {b} 辆", actual_text=f"{a} 辆")

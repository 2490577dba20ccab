"""Naming and classification rules: one code, one name; one source of funds, one classification."""

from __future__ import annotations

from ..codes import check_name, normalise_name, parse
from ._core import Context, Finding, rule, span
from ._tables import (
    BALANCE_ROLES, CODED_ROLES, coded_rows, compare_columns, find_income, kind_row, missing_tables, na, neg,
    side_rows,
)


@rule("names.codes", "naming",
      "同一科目编码在各表中名称一致，且与《政府收支分类科目》名称（或已知的曾用名）相符",
      "A code carries the same name in every table, and the official name (or a known former name)",
      optional=CODED_ROLES + BALANCE_ROLES)
def codes(ctx: Context):
    printed: dict[str, list[tuple[str, str, int]]] = {}
    roles = [r for r in BALANCE_ROLES + CODED_ROLES if ctx.has(r)]
    if not roles:
        yield na("科目名称", missing_tables(ctx, CODED_ROLES))
        return
    for role in roles:
        for r in coded_rows(ctx, role):
            if r.get("name"):
                printed.setdefault(str(r["code"]), []).append((ctx.label(role), r["name"], r["line"]))
    for code in sorted(printed, key=lambda c: (c[0], c)):
        uses = printed[code]
        variants: dict[str, list[tuple[str, int]]] = {}
        for table, name, line in uses:
            variants.setdefault(normalise_name(name), []).append((table, line))
        shown = {normalise_name(n): n for _, n, _ in uses}
        def _order(tl):
            table, line = tl
            return (int(table[1:]) if table[1:].isdigit() else 0, line)

        where = "；".join(
            f"“{shown[v]}”（{'、'.join(dict.fromkeys(t for t, _ in sorted(ws, key=_order)))}，"
            f"第 {'、'.join(str(l) for _, l in sorted(ws, key=_order))} 行）"
            for v, ws in variants.items()
        )
        lines = span([l for _, _, l in uses])
        c = parse(code)
        if not c.known:
            status = "not_applicable" if len(variants) == 1 else "fail"
            yield Finding(subject=f"{code}", status=status, lines=lines, expected_text="（不在参考科目表中）",
                          actual_text=" / ".join(shown[v] for v in variants),
                          note=f"{where}；budgetkit 的科目表没有该编码 / not in the reference list"
                          + ("" if status == "not_applicable" else "；各表名称不一致 / names differ"))
            continue
        verdicts = {v: check_name(code, shown[v]) for v in variants}
        if any(x == "different" for x in verdicts.values()):
            status, note = "fail", "与官方名称及已知曾用名都不同 / neither the official nor a known former name"
        elif any(x == "alias" for x in verdicts.values()):
            old = "、".join(shown[v] for v, x in verdicts.items() if x == "alias")
            status = "ok"
            note = (f"已知曾用名 known former name：“{old}”现称“{c.name}”；这是科目改名，不是数据错误"
                    + ("；同一编码在不同表中用了新旧两个名称 / old and new names mixed" if len(variants) > 1 else ""))
        else:
            status, note = "ok", ""
        yield Finding(subject=f"{code} {c.name}", status=status, lines=lines, expected_text=c.name,
                      actual_text=" / ".join(shown[v] for v in variants),
                      note="；".join(x for x in (where, note) if x))


def _approp_items(ctx: Context):
    rows = side_rows(ctx, "summary", "income")
    return rows, find_income(rows, "政府预算拨款", "财政拨款"), kind_row(rows, "total")


@rule("names.fund_sources", "naming",
      "资金来源口径一致：绩效目标表的“财政拨款/其他资金”与收支总表的政府预算拨款、其他收入一致",
      "Sources of funds are classified alike: 表12's fiscal / other columns match 表1's appropriations / other revenue",
      requires=("performance", "summary"))
def fund_sources(ctx: Context):
    rows, approp, total = _approp_items(ctx)
    t12 = next((r for r in ctx.records("performance") if r.get("kind") == "total"), None)
    lt, l1 = ctx.label("performance"), ctx.label("summary")
    if t12 is None or approp is None or total is None:
        yield na(f"{lt} 资金来源", "缺少合计行或政府预算拨款行 / a total or appropriation row is missing")
        return
    fund = find_income(rows, "政府性基金")
    general = find_income(rows, "一般公共预算")
    others = [r for r in ctx.records("performance") if r.get("kind") == "task" and r.get("other")]
    parts, extra_lines = [], []
    # the document's own definition of 财政拨款, e.g. 表1's note (line 362 of the seed)
    ref = ctx.ref("summary")
    for n in ctx.notes_of(ref.number if ref else 1):
        text = n.get("text") or ""
        if "财政拨款" in text and "政府性基金" in text:
            parts.append(f"第 {n['line']} 行：“{text.removeprefix('注：')}”")
            extra_lines.append(n["line"])
    if fund is not None and t12.get("other") and fund.get("amount") == t12.get("other"):
        where = "、".join(f"“{r.get('task')}”第 {r['line']} 行" for r in others)
        parts.append(f"{lt} 把 {l1} 的{fund['name']} {ctx.money(fund['amount'])}（第 {fund['line']} 行）记作“其他资金”"
                     f"（{where}），其“财政拨款”只含{general['name'] if general else '一般公共预算'}；"
                     f"两表对同一笔钱的来源分类不同 / 表12 files the fund appropriation under other funds")
        extra_lines += [fund["line"]] + [r["line"] for r in others]
    pairs = [
        # other funds against revenue that is not an appropriation (收入总计 − 政府预算拨款)
        ("other", [ctx.fig("summary", total, "amount"), neg(ctx.fig("summary", approp, "amount"))],
         ctx.fig("performance", t12, "other")),
        ("fiscal", [ctx.fig("summary", approp, "amount")], ctx.fig("performance", t12, "fiscal")),
    ]
    f = compare_columns(ctx, f"{lt} 金额合计的其他资金、财政拨款 vs {l1} 收入来源",
                        pairs, note="；".join(parts))
    f.lines = span(f.lines, extra_lines)
    yield f

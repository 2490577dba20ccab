"""Count × unit price claims of the prose (e.g. 3,703 个基站 × 3,000 元 = 1,111 万元)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..money import UNIT_FACTORS, decimals_of, parse_amount
from ._core import Context, Fig, rule, span
from ._tables import count_finding, missing_tables, na, total_row

_NUM = r"[\d,]+(?:\.\d+)?"
_PRICE_RE = re.compile(rf"每(?P<measure>[个家区人台套宗项辆])\s*(?P<price>{_NUM})\s*(?P<unit>万元|元)")
_TOTAL_RE = re.compile(rf"共计\s*(?P<total>{_NUM})\s*(?P<unit>万元|元)")
_PAREN_RE = re.compile(r"（[^（）]*）|\([^()]*\)")


@dataclass(frozen=True)
class UnitClaim:
    """``count`` things at ``price`` (元) each, said to cost ``total`` (元) in all."""

    count: int
    measure: str
    price: int
    total: int
    total_text: str
    total_unit: int
    parts: tuple[tuple[str, int], ...]
    sentence: str


def find_unit_claims(text: str) -> list[UnitClaim]:
    """Claims of the form ``… N 个 …（含 A a 个，B b 个）… 每个 P 元，共计 T 万元`` in ``text``."""
    claims = []
    for sentence in re.split(r"[。；;]", text or ""):
        m = _PRICE_RE.search(sentence)
        if not m:
            continue
        t = _TOTAL_RE.search(sentence, m.end())
        if not t:
            continue
        measure = m.group("measure")
        before = sentence[: m.start()]
        outside = _PAREN_RE.sub(lambda x: " " * len(x.group(0)), before)
        counts = list(re.finditer(rf"({_NUM})\s*{measure}", outside))
        if not counts:
            continue
        last = counts[-1]
        count = int(last.group(1).replace(",", ""))
        # a parenthesis right after the count lists its parts: （含电信 901 个，联通 1152 个…）
        rest = before[last.end():]
        parts: list[tuple[str, int]] = []
        pm = re.match(r"\s*(?:为准)?\s*[（(]([^（）()]*)[）)]", rest)
        if pm:
            for name, n in re.findall(rf"([^\s，,、含]+?)\s*([\d,]+)\s*{measure}", pm.group(1)):
                parts.append((name, int(n.replace(",", ""))))
        claims.append(UnitClaim(
            count=count, measure=measure,
            price=parse_amount(m.group("price"), m.group("unit")),
            total=parse_amount(t.group("total"), t.group("unit")), total_text=t.group("total") + " " + t.group("unit"),
            total_unit=max(1, UNIT_FACTORS[t.group("unit")] // 10 ** decimals_of(t.group("total"))),
            parts=tuple(parts), sentence=sentence.strip(),
        ))
    return claims


@rule("unit.count_price", "units",
      "数量 × 单价 = 总额（如 5G 基站数 × 每站补贴 = 项目金额），分项数量之和 = 总数量",
      "Count × unit price equals the stated total (e.g. 5G stations × subsidy each); the parts add up to the count",
      requires=("projects",), optional=("project_goals",))
def count_price(ctx: Context):
    sources = []
    for p in ctx.records("projects"):
        for col, line_col, end_col in (("goal", "goal_line", "goal_line_end"), ("purpose", "line", "line_end")):
            if p.get(col):
                sources.append((p, p[col], (p.get(line_col), p.get(end_col) or p.get(line_col))))
    found = False
    for p, text, lines in sources:
        for c in find_unit_claims(text):
            found = True
            where = f"项目 {p['project_no']} {p['name']}"
            exact = Fig(c.count * c.price, 0, span(lines), "数量×单价")
            stated = Fig(c.total, c.total_unit, span(lines), "共计")
            yield ctx.compare(f"{where}：{c.count:,} {c.measure} × {c.price:,} 元"
                              f" = 共计 {c.total_text}", exact, stated,
                              note=f"数量和单价是精确数，只有总额按末位舍入 / count and price are exact; “{c.sentence}”")
            if c.parts:
                names = "、".join(f"{n} {v:,}" for n, v in c.parts)
                yield count_finding(f"{where}：分项数量之和 = {c.count:,} {c.measure}",
                                    sum(v for _, v in c.parts), c.count, lines=lines, unit=c.measure,
                                    note=f"分项 parts: {names}")
            if p.get("amount") is not None:
                yield ctx.compare(f"{where}：共计 {c.total_text} = 项目金额", ctx.prose_fig(p), stated)
    if not found:
        yield na("数量 × 单价", "文字部分没有“每个 … 元，共计 …”式的说明 / no count × price claims")


_PER_DISTRICT_RE = re.compile(rf"每区每年安排\s*(?P<amount>{_NUM})\s*万元")


@rule("unit.per_district", "units",
      "对口帮扶资金：每区每年安排额 × 本区（1 个区）= 政府性基金预算支出",
      "Pairing aid: the per-district yearly amount × 1 (this district) equals the fund-budget expenditure",
      requires=("facts",), optional=("fund", "notes"))
def per_district(ctx: Context):
    fact = ctx.fact("aid_per_district_per_year")
    if fact is None or fact.get("amount") is None:
        yield na("每区每年安排", "文字部分没有“每区每年安排”的金额 / no per-district amount stated")
        return
    stated = ctx.prose_fig(fact, "amount", text=fact.get("value"))
    explain = ("原文：结对帮扶深汕特别合作区 4 个镇的 10 个区（新区），每区每年安排该金额；本部门是其中一个区（龙华区）的部门，"
               f"故本预算应安排 1 × {ctx.money(stated.value)}。10 × {ctx.money(stated.value)} = "
               f"{ctx.money(10 * stated.value)} 是 10 个区的合计，不是本预算的数 / one district's share")
    fund_label = ctx.label("fund")
    subject = f"每区每年安排 {ctx.money(stated.value)} × 1 个区 = {fund_label} 政府性基金预算支出合计"
    if not ctx.has("fund"):
        yield na(subject, missing_tables(ctx, ("fund",)), lines=fact["line"])
    else:
        t = total_row(ctx, "fund")
        yield ctx.compare(subject, Fig(stated.value, stated.unit, stated.lines, "1 × 每区"),
                          ctx.fig("fund", t, "total"), note=explain)
    ref = ctx.ref("fund")
    for n in ctx.notes_of(ref.number if ref else 10):
        m = _PER_DISTRICT_RE.search(n.get("text") or "")
        if m:
            note_fig = Fig(parse_amount(m.group("amount")), ctx.unit_of_text(m.group("amount")), span(n["line"]),
                           "表注")
            yield ctx.compare(f"{fund_label} 表注（第 {n['line']} 行）每区每年安排 = 文字（第 {fact['line']} 行）",
                              stated, note_fig)

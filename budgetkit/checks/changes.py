"""Stated changes (增减变化) recomputed from the amounts they relate."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from ..money import UNIT_FACTORS
from ._core import Context, Fig, Finding, fmt_pct, pct_interval, pct_status, round_half_up, rule, span, worst
from ._tables import na, neg
from .text import three_public_column

_PCT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]")
_CHANGE_RE = re.compile(r"(?:增加|减少|增长|下降|上升)了?\s*([\d,]+(?:\.\d+)?)\s*万?元")


def stated_pct(text: str | None, value: float | None) -> tuple[Decimal, int] | None:
    """The stated percentage as an exact signed Decimal and its number of decimals."""
    if text is None or value is None:
        return None
    if "持平" in text:
        return Decimal(0), 0
    m = _PCT_RE.search(text)
    if not m:
        return None
    digits = m.group(1)
    d = Decimal(digits)
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    return (-d if value < 0 else d), decimals


def _factor(ctx: Context, s: dict) -> int:
    """元 per unit of the statement's printed figures (its ``unit`` when it has one, else the document's)."""
    return UNIT_FACTORS.get(str(s.get("unit") or ""), ctx.factor)


def _change_unit(ctx: Context, s: dict) -> int:
    m = _CHANGE_RE.search(s.get("change_text") or "")
    if m:
        return ctx.unit_of_text(m.group(1), s.get("change"), _factor(ctx, s))
    return ctx.unit_of(s.get("change"), _factor(ctx, s))


def _stated_prior(ctx: Context, s: dict) -> Fig | None:
    """Last year's amount when the statement itself prints it (``prior_text``, e.g. 2023年当年预算执行数为60.13万元)."""
    text = s.get("prior_text")
    if text is None or s.get("prior_amount") is None:
        return None
    lines = span((s["line"], s.get("line_end") or s["line"]))
    return Fig(int(s["prior_amount"]), ctx.unit_of_text(text, s["prior_amount"], _factor(ctx, s)), lines,
               f"文中上年数 {s.get('baseline') or ''}".strip())


def _published_prior(ctx: Context, s: dict) -> Fig | None:
    """Last year's amount as printed in the “三公” table, for the 三公 statements."""
    if not ctx.has("three_public_table") or "五" not in (s.get("part") or ""):
        return None
    col = three_public_column(s.get("subject") or "")
    if col is None:
        return None
    rows = [r for r in ctx.records("three_public_table") if r.get("kind") == "budget"]
    year = ctx.year
    prior = next((r for r in rows if year is not None and r.get("year") == year - 1), None)
    if prior is None or prior.get(col) is None:
        return None
    return ctx.fig("three_public_table", prior, col, label=f"{ctx.label('three_public_table')} {prior.get('period')}")


def _comparable(ctx: Context, s: dict) -> str:
    """What the prose's project-level figures say about a change stated without its amount."""
    subject = s.get("subject") or ""
    change = s.get("change")
    if "专项资金" in subject and ctx.has("special_funds"):
        funds = ctx.records("special_funds")
        total = sum(f["change"] for f in funds if f.get("change") is not None)
        current = sum(f["amount"] for f in funds if f.get("amount") is not None)
        baselines = {p.get("baseline") for p in ctx.records("projects")
                     if p.get("project_no") in {f["project_no"] for f in funds}} if ctx.has("projects") else set()
        base = "、".join(sorted(b for b in baselines if b)) or "第三部分的基数"
        lines = format_ranges([(f["line"], f.get("line_end") or f["line"]) for f in funds])
        return (f"第三部分 {len(funds)} 个产业发展专项资金项目（第 {lines} 行）今年合计 {ctx.money(current)}，"
                f"相对“{base}”合计变化 {ctx.money(total)}，与本句的 {ctx.money(change)} 基数不同，不能互相核对 / "
                f"the projects use another baseline")
    if ctx.has("projects"):
        for p in ctx.records("projects"):
            name = p.get("name") or ""
            if name and (name in subject or subject in name):
                extra = ""
                if change is not None and p.get("amount") == change:
                    extra = "；本句增加额等于该项目全年金额，即相对本句的基数该项目为新增"
                return (f"第三部分项目 {p['project_no']} {name}（第 {p['line']} 行）今年 {ctx.money(p.get('amount'))}，"
                        f"相对“{p.get('baseline')}”变化 {ctx.money(p.get('change'))}{extra} / "
                        f"the project's own statement uses another baseline")
    return "没有可比的金额 / nothing to recompute it from"


def format_ranges(pairs) -> str:
    from ._core import format_lines

    return format_lines(span(pairs))


@rule("change.recompute", "changes",
      "增减变化复算：由本年数与上年数（或增减额）重新计算增减额和增减率，并注明所用基数",
      "Every stated change recomputed from the two amounts it relates (amount and prior or change); baseline reported",
      requires=("statements",), optional=("three_public_table", "projects", "special_funds"))
def recompute(ctx: Context):
    for s in ctx.records("statements"):
        subject = f"{s.get('part') or ''} {s.get('subject') or ''}（第 {s['line']} 行）".strip()
        lines = (s["line"], s.get("line_end") or s["line"])
        base = f"基数 baseline: {s.get('baseline') or '未说明 / not stated'}"
        amount, change = s.get("amount"), s.get("change")
        text = s.get("change_text") or ""
        if s.get("kind") == "change" and s.get("project_no") is not None:
            yield na(subject, f"{base}；这是项目 {s['project_no']} 增减原因中的一项，见 change.explained", lines)
            continue
        if amount is None and change is None:
            yield na(subject, f"{base}；“{text}”没有给出金额，无法复算 / no amounts stated", lines)
            continue
        if amount is None:
            yield na(subject, f"{base}；只给出增减额 {ctx.money(change)}，没有本年数，无法复算。{_comparable(ctx, s)}",
                     lines)
            continue
        a_unit = (ctx.unit_of_text(s["amount_text"], amount, _factor(ctx, s)) if s.get("amount_text")
                  else ctx.unit_of(amount))
        a = Fig(amount, a_unit, span(lines), "本年")
        c = Fig(change, _change_unit(ctx, s), span(lines), "增减") if change is not None else None
        prior = _published_prior(ctx, s) or _stated_prior(ctx, s)
        statuses, notes = [], [base]
        expected = actual = None
        exp_text = act_text = None
        money_finding = None
        if prior is not None and c is not None:
            money_finding = ctx.compare(subject, [a, neg(prior)], c)
            statuses.append(money_finding.status)
            expected, actual = money_finding.expected, money_finding.actual
            notes.append(f"上年数取自 {prior.label}（第 {prior.lines[0][0]} 行）{ctx.money(prior.value)}：增减额 = "
                         f"{ctx.money(amount)} − {ctx.money(prior.value)} = {ctx.money(money_finding.expected)}"
                         + (f"；{money_finding.note}" if money_finding.note else ""))
            exp_text, act_text = money_finding.expected_text, money_finding.actual_text
        if prior is not None:
            prior_value, p_fig = prior.value, prior
            exact = Fraction(amount - prior.value, prior.value) * 100 if prior.value else None
            interval = pct_interval(lambda x, y: x - y, lambda x, y: y, a, prior)
            formula = f"(本年 {ctx.money(amount)} − 上年 {ctx.money(prior.value)}) / 上年 {ctx.money(prior.value)}"
        elif c is not None:
            prior_value = amount - change
            exact = Fraction(change, prior_value) * 100 if prior_value else None
            interval = pct_interval(lambda x, y: y, lambda x, y: x - y, a, c)
            formula = (f"增减额 / 上年数 = {ctx.money(change)} / {ctx.money(prior_value)}"
                       f"（上年数 = 本年 {ctx.money(amount)} − 增减 {ctx.money(change)}）")
        else:
            yield na(subject, f"{base}；没有增减额 / no change stated", lines)
            continue
        pct = stated_pct(s.get("change_pct_text"), s.get("change_pct"))
        pct_text = s.get("change_pct_text")
        if pct is not None:
            value, d = pct
            st = pct_status(exact, interval, value, d)
            statuses.append(st)
            exact_text = fmt_pct(exact, d + 3) if exact is not None else "无法计算（上年数为 0）"
            rng = (f"；按两个金额末位半个单位的误差，可能范围 {fmt_pct(interval[0], d + 3)} 至 {fmt_pct(interval[1], d + 3)}"
                   if interval else "")
            notes.append(f"复算增减率 {formula} = {exact_text}{rng}")
            if st == "fail" and exact is not None:
                twice = round_half_up(Fraction(round_half_up(exact, d + 1)), d)
                if twice == value:
                    notes.append(f"先舍入到 {fmt_pct(exact, d + 1)} 再舍入才得 {fmt_pct(value, d)}（两次舍入）/ double rounding")
                notes.append(f"与所述“{pct_text}”不符 / the stated rate does not hold")
            elif st == "rounding":
                notes.append(f"按印出金额算得 {fmt_pct(exact, d)}，仅在金额的尾数误差范围内才能得到“{pct_text}” / holds only "
                             "within the amounts' rounding")
            if exp_text is None:
                exp_text = f"{fmt_pct(exact, d + 3)}（复算）" if exact is not None else "—"
                act_text = pct_text
            else:
                exp_text += f"；{fmt_pct(exact, d + 3)}（复算）" if exact is not None else ""
                act_text += f"；{pct_text}"
        elif pct_text and ("不可比" in pct_text or "--" in pct_text):
            st = "ok" if prior_value == 0 else "fail"
            statuses.append(st)
            notes.append(f"所述“{pct_text}”：上年数 = {ctx.money(prior_value)}"
                         + ("，确为 0 / the prior is indeed 0" if st == "ok" else "，并非 0 / the prior is not 0"))
            exp_text = exp_text or f"上年数 {ctx.money(0)}"
            act_text = act_text or f"上年数 {ctx.money(prior_value)}"
        else:
            notes.append(f"未给出增减率；隐含上年数 {ctx.money(prior_value)} / no rate stated")
            if prior_value < 0:
                statuses.append("fail")
                notes.append("上年数为负，不可能 / a negative prior amount is impossible")
            exp_text = exp_text or "—"
            act_text = act_text or text
        status = worst(statuses) if statuses else "not_applicable"
        yield Finding(subject=subject, status=status, lines=span(lines, [prior] if prior else []),
                      expected=expected, actual=actual, note="；".join(notes),
                      expected_text=exp_text, actual_text=act_text,
                      tolerance=money_finding.tolerance if money_finding else None)


@rule("change.explained", "changes",
      "增减原因中列出的金额之和不超过项目的增减额，且方向一致",
      "The amounts given as reasons for a project's change add up to at most that change, in the same direction",
      requires=("statements", "projects"))
def explained(ctx: Context):
    reasons: dict[int, list[dict]] = {}
    for s in ctx.records("statements"):
        if s.get("kind") == "change" and s.get("project_no") is not None and s.get("change") is not None:
            reasons.setdefault(s["project_no"], []).append(s)
    if not reasons:
        yield na("增减原因", "没有列出金额的增减原因 / no quantified reasons")
        return
    projects = {p["project_no"]: p for p in ctx.records("projects")}
    for no, rs in sorted(reasons.items()):
        p = projects.get(no)
        total = sum(r["change"] for r in rs)
        items = " + ".join(f"{r['subject']} {ctx.money(r['change'])}" for r in rs)
        lines = [(r["line"], r.get("line_end") or r["line"]) for r in rs]
        if p is None or p.get("change") is None:
            yield na(f"项目 {no} 增减原因", "项目没有增减额 / the project states no change", lines)
            continue
        subject = f"项目 {no} {p['name']}：所列原因之和 ≤ 增减额"
        ok = total * p["change"] > 0 and abs(total) <= abs(p["change"])
        share = f"{fmt_pct(Fraction(total, p['change']) * 100, 0)}" if p["change"] else "—"
        yield Finding(subject=subject, status="ok" if ok else "fail", lines=span(lines, p["line"]),
                      expected=p["change"], actual=total,
                      expected_text=f"≤ {ctx.money(p['change'])}（同向）", actual_text=ctx.money(total),
                      note=f"{items}，占增减额 {share}" + ("" if ok else "；原因之和超过增减额或方向相反 / exceeds the change"))

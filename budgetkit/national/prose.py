"""Narrative sections of a national-template disclosure and the figures they state."""

from __future__ import annotations

import re

import pandas as pd

from ..errors import AmountError
from ..money import parse_amount
from ..pdf import PAGE_BREAK
from ..text import clean_cell
from .tables import Context, _frame, is_section_heading

_SECTION_COLUMNS = ["no", "kind", "heading", "text", "line", "line_end", "page"]


def sections(ctx: Context, starts: list[int], exclude: set[int]) -> pd.DataFrame:
    """One row per narrative section: heading, kind, its text (lines joined), lines and first page.

    A section runs from its heading to the next heading or table; the text of
    a PDF keeps its line breaks as printed (joined without spaces).
    """
    src = ctx.src
    records = []
    bounds = sorted(set(starts))
    for i, start in enumerate(bounds):
        stop = bounds[i + 1] - 1 if i + 1 < len(bounds) else len(src)
        parts = []
        last = start
        for n in range(start + 1, stop + 1):
            if n in exclude:
                break
            raw = src.line(n)
            if raw.startswith(PAGE_BREAK):
                continue
            text = clean_cell(raw.replace("\t", " "))
            if text:
                parts.append(text)
                last = n
        records.append({
            "no": i + 1, "kind": is_section_heading(src.line(start)), "heading": clean_cell(src.line(start)),
            "text": "\n".join(parts), "line": start, "line_end": last, "page": ctx.page(start),
        })
    return _frame(records, _SECTION_COLUMNS)


_AMOUNT = r"([\d,]+(?:\.\d+)?)\s*(万元|元)"
_FACTS = (
    ("budget_income", "部门收入预算", r"收入预算(?:为)?" + _AMOUNT),
    ("budget_expenditure", "部门支出预算", r"(?<!拨款)支出预算(?:为)?" + _AMOUNT),
    ("three_public_total", "“三公”经费预算数", r"“?三公”?经费预算数?为" + _AMOUNT),
    ("operating_costs", "机关运行经费预算", r"机关运行经费预算为" + _AMOUNT),
    ("procurement_total", "政府采购预算", r"政府采购预算(?:金额)?(?:为)?" + _AMOUNT),
    ("performance_projects_amount", "绩效目标涉及项目预算资金", r"绩效目标的项目(?:共)?\d+个，涉及项目预算资金" + _AMOUNT),
)
_COUNTS = (
    ("performance_projects", "编报绩效目标的项目数", r"绩效目标的项目(?:共)?(\d+)(个)"),
    ("vehicles", "车辆数", r"共有车辆(\d+)(辆)"),
)


def facts(ctx: Context, secs: pd.DataFrame) -> pd.DataFrame:
    """Figures stated in the narrative (the seed's ``facts`` columns): key, label, value as printed,
    amount (元, for money), unit as printed, line, line_end."""
    records = []
    for sec in secs.itertuples():
        lines = sec.text.split("\n") if isinstance(sec.text, str) else []
        flat = "".join(lines)
        for key, label, pattern in _FACTS:
            m = re.search(pattern, flat)
            if not m or any(r["key"] == key for r in records):
                continue
            amount = _amount(ctx, sec, m.group(1), m.group(2), label)
            if amount is None:
                continue
            line = _line_of(ctx, sec, m.group(1), after=m.group(0)[: m.start(1) - m.start(0)][-4:])
            records.append({"key": key, "label": label, "value": m.group(1), "amount": amount,
                            "unit": m.group(2), "line": line, "line_end": line})
        for key, label, pattern in _COUNTS:
            m = re.search(pattern, flat)
            if m and not any(r["key"] == key for r in records):
                line = _line_of(ctx, sec, m.group(0)[:6])
                records.append({"key": key, "label": label, "value": m.group(1), "amount": None,
                                "unit": m.group(2), "line": line, "line_end": line})
    return _frame(records, ["key", "label", "value", "amount", "unit", "line", "line_end"], money=("amount",))


#: “三公” items of the 其他相关情况说明 section: ``…费`` immediately followed by its amount
_THREE_PUBLIC_ITEM = re.compile(r"(“?三公”?经费预算数为|[\u4e00-\u9fff（）()]{2,14}?费)" + _AMOUNT)
_THREE_PUBLIC_HEAD = re.compile(r"“?三公”?经费预算情况说明")
_PROCUREMENT = re.compile(r"政府采购(?P<category>货物|工程|服务)?预算(?:金额)?(?:为)?" + _AMOUNT)


def three_public(ctx: Context, secs: pd.DataFrame) -> pd.DataFrame:
    """The “三公” figures the prose states (the seed's ``three_public`` columns): item, amount (元), line.

    Read from the part of 其他相关情况说明 headed “…“三公”经费预算情况说明”, up
    to the next numbered part; ``change_text`` is the clause that follows the
    amount (``与2024年预算持平`` …), as printed.
    """
    records = []
    for sec in secs.itertuples():
        text = "".join(sec.text.split("\n")) if isinstance(sec.text, str) else ""
        head = _THREE_PUBLIC_HEAD.search(text)
        if head is None:
            continue
        part = text[head.end():]
        stop = re.search(r"[二三四五六七八九十]、", part)
        part = part[: stop.start()] if stop else part
        for m in _THREE_PUBLIC_ITEM.finditer(part):
            item = re.sub(r"^[（(][一二三四五六七八九十]+[）)]|预算数为$", "", m.group(1))
            amount = _amount(ctx, sec, m.group(2), m.group(3), item)
            if amount is None:
                continue
            after = re.split(r"[。；;]", part[m.end():], maxsplit=1)[0].lstrip("，,。")
            change = re.split(r"[，,]", after, maxsplit=1)[0]
            change = change if re.match(r"(比|与|较)", change) else None
            line = _line_of(ctx, sec, m.group(2), after=item[-4:])
            records.append({"item": item, "amount": amount, "value": m.group(2), "unit": m.group(3),
                            "change_text": change, "line": line, "line_end": line})
        break
    return _frame(records, ["item", "amount", "value", "unit", "change_text", "line", "line_end"], money=("amount",))


def procurement(ctx: Context, secs: pd.DataFrame) -> pd.DataFrame:
    """政府采购预算 and its 货物 / 工程 / 服务 parts (the seed's ``procurement`` columns): category, amount, line."""
    records = []
    for sec in secs.itertuples():
        text = "".join(sec.text.split("\n")) if isinstance(sec.text, str) else ""
        for m in _PROCUREMENT.finditer(text):
            category = m.group("category") or "合计"
            if any(r["category"] == category for r in records):
                continue
            amount = _amount(ctx, sec, m.group(2), m.group(3), f"政府采购预算（{category}）")
            if amount is None:
                continue
            line = _line_of(ctx, sec, m.group(2), after="政府采购")
            records.append({"category": category, "amount": amount, "value": m.group(2), "unit": m.group(3),
                            "line": line, "line_end": line})
        if records:
            break
    return _frame(records, ["category", "amount", "value", "unit", "line", "line_end"], money=("amount",))


def _amount(ctx: Context, sec, value: str, unit: str, what: str) -> int | None:
    """``value`` in ``unit`` as exact 元; None, with a warning naming the line, when it is not an amount."""
    try:
        return parse_amount(value, unit)
    except AmountError:
        ctx.warn(f"说明“{sec.heading}”", _line_of(ctx, sec, value),
                 f"{what}: “{value}{unit}” cannot be read as an amount; this figure is left out")
        return None


def _line_of(ctx: Context, sec, needle: str, after: str | None = None) -> int:
    """The first line of the section holding ``needle`` (an amount may be broken over two lines: the first part)."""
    if after is not None:
        for n in range(int(sec.line), int(sec.line_end) + 1):
            raw = ctx.src.line(n)
            if after in raw and needle in raw[raw.index(after):]:
                return n
    for n in range(int(sec.line), int(sec.line_end) + 1):
        if needle in ctx.src.line(n):
            return n
    return int(sec.line)

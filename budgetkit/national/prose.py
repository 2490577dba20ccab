"""Narrative sections of a national-template disclosure and the figures they state."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Callable

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


_NUM = r"[\d,]+(?:\.\d+)?"
_AMOUNT = rf"({_NUM})\s*(万元|元)"
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
        flat, line_at = _joined(ctx, sec)
        for key, label, pattern in _FACTS:
            m = re.search(pattern, flat)
            if not m or any(r["key"] == key for r in records):
                continue
            line = line_at(m.start(1))
            amount = _amount(ctx, sec, m.group(1), m.group(2), label, line)
            if amount is None:
                continue
            records.append({"key": key, "label": label, "value": m.group(1), "amount": amount,
                            "unit": m.group(2), "line": line, "line_end": line})
        for key, label, pattern in _COUNTS:
            m = re.search(pattern, flat)
            if m and not any(r["key"] == key for r in records):
                line = line_at(m.start())
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
        text, line_at = _joined(ctx, sec)
        head = _THREE_PUBLIC_HEAD.search(text)
        if head is None:
            continue
        part = text[head.end():]
        stop = re.search(r"[二三四五六七八九十]、", part)
        part = part[: stop.start()] if stop else part
        for m in _THREE_PUBLIC_ITEM.finditer(part):
            item = re.sub(r"^[（(][一二三四五六七八九十]+[）)]|预算数为$", "", m.group(1))
            line = line_at(head.end() + m.start(2))
            amount = _amount(ctx, sec, m.group(2), m.group(3), item, line)
            if amount is None:
                continue
            after = re.split(r"[。；;]", part[m.end():], maxsplit=1)[0].lstrip("，,。")
            change = re.split(r"[，,]", after, maxsplit=1)[0]
            change = change if re.match(r"(比|与|较)", change) else None
            records.append({"item": item, "amount": amount, "value": m.group(2), "unit": m.group(3),
                            "change_text": change, "line": line, "line_end": line})
        break
    return _frame(records, ["item", "amount", "value", "unit", "change_text", "line", "line_end"], money=("amount",))


#: "2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，比2023年预算执行数减少57.14%"
_STATED_BOTH = re.compile(
    rf"(?P<py>\d{{4}})年(?:当年)?预算执行数为(?P<prior>{_NUM})(?P<pu>万元|元)，\d{{4}}年预算安排(?P<amount>{_NUM})(?P<au>万元|元)，"
    rf"(?P<text>(?:比|较|与)(?P<base>(?P=py)年预算执行数)(?:(?P<dir>增加|减少|增长|下降)(?P<pct>{_NUM})%|持平))")
#: "财政拨款收入37,151.47万元，比2024年预算执行数增加24,558.18万元" / "…0.00万元，比2023年预算持平"
_STATED_CHANGE = re.compile(
    rf"(?P<subject>[^，。；：:]{{2,40}}?)(?:预算数?)?为?(?P<amount>{_NUM})(?P<au>万元|元)，"
    rf"(?P<text>(?:比|较|与)(?P<base>\d{{4}}年预算(?:执行数)?)(?:(?P<dir>增加|减少)(?P<change>{_NUM})(?P<cu>万元|元)|持平))")
_ITEM_NAME = re.compile(r"“([^”]*)”")
_STATEMENT_COLUMNS = ["part", "kind", "subject", "subject_text", "project_no", "amount", "amount_text", "unit",
                      "baseline", "change", "change_pct", "change_pct_text", "change_text", "prior_amount",
                      "prior_text", "line", "line_end"]


def statements(ctx: Context, secs: pd.DataFrame) -> pd.DataFrame:
    """Year-on-year changes the prose states, as the seed's ``statements`` frame (for ``change.recompute``).

    Two forms of the national template: an amount with its change
    (``财政拨款收入37,151.47万元，比2024年预算执行数增加24,558.18万元``: the prior
    is implied, ``prior_amount`` stays empty) and, per expenditure item, both
    amounts with a rate (``2023年当年预算执行数为60.13万元，2024年预算安排25.77万元，
    比2023年预算执行数减少57.14%``: ``prior_amount``/``prior_text`` as printed).
    ``amount_text``/``prior_text`` keep the printed numbers and ``unit`` their
    unit, so the audit knows their precision. An amount that is not a number
    is a warning, as in :func:`facts`.
    """
    records = []
    for sec in secs.itertuples():
        text, line_at = _joined(ctx, sec)
        taken: list[tuple[int, int]] = []
        for m in _STATED_BOTH.finditer(text):
            line, line_end = line_at(m.start()), line_at(m.end() - 1)
            amount = _amount(ctx, sec, m.group("amount"), m.group("au"), "预算安排", line)
            prior = _amount(ctx, sec, m.group("prior"), m.group("pu"), "预算执行数", line)
            if amount is None or prior is None:
                continue
            quoted = _ITEM_NAME.findall(text[: m.start()])
            subject_text = quoted[-1] if quoted else None
            names = _item_names(subject_text) if subject_text else {}
            subject = names.get("项") or names.get("款") or names.get("类") or subject_text or "预算安排"
            sign = -1 if m.group("dir") in ("减少", "下降") else 1
            pct = None if m.group("pct") is None else sign * float(m.group("pct"))
            pct_text = f"{m.group('dir')}{m.group('pct')}%" if m.group("pct") else "持平"
            records.append({"part": sec.heading, "kind": "comparison", "subject": subject, "subject_text": subject_text,
                            "amount": amount, "amount_text": m.group("amount"), "unit": m.group("au"),
                            "baseline": m.group("base"), "change": 0 if pct_text == "持平" else None,
                            "change_pct": 0.0 if pct_text == "持平" else pct, "change_pct_text": pct_text,
                            "change_text": m.group("text"), "prior_amount": prior, "prior_text": m.group("prior"),
                            "line": line, "line_end": line_end})
            taken.append(m.span())
        for m in _STATED_CHANGE.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            line, line_end = line_at(m.start()), line_at(m.end() - 1)
            amount = _amount(ctx, sec, m.group("amount"), m.group("au"), m.group("subject"), line)
            change = 0 if m.group("change") is None else \
                _amount(ctx, sec, m.group("change"), m.group("cu"), "增减额", line)
            if amount is None or change is None:
                continue
            if m.group("dir") == "减少":
                change = -change
            subject = _subject(m.group("subject"))
            records.append({"part": sec.heading, "kind": "comparison", "subject": subject,
                            "subject_text": m.group("subject"), "amount": amount, "amount_text": m.group("amount"),
                            "unit": m.group("au"), "baseline": m.group("base"), "change": change,
                            "change_text": m.group("text"), "line": line, "line_end": line_end})
    df = _frame(records, _STATEMENT_COLUMNS, money=("amount", "change", "prior_amount"))
    df["change_pct"] = pd.array([r.get("change_pct") for r in records], dtype="Float64")
    df["project_no"] = pd.array([None] * len(records), dtype="Int64")
    return df


#: "“一般公共服务支出（类）统计信息事务（款）专项普查活动（项）”25.77万元"
_ITEM_AMOUNT = re.compile(rf"“(?P<path>[^“”]*[（(](?:款|项)[）)])”(?P<amount>{_NUM})(?P<unit>万元|元)")
_ITEM_LEVEL = re.compile(r"([^（）]+)（(类|款|项)）")
_ITEM_COLUMNS = ["item", "class_name", "kuan_name", "xiang_name", "amount", "value", "unit", "line", "line_end"]


def _item_names(path: str) -> dict[str, str]:
    """``一般公共服务支出（类）商贸事务（款）行政运行（项）`` → ``{"类": …, "款": …, "项": …}`` (either bracket width)."""
    path = path.replace("(", "（").replace(")", "）")  # e.g. 行政事业单位医疗（款) as printed
    return {level: name.strip() for name, level in _ITEM_LEVEL.findall(path)}


def items(ctx: Context, secs: pd.DataFrame) -> pd.DataFrame:
    """The expenditure items the prose describes one by one, named by their 类/款/项 (``items`` frame).

    ``item`` is the quoted path as printed; ``value``/``unit`` the printed
    amount, so the audit can find the item's line in the expenditure table by
    its names and compare the two (rule ``text.items``).
    """
    records = []
    for sec in secs.itertuples():
        text, line_at = _joined(ctx, sec)
        for m in _ITEM_AMOUNT.finditer(text):
            names = _item_names(m.group("path"))
            line = line_at(m.start())
            amount = _amount(ctx, sec, m.group("amount"), m.group("unit"), m.group("path"), line)
            if amount is None:
                continue
            if "类" not in names:
                ctx.warn(f"说明“{sec.heading}”", line,
                         f"“{m.group('path')}” names no 类; its amount {m.group('amount')}{m.group('unit')} is not checked")
                continue
            records.append({"item": m.group("path"), "class_name": names.get("类"), "kuan_name": names.get("款"),
                            "xiang_name": names.get("项"), "amount": amount, "value": m.group("amount"),
                            "unit": m.group("unit"), "line": line, "line_end": line_at(m.end() - 1)})
    return _frame(records, _ITEM_COLUMNS, money=("amount",))


def procurement(ctx: Context, secs: pd.DataFrame) -> pd.DataFrame:
    """政府采购预算 and its 货物 / 工程 / 服务 parts (the seed's ``procurement`` columns): category, amount, line."""
    records = []
    for sec in secs.itertuples():
        text, line_at = _joined(ctx, sec)
        for m in _PROCUREMENT.finditer(text):
            category = m.group("category") or "合计"
            if any(r["category"] == category for r in records):
                continue
            line = line_at(m.start(2))
            amount = _amount(ctx, sec, m.group(2), m.group(3), f"政府采购预算（{category}）", line)
            if amount is None:
                continue
            records.append({"category": category, "amount": amount, "value": m.group(2), "unit": m.group(3),
                            "line": line, "line_end": line})
        if records:
            break
    return _frame(records, ["category", "amount", "value", "unit", "line", "line_end"], money=("amount",))


def _amount(ctx: Context, sec, value: str, unit: str, what: str, line: int) -> int | None:
    """``value`` in ``unit`` as exact 元; None, with a warning naming ``line``, when it is not an amount."""
    try:
        return parse_amount(value, unit)
    except AmountError:
        ctx.warn(f"说明“{sec.heading}”", line,
                 f"{what}: “{value}{unit}” cannot be read as an amount; this figure is left out")
        return None


def _joined(ctx: Context, sec) -> tuple[str, Callable[[int], int]]:
    """A section's text with its lines joined (as in :func:`sections`), and offset → source line."""
    starts: list[int] = []
    numbers: list[int] = []
    parts: list[str] = []
    at = 0
    for n in range(int(sec.line) + 1, int(sec.line_end) + 1):
        raw = ctx.src.line(n)
        if raw.startswith(PAGE_BREAK):
            continue
        part = clean_cell(raw.replace("\t", " "))
        if part:
            starts.append(at)
            numbers.append(n)
            parts.append(part)
            at += len(part)

    def line_at(offset: int) -> int:
        return numbers[max(0, bisect_right(starts, offset) - 1)] if numbers else int(sec.line)

    return "".join(parts), line_at


def _subject(printed: str) -> str:
    """What a change statement is about: ``（一）因公出国（境）费`` → ``因公出国（境）费``, without a heading before it."""
    text = re.split(r"说明|其中|中(?=[\u4e00-\u9fff]{2,}拨款)", printed)[-1]
    text = re.sub(r"^[一二三四五六七八九十]+、|^[（(][一二三四五六七八九十]+[）)]|^\d{4}年", "", text.strip("，, "))
    return text or printed

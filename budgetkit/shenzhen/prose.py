"""The prose of a Shenzhen department budget (文字部分, parts 一 to 九) as tidy tables.

:func:`parse_prose` reads the text part of a disclosure (from the heading
``第一部分`` after the contents list up to ``二、表格部分``) and returns a
``dict`` of pandas DataFrames, in this order (the names and columns are public
API; :data:`SCHEMAS` lists every column and its dtype):

``parts``
    the nine part headings: ``part`` (第一部分…), ``no``, ``title``.
``duties``, ``work_goals``
    部门职责 (``（一）…``) and 主要工作目标 (``1. …``): ``no``, ``text``.
``staffing``
    编制 and 实有人数 per unit (本级, the subordinate unit, 部门合计).
``statements``
    every stated comparison of parts 二, 三, 五 and 八 (see below).
``expenditure_summary``, ``basic_items``
    第三部分: the budget by category and the itemised 人员/公用支出.
``projects``, ``project_components``, ``special_funds``
    第三部分（四）: the numbered projects, the sub-amounts after ``主要包括：``
    and the 产业发展专项资金 sub-funds.
``procurement``
    第四部分: 政府采购 by category.
``three_public``
    第五部分: the “三公”经费 items.
``project_goals``
    第七部分's table (项目名称 / 预算数 / 绩效目标).
``facts``
    single facts (key/value) with provenance.
``glossary``
    第九部分 名词解释.

Conventions: amounts are exact integer 元 (``Int64``; the prose states 万元);
percentages are kept as published in ``Float64`` columns (signed: 下降 → −)
beside their raw text; text columns are ``string`` (``pd.NA`` when absent);
every frame has ``line`` and ``line_end`` (``Int64``, 1-based), the first and
last source line of the fact. A fact inside a paragraph that a page break
split gets the lines of the fact itself, not of the whole paragraph.

A comparison (``statements``) is either ``"comparison"`` — an explicit baseline,
``比/较 <baseline> 增加/减少 [<A> 万元][，增长/下降 <B>%]`` or ``与 <baseline> 持平`` — or
``"change"`` — a stated change of money without a baseline, ``增加(了)<item> <A> 万元``.
Unquantified remarks without a baseline (``相应经费减少``) are not statements.
``subject`` is what is compared (the project's name for ``本项目``; the section
title under 第八部分's ``一、机关运行经费``), ``subject_text`` the words it was read
from; ``amount`` is the current amount when the sentence states it;
``change`` is signed (减少 → −; 0 for 持平 and for ``增加0万元``);
``change_pct`` is signed by its own verb (增长/上升 +, 下降 −), ``0.0`` for 持平,
NA when not stated or ``--（…不可比）``; ``prior_amount = amount − change``.
``line``..``line_end`` run from the stated amount to the end of the comparison.

``projects.reason`` is the text after the first ``主要原因是`` (so a repeated
``主要原因是主要原因是`` keeps one copy), ``""`` when there is none (持平);
``projects.purpose`` is the ``用于…`` clause; ``goal*`` come from the matching
row of ``project_goals`` (matched by exact name).

Errors: a missing part heading, a paragraph that does not have the expected
shape, a bad number, a project without exactly one row in 第七部分's table all
raise :class:`~budgetkit.errors.ParseError` (or its subclass ``AmountError``)
naming the file, the part and the line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from pandas.arrays import FloatingArray, IntegerArray, StringArray

from ..errors import AmountError, ParseError
from ..money import format_wan, is_amount, parse_amount, to_decimal
from ..text import SourceText, clean_cell

__all__ = ["parse_prose", "SCHEMAS", "PROSE_TABLES"]

_S, _I, _F, _B = pd.StringDtype(), pd.Int64Dtype(), pd.Float64Dtype(), np.dtype(bool)
_LINES = {"line": _I, "line_end": _I}
_CHANGE = {
    "baseline": _S,
    "change": _I,
    "change_pct": _F,
    "change_pct_text": _S,
    "change_text": _S,
    "prior_amount": _I,
}

#: Every table's columns and dtypes, in order (the public API of parse_prose).
SCHEMAS: dict[str, dict[str, object]] = {
    "parts": {"part": _S, "no": _I, "title": _S, **_LINES},
    "duties": {"no": _I, "text": _S, **_LINES},
    "staffing": {
        "unit": _S, "kind": _S, "authorised": _I, "actual": _I,
        "retired_cadres": _I, "retired": _I, **_LINES,
    },
    "work_goals": {"no": _I, "text": _S, **_LINES},
    "statements": {
        "part": _S, "kind": _S, "subject": _S, "subject_text": _S, "project_no": _I,
        "amount": _I, **_CHANGE, **_LINES,
    },
    "expenditure_summary": {"category": _S, "amount": _I, **_LINES},
    "basic_items": {"category": _S, "item": _S, "amount": _I, **_LINES},
    "projects": {
        "project_no": _I, "name": _S, "amount": _I, "purpose": _S, **_CHANGE, "reason": _S,
        "special_fund": _B, "sub_fund": _S, "goal": _S, "goal_amount": _I,
        "goal_line": _I, "goal_line_end": _I, **_LINES,
    },
    "project_components": {"project_no": _I, "component": _S, "amount": _I, **_LINES},
    "special_funds": {
        "sub_fund": _S, "project_no": _I, "name": _S, "amount": _I, "change": _I,
        "change_pct": _F, "change_pct_text": _S, "prior_amount": _I, **_LINES,
    },
    "procurement": {"category": _S, "amount": _I, **_LINES},
    "three_public": {"item": _S, "amount": _I, **_CHANGE, **_LINES},
    "project_goals": {"name": _S, "amount": _I, "goal": _S, "project_no": _I, **_LINES},
    "facts": {"key": _S, "label": _S, "value": _S, "amount": _I, "unit": _S, **_LINES},
    "glossary": {"no": _I, "term": _S, "definition": _S, **_LINES},
}
PROSE_TABLES: tuple[str, ...] = tuple(SCHEMAS)

_PART_NAMES = ("第一部分", "第二部分", "第三部分", "第四部分", "第五部分",
               "第六部分", "第七部分", "第八部分", "第九部分")
_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM = "[一二三四五六七八九十]+"
_NUM = r"(?<![0-9A-Za-z.,])\d[\d,]*(?:\.\d+)?"  # a well-formed number, not glued to "l39"/"2l7"
_TOK = r"[^\s，。；：、]+?"            # anything up to 万元: validated by parse_amount

_PART_HEAD = re.compile(rf"^第({_CN_NUM})部分(?:\s+(\S.*?))?\s*$")
_SECTION = re.compile(rf"^({_CN_NUM})、\s*(\S.{{0,28}})$")
_ITEM_TITLE = re.compile(r"^\d+\s*[.．]\s*([^。，；：]+)。")

# 比/较 <baseline> 增加/减少 [A 万元][，增长/下降 B%]  |  与 <baseline> 持平
_CMP = re.compile(
    r"(?P<kw>比|较)\s*(?P<base>[^，。；：]*?)\s*(?P<verb>增加|减少)了?\s*"
    r"(?:(?P<chg>[^\s，。；：万%]+)\s*万元)?"
    r"(?:，\s*(?P<pct_text>(?P<pverb>增长|下降|上升|减少|增加)\s*"
    r"(?P<pct>--（[^）]*）|--|[^\s，。；：%（]+\s*%)))?"
    r"|与\s*(?P<base2>[^，。；：]*?)\s*持平"
)
# 增加(了)<item> <A> 万元 — a change of money without a baseline
_CHG = re.compile(
    rf"(?P<verb>增加|减少)了?(?P<obj>[^，。；：\d\s][^，。；：]*?)\s*(?P<chg>{_NUM})\s*万元"
)
_CLAUSE_AMOUNT = re.compile(rf"^(?P<subj>.*?)\s*(?P<amt>{_NUM})\s*万元$")


# --------------------------------------------------------------------------
# helpers


def _cn_int(text: str) -> int | None:
    """Chinese numeral 一…九十九 → int (None when malformed)."""
    if text in _CN:
        return _CN[text]
    tens, sep, ones = text.partition("十")
    if not sep or (tens and tens not in _CN) or (ones and ones not in _CN):
        return None
    return (_CN[tens] if tens else 1) * 10 + (_CN[ones] if ones else 0)


@dataclass(frozen=True)
class _Para:
    """A reflowed paragraph that can tell the source line of any offset."""

    text: str
    line: int
    line_end: int
    starts: tuple[int, ...]  # offset of each source line's piece in ``text``
    lines: tuple[int, ...]   # ... and its line number

    def line_at(self, pos: int) -> int:
        if not self.starts:
            return self.line
        return self.lines[max(0, bisect_right(self.starts, pos) - 1)]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """First and last source line of ``text[start:end]``."""
        if not self.starts:
            return self.line, self.line_end
        return self.line_at(start), self.line_at(max(start, end - 1))


def _paragraphs(src: SourceText, start: int, end: int) -> list[_Para]:
    out = []
    for p in src.paragraphs(start, end) if start <= end else []:
        buf, starts, lines = "", [], []
        for n in range(p.line, p.line_end + 1):
            piece = clean_cell(src.line(n))
            if not piece:
                continue
            if buf and buf[-1].isascii() and buf[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
                buf += " "
            starts.append(len(buf))
            lines.append(n)
            buf += piece
        if buf != p.text:  # cannot map offsets: fall back to the paragraph's span
            starts, lines = [], []
        out.append(_Para(p.text, p.line, p.line_end, tuple(starts), tuple(lines)))
    return out


@dataclass
class _Part:
    src: SourceText
    no: int
    title: str
    heading: int  # line of the heading
    start: int
    end: int

    @cached_property
    def paras(self) -> list[_Para]:
        return _paragraphs(self.src, self.start, self.end)

    @property
    def name(self) -> str:
        return _PART_NAMES[self.no - 1]


class _Reader:
    """State of one parse: the source, collected rows, error helpers."""

    def __init__(self, src: SourceText) -> None:
        self.src = src
        self.rows: dict[str, list[dict]] = {name: [] for name in SCHEMAS}
        self.department = ""
        self.goal_table = (0, 0)  # first and last line of 第七部分's table

    # errors --------------------------------------------------------------
    def error(self, message: str, part: str, line: int | None) -> ParseError:
        return ParseError(message, file=self.src.name, table=part, line=line)

    def amount(self, token: str, part: str, line: int, what: str = "amount") -> int:
        try:
            return parse_amount(token, unit="万元")
        except AmountError as exc:
            raise AmountError(f"{what}: {exc.reason}", file=self.src.name, table=part, line=line) from None

    def percent(self, token: str, part: str, line: int) -> float:
        try:
            return float(to_decimal(token.rstrip("%").strip()))
        except AmountError as exc:
            raise AmountError(f"percentage: {exc.reason}", file=self.src.name, table=part, line=line) from None

    # facts ---------------------------------------------------------------
    def fact(self, key: str, label: str, value: str, line: int, line_end: int | None = None,
             amount: int | None = None, unit: str | None = None) -> None:
        self.rows["facts"].append({
            "key": key, "label": label, "value": value, "amount": amount, "unit": unit,
            "line": line, "line_end": line if line_end is None else line_end,
        })

    def money_fact(self, key: str, label: str, para: _Para, m: re.Match, group: str, part: str,
                   sign: int = 1) -> int:
        line, line_end = para.span(m.start(group), m.end(group))
        value = sign * self.amount(m.group(group), part, line, label)
        printed = ("-" if sign < 0 else "") + m.group(group)
        self.fact(key, label, printed, line, line_end, amount=value, unit="万元")
        return value

    def count_fact(self, key: str, label: str, para: _Para, m: re.Match, group: str, unit: str) -> None:
        line, line_end = para.span(m.start(group), m.end(group))
        self.fact(key, label, m.group(group), line, line_end, unit=unit)


def _frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """Rows → DataFrame with the schema's dtypes (masked arrays built directly: fast)."""
    n = len(rows)
    data = {}
    for col, dtype in SCHEMAS[name].items():
        values = [r.get(col) for r in rows]
        if dtype is _B:
            data[col] = np.array(values, dtype=bool)
        elif dtype is _S:
            data[col] = StringArray(np.array([pd.NA if v is None else v for v in values], dtype=object)
                                    if n else np.array([], dtype=object))
        else:
            mask = np.fromiter((v is None for v in values), dtype=bool, count=n)
            if dtype is _I:
                data[col] = IntegerArray(np.fromiter((0 if v is None else v for v in values), np.int64, n), mask)
            else:
                data[col] = FloatingArray(np.fromiter((0.0 if v is None else v for v in values), np.float64, n), mask)
    return pd.DataFrame(data, copy=False)


def _sections(paras: list[_Para]) -> list[tuple[str | None, _Para | None, list[_Para]]]:
    """Split a part's paragraphs at its ``一、…`` sub-headings."""
    out: list[tuple[str | None, _Para | None, list[_Para]]] = [(None, None, [])]
    for p in paras:
        m = _SECTION.match(p.text)
        if m and not p.text.endswith(("。", "；", "：")) and "，" not in p.text:
            out.append((m.group(2).strip(), p, []))
        else:
            out[-1][2].append(p)
    return out


def _section(reader: _Reader, part: _Part, keyword: str) -> tuple[_Para, list[_Para]]:
    for title, head, paras in _sections(part.paras):
        if title is not None and keyword in title:
            return head, paras
    raise reader.error(f"section '…{keyword}…' (a heading like '一、…{keyword}') not found",
                       part.name, part.heading)


def _search(reader: _Reader, rx: re.Pattern, paras: list[_Para], what: str, part: _Part,
            line: int | None = None) -> tuple[_Para, re.Match]:
    for p in paras:
        m = rx.search(p.text)
        if m:
            return p, m
    first = paras[0].line if paras else part.heading
    last = paras[-1].line_end if paras else part.end
    raise reader.error(f"{what} not found in lines {first}–{last}", part.name,
                       first if line is None else line)


def _check_numbering(reader: _Reader, nos: list[tuple[int, int]], what: str, part: str) -> None:
    for i, (no, line) in enumerate(nos, start=1):
        if no != i:
            raise reader.error(f"{what} numbered {no} where {i} was expected "
                               "(a paragraph is missing, or two were merged)", part, line)


# --------------------------------------------------------------------------
# locating the parts


def _locate(reader: _Reader) -> dict[int, _Part]:
    src = reader.src
    text_heads = [n for n, raw in enumerate(src.lines, start=1) if "文字部分" in raw and raw.strip() == "一、文字部分"]
    body = text_heads[-1] + 1 if text_heads else 1   # after the contents list's copy
    end_marker = src.find(r"^\s*二、表格部分\s*$", body)
    prose_end = end_marker - 1 if end_marker else len(src)
    heads: list[tuple[int, str, int]] = []
    for n in range(body, prose_end + 1):
        raw = src.line(n).strip()
        m = _PART_HEAD.match(raw) if raw.startswith("第") and len(raw) <= 40 else None
        if not m:
            continue
        no = _cn_int(m.group(1))
        if no is None or not 1 <= no <= 9:
            raise reader.error(f"unexpected part heading {raw!r}", "文字部分", n)
        if heads and no <= heads[-1][0]:
            raise reader.error(f"heading {raw!r} out of order (after {_PART_NAMES[heads[-1][0] - 1]}, "
                               f"line {heads[-1][2]})", _PART_NAMES[no - 1], n)
        heads.append((no, (m.group(2) or "").strip(), n))
    found = {no: (title, n) for no, title, n in heads}
    for no in range(1, 10):
        if no in found:
            continue
        before = [(k, found[k][1]) for k in range(no - 1, 0, -1) if k in found][:1]
        after = [(k, found[k][1]) for k in range(no + 1, 10) if k in found][:1]
        lo = f"line {before[0][1]} ({_PART_NAMES[before[0][0] - 1]})" if before else f"line {body}"
        hi = f"line {after[0][1]} ({_PART_NAMES[after[0][0] - 1]})" if after else f"line {prose_end}"
        raise reader.error(f"the heading '{_PART_NAMES[no - 1]} …' is missing: expected it between {lo} and {hi}",
                           _PART_NAMES[no - 1], before[0][1] if before else body)
    parts = {}
    for i, (no, title, n) in enumerate(heads):
        end = heads[i + 1][2] - 1 if i + 1 < len(heads) else prose_end
        parts[no] = _Part(src, no, title, n, n + 1, end)
        reader.rows["parts"].append({"part": _PART_NAMES[no - 1], "no": no, "title": title,
                                     "line": n, "line_end": end})
    return parts


# --------------------------------------------------------------------------
# comparisons


@dataclass(frozen=True)
class _Cmp:
    kind: str  # "comparison" | "change"
    m: re.Match

    @property
    def start(self) -> int:
        return self.m.start()

    @property
    def end(self) -> int:
        return self.m.end()


def _comparisons(text: str, start: int = 0, end: int | None = None) -> list[_Cmp]:
    end = len(text) if end is None else end
    found = [_Cmp("comparison", m) for m in _CMP.finditer(text, start, end)]
    taken = [(c.start, c.end) for c in found]
    for m in _CHG.finditer(text, start, end):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            found.append(_Cmp("change", m))
    return sorted(found, key=lambda c: c.start)


def _clean_subject(text: str, department: str) -> str:
    text = re.sub(r"\d{4}\s*年", "", text)
    if department:
        text = text.replace(department, "")
    text = re.sub(r"^\s*\d+\s*[.．、]\s*", "", text).strip()
    return re.sub(r"预算数?$", "", text).strip()


def _statement(reader: _Reader, part: str, para: _Para, c: _Cmp, *, subject: str | None = None,
               subject_text: str | None = None, amount: int | None = None,
               amount_pos: int | None = None, project_no: int | None = None,
               fallback_subject: str | None = None) -> dict:
    """One row of ``statements`` from a comparison match (subject from context)."""
    m, text = c.m, para.text
    start = c.start
    if c.kind == "change":
        subject_text = m.group("obj").strip() if subject_text is None else subject_text
        baseline = None
    else:
        baseline = (m.group("base") if m.group("base2") is None else m.group("base2")).strip() or None
        if subject_text is None:
            head = text[: c.start].rstrip()
            if head.endswith("，"):
                head = head[:-1]
            cut = max(head.rfind(ch) for ch in "，。；：") + 1
            clause = head[cut:]
            subject_text = clause.strip()
            am = _CLAUSE_AMOUNT.match(clause)
            if am and amount is None:
                subject_text = am.group("subj").strip()
                amount_pos = cut + am.start("amt")
                amount = reader.amount(am.group("amt"), part, para.line_at(amount_pos))
            if subject_text:
                start = min(start, cut + len(clause) - len(clause.lstrip()))
    if subject is None:
        subject = _clean_subject(subject_text, reader.department) or fallback_subject
    if not subject:
        raise reader.error(f"cannot tell what {m.group(0)!r} compares", part, para.line_at(c.start))
    if amount_pos is not None:
        start = min(start, amount_pos)
    # the change
    verb = m.group("verb")
    change = pct = pct_text = None
    if verb is None:  # 持平
        change, pct, pct_text = 0, 0.0, "持平"
    elif m.group("chg") is not None:
        sign = -1 if verb == "减少" else 1
        change = sign * reader.amount(m.group("chg"), part, para.line_at(m.start("chg")), "change")
    if c.kind == "comparison" and m.group("pct") is not None:
        pct_text = m.group("pct_text")
        if not m.group("pct").startswith("--"):
            sign = -1 if m.group("pverb") in ("下降", "减少") else 1
            pct = sign * reader.percent(m.group("pct"), part, para.line_at(m.start("pct")))
    line, line_end = para.span(start, c.end)
    return {
        "part": part, "kind": c.kind, "subject": subject, "subject_text": subject_text,
        "project_no": project_no, "amount": amount, "baseline": baseline, "change": change,
        "change_pct": pct, "change_pct_text": pct_text, "change_text": m.group(0),
        "prior_amount": None if amount is None or change is None else amount - change,
        "line": line, "line_end": line_end,
    }


def _part_statements(reader: _Reader, part: _Part, paras: list[_Para], *,
                     subject: str | None = None) -> list[tuple[_Para, _Cmp, dict]]:
    """Every comparison in ``paras`` as a statement row (also appended to ``statements``)."""
    out = []
    for p in paras:
        title = _ITEM_TITLE.match(p.text)
        for c in _comparisons(p.text):
            row = _statement(reader, part.name, p, c, subject=subject,
                             fallback_subject=title.group(1).strip() if title else None)
            out.append((p, c, row))
    reader.rows["statements"].extend(row for _, _, row in out)
    return out


# --------------------------------------------------------------------------
# part 一 部门概况

_STAFF = re.compile(r"(?P<kind>行政编制|事业编制)(?:总数|数)?\s*(?P<auth>\d+)\s*人，\s*实有在编人数\s*(?P<act>\d+)\s*人")
_RETIRED = re.compile(r"离休\s*(?P<lx>\d+)\s*人，\s*退休\s*(?P<tx>\d+)\s*人")
_UNIT = re.compile(r"^(?P<no>\d+)\s*[.．]\s*(?P<unit>.+?)(?:本级|(?=行政编制|事业编制))")


def _part1(reader: _Reader, part: _Part) -> None:
    name = part.name
    # duties
    _, paras = _section(reader, part, "职责")
    nos = []
    for p in paras:
        m = re.match(rf"^（({_CN_NUM})）\s*(.+)$", p.text, re.S)
        no = _cn_int(m.group(1)) if m else None
        if no is None:
            raise reader.error(f"cannot read a duty: expected '（一）…', got {p.text[:20]!r}", name, p.line)
        nos.append((no, p.line))
        reader.rows["duties"].append({"no": no, "text": m.group(2).strip(), "line": p.line, "line_end": p.line_end})
    if not nos:
        raise reader.error("no duties (（一）…) under 部门职责", name, part.heading)
    _check_numbering(reader, nos, "duty", name)

    # staffing
    _, paras = _section(reader, part, "机构设置")
    for p in paras:
        staff = list(_STAFF.finditer(p.text))
        numbered = re.match(r"^\d+\s*[.．]", p.text)
        if not staff:
            if numbered:
                raise reader.error("cannot read the staffing of a unit: expected '行政编制/事业编制…N人，实有在编人数N人'",
                                   name, p.line)
            continue
        retired = _RETIRED.search(p.text)
        if numbered:
            um = _UNIT.match(p.text)
            if not um:
                raise reader.error("cannot tell which unit this staffing paragraph is about", name, p.line)
            unit = "本级" if p.text[um.end("unit"):um.end()] == "本级" else um.group("unit").strip()
        else:
            unit = "部门合计"
            m = re.search(r"(\d+)\s*家(?:非独立核算)?事业单位", p.text)
            if m:
                reader.count_fact("subordinate_units", "下属事业单位数", p, m, 1, "家")
            if retired:  # the department's 离休/退休 (see open question in the report)
                reader.count_fact("dept_retired_cadres", "部门离休人数", p, retired, "lx", "人")
                reader.count_fact("dept_retired", "部门退休人数", p, retired, "tx", "人")
        m = re.search(r"共\s*(\d+)\s*个科室", p.text)
        if m and unit == "本级":
            reader.count_fact("sections", "本级科室数", p, m, 1, "个")
        for s in staff:
            end = s.end()
            row = {"unit": unit, "kind": s.group("kind"),
                   "authorised": int(s.group("auth")), "actual": int(s.group("act")),
                   "retired_cadres": None, "retired": None}
            if retired and unit != "部门合计":
                row["retired_cadres"], row["retired"] = int(retired.group("lx")), int(retired.group("tx"))
                end = max(end, retired.end())
            row["line"], row["line_end"] = p.span(s.start(), end)
            reader.rows["staffing"].append(row)
    if not reader.rows["staffing"]:
        raise reader.error("no staffing figures (编制/实有在编人数) under 机构设置情况", name, part.heading)

    # work goals
    _, paras = _section(reader, part, "工作目标")
    nos = []
    for p in paras:
        m = re.match(r"^(\d+)\s*[.．]\s*(.+)$", p.text, re.S)
        if not m:
            if not nos and p.text.endswith(("：", ":")):
                continue  # the lead-in sentence
            raise reader.error(f"cannot read a work goal: expected '1. …', got {p.text[:20]!r}", name, p.line)
        nos.append((int(m.group(1)), p.line))
        reader.rows["work_goals"].append({"no": int(m.group(1)), "text": m.group(2).strip(),
                                          "line": p.line, "line_end": p.line_end})
    if not nos:
        raise reader.error("no work goals (1. …) under 主要工作目标", name, part.heading)
    _check_numbering(reader, nos, "work goal", name)


# --------------------------------------------------------------------------
# part 二 收支总体情况


def _part2(reader: _Reader, part: _Part) -> None:
    rows = [row for _, _, row in _part_statements(reader, part, part.paras)]
    for key, subject in (("budget_income", "部门预算收入"), ("budget_expenditure", "部门预算支出")):
        row = next((r for r in rows if r["subject"] == subject and r["amount"] is not None), None)
        if row is None:
            raise reader.error(f"the sentence '…{subject} <金额> 万元，比 … 增加/减少 …' was not found",
                               part.name, part.start)
        reader.fact(key, subject, format_wan(row["amount"], unit=False), row["line"], row["line"],
                    amount=row["amount"], unit="万元")
    for p in part.paras:
        m = re.search(rf"每区每年安排\s*(?P<a>{_TOK})\s*万元", p.text)
        if m:
            reader.money_fact("aid_per_district_per_year", "每区每年安排财政帮扶资金", p, m, "a", part.name)


# --------------------------------------------------------------------------
# part 三 支出具体情况

_SUMMARY = re.compile(rf"^(?P<unit>.+?)预算\s*(?P<total>{_TOK})\s*万元，\s*包括(?P<items>.+?)。?$")
_SUMMARY_ITEM = re.compile(rf"(?P<cat>[^、，。]+?)\s*(?P<amt>{_NUM})\s*万元(?:、|$)")
_CATEGORY = re.compile(rf"^（(?P<no>{_CN_NUM})）\s*(?P<cat>[^\d\s，]+?)\s*(?P<amt>{_TOK})\s*万元"
                       r"(?:，\s*(?:主要|具体)包括：(?P<rest>.*?))?。?$")
_BASIC_ITEM = re.compile(rf"(?P<name>[^，；。：]+?)\s*(?P<amt>{_NUM})\s*(?P<unit>万元)(?:；|。?$)")
_CATEGORY_KEYS = {"人员支出": "personnel_expenditure", "公用支出": "public_expenditure",
                  "对个人和家庭补助支出": "household_subsidy_expenditure",
                  "对个人和家庭的补助支出": "household_subsidy_expenditure",
                  "项目支出": "project_expenditure"}
_PROJ_HEAD = re.compile(rf"^(?P<no>\d+)\s*[.．]\s*(?P<name>.+?)预算\s*(?P<amount>{_TOK})\s*万元，")
_COMPONENT = re.compile(rf"(?P<name>[^，；。：]+?)\s*(?P<amt>{_NUM})\s*(?P<unit>万元)(?:和|、|$)")
_SPECIAL = "产业发展专项资金"
_SUB_FUND = re.compile(r"^产业发展专项资金(?:/产业发展专项资金)?-(?P<sub>.+)$")


def _department(reader: _Reader, part: _Part) -> None:
    """The department's name: 第三部分's first heading (一、<部门>) or its summary sentence."""
    for title, head, _paras in _sections(part.paras):
        if title is not None:
            reader.department = title
            reader.fact("department", "部门", title, head.line)
            return
    p, m = _search(reader, _SUMMARY, part.paras, "the sentence '<单位>预算 <金额> 万元，包括…'", part)
    reader.department = m.group("unit").strip()
    reader.fact("department", "部门", reader.department, p.line)


def _part3(reader: _Reader, part: _Part) -> None:
    name = part.name
    state = "summary"
    projects: list[tuple[_Para, re.Match | None]] = []
    for p in part.paras:
        if state == "projects":
            projects.append((p, _PROJ_HEAD.match(p.text)))
            continue
        if _SECTION.match(p.text) and "，" not in p.text and not p.text.endswith("。"):
            continue  # 一、<单位>
        m = _SUMMARY.match(p.text)
        if m and state == "summary":
            pos, items, at = m.start("items"), m.group("items"), 0
            while at < len(items):
                im = _SUMMARY_ITEM.match(items, at)
                if not im:
                    raise reader.error(f"cannot read the categories after 包括: {items[at:at + 20]!r}",
                                       name, p.line_at(pos + at))
                line, line_end = p.span(pos + im.start("cat"), pos + im.end("amt"))
                reader.rows["expenditure_summary"].append({
                    "category": im.group("cat").strip(),
                    "amount": reader.amount(im.group("amt"), name, line),
                    "line": line, "line_end": line_end})
                at = im.end()
            line, line_end = p.span(m.start("total"), m.end("total"))
            reader.rows["expenditure_summary"].append({
                "category": "合计", "amount": reader.amount(m.group("total"), name, line),
                "line": line, "line_end": line_end})
            state = "categories"
            continue
        m = _CATEGORY.match(p.text)
        if m:
            cat = m.group("cat")
            key = _CATEGORY_KEYS.get(cat, f"expenditure_{_cn_int(m.group('no'))}")
            reader.money_fact(key, cat, p, m, "amt", name)
            if cat == "项目支出":
                state = "projects"
                continue
            rest = m.group("rest")
            pos, at = m.start("rest"), 0
            while rest and at < len(rest):
                im = _BASIC_ITEM.match(rest, at)
                if not im:
                    raise reader.error(f"cannot read the items of {cat}: {rest[at:at + 20]!r}",
                                       name, p.line_at(pos + at))
                line, line_end = p.span(pos + im.start("name"), pos + im.end("unit"))
                reader.rows["basic_items"].append({
                    "category": cat, "item": im.group("name").strip(),
                    "amount": reader.amount(im.group("amt"), name, line),
                    "line": line, "line_end": line_end})
                at = im.end()
            continue
        raise reader.error(f"unexpected paragraph {p.text[:24]!r} (expected the budget summary, "
                           "'（一）人员支出…' … or '（四）项目支出…，具体包括：')", name, p.line)
    if not reader.rows["expenditure_summary"]:
        raise reader.error("the sentence '<单位>预算 <金额> 万元，包括<类别> <金额> 万元、…' was not found",
                           name, part.heading)
    if state != "projects":
        raise reader.error("the paragraph '（四）项目支出 <金额> 万元，具体包括：' was not found", name, part.heading)
    if not projects:
        raise reader.error("no projects after '（四）项目支出…具体包括：'", name, part.end)
    nos = [(_project(reader, part, p, head), p.line) for p, head in projects]
    _check_numbering(reader, nos, "project", name)


def _project(reader: _Reader, part: _Part, p: _Para, head: re.Match | None) -> int:
    name, text = part.name, p.text
    shape = "'<n>. <项目>预算 <金额> 万元，主要包括：<分项 金额 万元>…，用于…。本项目较 <基数> 增加/减少 …'"
    if head is None:
        raise reader.error(f"cannot parse the project paragraph {text[:24]!r}: expected {shape}", name, p.line)
    no = int(head.group("no"))
    amount = reader.amount(head.group("amount"), name, p.line_at(head.start("amount")),
                           f"amount of project {no}")
    pos = head.end()
    components: list[dict] = []
    if text.startswith("主要包括：", pos):
        comp_start = pos + len("主要包括：")
        k = text.find("，用于", comp_start)
        if k < 0:
            raise reader.error(f"project {no}: no '，用于…' (purpose) after 主要包括：; expected {shape}",
                               name, p.line_at(comp_start))
        comp = text[comp_start:k]
        at = 0
        while at < len(comp):
            cm = _COMPONENT.match(comp, at)
            if not cm:
                raise reader.error(f"project {no}: cannot read the components after 主要包括： from "
                                   f"{comp[at:at + 24]!r}: expected '<分项> <金额> 万元' joined by 、 or 和",
                                   name, p.line_at(comp_start + at))
            line, line_end = p.span(comp_start + cm.start("name"), comp_start + cm.end("unit"))
            cname = cm.group("name").strip()
            if "万元" in cname or re.search(r"[\d.,]$", cname):
                raise reader.error(f"project {no}: cannot read the component {cname + ' ' + cm.group('amt')!r}: "
                                   "its name holds or ends in a number (a garbled amount?)", name, line)
            components.append({"project_no": no, "component": cname,
                               "amount": reader.amount(cm.group("amt"), name, line),
                               "line": line, "line_end": line_end})
            at = cm.end()
        pos = k + 1
    if not text.startswith("用于", pos):
        raise reader.error(f"project {no}: expected '主要包括：' or '用于' after the amount; expected {shape}",
                           name, p.line_at(pos))
    j = text.find("。本项目", pos)
    if j < 0:
        raise reader.error(f"project {no}: no '。本项目较/与 …' (the comparison); expected {shape}",
                           name, p.line_at(pos))
    purpose = text[pos:j]
    cpos = j + len("。本项目")
    while cpos < len(text) and text[cpos] == " ":
        cpos += 1
    cm = _CMP.match(text, cpos)
    if cm is None:
        raise reader.error(f"project {no}: cannot read the comparison {text[j + 1:j + 30]!r}: expected "
                           "'本项目较 <基数> 增加/减少 <金额> 万元，增长/下降 <n>%' or '本项目与 <基数> 持平'",
                           name, p.line_at(cpos))
    head_stmt = _statement(reader, name, p, _Cmp("comparison", cm), subject=head.group("name"),
                           subject_text="本项目", amount=amount, amount_pos=head.start("amount"),
                           project_no=no)
    rest = text[cm.end():]
    reason = ""
    if rest.strip() not in ("", "。"):
        rm = re.match(r"^，\s*主要原因是(?P<reason>.*?)。?$", rest, re.S)
        if not rm:
            raise reader.error(f"project {no}: expected '，主要原因是…' after the comparison, got {rest[:20]!r}",
                               name, p.line_at(cm.end()))
        reason = rm.group("reason").strip()
    stmts = [head_stmt]
    for c in _comparisons(text, cm.end()):
        stmts.append(_statement(reader, name, p, c, project_no=no))
    # any comparison before 本项目 (in the purpose) is recorded too
    for c in _comparisons(text, head.end(), j):
        stmts.append(_statement(reader, name, p, c, project_no=no))
    reader.rows["statements"].extend(stmts)
    reader.rows["project_components"].extend(components)
    sub = _SUB_FUND.match(head.group("name"))
    reader.rows["projects"].append({
        "project_no": no, "name": head.group("name").strip(), "amount": amount, "purpose": purpose,
        "baseline": head_stmt["baseline"], "change": head_stmt["change"],
        "change_pct": head_stmt["change_pct"], "change_pct_text": head_stmt["change_pct_text"],
        "change_text": head_stmt["change_text"], "prior_amount": head_stmt["prior_amount"],
        "reason": reason, "special_fund": head.group("name").startswith(_SPECIAL),
        "sub_fund": sub.group("sub").strip() if sub else None,
        "line": p.line, "line_end": p.line_end,
    })
    return no


# --------------------------------------------------------------------------
# part 四 政府采购

_PROC_TOTAL = re.compile(rf"共计\s*(?P<amt>{_TOK})\s*万元")
_PROC_ITEM = re.compile(rf"(?P<cat>货物|工程|服务)采购\s*(?P<amt>{_TOK})\s*万元")


def _part4(reader: _Reader, part: _Part) -> None:
    p, m = _search(reader, _PROC_TOTAL, part.paras, "'…政府采购…共计 <金额> 万元'", part)
    rows = [("合计", m)] + [(im.group("cat"), im) for im in _PROC_ITEM.finditer(p.text)]
    for cat, im in rows:
        line, line_end = p.span(im.start(), im.end())
        reader.rows["procurement"].append({"category": cat, "amount": reader.amount(im.group("amt"), part.name, line),
                                           "line": line, "line_end": line_end})


# --------------------------------------------------------------------------
# part 五 “三公”经费

_TP_AMOUNT = re.compile(rf"(?P<pre>[^，。；：]*?)\d{{4}}\s*年\s*(?P<mid>[^，。；：\d]*?)预算数?\s*(?P<amt>{_NUM})\s*万元")


def _part5(reader: _Reader, part: _Part) -> None:
    name = part.name
    stmts = {(id(p), c.start): row for p, c, row in _part_statements(reader, part, part.paras)}
    for p in part.paras:
        title = _ITEM_TITLE.match(p.text)
        comps = {c.start: c for c in _comparisons(p.text)}
        for m in _TP_AMOUNT.finditer(p.text):
            item = re.sub(r"^\d+\s*[.．]\s*", "", (m.group("pre") + m.group("mid")).strip())
            item = item or (title.group(1).strip() if title else "")
            if not item:
                raise reader.error("cannot tell which “三公”经费 item this amount belongs to", name,
                                   p.line_at(m.start("amt")))
            if item == "“三公”经费":
                item = "“三公”经费合计"
            row = {"item": item, "amount": reader.amount(m.group("amt"), name, p.line_at(m.start("amt")))}
            end = m.end()
            after = end + 1 if p.text.startswith("，", end) else end
            if after in comps:
                c = comps[after]
                row.update({k: stmts[(id(p), c.start)][k] for k in _CHANGE})
                end = c.end
            row["line"], row["line_end"] = p.span(m.start(), end)
            reader.rows["three_public"].append(row)
        m = re.search(r"定编车辆\s*(?P<a>\d+)\s*辆", p.text)
        if m:
            reader.count_fact("vehicles_authorised", "定编车辆", p, m, "a", "辆")
        m = re.search(r"实有车辆\s*(?P<a>\d+)\s*辆", p.text)
        if m:
            reader.count_fact("vehicles_actual", "实有车辆", p, m, "a", "辆")
        m = re.search(r"实有车辆增加\s*(?P<a>\d+)\s*辆", p.text)
        if m and not any(r["key"] == "vehicles_actual_change" for r in reader.rows["facts"]):
            reader.count_fact("vehicles_actual_change", "实有车辆增加", p, m, "a", "辆")
    if not reader.rows["three_public"]:
        raise reader.error("no “三公”经费 amounts ('2023年…预算数 <金额> 万元') found", name, part.heading)
    for key, label in (("vehicles_authorised", "定编车辆"), ("vehicles_actual", "实有车辆")):
        if not any(r["key"] == key for r in reader.rows["facts"]):
            raise reader.error(f"'{label} N 辆' not found", name, part.heading)


# --------------------------------------------------------------------------
# part 六 绩效管理


def _part6(reader: _Reader, part: _Part) -> None:
    p, m = _search(reader, re.compile(rf"涉及预算资金\s*(?P<a>{_TOK})\s*万元"), part.paras,
                   "'…涉及预算资金 <金额> 万元'", part)
    reader.money_fact("perf_project_funds", "纳入绩效管理的项目预算资金", p, m, "a", part.name)
    p, m = _search(reader, re.compile(r"(?P<n>\d+)\s*个项目绩效目标"), part.paras,
                   "'…设置并编报 N 个项目绩效目标'", part)
    reader.count_fact("perf_project_count", "项目绩效目标个数", p, m, "n", "个")
    for p in part.paras:
        m = re.search(r"(?P<n>\d+)\s*家下属单位", p.text)
        if m:
            reader.count_fact("perf_subordinate_units", "实施绩效管理的下属单位数", p, m, "n", "家")
            break


# --------------------------------------------------------------------------
# part 七 重点项目绩效目标表

_TERMINAL = tuple("。；;：:！？!?")
_P_OPEN = re.compile(r"^\s*<p\b[^>]*>", re.I)
_P_CLOSE = re.compile(r"</p>\s*$", re.I)
_P_TAG = re.compile(r"</?p\b[^>]*>", re.I)


def _join_goal(pieces: list[str]) -> str:
    """Rejoin a goal cell split by page breaks (a ``<p>`` item cut in two is merged)."""
    buf = pieces[0].rstrip()
    for piece in pieces[1:]:
        piece = piece.strip()
        tail, head = _P_CLOSE.search(buf), _P_OPEN.match(piece)
        if tail and head and not clean_cell(buf[: tail.start()]).endswith(_TERMINAL):
            buf, piece = buf[: tail.start()], piece[head.end():]
        if buf and piece and buf[-1].isascii() and buf[-1].isalnum() and piece[0].isascii() and piece[0].isalnum():
            buf += " "
        buf += piece
    return buf


def _part7(reader: _Reader, part: _Part) -> None:
    src, name = reader.src, part.name
    header = src.find(r"^\s*项目名称\t", part.start, part.end)
    if header is None:
        raise reader.error("the table header '项目名称<TAB>预算数（万元）<TAB>绩效目标' not found",
                           name, part.heading)
    end = src.find(r"^\s*--\t--\t-", header + 1, part.end)
    if end is None:
        raise reader.error("the end of the table (a line '--<TAB>--<TAB>-----') not found", name, header)
    rows: list[dict] = []
    for n in range(header + 1, end):
        raw = src.line(n)
        if not raw.strip():
            continue  # page break
        if raw.startswith("\t\t"):
            if not rows:
                raise reader.error("a continuation line (two leading tabs) before the first row", name, n)
            rows[-1]["pieces"].append(raw[2:])
            rows[-1]["line_end"] = n
            continue
        cells = raw.split("\t")
        if len(cells) != 3:
            raise reader.error(f"expected 3 tab-separated cells (项目名称, 预算数, 绩效目标), got {len(cells)}",
                               name, n)
        pname = clean_cell(cells[0])
        if not pname:
            raise reader.error("a row without 项目名称", name, n)
        rows.append({"name": pname, "amount": reader.amount(clean_cell(cells[1]), name, n, f"预算数 of {pname}"),
                     "pieces": [cells[2]], "line": n, "line_end": n, "project_no": None})
    if not rows:
        raise reader.error("the table has no rows", name, header)
    for row in rows:
        raw = _join_goal(row.pop("pieces"))
        row["goal"] = "\n".join(x for x in (clean_cell(t) for t in _P_TAG.split(raw)) if x)
        reader.rows["project_goals"].append(row)
    reader.goal_table = (header, end)
    for n in range(end + 1, part.end + 1):
        m = re.match(r"^\s*备注[:：]\s*(?P<v>.*?)。?\s*$", src.line(n))
        if m:
            reader.fact("project_goals_note", "备注", m.group("v"), n)
            break


# --------------------------------------------------------------------------
# part 八 其他需要说明情况

_EQUIPMENT = re.compile(r"(?P<new>新增)?单价\s*(?P<t>\d+)\s*万元以上(?P<k>通用|专用)设备\s*(?P<n>\d+)\s*台（套）")


def _part8(reader: _Reader, part: _Part) -> None:
    name = part.name
    head, paras = _section(reader, part, "机关运行经费")
    rows = [row for _, _, row in _part_statements(reader, part, paras, subject=head.text.split("、", 1)[1])]
    row = next((r for r in rows if r["amount"] is not None), None)
    if row is None:
        raise reader.error("the sentence '…预算 <金额> 万元，比 … 增加/减少 …' was not found under 机关运行经费",
                           name, head.line)
    fact = lambda key, label, value, amount, unit: reader.fact(  # noqa: E731
        key, label, value, row["line"], row["line_end"], amount=amount, unit=unit)
    fact("operating_cost", "机关运行经费", format_wan(row["amount"], unit=False), row["amount"], "万元")
    if row["change"] is not None:
        fact("operating_cost_change", "机关运行经费增减", format_wan(row["change"], unit=False), row["change"], "万元")
    if row["change_pct"] is not None:
        fact("operating_cost_change_pct", "机关运行经费增减率", f"{row['change_pct']:g}", None, "%")

    head, paras = _section(reader, part, "国有资产")
    p, m = _search(reader, re.compile(r"截至\s*(?P<v>[^，,]+?)\s*[，,]"), paras, "'截至 <日期>，…'", part, head.line)
    line, line_end = p.span(m.start("v"), m.end("v"))
    reader.fact("assets_as_of", "国有资产占用情况截至", m.group("v"), line, line_end)
    m = re.search(r"共有车辆\s*(?P<n>\d+)\s*辆", p.text)
    if not m:
        raise reader.error("'共有车辆 N 辆' not found", name, p.line)
    reader.count_fact("assets_vehicles", "共有车辆", p, m, "n", "辆")
    pp, pm = _search(reader, re.compile(r"计划新增车辆\s*(?P<n>\d+)\s*辆"), paras, "'…计划新增车辆 N 辆'",
                     part, head.line)
    reader.count_fact("planned_vehicles", "计划新增车辆", pp, pm, "n", "辆")
    for para, prefix, label in ((p, "assets", ""), (pp, "planned", "新增")):
        found = False
        for em in _EQUIPMENT.finditer(para.text):
            if bool(em.group("new")) != (prefix == "planned"):
                continue
            kind = "general" if em.group("k") == "通用" else "special"
            reader.count_fact(f"{prefix}_{kind}_equipment_{em.group('t')}w",
                              f"{label}单价 {em.group('t')} 万元以上{em.group('k')}设备", para, em, "n", "台（套）")
            found = True
        if not found:
            raise reader.error(f"'{label}单价 N 万元以上通用/专用设备 N 台（套）' not found", name, para.line)

    head, paras = _section(reader, part, "其他")
    p, m = _search(reader, re.compile(r"无(?P<items>[^。]+?)(?:预算)?。"), paras, "'本部门无…预算。'", part, head.line)
    found = False
    for i, item in enumerate(m.group("items").split("、"), start=1):
        if "国有资本经营" in item:
            key, found = "no_state_capital_budget", True
        elif "专项转移支付" in item:
            key = "no_higher_level_special_transfer"
        else:
            key = f"no_other_{i}"
        reader.fact(key, f"无{item}", "true", p.line, p.line_end)
    if not found:
        raise reader.error("'本部门无国有资本经营预算支出…' not found", name, p.line)


# --------------------------------------------------------------------------
# part 九 名词解释


def _part9(reader: _Reader, part: _Part) -> None:
    nos = []
    for p in part.paras:
        m = re.match(rf"^(?P<no>{_CN_NUM})、\s*(?P<term>[^：:]+?)\s*[：:]\s*(?P<d>.+)$", p.text, re.S)
        no = _cn_int(m.group("no")) if m else None
        if no is None:
            raise reader.error(f"cannot read a glossary entry: expected '一、<名词>：<解释>', got {p.text[:20]!r}",
                               part.name, p.line)
        nos.append((no, p.line))
        reader.rows["glossary"].append({"no": no, "term": m.group("term"), "definition": m.group("d").strip(),
                                        "line": p.line, "line_end": p.line_end})
    if not nos:
        raise reader.error("no glossary entries", part.name, part.heading)
    _check_numbering(reader, nos, "glossary entry", part.name)


# --------------------------------------------------------------------------
# putting it together


def _match_goals(reader: _Reader) -> None:
    header, end = reader.goal_table
    by_name: dict[str, list[dict]] = {}
    for g in reader.rows["project_goals"]:
        by_name.setdefault(g["name"], []).append(g)
    for pr in reader.rows["projects"]:
        hits = by_name.get(pr["name"], [])
        if len(hits) != 1:
            what = "no row" if not hits else f"{len(hits)} rows (lines {', '.join(str(g['line']) for g in hits)})"
            raise reader.error(f"project {pr['project_no']} {pr['name']!r} has {what} in 第七部分's table "
                               f"(lines {header}–{end}); every project needs exactly one",
                               "第三部分", pr["line"])
        g = hits[0]
        g["project_no"] = pr["project_no"]
        pr.update(goal=g["goal"], goal_amount=g["amount"], goal_line=g["line"], goal_line_end=g["line_end"])


_WAN_TOKEN = re.compile(r"(?<![0-9A-Za-z.,])(?P<tok>[0-9A-Za-z][0-9A-Za-z.,]*)\s*万元")


def _check_amount_tokens(reader: _Reader, part: _Part) -> None:
    """Every '<number> 万元' of the part must be a valid amount.

    The specific patterns only look for the shapes they know; a garbled
    figure ("8x万元") would not match them and could drop a fact silently.
    """
    for p in part.paras:
        if "万元" not in p.text:
            continue
        for m in _WAN_TOKEN.finditer(p.text):
            tok = m.group("tok")
            if any(ch.isdigit() for ch in tok) and not is_amount(tok):
                raise AmountError(f"not an amount: {tok!r} 万元", file=reader.src.name, table=part.name,
                                  line=p.line_at(m.start("tok")))


def parse_prose(src: SourceText) -> dict[str, pd.DataFrame]:
    """Parse parts 一 to 九 of a Shenzhen department budget into tidy DataFrames.

    Returns a ``dict`` mapping the table names of :data:`PROSE_TABLES` (in
    that order) to DataFrames whose columns and dtypes are :data:`SCHEMAS`.
    Raises :class:`~budgetkit.errors.ParseError` (naming file, part and line)
    when the prose does not have the expected structure.
    """
    reader = _Reader(src)
    parts = _locate(reader)
    _department(reader, parts[3])
    for no in (1, 2, 3, 4, 5, 6, 8, 9):  # 第七部分 is a table: its cells are checked as read
        _check_amount_tokens(reader, parts[no])
    _part1(reader, parts[1])
    _part2(reader, parts[2])
    _part3(reader, parts[3])
    _part4(reader, parts[4])
    _part5(reader, parts[5])
    _part6(reader, parts[6])
    _part7(reader, parts[7])
    _part8(reader, parts[8])
    _part9(reader, parts[9])
    _match_goals(reader)
    reader.rows["special_funds"] = [
        {k: pr[k] for k in SCHEMAS["special_funds"]} for pr in reader.rows["projects"] if pr["special_fund"]
    ]
    for name in ("statements", "facts"):
        reader.rows[name].sort(key=lambda r: (r["line"], r["line_end"]))
    return {name: _frame(name, rows) for name, rows in reader.rows.items()}

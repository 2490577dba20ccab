"""Completeness and transparency: what a department budget disclosure must contain.

Reference: 财政部《地方预决算公开操作规程》（财预〔2016〕143号）. A department
budget discloses at least 部门收支总表, 部门收入总表, 部门支出总表, 财政拨款收支
总表, 一般公共预算支出表 (to 项 level of the functional classification),
一般公共预算基本支出表 (to 款 level of the economic classification),
一般公共预算“三公”经费支出表 and 政府性基金预算支出表; it explains the
department's 职责, 机构设置, 预算收支增减变化, 机关运行经费, 政府采购 and
“三公”经费 changes, explains technical terms (名词解释), and progressively
discloses 国有资产占用 and 绩效目标. A table without data is still listed,
as an empty table with a statement that it is empty (没有数据的表格应当列出空表并说明).
"""

from __future__ import annotations

import re

from ..codes import parse
from ._core import Context, Finding, rule, span
from ._tables import by_code, children_of, coded_rows, na

REFERENCE = "财政部《地方预决算公开操作规程》（财预〔2016〕143号）"

#: The tables 财预〔2016〕143号 requires of a department budget, as roles.
REQUIRED_TABLES: tuple[str, ...] = (
    "summary", "income", "expenditure", "appropriation", "general_function", "general_basic",
    "three_public_table", "fund",
)


def _derivations(ctx: Context):
    from .. import derive

    return derive.DERIVATIONS


def _derivable_note(ctx: Context, role: str) -> str | None:
    d = _derivations(ctx).get(role)
    if d is None:
        return None
    src = ctx.ref(d.source)
    if src is None or not src.published:
        return None
    ref = ctx.ref(role)
    arg = ref.number if ref is not None else repr(role)
    return f"可由{src.full_label}（{d.column}）派生：b.derived_table({arg}) / derivable"


def _contents_lines(ctx: Context) -> dict[int, int]:
    if not ctx.has("contents"):
        return {}
    return {int(r["number"]): r["line"] for r in ctx.records("contents") if r.get("number") is not None}


@rule("completeness.contents", "completeness",
      "目录列出的每张表都已公开",
      "Every table listed in the contents is published",
      reference="")
def contents(ctx: Context):
    listed = ctx.meta.get("contents") or {}
    if not listed:
        yield na("目录", "本预算没有目录 / no contents list")
        return
    published = set(ctx.meta.get("published") or [])
    lines = _contents_lines(ctx)
    for key, title in sorted(listed.items(), key=lambda kv: int(kv[0])):
        n = int(key)
        here = f"table{n}" in ctx.frame_names or n in published
        subject = f"表{n} {title}"
        if here:
            yield Finding(subject=subject, status="ok", lines=span(lines.get(n)), expected_text="公开",
                          actual_text="已公开 / published")
            continue
        from ._roles import role_of

        derivable = _derivable_note(ctx, role_of(title) or "")
        yield Finding(subject=subject, status="fail", lines=span(lines.get(n)), expected_text="公开",
                      actual_text="缺失 / absent",
                      note="目录列出但正文没有该表 / listed in the contents but not in the document"
                      + (f"；{derivable}" if derivable else ""))


@rule("completeness.required_tables", "completeness",
      "部门预算应公开的八张表（财预〔2016〕143号）：已公开 / 可派生 / 缺失",
      "The eight tables a department budget must disclose (财预〔2016〕143号): present / derivable / absent",
      reference=REFERENCE)
def required_tables(ctx: Context):
    from ._roles import ROLES

    for role in REQUIRED_TABLES:
        name = ROLES[role][0]
        ref = ctx.ref(role)
        if ref is not None and ref.published:
            lines = [r["line"] for r in ctx.records(role) if r.get("line") is not None]
            yield Finding(subject=name, status="ok", lines=span(min(lines, default=None)), expected_text="公开",
                          actual_text=f"已公开：{ref.full_label}", note=f"{REFERENCE}")
            continue
        if role == "general_basic":
            econ = ctx.ref("general_economic")
            if econ is not None and econ.published and "basic" in ctx.frame("general_economic").columns:
                yield Finding(
                    subject=name, status="ok", expected_text="公开",
                    actual_text=f"包含在{econ.full_label}的基本支出列中",
                    note=f"没有单独成表，但{econ.full_label}按经济分类款级列出了基本支出，内容已公开；"
                         f"可用 b.derived_table('general_basic') 单独取出 / published as a column")
                continue
        derivable = _derivable_note(ctx, role)
        listed = f"目录列为{ref.full_label}，但" if ref is not None else ""
        line = _contents_lines(ctx).get(ref.number) if ref is not None else None
        yield Finding(subject=name, status="fail", expected_text="公开", lines=span(line),
                      actual_text="缺失，可派生 / absent, derivable" if derivable else "缺失 / absent",
                      note=f"{listed}未公开 / not published" + (f"；{derivable}" if derivable else ""))


def _fact_lines(ctx: Context, prefix: str, exact: bool = False) -> list[int]:
    """Lines of the facts whose key starts with ``prefix`` (is ``prefix``, when ``exact``)."""
    if not ctx.has("facts"):
        return []
    return [r["line"] for r in ctx.records("facts")
            if (str(r["key"]) == prefix if exact else str(r["key"]).startswith(prefix))]


def _frame_lines(ctx: Context, name: str, where=None) -> list[int]:
    if not ctx.has(name):
        return []
    return [r["line"] for r in ctx.records(name) if where is None or where(r)]


def _section_lines(ctx: Context, *kinds: str, contains: str | None = None) -> list[int]:
    """Lines of narrative sections (national template) of these kinds, or whose text mentions ``contains``."""
    if not ctx.has("sections"):
        return []
    out = []
    for r in ctx.records("sections"):
        if r.get("kind") in kinds or (contains and contains in (r.get("text") or "")):
            out.append(r["line"])
    return out


#: (subject, finder) — a finder returns the source lines where the explanation is given
EXPLANATIONS = (
    ("部门职责 / duties", lambda c: _frame_lines(c, "duties") or _section_lines(c, "functions")),
    ("机构设置 / organisation",
     lambda c: _frame_lines(c, "staffing") or _fact_lines(c, "subordinate_units") or _section_lines(c, "organisation")),
    ("预算收支增减变化 / changes of revenue and expenditure",
     lambda c: _frame_lines(c, "statements", lambda r: "二" in (r.get("part") or "")) or _section_lines(c, "explanation")),
    ("机关运行经费 / office running costs", lambda c: _fact_lines(c, "operating_cost")),
    ("政府采购 / government procurement", lambda c: _frame_lines(c, "procurement") or _fact_lines(c, "procurement")),
    ("“三公”经费增减变化 / changes of the three public expenses",
     lambda c: _frame_lines(c, "three_public", lambda r: r.get("change_text") is not None)
     or _fact_lines(c, "three_public")),
    ("名词解释 / glossary", lambda c: _frame_lines(c, "glossary") or _section_lines(c, "glossary")),
    ("绩效目标 / performance targets",
     lambda c: _frame_lines(c, "project_goals") or _frame_lines(c, "indicators") or _frame_lines(c, "goals")
     or _section_lines(c, contains="绩效目标")),
    ("国有资产占用 / state assets in use",
     lambda c: _fact_lines(c, "assets_") or _fact_lines(c, "vehicles", exact=True)   # national: 共有车辆 (国有资产占有使用情况)
     or _section_lines(c, contains="国有资产占")),
)


@rule("completeness.explanations", "completeness",
      "部门预算应有的说明：职责、机构、增减变化、机关运行经费、政府采购、“三公”增减、名词解释、绩效目标、国有资产",
      "Required explanations: duties, organisation, changes, office running costs, procurement, 三公 changes, "
      "glossary, performance targets, state assets",
      reference=REFERENCE)
def explanations(ctx: Context):
    for subject, finder in EXPLANATIONS:
        lines = finder(ctx)
        if lines:
            yield Finding(subject=subject, status="ok", lines=span(lines), expected_text="有说明",
                          actual_text=f"有（第 {min(lines)}–{max(lines)} 行）")
        else:
            yield Finding(subject=subject, status="fail", expected_text="有说明", actual_text="没有 / missing",
                          note=f"{REFERENCE} 要求说明 / required")


_EMPTY_NOTE_RE = re.compile(r"无发生额|无数据|空表|没有数据|无此|不涉及|无.{0,8}(支出|收入|预算|经费)")
_MONEY_COLS = ("amount", "total", "basic", "project", "fiscal", "other")


@rule("completeness.empty_tables", "completeness",
      "没有数据的表格应列出空表并说明（如“本表本年无发生额”）",
      "A table without data is published empty with a statement that it is empty",
      reference=REFERENCE)
def empty_tables(ctx: Context):
    found = False
    for ref in sorted(ctx.roles.values(), key=lambda r: r.number):
        if not ref.published:
            continue
        rows = ctx.records(ref.role)
        cols = [c for c in _MONEY_COLS if c in ctx.frame(ref.role).columns]
        if not cols or any(r.get(c) not in (None, 0) for r in rows for c in cols):
            continue
        found = True
        notes = [n for n in ctx.notes_of(ref.number) if _EMPTY_NOTE_RE.search(n.get("text") or "")]
        lines = [r["line"] for r in rows]
        if notes:
            yield Finding(subject=ref.full_label, status="ok", lines=span(lines, [n["line"] for n in notes]),
                          expected_text="空表并说明", actual_text=f"“{notes[0]['text']}”",
                          note=f"表注第 {notes[0]['line']} 行说明本表为空 / the note says the table is empty")
        else:
            yield Finding(subject=ref.full_label, status="fail", lines=span(lines), expected_text="空表并说明",
                          actual_text="空表，没有说明 / empty, no statement",
                          note=f"{REFERENCE}：没有数据的表格应当列出空表并说明")
    if not found:
        yield na("空表", "没有全为 0 的表 / no empty table")


@rule("completeness.markers", "completeness",
      "表中使用的标记（如 ★）应有说明",
      "Markers printed in a table (such as ★) are explained somewhere in the document")
def markers(ctx: Context):
    found = False
    all_notes = ctx.records("notes") if ctx.has("notes") else []
    glossary = ctx.records("glossary") if ctx.has("glossary") else []
    for ref in sorted(ctx.roles.values(), key=lambda r: r.number):
        if not ref.published or "marker" not in ctx.frame(ref.role).columns:
            continue
        marked: dict[str, list[dict]] = {}
        for r in ctx.records(ref.role):
            for ch in r.get("marker") or "":
                marked.setdefault(ch, []).append(r)
        for mark, rows in marked.items():
            found = True
            explained = [n for n in all_notes if mark in (n.get("text") or "")] + \
                        [g for g in glossary if mark in (g.get("term") or "") + (g.get("definition") or "")]
            where = "、".join(f"{r.get('code') or ''} {r.get('name') or ''}（第 {r['line']} 行）".strip() for r in rows)
            if explained:
                yield Finding(subject=f"{ref.label} 标记 {mark}", status="ok",
                              lines=span([r["line"] for r in rows], explained[0]["line"]),
                              expected_text="有说明", actual_text=f"第 {explained[0]['line']} 行说明", note=where)
            else:
                yield Finding(subject=f"{ref.label} 标记 {mark}", status="fail", lines=span([r["line"] for r in rows]),
                              expected_text="有说明", actual_text="没有说明 / unexplained",
                              note=f"{where} 带有 {mark}，但全文没有说明它的含义 / the marker is never explained")
    if not found:
        yield na("标记", "表中没有标记 / no markers printed")


_DETAIL = (("general_function", 3, "项"), ("general_basic", 2, "款"), ("general_economic", 2, "款"))


@rule("completeness.detail_level", "completeness",
      "一般公共预算支出表公开到功能分类项级；基本支出公开到经济分类款级",
      "General-budget expenditure is disclosed to 项 (functional); basic expenditure to 款 (economic)",
      reference=REFERENCE)
def detail_level(ctx: Context):
    any_table = False
    for role, level, level_name in _DETAIL:
        if not ctx.has(role):
            continue
        any_table = True
        rows = by_code(coded_rows(ctx, role))
        kids = children_of(rows)
        leaves = [c for c in rows if c not in kids]
        shallow = [c for c in leaves if parse(c).level < level]
        subject = f"{ctx.full_label(role)} 细化到{level_name}级"
        if shallow:
            yield Finding(subject=subject, status="fail", lines=span([rows[c]["line"] for c in shallow]),
                          expected_text=f"末级均为{level_name}级", actual_text="、".join(shallow),
                          note="这些科目没有细化到要求的级次 / not broken down far enough")
        else:
            yield Finding(subject=subject, status="ok", lines=span([rows[c]["line"] for c in leaves]),
                          expected_text=f"末级均为{level_name}级", actual_text=f"{len(leaves)} 个末级科目均为{level_name}级")
    if not any_table:
        yield na("细化程度", "没有一般公共预算支出表 / no general-budget table")

"""Parser of the national 9-table department budget template (“九张表”).

Tables are stored under the numbers of the template's contents list:

====  ==========================================  ==========================
 n    title                                        frame columns (besides line, line_end, page)
====  ==========================================  ==========================
 1    部门财务收支预算总表                          side, label, name, kind, level, code, amount
 2    部门收入预算总表                              kind, code, level, name, total, fiscal,
                                                   business_income, operating_income, other
 3    部门支出预算总表                              kind, code, level, name, total, basic, project
 4    部门财政拨款收支预算总表                      side, …, amount, general_budget, gov_fund, state_capital
 5–7  一般公共预算 / 政府性基金 / 国有资本经营预算   as 3
      支出功能分类预算表
 8    一般公共预算基本支出部门预算经济分类预算表    kind, code, level, name, total, personnel, public
 9    “三公”经费和机关运行经费预算表               kind, year, total, outbound, reception, vehicle,
                                                   vehicle_purchase, vehicle_operation, operating_costs
====  ==========================================  ==========================

``kind`` is ``total`` for the 合计 row and ``item`` for coded rows; ``level``
is 1/2/3 for 类/款/项 (0 for 合计). Amounts are integer 元 whatever the unit a
table is printed in (``meta["table_units"]``); an empty cell is 0. Amounts
printed with 分 are rounded half up to whole 元 and listed in the ``rounding``
frame (``fen="raise"`` makes them errors instead).

Narrative sections (主要职能, 机构设置, 名词解释, 编制说明, 其他相关情况说明,
项目经费情况说明) are kept as the ``sections`` frame, and a few stated figures
(收入/支出预算, 三公 total, 机关运行经费, 政府采购, 绩效目标, vehicles) as
``facts``; the “三公” items and the 政府采购 parts the prose states, when it
states them, as ``three_public`` and ``procurement`` (the seed's frames of
those names, so the audit reads both templates alike); the stated year-on-year
changes as ``statements``, and the expenditure items the prose describes one
by one (“类（类）款（款）项（项）”金额) as ``items``.
"""

from __future__ import annotations

import re

import pandas as pd

from ..budget import Budget
from ..errors import ParseError, TemplateError
from ..pdf import PAGE_BREAK, PdfLine, pages_of_text
from ..text import SourceText, clean_cell
from . import prose as _prose
from . import tables as _tables
from .template import TABLES, TEMPLATE_ID, match_title, table_label

_TITLE_YEAR = re.compile(r"(\d{4})\s*年")
_HEAD_DEPT = re.compile(r"^\s*(预算主管部门|主管部门|预算单位|部门名称|单位名称)\s*[:：]\s*(\S.*?)\s*$")


def detect(src: SourceText) -> bool:
    """True when the text has the national template's 财务收支预算总表 and 支出预算总表 titles."""
    found = set()
    for raw in src.lines:
        hit = match_title(raw)
        if hit:
            found.add(hit[0])
            if {1, 3} <= found:
                return True
    return False


def _contents(src: SourceText) -> tuple[dict[int, str], dict[int, int], set[int]]:
    """The contents list (目录): table number → printed title, its line; and all contents lines."""
    start = None
    for n, raw in enumerate(src.lines[:200], start=1):
        if re.sub(r"\s", "", raw) in ("目录", "目錄"):
            start = n
            break
    titles: dict[int, str] = {}
    lines: dict[int, int] = {}
    skip: set[int] = set()
    if start is None:
        return titles, lines, skip
    skip.add(start)
    for n in range(start + 1, min(len(src), start + 60) + 1):
        raw = src.line(n)
        text = clean_cell(raw)
        if not text:
            continue
        if raw.startswith(PAGE_BREAK):
            break
        item = re.sub(r"[.．…·]{2,}.*$|…+.*$", "", text).strip()
        body = _tables._NUMBERING.sub("", item).strip()
        if not _tables._NUMBERING.match(item):
            break
        skip.add(n)
        hit = match_title(body)
        if hit:
            titles[hit[0]] = body
            lines[hit[0]] = n
    return titles, lines, skip


def _head(src: SourceText) -> tuple[int | None, str | None, str, int | None]:
    """Year, department, budget level ("department"/"unit") and the line naming the department."""
    year = None
    department = None
    level = "department"
    line = None
    for n, raw in enumerate(src.lines[:30], start=1):
        text = clean_cell(raw)
        if not text or text == PAGE_BREAK:
            continue
        if year is None and ("预算" in text):
            m = _TITLE_YEAR.search(text)
            if m:
                year = int(m.group(1))
        m = _HEAD_DEPT.match(text)
        if m and department is None:
            department = re.sub(r"\s+", "", m.group(2))
            level = "unit" if m.group(1).startswith(("预算单位", "单位")) else "department"
            line = n
        if "单位预算" in text:
            level = "unit"
    return year, department, level, line


def parse(src: SourceText, *, pages: list[int] | None = None, geometry: dict[int, PdfLine] | None = None,
          fen: str = "round", extra_meta: dict | None = None) -> Budget:
    """Parse a national-template disclosure's text (and, for a PDF, its geometry)."""
    if pages is None:
        pages = pages_of_text(src.lines)
    ctx = _tables.Context(src, pages, geometry, fen=fen)
    contents, contents_lines, skip = _contents(src)
    regions, section_starts = _tables.segment(ctx, skip)
    for required in (1, 3):
        if required not in regions:
            raise TemplateError(
                f"{table_label(required)} not found — truncated file, or not a national 9-table disclosure",
                file=src.name, table=table_label(required),
            )
    year, department, level, dept_line = _head(src)
    if department is None:
        department = regions[1].department or regions[3].department
    if department is None:
        raise TemplateError("no department name (预算主管部门 / 编制部门) found", file=src.name, line=1)
    for r in regions.values():
        if r.department and r.department != department:
            raise ctx.error(ParseError, f"编制部门 {r.department!r} differs from the document's department "
                            f"{department!r}", r.label, r.unit_line)
    if year is None:
        m = _TITLE_YEAR.search(regions[1].title)
        year = int(m.group(1)) if m else None
    if year is None:
        raise TemplateError("no budget year found in the title", file=src.name, line=1)

    frames: dict[str, pd.DataFrame] = {}
    printed: dict[str, str] = {}
    for number in (3, 2, 5, 6, 7, 8):
        if number in regions:
            df = _tables.parse_coded(ctx, regions[number])
            frames[f"table{number}"] = df
            if TABLES[number].code_system == "function":
                for code, name in zip(df["code"], df["name"]):
                    if isinstance(code, str):
                        printed.setdefault(code, name)
    for number in (1, 4):
        if number in regions:
            frames[f"table{number}"] = _tables.parse_balance(ctx, regions[number], printed)
    if 9 in regions:
        frames["table9"] = _tables.parse_three_public(ctx, regions[9], year)
    frames = {f"table{n}": frames[f"table{n}"] for n in sorted(regions)}

    notes = [{"table": n, "text": text, "line": line, "page": ctx.page(line)}
             for n, r in sorted(regions.items()) for line, text in r.notes]
    frames["notes"] = _tables._frame(notes, ["table", "text", "line", "page"])
    frames["contents"] = _tables._frame(
        [{"number": n, "title": contents.get(n, TABLES[n].title), "published": n in regions,
          "line": contents_lines.get(n)} for n in sorted(set(contents) | set(regions))],
        ["number", "title", "published", "line"],
    )
    table_lines = set()
    for r in regions.values():
        table_lines.update(range(r.title_line, r.end + 1))
    sections = _prose.sections(ctx, section_starts, table_lines | skip)
    frames["sections"] = sections
    frames["facts"] = _prose.facts(ctx, sections)
    for name, build in (("three_public", _prose.three_public), ("procurement", _prose.procurement),
                        ("statements", _prose.statements), ("items", _prose.items)):
        df = build(ctx, sections)
        if len(df):
            frames[name] = df
    frames["rounding"] = _tables._frame(
        ctx.rounded, ["table", "title", "line", "page", "column", "printed", "unit", "amount", "difference_fen"])
    warnings = list(ctx.warnings)
    if ctx.rounded:
        worst = max(abs(r["difference_fen"]) for r in ctx.rounded)
        warnings.append(f"{src.name}: {len(ctx.rounded)} amount(s) printed with 分 were rounded half up to whole 元 "
                        f"(largest change {worst} 分); see Budget.frame('rounding')")
    units = {str(n): r.unit for n, r in sorted(regions.items())}
    unit = regions[3].unit
    titles = {str(n): contents.get(n, TABLES[n].title) for n in sorted(set(contents) | set(regions))}
    meta = {
        "department": department,
        "year": year,
        "currency_unit": unit,
        "table_units": units,
        "amount_unit": "元",
        "template": TEMPLATE_ID,
        "budget_level": level,
        "source": src.name,
        "department_line": dept_line,
        "contents": titles,
        "published": sorted(regions),
        "listed_not_published": sorted(n for n in contents if n not in regions),
        "empty_tables": sorted(n for n, r in regions.items() if any("空表" in t for _, t in r.notes)),
        "fen": fen,
        "warnings": warnings,
    }
    if pages:
        meta["pages"] = max(pages)
    if extra_meta:
        meta.update(extra_meta)
    return Budget(frames, meta, source_text=src.text)


__all__ = ["detect", "parse", "TEMPLATE_ID", "TABLES", "table_label"]

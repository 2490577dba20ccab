"""Parser of the Shenzhen 12-table department budget template (the seed's)."""

from __future__ import annotations

import re

import pandas as pd

from ..budget import Budget
from ..frames import STRING, from_records
from .. import codes as _codes
from ..errors import BudgetkitError, CodeError, ParseError, TemplateError
from ..text import SourceText, clean_cell
from . import tables as _tables
from .template import TABLES, TEMPLATE_ID, table_label

_TITLE_RE = re.compile(r"^\s*(\d{4})\s*年\s*(.+?)\s*部门预算\s*$")


def detect(src: SourceText) -> bool:
    """True when the text looks like a Shenzhen 12-table disclosure."""
    return src.find(r"^\s*表\s*1\s*$") is not None and src.find(r"收支总表") is not None


def _title(src: SourceText) -> tuple[int, str, int]:
    for n, raw in enumerate(src.lines[:40], start=1):
        text = clean_cell(raw)
        if not text:
            continue
        m = _TITLE_RE.match(text)
        if m:
            return int(m.group(1)), re.sub(r"\s+", "", m.group(2)), n
        break
    raise TemplateError(
        "the first line is not a title like '2023 年<部门> 部门预算': not a department budget disclosure",
        file=src.name, table="title", line=1,
    )


def parse(src: SourceText, *, strict: bool = False) -> Budget:
    """Parse a Shenzhen 12-table disclosure into a :class:`~budgetkit.Budget`.

    Well-formed classification codes missing from budgetkit's reference list
    are kept with their printed names and reported in ``meta["warnings"]``;
    with ``strict=True`` they raise :class:`~budgetkit.errors.CodeError`.
    """
    from . import perf, prose  # the text parsers

    year, department, title_line = _title(src)
    seg = _tables.segment_tables(src)
    regions = seg.regions
    for required in (1, 3):
        if required not in regions:
            raise TemplateError(
                f"{table_label(required)} not found — truncated file, or not a Shenzhen 12-table disclosure",
                file=src.name, table=table_label(required),
            )
    frames: dict[str, pd.DataFrame] = {}
    warnings: list[str] = []
    unit = regions[1].unit
    for number, region in regions.items():
        if region.unit != unit:
            raise ParseError(f"amounts in {region.unit} while 表1 uses {unit}", file=src.name,
                             table=region.label, line=region.heading_line)
        if region.department and re.sub(r"\s+", "", region.department) != department:
            raise ParseError(
                f"部门名称 {region.department!r} differs from the document's department {department!r}",
                file=src.name, table=region.label, line=region.heading_line,
            )

    # coded expenditure tables first: their printed names help classify 表1/表6 lines
    printed: dict[str, str] = {}
    for number in (3, 7, 10, 11, 8):
        if number in regions:
            df = _tables.parse_expenditure(src, regions[number], TABLES[number])
            frames[f"table{number}"] = df
            if TABLES[number].code_system == "function":
                for code, name in zip(df["code"], df["name"]):
                    if isinstance(code, str) and code not in printed:
                        printed[code] = name
    for number in (3, 7, 10, 11, 8):
        df = frames.get(f"table{number}")
        if df is None:
            continue
        for code, line in zip(df["code"], df["line"]):
            if isinstance(code, str) and not _codes.parse(code).known:
                message = f"code {code} is not in budgetkit's reference list of {TABLES[number].code_system} codes"
                if strict:
                    raise CodeError(message, file=src.name, table=table_label(number), line=int(line))
                warnings.append(f"{src.name}, {table_label(number)}, line {int(line)}: {message}; printed name kept")
    for number in (1, 6):
        if number in regions:
            df, warn = _tables.parse_balance(src, regions[number], printed)
            frames[f"table{number}"] = df
            warnings.extend(warn)
    if 9 in regions:
        frames["table9"] = _tables.parse_three_public(src, regions[9], TABLES[9])
    if 12 in regions:
        region = regions[12]
        t12 = perf.parse_table12(src, region.heading_line, region.end)
        table12 = pd.concat([t12.tasks, t12.tasks_total], ignore_index=True)
        kinds = ["task"] * len(t12.tasks) + ["total"] * len(t12.tasks_total)
        table12.insert(0, "kind", pd.array(kinds, dtype=STRING))
        frames["table12"] = table12
        frames["tasks"] = t12.tasks
        frames["goals"] = t12.goals
        frames["indicators"] = t12.indicators
    for name, df in prose.parse_prose(src).items():
        frames[name] = df

    notes = [
        {"table": number, "text": text, "line": line}
        for number, region in sorted(regions.items())
        for line, text in region.notes
    ]
    frames["notes"] = from_records(notes, ["table", "text", "line"])
    contents = [
        {"number": n, "title": title, "published": n in regions, "line": seg.contents_lines.get(n)}
        for n, title in sorted(seg.contents.items())
    ]
    frames["contents"] = from_records(contents, ["number", "title", "published", "line"])

    meta = {
        "department": department,
        "year": year,
        "currency_unit": unit,
        "amount_unit": "元",
        "template": TEMPLATE_ID,
        "source": src.name,
        "title_line": title_line,
        "contents": {str(n): t for n, t in sorted(seg.contents.items())},
        "published": sorted(regions),
        "listed_not_published": sorted(n for n in seg.contents if n not in regions),
        "warnings": warnings,
    }
    return Budget(frames, meta, source_text=src.text)


__all__ = ["parse", "detect"]

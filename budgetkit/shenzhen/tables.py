"""Tables 1, 3 and 6–11 of the Shenzhen 12-table template.

The text of a table, as it comes out of the PDF, is a run of *page chunks*:
each page repeats ``表 N``, the title, ``部门名称：…``, ``单位：…`` and the
column header before its rows. :func:`segment_tables` finds the chunks, checks
that repeated headers agree, and merges them into one :class:`TableRegion` per
table; the layout parsers turn a region into a tidy DataFrame whose every row
knows the source line it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from .. import codes as _codes
from ..frames import from_records
from ..errors import AmountError, BudgetkitError, CodeError, ParseError, TemplateError, UnplacedNumberError
from ..money import UNIT_FACTORS, is_amount, parse_amount
from ..text import SourceText, clean_cell, has_marker, split_cells
from .template import BALANCE_TOTALS, CN_NUMERALS, REVENUE_LINES, TABLES, TableSpec, table_label

_TABLE_HEADING = re.compile(r"^\s*表\s*(\d{1,2})\s*$")
_CONTENTS_ITEM = re.compile(r"^\s*-?\s*[（(]([一二三四五六七八九十]+)[）)]\s*(\S.*?)\s*$")
_DEPT_LINE = re.compile(r"^\s*部门名称\s*[:：]\s*(.*?)\s*$")
_UNIT_LINE = re.compile(r"^\s*单位\s*[:：]\s*(\S+)\s*$")
_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|\d+\s*[.．、]\s*|[（(][一二三四五六七八九十\d]+[）)])\s*")
_CLASS_NUMBERING = re.compile(r"^\s*[一二三四五六七八九十]+、")


@dataclass
class TableRegion:
    """One table's lines, page chunks merged."""

    number: int
    title: str
    heading_line: int
    department: str | None
    unit: str
    header: list[list[str]]
    rows: list[int] = field(default_factory=list)  # data line numbers, in order
    notes: list[tuple[int, str]] = field(default_factory=list)
    end: int = 0
    pages: int = 1

    @property
    def label(self) -> str:
        return table_label(self.number)


@dataclass
class Segmentation:
    contents: dict[int, str]
    contents_lines: dict[int, int]
    tables_start: int  # first line of the tables part
    regions: dict[int, TableRegion]


def parse_contents(src: SourceText) -> tuple[dict[int, str], dict[int, int]]:
    """The contents list ``(一) 收支总表 …`` → ``{1: "收支总表", …}`` and their lines."""
    start = src.find(r"^\s*二、\s*表格部分\s*$")
    contents: dict[int, str] = {}
    lines: dict[int, int] = {}
    if start is None:
        return contents, lines
    n = start + 1
    while n <= len(src):
        text = src.line(n).strip()
        if text.startswith("一、") or _TABLE_HEADING.match(text) or text.startswith("第"):
            break
        m = _CONTENTS_ITEM.match(text)
        if m and m.group(1) in CN_NUMERALS:
            contents[CN_NUMERALS[m.group(1)]] = clean_cell(m.group(2))
            lines[CN_NUMERALS[m.group(1)]] = n
        n += 1
    return contents, lines


def segment_tables(src: SourceText) -> Segmentation:
    """Find every table of the tables part and merge its page chunks."""
    contents, contents_lines = parse_contents(src)
    headings = [n for n in range(1, len(src) + 1) if _TABLE_HEADING.match(src.line(n))]
    if not headings:
        raise TemplateError(
            "no '表 N' table headings found: not a Shenzhen 12-table department budget "
            "(or the file is truncated before its tables part)",
            file=src.name,
        )
    regions: dict[int, TableRegion] = {}
    bounds = headings + [len(src) + 1]
    for i, h in enumerate(headings):
        number = int(_TABLE_HEADING.match(src.line(h)).group(1))
        chunk = _read_chunk(src, number, h, bounds[i + 1] - 1)
        prev = regions.get(number)
        if prev is None:
            regions[number] = chunk
            continue
        if chunk.header != prev.header:
            raise ParseError(
                "the column header repeated after a page break differs from the table's first header",
                file=src.name, table=chunk.label, line=h,
            )
        if chunk.unit != prev.unit:
            raise ParseError(
                f"unit changes across pages ({prev.unit} → {chunk.unit})",
                file=src.name, table=chunk.label, line=h,
            )
        prev.rows.extend(chunk.rows)
        prev.notes.extend(chunk.notes)
        prev.end = chunk.end
        prev.pages += 1
    return Segmentation(contents, contents_lines, headings[0], regions)


def _read_chunk(src: SourceText, number: int, heading: int, last: int) -> TableRegion:
    label = table_label(number)
    n = heading + 1
    title = department = unit = None
    title_line = None
    # title, 部门名称, 单位 — in this order, blank lines between
    while n <= last:
        text = clean_cell(src.line(n))
        n += 1
        if not text:
            continue
        if title is None and "\t" not in src.line(n - 1) and not _DEPT_LINE.match(text) and not _UNIT_LINE.match(text):
            title, title_line = text, n - 1
            continue
        m = _DEPT_LINE.match(text)
        if m:
            department = m.group(1) or None
            continue
        m = _UNIT_LINE.match(text)
        if m:
            unit = m.group(1)
            break
        raise ParseError(
            f"expected the table's title, 部门名称 and 单位 lines, found {text[:30]!r}",
            file=src.name, table=label, line=n - 1,
        )
    if title is None or unit is None:
        raise ParseError(
            "the table is missing its header (title / 单位 line) — truncated file?",
            file=src.name, table=label, line=heading,
        )
    if unit not in UNIT_FACTORS:
        raise ParseError(f"unknown currency unit {unit!r}", file=src.name, table=label, line=n - 1)
    spec = TABLES.get(number)
    if spec is not None and _norm_title(spec.title) != _norm_title(title):
        raise ParseError(
            f"table {number} should be {spec.title!r} in this template, found {title!r}",
            file=src.name, table=label, line=title_line,
        )
    header: list[list[str]] = []
    rows: list[int] = []
    notes: list[tuple[int, str]] = []
    in_data = False
    while n <= last:
        raw = src.line(n)
        text = clean_cell(raw)
        if not text:
            n += 1
            continue
        if "\t" not in raw:
            # a note (注：…) or other free text under the table
            notes.append((n, text))
        elif not in_data and not any(is_amount(c) for c in split_cells(raw)) and number != 12:
            if notes:
                raise ParseError("table text after the table's notes", file=src.name, table=label, line=n)
            header.append([c for c in split_cells(raw)])
        else:
            if notes and number != 12:
                raise ParseError("table rows after the table's notes", file=src.name, table=label, line=n)
            in_data = True
            rows.append(n)
        n += 1
    if number != 12 and not header:
        raise ParseError("the table has no column header line", file=src.name, table=label, line=heading)
    return TableRegion(number, title, heading, department, unit, _trim(header), rows, notes, last)


def _norm_title(t: str) -> str:
    return re.sub(r"[\s“”\"'()（）]", "", t)


def _trim(header: list[list[str]]) -> list[list[str]]:
    out = []
    for cells in header:
        while cells and not cells[-1]:
            cells = cells[:-1]
        out.append(cells)
    return out


# ---------------------------------------------------------------- layouts


def _amount(cell: str, unit: str, *, src: SourceText, region: TableRegion, line: int, column: str) -> int:
    if not cell:
        raise AmountError(f"empty cell in column {column!r}", file=src.name, table=region.label, line=line)
    try:
        return parse_amount(cell, unit)
    except AmountError as exc:
        raise AmountError(
            f"column {column!r}: {exc.reason}", file=src.name, table=region.label, line=line
        ) from None


def _cells(src: SourceText, n: int) -> tuple[list[str], list[str]]:
    raw = src.line(n).rstrip("\r\n").split("\t")
    while raw and not raw[-1].strip():
        raw.pop()
    return raw, [clean_cell(c) for c in raw]


def parse_expenditure(src: SourceText, region: TableRegion, spec: TableSpec) -> pd.DataFrame:
    """Code-classified expenditure tables (表3, 7, 8, 10, 11)."""
    amounts = spec.amount_columns
    width = 3 + len(amounts)
    records = []
    unit_name = None
    for n in region.rows:
        raw, cells = _cells(src, n)
        if len(cells) > width:
            extra = [c for c in cells[width:] if c]
            if extra:
                raise UnplacedNumberError(
                    f"{len(cells)} cells where the table has {width} columns; cannot place {extra!r}",
                    file=src.name, table=region.label, line=n,
                )
        cells = (cells + [""] * width)[:width]
        raw = (raw + [""] * width)[:width]
        unit_cell, code_cell, name_cell = cells[0], cells[1], cells[2]
        if unit_cell:
            unit_name = unit_cell
        if code_cell:
            try:
                code = _codes.parse(code_cell, system=spec.code_system)
            except CodeError as exc:
                raise CodeError(exc.reason, file=src.name, table=region.label, line=n) from None
            if not name_cell:
                raise ParseError(f"code {code.code} has no name", file=src.name, table=region.label, line=n)
            kind, code_str, level = "item", code.code, code.level
        elif unit_cell and not name_cell:
            kind, code_str, level = "total", None, 0
        else:
            raise ParseError(
                "row has neither a classification code nor a budget unit", file=src.name, table=region.label, line=n
            )
        rec = {
            "unit": unit_name,
            "kind": kind,
            "code": code_str,
            "level": level,
            "name": name_cell if code_str else unit_cell,
            "marker": has_marker(raw[2]) or None,
        }
        for i, col in enumerate(amounts):
            rec[col.name] = _amount(cells[3 + i], region.unit, src=src, region=region, line=n, column=col.label)
        rec["line"] = n
        rec["line_end"] = n
        records.append(rec)
    if not records:
        raise ParseError("the table has no rows", file=src.name, table=region.label, line=region.heading_line)
    if records[0]["kind"] != "total":
        raise ParseError(
            "the first row must be the budget unit's total row", file=src.name, table=region.label, line=records[0]["line"]
        )
    columns = ["unit", "kind", "code", "level", "name", "marker"] + [c.name for c in amounts] + ["line", "line_end"]
    return from_records(records, columns)


def _strip_numbering(label: str) -> str:
    return _NUMBERING.sub("", label).strip()


def parse_balance(
    src: SourceText,
    region: TableRegion,
    printed: dict[str, str],
) -> tuple[pd.DataFrame, list[str]]:
    """Two-sided balance tables (表1 收支总表, 表6 政府预算拨款收支总表).

    ``printed`` maps functional codes to the names printed in the document's
    coded tables (表3/7/10); expenditure lines are given codes by matching
    their names within the 类 → 款 → 项 hierarchy, so 表1 can be compared
    line by line with 表3. Returns the table and warnings (lines that could
    not be given a code; they are kept, with code NA).
    """
    records = []
    warnings: list[str] = []
    classifier = _Classifier(printed)
    for n in region.rows:
        raw, cells = _cells(src, n)
        if len(cells) > 4 and any(cells[4:]):
            raise UnplacedNumberError(
                f"cannot place {[c for c in cells[4:] if c]!r} beyond the 4 columns of the table",
                file=src.name, table=region.label, line=n,
            )
        cells = (cells + [""] * 4)[:4]
        for side, (label, value) in (("income", cells[0:2]), ("expenditure", cells[2:4])):
            if not label and not value:
                continue
            if not label:
                raise UnplacedNumberError(
                    f"amount {value!r} on the {side} side has no item label",
                    file=src.name, table=region.label, line=n,
                )
            amount = _amount(value, region.unit, src=src, region=region, line=n, column=f"{side}: {label}")
            name = _strip_numbering(label)
            code = None
            level = None
            if name in BALANCE_TOTALS:
                expected_side, kind = BALANCE_TOTALS[name]
                if expected_side != side:
                    raise ParseError(f"{name!r} on the {side} side", file=src.name, table=region.label, line=n)
            elif side == "income":
                kind = "item"
                if _CLASS_NUMBERING.match(label):
                    level = 1
                elif re.match(r"^\s*\d", label):
                    level = 2
                else:
                    level = REVENUE_LINES.get(name)
            else:
                kind = "item"
                try:
                    code = classifier.classify(name, is_class=bool(_CLASS_NUMBERING.match(label)))
                except _Unclassified as exc:
                    warnings.append(f"{src.name}, {region.label}, line {n}: {exc}")
                level = len(code) // 2 if code else None  # 3→1, 5→2, 7→3
            records.append(
                {"side": side, "label": label, "name": name, "kind": kind, "level": level,
                 "code": code, "amount": amount, "line": n, "line_end": n}
            )
    if not records:
        raise ParseError("the table has no rows", file=src.name, table=region.label, line=region.heading_line)
    order = {"income": 0, "expenditure": 1}
    records.sort(key=lambda r: (order[r["side"]], r["line"]))  # income first, each side in published order
    df = from_records(records, ["side", "label", "name", "kind", "level", "code", "amount", "line", "line_end"])
    for side, total in (("income", "收入总计"), ("expenditure", "支出总计")):
        if not ((df["side"] == side) & (df["name"] == total)).any():
            raise ParseError(
                f"the table ends without its {total} line — truncated?",
                file=src.name, table=region.label, line=region.end,
            )
    return df, warnings


class _Unclassified(Exception):
    pass


@lru_cache(maxsize=1)
def _reference_names() -> dict[str, frozenset[str]]:
    """Functional code → its official and former names (normalised), from the shipped list."""
    ref = _codes.reference("function")
    out: dict[str, frozenset[str]] = {}
    for code, name, aliases in zip(ref["code"], ref["name"], ref["aliases"]):
        names = {_codes.normalise_name(n) for n in (name, *aliases) if isinstance(n, str) and n}
        out[str(code)] = frozenset(names)
    return out


class _Classifier:
    """Give functional codes to the unnumbered expenditure lines of a balance table.

    A line's name is looked up among the codes the document prints in its coded
    tables (表3/7/10) and the shipped reference list (which knows former names,
    e.g. 21305 扶贫 → 巩固脱贫攻坚成果衔接乡村振兴), restricted to the children
    of the current 款 (a 项) or of the current 类 (a 款) — so the same name at
    two levels (20699 / 2069999 其他科学技术支出) resolves by position.
    """

    def __init__(self, printed: dict[str, str]) -> None:
        names: dict[str, set[str]] = {c: set(n) for c, n in _reference_names().items()}
        for code, name in printed.items():
            names.setdefault(code, set()).add(_codes.normalise_name(name))
        self.names = names
        self.by_parent: dict[str | None, list[str]] = {}
        for code in sorted(names):
            parent = None if len(code) == 3 else code[: len(code) - 2]
            self.by_parent.setdefault(parent, []).append(code)
        self.cls: str | None = None
        self.kuan: str | None = None

    def _find(self, parent: str | None, name: str) -> list[str]:
        want = _codes.normalise_name(name)
        return [c for c in self.by_parent.get(parent, ()) if want in self.names[c]]

    def classify(self, name: str, *, is_class: bool) -> str:
        if is_class:
            found = self._find(None, name)
            if len(found) != 1:
                self.cls = self.kuan = None
                raise _Unclassified(f"no unique 类 code for {name!r}")
            self.cls, self.kuan = found[0], None
            return self.cls
        if self.cls is None:
            raise _Unclassified(f"{name!r} is not under a numbered 类 line")
        if self.kuan is not None:
            found = self._find(self.kuan, name)
            if len(found) == 1:
                return found[0]
        found = self._find(self.cls, name)
        if len(found) == 1:
            self.kuan = found[0]
            return self.kuan
        raise _Unclassified(f"no unique 款/项 code for {name!r} under 类 {self.cls}")


def parse_three_public(src: SourceText, region: TableRegion, spec: TableSpec) -> pd.DataFrame:
    """表9 一般公共预算“三公”经费支出表: one row per year and the change row."""
    amounts = spec.amount_columns
    width = 2 + len(amounts)
    records = []
    unit_name = None
    for n in region.rows:
        raw, cells = _cells(src, n)
        if len(cells) > width and any(cells[width:]):
            raise UnplacedNumberError(
                f"cannot place {[c for c in cells[width:] if c]!r}", file=src.name, table=region.label, line=n
            )
        cells = (cells + [""] * width)[:width]
        if cells[0]:
            unit_name = cells[0]
        period = cells[1]
        m = re.match(r"^(\d{4})\s*年$", period)
        if m:
            kind, year = "budget", int(m.group(1))
        elif "增减" in period or "变化" in period:
            kind, year = "change", None
        else:
            raise ParseError(f"unknown period {period!r} (expected 'YYYY 年' or 增减变化金额)",
                             file=src.name, table=region.label, line=n)
        rec = {"unit": unit_name, "period": period, "kind": kind, "year": year}
        for i, col in enumerate(amounts):
            rec[col.name] = _amount(cells[2 + i], region.unit, src=src, region=region, line=n, column=col.label)
        rec["line"] = n
        rec["line_end"] = n
        records.append(rec)
    if not records:
        raise ParseError("the table has no rows", file=src.name, table=region.label, line=region.heading_line)
    columns = ["unit", "period", "kind", "year"] + [c.name for c in amounts] + ["line", "line_end"]
    return from_records(records, columns)

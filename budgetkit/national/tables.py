"""Tables 1–9 of the national 9-table template: segmentation and layout parsers.

Input is a document's text (a ``.txt`` file, or the text a PDF renders to, see
:mod:`budgetkit.pdf`), optionally with the PDF's geometry. A table line is read
in one of three ways, the first that applies:

1. **cells** — the line holds TABs: cells are positional, an empty cell is
   empty (PDF tables with ruling lines render this way; hand-written text
   should too);
2. **words with x positions** — a PDF table printed without ruling lines: the
   amount columns are placed by the x position of the column labels of the
   header (:func:`budgetkit.pdf.cells_by_anchors`);
3. **plain words** — text without TABs or geometry: accepted only when it is
   unambiguous (every amount cell of the row is printed); otherwise
   :class:`~budgetkit.errors.UnplacedNumberError` — an amount is never placed
   by guessing.

An empty amount cell means 0 元 (the template leaves zeros blank, or prints 0).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from .. import codes as _codes
from ..errors import AmountError, CodeError, ParseError, TemplateError, UnplacedNumberError
from ..money import UNIT_FACTORS, is_amount, to_decimal
from ..pdf import PAGE_BREAK, PdfLine, cells_by_anchors
from ..text import SourceText, clean_cell
from .template import BALANCE_TOTALS, TABLES, Column, TableSpec, match_title, table_label

_UNIT_RE = re.compile(r"(?:^|[\s\t])(?:金额)?单位\s*[:：]\s*(万元|亿元|元)\s*$")
_DEPT_RE = re.compile(r"编制(?:部门|单位)\s*[:：]\s*(.*?)(?=\s*(?:(?:金额)?单位\s*[:：])|\t|$)")
_NUMBERING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|\d{1,2}\s*(?:[．、]|\.(?=\D|\d{4}))|[（(][一二三四五六七八九十\d]+[）)])\s*"
)
_CLASS_NUMBERING = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")
_TOTAL_WORDS = {"合计", "总计"}
_FEN_MODES = ("round", "raise")


class Context:
    """What the layout parsers share: the text, its geometry, the 分 mode, collected warnings."""

    def __init__(self, src: SourceText, pages: list[int] | None, geometry: dict[int, PdfLine] | None,
                 fen: str = "round") -> None:
        if fen not in _FEN_MODES:
            raise ValueError(f"fen must be one of {_FEN_MODES}, not {fen!r}")
        self.src = src
        self.pages = pages
        self.geometry = geometry or {}
        self.fen = fen
        self.warnings: list[str] = []
        self.rounded: list[dict] = []

    def cells(self, n: int, grid: tuple[float, ...] = ()) -> list[str]:
        """The cells of line ``n``.

        For a PDF line whose ruling differs from the table's column grid
        ``grid`` (e.g. a 合计 row alone on a page, drawn with merged cells),
        the words are placed in the table's grid by their x position.
        """
        geo = self.geometry.get(n)
        if geo is not None and geo.rules and grid and len(geo.rules) != len(grid):
            return [clean_cell(_nfkc(" ".join(w.text for w in ws)))
                    for ws in cells_by_anchors(geo.words, list(grid[1:-1]))]
        return _line_cells(self.src.line(n))

    def page(self, line: int) -> int | None:
        return self.pages[line - 1] if self.pages else None

    def where(self, line: int) -> str:
        p = self.page(line)
        return f"line {line}" + (f" (page {p})" if p else "")

    def warn(self, table: str | None, line: int | None, message: str) -> None:
        parts = [self.src.name]
        if table:
            parts.append(table)
        if line:
            parts.append(self.where(line))
        self.warnings.append(", ".join(parts) + ": " + message)

    def error(self, cls, message: str, table: str | None, line: int | None):
        p = self.page(line) if line else None
        msg = message + (f" (page {p})" if p else "")
        return cls(msg, file=self.src.name, table=table, line=line)

    # ------------------------------------------------------------ money
    def yuan(self, text: str, unit: str, *, table: str, line: int, column: str) -> int:
        """A printed amount in ``unit`` → integer 元; blank → 0.

        Amounts with 分 (``31,214,205.80`` 元): ``fen="round"`` rounds half up
        to whole 元 and records the cell in :attr:`rounded` (shown as the
        Budget's ``rounding`` table and a warning); ``fen="raise"`` raises
        :class:`AmountError` naming the cell.
        """
        text = _nfkc(text).strip()
        if not text or text in {"-", "—", "－"}:
            return 0
        try:
            value = to_decimal(text) * UNIT_FACTORS[unit]
        except AmountError:
            raise self.error(AmountError, f"column {column!r}: not an amount: {text!r}", table, line) from None
        whole = value.to_integral_value(rounding=ROUND_HALF_UP)
        if whole != value:
            if self.fen == "raise":
                raise self.error(
                    AmountError,
                    f"column {column!r}: {text} {unit} is not a whole number of 元 "
                    "(read with fen='round' to round to whole 元 and list the rounded cells)",
                    table, line,
                )
            number = re.match(r"表(\d+)", table)
            self.rounded.append({"table": int(number.group(1)) if number else None, "title": table, "line": line, "page": self.page(line), "column": column,
                                 "printed": text, "unit": unit, "amount": int(whole),
                                 "difference_fen": int((value - whole) * 100)})
        return int(whole)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _norm(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’()（）]", "", _nfkc(text))


# ---------------------------------------------------------------- segmentation


@dataclass
class Region:
    """One table: its title, unit, header and row lines (page chunks merged)."""

    number: int
    title: str
    title_line: int
    unit: str | None = None
    unit_line: int | None = None
    department: str | None = None
    header: list[int] = field(default_factory=list)  # header lines of the first chunk
    rows: list[int] = field(default_factory=list)
    notes: list[tuple[int, str]] = field(default_factory=list)
    repeated_headers: list[int] = field(default_factory=list)
    end: int = 0
    pages: set = field(default_factory=set)
    grid: tuple[float, ...] = ()  # PDF: x of the column rules of the header (the widest)

    @property
    def label(self) -> str:
        return table_label(self.number)

    @property
    def spec(self) -> TableSpec:
        return TABLES[self.number]


def find_titles(src: SourceText, skip: set[int]) -> list[tuple[int, int, bool]]:
    """``(line, table number, continuation)`` of every table title line.

    A title must be followed (within 3 non-blank lines) by the ``编制部门 /
    单位`` line — this keeps contents-list entries and prose out.
    """
    out = []
    for n, raw in enumerate(src.lines, start=1):
        if n in skip or "\t" in raw.strip("\t"):
            continue
        hit = match_title(raw)
        if hit is None:
            continue
        ahead = [src.line(k) for k in range(n + 1, min(len(src), n + 6) + 1) if src.line(k).strip(" \t\f")][:3]
        if any(_UNIT_RE.search(_nfkc(a).replace("\t", " ").rstrip()) or "编制部门" in a or "编制单位" in a
               for a in ahead):
            out.append((n, hit[0], hit[1]))
    return out


def is_section_heading(raw: str) -> str | None:
    """The section kind when ``raw`` is a narrative heading (``其他相关情况说明`` …)."""
    from .template import SECTION_KINDS

    if "\t" in raw:
        return None
    text = clean_cell(raw)
    if not text or len(text) > 40 or any(ch in text for ch in "，。；;：:、") and not _NUMBERING.match(text):
        return None
    text = _NUMBERING.sub("", text)
    if any(ch in text for ch in "，。；;：:"):
        return None
    for suffix, kind in SECTION_KINDS:
        if text.endswith(suffix):
            return kind
    return None


def segment(ctx: Context, skip: set[int]) -> tuple[dict[int, Region], list[int]]:
    """Find the tables; returns regions by number and the lines where narrative sections begin."""
    src = ctx.src
    titles = find_titles(src, skip)
    regions: dict[int, Region] = {}
    if not titles:
        return regions, []
    for i, (line, number, cont) in enumerate(titles):
        nxt = titles[i + 1][0] if i + 1 < len(titles) else len(src) + 1
        end = nxt - 1
        for k in range(line + 1, nxt):
            if is_section_heading(src.line(k)):
                end = k - 1
                break
        prev = regions.get(number)
        chunk = _read_region(ctx, number, line, end)
        if prev is None:
            if cont:
                ctx.warn(chunk.label, line, "continuation title (续) without the table's first page")
            regions[number] = chunk
            continue
        # the same table again: a continuation page with its title repeated
        if chunk.unit != prev.unit:
            raise ctx.error(ParseError, f"unit changes across pages ({prev.unit} → {chunk.unit})", chunk.label, line)
        if chunk.header and prev.header and _header_key(src, chunk.header) != _header_key(src, prev.header):
            raise ctx.error(ParseError, "the column header repeated on a later page differs from the first one",
                            chunk.label, chunk.header[0])
        if prev.notes and chunk.rows:
            raise ctx.error(ParseError, "table rows after the table's notes", chunk.label, chunk.rows[0])
        prev.rows.extend(chunk.rows)
        prev.notes.extend(chunk.notes)
        prev.repeated_headers.extend(chunk.header + chunk.repeated_headers)
        prev.end = chunk.end
        prev.pages |= chunk.pages
    sections = [k for k in range(1, len(src) + 1) if k not in skip and is_section_heading(src.line(k))]
    return regions, sections


def _header_key(src: SourceText, lines: list[int]) -> list[str]:
    return [_norm(src.line(n)) for n in lines]


def _line_cells(raw: str) -> list[str]:
    return [clean_cell(_nfkc(c)) for c in raw.split("\t")]


def _tokens(raw: str) -> list[str]:
    return [t for t in re.split(r"[\s\u3000]+", clean_cell(_nfkc(raw))) if t]


def _is_code_token(tok: str) -> bool:
    return bool(re.fullmatch(r"\d{3}(?:\s*\d{1,2}){0,2}|\d{5}|\d{7}", tok))


def _is_data_line(raw: str, layout: str) -> bool:
    cells = _line_cells(raw) if "\t" in raw else _tokens(raw)
    nonempty = [c for c in cells if c]
    if not nonempty:
        return False
    if any(is_amount(c) and not _is_code_token(c) for c in nonempty):
        return True
    if layout == "balance":
        return any(_NUMBERING.match(c) or any(w in c for w in ("总计",)) for c in nonempty)
    if layout == "coded" and _is_code_token(nonempty[0]):
        return True
    return all(c in _TOTAL_WORDS or is_amount(c) for c in nonempty)


def _is_note(text: str) -> bool:
    return text.startswith(("注", "说明：", "说明:", "备注")) or "空表" in text


def _read_region(ctx: Context, number: int, title_line: int, end: int) -> Region:
    src = ctx.src
    spec = TABLES[number]
    region = Region(number, clean_cell(src.line(title_line)), title_line, end=end)
    label = region.label
    if ctx.page(title_line):
        region.pages.add(ctx.page(title_line))
    n = title_line + 1
    # 编制部门 / 单位 (one line, or two)
    while n <= end:
        raw = src.line(n)
        flat = _nfkc(raw).replace("\t", " ").strip()
        if not flat or flat == PAGE_BREAK:
            n += 1
            continue
        m = _DEPT_RE.search(flat)
        if m and region.department is None:
            region.department = re.sub(r"\s+", "", m.group(1)) or None
        u = _UNIT_RE.search(flat)
        if u:
            region.unit, region.unit_line = u.group(1), n
            n += 1
            break
        if m:
            n += 1
            continue
        raise ctx.error(ParseError, f"expected '编制部门：… 单位：元' after the title, found {flat[:30]!r}", label, n)
    if region.unit is None:
        raise ctx.error(ParseError, "the table has no '单位：' line (currency unit) — truncated?", label, title_line)
    in_header = True  # at the top of a page: header lines (first page) or repeated ones
    seen_data = False
    first_header: list[str] = []
    while n <= end:
        raw = src.line(n)
        text = clean_cell(_nfkc(raw).replace("\t", " "))
        if raw.startswith(PAGE_BREAK):
            in_header = True
            n += 1
            continue
        if not text:
            n += 1
            continue
        if ctx.page(n):
            region.pages.add(ctx.page(n))
        if _is_note(text) and "\t" not in raw.strip("\t"):
            region.notes.append((n, text))
            n += 1
            continue
        if region.notes:
            if _is_data_line(raw, spec.layout):
                raise ctx.error(ParseError, "table rows after the table's notes", label, n)
            region.notes.append((n, text))  # a note's second line
            n += 1
            continue
        if _is_data_line(raw, spec.layout):
            in_header = False
            seen_data = True
            region.rows.append(n)
        elif in_header and not seen_data:
            region.header.append(n)
            first_header.append(_norm(raw))
        elif in_header:
            if _norm(raw) not in first_header:
                raise ctx.error(ParseError, f"unexpected line at the top of a continuation page: {text[:30]!r} "
                                "(not a repeat of the table's header)", label, n)
            region.repeated_headers.append(n)
        else:
            region.rows.append(n)  # a non-amount line amid rows (e.g. a wrapped name); the layout decides
        n += 1
    if not region.header:
        raise ctx.error(ParseError, "the table has no column header", label, region.unit_line)
    grids = [ctx.geometry[k].rules for k in region.header if k in ctx.geometry and ctx.geometry[k].rules]
    if grids:
        region.grid = max(grids, key=len)
    return region


# ---------------------------------------------------------------- coded tables


@dataclass
class CodedLayout:
    """Where code, name and amount columns are in a coded table."""

    mode: str  # cells | words | plain
    code_cols: list[int] = field(default_factory=list)
    name_col: int = 0
    amount_cols: list[tuple[int, Column]] = field(default_factory=list)  # cells: (index, column)
    order: list[Column] = field(default_factory=list)  # plain/words: amount columns left to right
    bounds: list[float] = field(default_factory=list)  # words: x boundaries between amount columns


def _header_grid(src: SourceText, lines: list[int]) -> list[list[str]]:
    grid = [_line_cells(src.line(n)) for n in lines]
    width = max(len(r) for r in grid)
    return [r + [""] * (width - len(r)) for r in grid]


def _match_columns(ctx: Context, region: Region, texts: dict[int, list[str]], columns: tuple[Column, ...],
                   first: int) -> list[tuple[int, Column]]:
    """Header cells of each column index ≥ ``first`` → the amount column it is."""
    found: list[tuple[int, Column]] = []
    used: set[str] = set()
    for idx in sorted(texts):
        if idx < first:
            continue
        cells = [t for t in texts[idx] if t]
        if not cells:
            continue
        hit = None
        for candidate in (_norm(cells[-1]), _norm("".join(cells))):
            matches = [c for c in columns if c.name not in used and c.matches(candidate)]
            if len(matches) == 1:
                hit = matches[0]
                break
            if len(matches) > 1:
                # the most specific: the pattern that matches the bottom cell exactly
                exact = [c for c in matches if _norm(c.label) == candidate]
                if len(exact) == 1:
                    hit = exact[0]
                    break
        if hit is None:
            continue
        used.add(hit.name)
        found.append((idx, hit))
    missing = [c.label for c in columns if c.name not in used]
    if missing:
        raise ctx.error(ParseError, f"column(s) {', '.join(missing)} not found in the table's header",
                        region.label, region.header[0])
    return found


def coded_layout(ctx: Context, region: Region, *, coded: bool = True) -> CodedLayout:
    src = ctx.src
    spec = region.spec
    header_lines = region.header
    if any("\t" in src.line(n) for n in header_lines):
        grid = _header_grid(src, [n for n in header_lines if "\t" in src.line(n)])
        width = len(grid[0])
        texts = {i: [row[i] for row in grid] for i in range(width)}
        if not coded:
            return CodedLayout("cells", [], -1, sorted(_match_columns(ctx, region, texts, spec.columns, 0)))
        level_cols = [i for i in range(width) if any(row[i] in ("类", "款", "项") for row in grid)]
        if level_cols:
            code_cols = level_cols
        else:
            code_cols = [0]
        name_col = code_cols[-1] + 1
        for i in range(code_cols[-1] + 1, width):
            if any("名称" in t for t in texts[i]):
                name_col = i
                break
        amount_cols = _match_columns(ctx, region, texts, spec.columns, name_col + 1)
        return CodedLayout("cells", code_cols, name_col, sorted(amount_cols))
    geo = [ctx.geometry.get(n) for n in header_lines]
    if all(g is not None for g in geo):
        return _words_layout(ctx, region, [g for g in geo if g is not None], spec.columns)
    # plain text: amount columns in the order their labels appear in the header
    joined = _norm("".join(src.line(n) for n in header_lines))
    positions = []
    for col in spec.columns:
        pos = joined.find(_norm(col.label)) if col.name != "total" else max(joined.find("合计"), joined.find("小计"))
        if pos < 0:
            raise ctx.error(ParseError, f"column {col.label} not found in the table's header", region.label,
                            header_lines[0])
        positions.append((pos, col))
    return CodedLayout("plain", order=[c for _, c in sorted(positions, key=lambda t: t[0])])


def _words_layout(ctx: Context, region: Region, header: list[PdfLine], columns: tuple[Column, ...]) -> CodedLayout:
    """Unruled PDF table: amount columns from the x positions of their header labels."""
    words = [w for line in header for w in line.words]
    anchors = []
    used: set[int] = set()
    for col in columns:
        hits = [i for i, w in enumerate(words) if i not in used and col.matches(_norm(w.text))]
        exact = [i for i in hits if _norm(words[i].text) == _norm(col.label)]
        pick = exact or hits
        if not pick:
            raise ctx.error(ParseError, f"column {col.label} not found in the table's header", region.label,
                            region.header[0])
        i = max(pick, key=lambda k: words[k].top)  # the bottom-most label
        used.add(i)
        anchors.append((words[i], col))
    anchors.sort(key=lambda t: t[0].x0)
    bounds = [(a.x1 + b.x0) / 2 for (a, _), (b, _) in zip(anchors, anchors[1:])]
    return CodedLayout("words", order=[c for _, c in anchors], bounds=bounds)


@dataclass
class RowCells:
    code_parts: list[str]
    name: str
    amounts: dict[str, str]  # column name → printed text ("" when empty)


def _split_plain(tokens: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Plain tokens → (code tokens, name tokens, trailing amount tokens)."""
    code: list[str] = []
    i = 0
    while i < len(tokens) and len(code) < 3 and re.fullmatch(r"\d{1,7}", tokens[i]):
        code.append(tokens[i])
        i += 1
    j = len(tokens)
    while j > i and is_amount(tokens[j - 1]):
        j -= 1
    return code, tokens[i:j], tokens[j:]


def row_cells(ctx: Context, region: Region, layout: CodedLayout, n: int) -> RowCells:
    raw = ctx.src.line(n)
    label = region.label
    if "\t" in raw and layout.mode == "cells":
        cells = ctx.cells(n, region.grid)
        width = max(layout.name_col + 1, max((i for i, _ in layout.amount_cols), default=0) + 1)
        extra = [c for c in cells[width:] if c]
        if extra:
            raise ctx.error(UnplacedNumberError, f"cannot place {extra!r}: the table has {width} columns", label, n)
        cells = cells + [""] * (width - len(cells))
        known = set(layout.code_cols) | {layout.name_col} | {i for i, _ in layout.amount_cols}
        stray = [cells[i] for i in range(width) if i not in known and cells[i]]
        if stray:
            raise ctx.error(UnplacedNumberError, f"cannot place {stray!r}: no such column in the header", label, n)
        return RowCells([cells[i] for i in layout.code_cols], cells[layout.name_col],
                        {col.name: cells[i] for i, col in layout.amount_cols})
    if "\t" in raw:
        raise ctx.error(ParseError, "a TAB-separated row in a table whose header has no TABs", label, n)
    geo = ctx.geometry.get(n)
    if layout.mode == "words" and geo is not None:
        tokens = [w.text for w in geo.words]
        code, name, amounts = _split_plain(tokens)
        amount_words = geo.words[len(geo.words) - len(amounts):] if amounts else []
        columns = cells_by_anchors(amount_words, layout.bounds)
        out = {}
        for col, ws in zip(layout.order, columns):
            if len(ws) > 1:
                raise ctx.error(UnplacedNumberError, f"two amounts {[w.text for w in ws]!r} fall in column "
                                f"{col.label!r}", label, n)
            out[col.name] = ws[0].text if ws else ""
        return RowCells(code, " ".join(name), out)
    if layout.mode == "cells":
        raise ctx.error(ParseError, "a row without TAB-separated cells in a table whose header has them", label, n)
    tokens = _tokens(raw)
    code, name, amounts = _split_plain(tokens)
    if amounts and len(amounts) != len(layout.order):
        raise ctx.error(
            UnplacedNumberError,
            f"{len(amounts)} amount(s) for {len(layout.order)} columns and no cell boundaries (TABs or PDF "
            f"geometry) to tell which cells are empty: {amounts!r}", label, n,
        )
    return RowCells(code, " ".join(name), {c.name: (amounts[i] if amounts else "") for i, c in enumerate(layout.order)})


def parse_code(ctx: Context, region: Region, parts: list[str], system: str, n: int) -> tuple[str, int] | None:
    """Code cells (``201 | 13 | 01``, ``2011301`` or ``201 13 01``) → (normalised code, level).

    A one-digit 款/项 segment printed without its leading zero (``301 | 2``) is
    read as ``02`` with a warning. Well-formed codes of a system budgetkit does
    not know (e.g. ``5xx`` 政府预算支出经济分类) are kept as printed, with a warning.
    """
    label = region.label
    cells = [_nfkc(p).strip() for p in parts]
    if not any(cells):
        return None
    if len(cells) > 1:
        seen_gap = False
        for c in cells:
            if not c:
                seen_gap = True
            elif seen_gap:
                raise ctx.error(CodeError, f"code cells {cells!r}: a segment after an empty one", label, n)
        segments = [c for c in cells if c]
        if len(segments) == 1 and re.fullmatch(r"\d{5}|\d{7}", segments[0]):
            segments = [segments[0][:3], segments[0][3:5], segments[0][5:7]][: (len(segments[0]) - 1) // 2]
    else:
        text = cells[0]
        if re.fullmatch(r"\d{3}|\d{5}|\d{7}", text):
            segments = [text[:3], text[3:5], text[5:7]][: (len(text) - 1) // 2]
        else:
            segments = text.split()
    if not segments or len(segments) > 3 or not all(re.fullmatch(r"\d+", s) for s in segments):
        raise ctx.error(CodeError, f"not a classification code: {' '.join(cells)!r}", label, n)
    if len(segments[0]) != 3 or any(len(s) not in (1, 2) for s in segments[1:]):
        raise ctx.error(CodeError, f"not a classification code: {' '.join(segments)!r} "
                        "(类 has 3 digits, 款 and 项 2)", label, n)
    padded = [segments[0]] + [s.zfill(2) for s in segments[1:]]
    if padded != segments:
        ctx.warn(label, n, f"code {' '.join(segments)!r} printed without a leading zero; read as {''.join(padded)}")
    digits = "".join(padded)
    try:
        code = _codes.parse(digits, system=system)
    except CodeError as exc:
        if digits[0] not in "23":
            ctx.warn(label, n, f"code {digits} belongs to no classification budgetkit knows "
                     f"(first digit {digits[0]}); kept as printed")
            return digits, {3: 1, 5: 2, 7: 3}[len(digits)]
        raise ctx.error(CodeError, exc.reason, label, n) from None
    return code.code, code.level


def parse_coded(ctx: Context, region: Region) -> pd.DataFrame:
    """Code-classified tables (表2, 3, 5, 6, 7, 8)."""
    spec = region.spec
    label = region.label
    layout = coded_layout(ctx, region)
    records: list[dict] = []
    seen: dict[str, int] = {}
    total_seen = None
    for n in region.rows:
        rc = row_cells(ctx, region, layout, n)
        name = rc.name.strip()
        has_amount = any(v.strip() for v in rc.amounts.values())
        total_word = next((p for p in rc.code_parts if p in _TOTAL_WORDS), None)
        if total_word and not name:
            code, name = None, total_word  # 合计 printed in the code column (a merged cell)
        else:
            code = parse_code(ctx, region, rc.code_parts, spec.code_system, n)
        if total_seen is not None and (code is not None or has_amount or name):
            raise ctx.error(ParseError, f"a row after the table's 合计 row (line {total_seen})", label, n)
        if code is not None:
            if not name:
                raise ctx.error(ParseError, f"code {code[0]} has no name", label, n)
            if code[0] in seen:
                raise ctx.error(ParseError, f"code {code[0]} appears twice (lines {seen[code[0]]} and {n})", label, n)
            seen[code[0]] = n
            kind, code_str, level = "item", code[0], code[1]
        elif name in _TOTAL_WORDS:
            kind, code_str, level, name = "total", None, 0, name
            total_seen = n
        elif name and not has_amount and records and records[-1]["kind"] == "item":
            records[-1]["name"] += name  # a long name wrapped onto the next line
            records[-1]["line_end"] = n
            continue
        else:
            raise ctx.error(ParseError, "row has neither a classification code nor 合计"
                            + (f": {name[:30]!r}" if name else ""), label, n)
        rec = {"kind": kind, "code": code_str, "level": level, "name": name}
        for col in spec.columns:
            rec[col.name] = ctx.yuan(rc.amounts.get(col.name, ""), region.unit, table=label, line=n, column=col.label)
        rec.update(line=n, line_end=n, page=ctx.page(n))
        records.append(rec)
    empty_note = any("空表" in t for _, t in region.notes)
    if records and total_seen is None:
        raise ctx.error(ParseError, "the table ends without its 合计 row — truncated?", label, region.end)
    if empty_note and any(rec[c.name] for rec in records for c in spec.columns):
        ctx.warn(label, region.notes[0][0], "the note says the table is empty (空表) but it holds amounts")
    # the 合计 row last; items in printed order
    columns = ["kind", "code", "level", "name"] + [c.name for c in spec.columns] + ["line", "line_end", "page"]
    return _frame(records, columns)


_INT_COLUMNS = {"line", "line_end", "page", "level", "year", "table", "number", "count", "difference_fen"}


def _frame(records: list[dict], columns: list[str], money: tuple[str, ...] = ()) -> pd.DataFrame:
    """Records → a DataFrame with budgetkit's dtypes (Int64 amounts and lines, string text, boolean flags)."""
    data = {}
    for c in columns:
        vals = [r.get(c) for r in records]
        if c in _INT_COLUMNS or c in money or c in _MONEY_NAMES:
            data[c] = pd.array([None if v is None else int(v) for v in vals], dtype="Int64")
        elif c == "published":
            data[c] = pd.array([None if v is None else bool(v) for v in vals], dtype="boolean")
        else:
            data[c] = pd.array([None if v is None or v == "" else str(v) for v in vals], dtype="string")
    return pd.DataFrame(data, columns=columns)


_MONEY_NAMES = {c.name for spec in TABLES.values() for c in spec.columns + spec.side_columns} | {"amount"}


# ---------------------------------------------------------------- balance tables


def _class_code_names(printed: dict[str, str]) -> dict[str, str]:
    """Normalised 类 name → code, from the document's coded tables and the reference list."""
    out = dict(_reference_class_names())
    for code, name in printed.items():
        if len(code) == 3:
            out[_codes.normalise_name(name)] = code
    return out


@lru_cache(maxsize=1)
def _reference_class_names() -> dict[str, str]:
    out: dict[str, str] = {}
    ref = _codes.reference("function")
    for code, name, aliases in zip(ref["code"], ref["name"], ref["aliases"]):
        if len(str(code)) == 3:
            for nm in (name, *(aliases or ())):
                if isinstance(nm, str) and nm:
                    out.setdefault(_codes.normalise_name(nm), str(code))
    return out


def parse_balance(ctx: Context, region: Region, printed: dict[str, str]) -> pd.DataFrame:
    """表1 财务收支预算总表 and 表4 财政拨款收支预算总表 (income | expenditure sides)."""
    spec = region.spec
    label = region.label
    src = ctx.src
    side_cols = spec.side_columns or (Column("amount", "预算数", (r"预算数$",)),)
    width = 3 + len(side_cols)
    exp_cols: list[tuple[int, Column]]
    grid_header = [n for n in region.header if "\t" in src.line(n)]
    if grid_header:
        grid = _header_grid(src, grid_header)
        texts = {i: [row[i] for row in grid] for i in range(len(grid[0]))}
        exp_cols = sorted(_match_columns(ctx, region, texts, side_cols, 3))
        width = max(width, max(i for i, _ in exp_cols) + 1)
    else:
        exp_cols = [(3 + i, c) for i, c in enumerate(side_cols)]
    class_codes = _class_code_names(printed)
    records: list[dict] = []
    for n in region.rows:
        raw = src.line(n)
        if "\t" in raw:
            cells = ctx.cells(n, region.grid)
            extra = [c for c in cells[width:] if c]
            if extra:
                raise ctx.error(UnplacedNumberError, f"cannot place {extra!r} beyond the table's {width} columns",
                                label, n)
            cells = cells + [""] * (width - len(cells))
            income = (cells[0], cells[1])
            expenditure = (cells[2], {c.name: cells[i] for i, c in exp_cols})
        else:
            income, expenditure = _balance_plain(ctx, region, raw, n, side_cols)
        for side, lab, amounts in (("income", income[0], {"amount": income[1]}),
                                   ("expenditure", expenditure[0], expenditure[1])):
            lab = lab.strip()
            if not lab:
                stray = [v for v in amounts.values() if v.strip()]
                if stray:
                    raise ctx.error(UnplacedNumberError, f"amount {stray[0]!r} on the {side} side has no item label",
                                    label, n)
                continue
            if is_amount(lab):
                raise ctx.error(UnplacedNumberError, f"amount {lab!r} where the {side} side's item label belongs",
                                label, n)
            name = _NUMBERING.sub("", lab).strip()
            key = _norm(name)
            code = None
            level = None
            if key in BALANCE_TOTALS:
                want, kind = BALANCE_TOTALS[key]
                if want != side:
                    raise ctx.error(ParseError, f"{name!r} on the {side} side", label, n)
            else:
                kind = "item"
                level = 1 if _CLASS_NUMBERING.match(lab) else (2 if re.match(r"^\s*\d", lab) else None)
                if side == "expenditure" and level == 1:
                    code = class_codes.get(_codes.normalise_name(name))
                    if code is None:
                        ctx.warn(label, n, f"no 类 code found for {name!r}")
            dup = next((r for r in records if r["side"] == side and r["name"] == name), None)
            if dup is not None:
                raise ctx.error(ParseError, f"{name!r} appears twice on the {side} side (lines {dup['line']} and {n})",
                                label, n)
            rec = {"side": side, "label": lab, "name": name, "kind": kind, "level": level, "code": code}
            cols = ("amount",) if side == "income" else tuple(c.name for c in side_cols)
            for c in cols:
                column = f"{side}: {name}" + ("" if c == "amount" else f" / {c}")
                rec[c] = ctx.yuan(amounts.get(c, ""), region.unit, table=label, line=n, column=column)
            rec.update(line=n, line_end=n, page=ctx.page(n))
            records.append(rec)
    for side, total in (("income", "收入总计"), ("expenditure", "支出总计")):
        if not any(r["side"] == side and r["name"] == total for r in records):
            raise ctx.error(ParseError, f"the table ends without its {total} line — truncated?", label, region.end)
    order = {"income": 0, "expenditure": 1}
    records.sort(key=lambda r: order[r["side"]])  # stable: printed order within a side
    extra = [c.name for c in side_cols if c.name != "amount"]
    columns = ["side", "label", "name", "kind", "level", "code", "amount"] + extra + ["line", "line_end", "page"]
    return _frame(records, columns)


def _balance_plain(ctx: Context, region: Region, raw: str, n: int, side_cols) -> tuple:
    """A balance row without cells: ``label [amount] label [amounts…]`` — amounts follow their label."""
    tokens = _tokens(raw)
    groups: list[list[str]] = []  # [label, amounts…]
    for t in tokens:
        if is_amount(t) and groups and not (re.fullmatch(r"\d+[.．、]?", t) and len(groups[-1]) == 1
                                            and not groups[-1][0]):
            groups[-1].append(t)
        elif re.fullmatch(r"\d+[.．、]", t):
            groups.append([t])  # numbering "1." joins the next word
        elif groups and len(groups[-1]) == 1 and re.fullmatch(r"\d+[.．、]", groups[-1][0]):
            groups[-1][0] += " " + t
        else:
            groups.append([t])
    if any(is_amount(g[0]) for g in groups) or len(groups) > 2:
        raise ctx.error(UnplacedNumberError, f"cannot split {raw.strip()[:40]!r} into the income and expenditure "
                        "sides without cell boundaries (TABs or PDF geometry)", region.label, n)
    income_side = True
    if len(groups) == 1:
        name = _NUMBERING.sub("", groups[0][0])
        key = _norm(name)
        # one label only: which side? totals and function classes are expenditure
        income_side = not (BALANCE_TOTALS.get(key, ("",))[0] == "expenditure" or key.endswith("支出"))
    inc = groups[0] if income_side else None
    exp = (groups[1] if len(groups) > 1 else None) if income_side else groups[0]
    if inc is not None and len(inc) > 2:
        raise ctx.error(UnplacedNumberError, f"{len(inc) - 1} amounts after the income item {inc[0]!r}",
                        region.label, n)
    income = (inc[0], inc[1] if inc and len(inc) > 1 else "") if inc else ("", "")
    if exp is None:
        return income, ("", {})
    amounts = exp[1:]
    if len(side_cols) > 1 and amounts and len(amounts) != len(side_cols):
        raise ctx.error(UnplacedNumberError, f"{len(amounts)} amounts for the {len(side_cols)} expenditure columns "
                        "and no cell boundaries to tell which are empty", region.label, n)
    if len(side_cols) == 1 and len(amounts) > 1:
        raise ctx.error(UnplacedNumberError, f"{len(amounts)} amounts after the expenditure item {exp[0]!r}",
                        region.label, n)
    return income, (exp[0], {c.name: (amounts[i] if amounts else "") for i, c in enumerate(side_cols)})


# ---------------------------------------------------------------- 三公 table


def parse_three_public(ctx: Context, region: Region, year: int) -> pd.DataFrame:
    """表9 “三公”经费和机关运行经费预算表: one row of budget figures."""
    spec = region.spec
    label = region.label
    layout = coded_layout(ctx, region, coded=False)  # same header matching, no code/name columns
    records = []
    header_text = _norm("".join(ctx.src.line(n) for n in region.header))
    m = re.search(r"(\d{4})年", header_text)
    row_year = int(m.group(1)) if m else year
    for n in region.rows:
        raw = ctx.src.line(n)
        if layout.mode == "cells":
            cells = ctx.cells(n, region.grid) if "\t" in raw else None
            if cells is None:
                raise ctx.error(ParseError, "a row without TAB-separated cells in a table whose header has them",
                                label, n)
            width = max(i for i, _ in layout.amount_cols) + 1
            extra = [c for i, c in enumerate(cells) if c and (i >= width or i not in dict(layout.amount_cols))]
            if extra:
                raise ctx.error(UnplacedNumberError, f"cannot place {extra!r}: no such column in the header", label, n)
            cells += [""] * (width - len(cells))
            amounts = {col.name: cells[i] for i, col in layout.amount_cols}
        else:
            if "\t" in raw:
                raise ctx.error(ParseError, "a TAB-separated row in a table whose header has no TABs", label, n)
            geo = ctx.geometry.get(n)
            words = geo.words if (layout.mode == "words" and geo is not None) else None
            tokens = [w.text for w in words] if words is not None else _tokens(raw)
            stray = [t for t in tokens if not is_amount(t)]
            if stray:
                raise ctx.error(UnplacedNumberError, f"cannot place {stray!r} in the table's amount columns", label, n)
            if words is not None:
                amounts = {}
                for col, ws in zip(layout.order, cells_by_anchors(words, layout.bounds)):
                    if len(ws) > 1:
                        raise ctx.error(UnplacedNumberError, f"two amounts {[w.text for w in ws]!r} fall in column "
                                        f"{col.label!r}", label, n)
                    amounts[col.name] = ws[0].text if ws else ""
            elif len(tokens) != len(layout.order):
                raise ctx.error(UnplacedNumberError, f"{len(tokens)} amount(s) for {len(layout.order)} columns and "
                                "no cell boundaries (TABs or PDF geometry) to tell which cells are empty", label, n)
            else:
                amounts = {c.name: t for c, t in zip(layout.order, tokens)}
        if not any(v.strip() for v in amounts.values()):
            continue
        rec = {"kind": "budget", "year": row_year}
        for col in spec.columns:
            rec[col.name] = ctx.yuan(amounts.get(col.name, ""), region.unit, table=label, line=n, column=col.label)
        rec.update(line=n, line_end=n, page=ctx.page(n))
        records.append(rec)
    if len(records) > 1:
        raise ctx.error(ParseError, f"{len(records)} rows of figures; the table has one", label, records[1]["line"])
    if records and any("空表" in t for _, t in region.notes):
        if any(records[0][c.name] for c in spec.columns):
            ctx.warn(label, region.notes[0][0], "the note says the table is empty (空表) but it holds amounts")
    columns = ["kind", "year"] + [c.name for c in spec.columns] + ["line", "line_end", "page"]
    return _frame(records, columns)


__all__ = ["Context", "Region", "segment", "parse_coded", "parse_balance", "parse_three_public", "TemplateError"]

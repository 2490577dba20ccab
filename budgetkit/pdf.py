"""PDF text with page geometry (pdfplumber).

Budget tables in a PDF are grids: ruling lines (thin filled rectangles or
stroked lines) separate the cells, and a cell the template leaves empty (a
zero) simply has no text. Plain text extraction loses that: the row
``行政运行 9,389,913.00 9,389,913.00`` does not say whether the empty cell is
基本支出 or 项目支出. This module keeps the geometry:

* every character is grouped into lines (by vertical position) and words
  (by horizontal gaps, and never across a ruling line);
* the vertical ruling lines of each page are merged into column rules;
* a line lying inside a ruled table is cut into **cells at the rules**, so an
  empty cell stays an empty cell.

:func:`extract` returns a :class:`PdfDocument`; its :attr:`~PdfDocument.text`
renders the whole document as text: one line per printed line, cells of ruled
lines separated by TAB (empty cells kept), other lines' words separated by a
space, and a line holding only a form feed (``\\f``) between pages — the same
convention as ``pdftotext``. Parsers read that text (so every parsed row has a
1-based ``line`` in it, shown by :meth:`budgetkit.Budget.source_lines`) and
can fall back on :attr:`PdfDocument.geometry` — the words with their x
positions — for tables printed without ruling lines.

Nothing here knows a template: column *meaning* is decided by the parsers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import TemplateError

#: A line holding only this character separates two pages in rendered text.
PAGE_BREAK = "\f"

# Geometry tolerances, in PDF points (1/72 inch).
_RULE_THICKNESS = 2.5  # a filled rectangle at most this thin is a ruling line
_RULE_X_MERGE = 1.5  # rule segments this close in x are the same rule
_RULE_Y_GAP = 2.5  # collinear rule segments this close in y are joined
_LINE_TOL = 3.0  # characters whose tops differ by at most this share a line


@dataclass(frozen=True)
class Word:
    """A run of characters without a gap, with its bounding box (points, top-left origin)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def center(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True)
class Rule:
    """A vertical ruling line at ``x`` from ``top`` to ``bottom``."""

    x: float
    top: float
    bottom: float


@dataclass
class PdfLine:
    """One printed line: its words and, inside a ruled table, its cells."""

    page: int
    top: float
    bottom: float
    words: list[Word]
    rules: tuple[float, ...] = ()  # x of the column rules (empty: not in a ruled table)
    cells: list[str] | None = None  # one string per column between rules

    @property
    def ruled(self) -> bool:
        return self.cells is not None

    @property
    def text(self) -> str:
        if self.cells is not None:
            return "\t".join(self.cells)
        return " ".join(w.text for w in self.words)


@dataclass
class PdfPage:
    number: int  # 1-based
    width: float
    height: float
    lines: list[PdfLine]
    rules: list[Rule]


@dataclass
class PdfDocument:
    """A PDF's pages as lines of positioned words, and their text rendering."""

    name: str
    pages: list[PdfPage]
    metadata: dict = field(default_factory=dict)
    text: str = ""
    #: rendered line number (1-based) → page number, for every line
    line_pages: list[int] = field(default_factory=list)
    #: rendered line number (1-based) → the printed line it renders
    geometry: dict[int, PdfLine] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return len(self.pages)


# ---------------------------------------------------------------- geometry


def _vertical_rules(page) -> list[Rule]:
    """Vertical ruling lines of a pdfplumber page, collinear segments merged."""
    segments: list[tuple[float, float, float]] = []
    for r in page.rects:
        w = r["x1"] - r["x0"]
        h = r["bottom"] - r["top"]
        if w <= _RULE_THICKNESS and h > _RULE_THICKNESS:
            segments.append(((r["x0"] + r["x1"]) / 2, r["top"], r["bottom"]))
        elif r.get("stroke") and w > _RULE_THICKNESS and h > _RULE_THICKNESS:
            # a stroked cell box: its left and right edges are rules
            segments.append((r["x0"], r["top"], r["bottom"]))
            segments.append((r["x1"], r["top"], r["bottom"]))
    for ln in list(page.lines) + [c for c in page.curves if len(c.get("pts", ())) == 2]:
        if abs(ln["x1"] - ln["x0"]) <= _RULE_THICKNESS and ln["bottom"] - ln["top"] > _RULE_THICKNESS:
            segments.append(((ln["x0"] + ln["x1"]) / 2, ln["top"], ln["bottom"]))
    segments.sort()
    # group by x, then merge touching y-intervals
    rules: list[Rule] = []
    groups: list[list[tuple[float, float, float]]] = []
    for seg in segments:
        if groups and seg[0] - groups[-1][0][0] <= _RULE_X_MERGE:
            groups[-1].append(seg)
        else:
            groups.append([seg])
    for group in groups:
        x = sum(s[0] for s in group) / len(group)
        spans = sorted((s[1], s[2]) for s in group)
        top, bottom = spans[0]
        for a, b in spans[1:]:
            if a <= bottom + _RULE_Y_GAP:
                bottom = max(bottom, b)
            else:
                rules.append(Rule(x, top, bottom))
                top, bottom = a, b
        rules.append(Rule(x, top, bottom))
    return rules


def _rule_blocks(rules: list[Rule]) -> list[tuple[float, float, tuple[float, ...]]]:
    """Connected groups of rules (overlapping in y): ``(top, bottom, xs)`` per table."""
    blocks: list[list[Rule]] = []
    for r in sorted(rules, key=lambda r: r.top):
        for b in blocks:
            if any(r.top <= o.bottom + _RULE_Y_GAP and o.top <= r.bottom + _RULE_Y_GAP for o in b):
                b.append(r)
                break
        else:
            blocks.append([r])
    out = []
    for b in blocks:
        xs: list[float] = []
        for x in sorted(r.x for r in b):
            if not xs or x - xs[-1] > _RULE_X_MERGE:
                xs.append(x)
        if len(xs) >= 2:
            out.append((min(r.top for r in b), max(r.bottom for r in b), tuple(xs)))
    return out


def _words(chars: list[dict], cuts: tuple[float, ...]) -> list[Word]:
    """Characters of one line → words; a word never crosses a rule in ``cuts``."""
    chars = sorted(chars, key=lambda c: c["x0"])
    words: list[Word] = []
    buf: list[dict] = []

    def flush():
        if buf:
            words.append(Word(
                "".join(c["text"] for c in buf),
                min(c["x0"] for c in buf), max(c["x1"] for c in buf),
                min(c["top"] for c in buf), max(c["bottom"] for c in buf),
            ))
            buf.clear()

    for c in chars:
        if not c["text"].strip():
            flush()
            continue
        if buf:
            prev = buf[-1]
            gap = c["x0"] - prev["x1"]
            size = max(float(c.get("size") or 10), 1.0)
            mid_prev = (prev["x0"] + prev["x1"]) / 2
            mid = (c["x0"] + c["x1"]) / 2
            crosses = any(mid_prev < x < mid for x in cuts)
            if gap > 0.25 * size or crosses:
                flush()
        buf.append(c)
    flush()
    return words


def _page_lines(page, number: int, rules: list[Rule]) -> list[PdfLine]:
    chars = [c for c in page.chars if c.get("upright", True) and c["text"]]
    chars.sort(key=lambda c: (round(c["top"], 1), c["x0"]))
    groups: list[list[dict]] = []
    for c in chars:
        if groups and abs(c["top"] - groups[-1][0]["top"]) <= _LINE_TOL:
            groups[-1].append(c)
        else:
            groups.append([c])
    blocks = _rule_blocks(rules)
    lines: list[PdfLine] = []
    for group in groups:
        top = min(c["top"] for c in group)
        bottom = max(c["bottom"] for c in group)
        mid = (top + bottom) / 2
        xs: tuple[float, ...] = ()
        for b_top, b_bottom, b_xs in blocks:
            if b_top - 1 <= mid <= b_bottom + 1:
                xs = b_xs
                break
        # words are cut only at rules present at this height (a merged header
        # cell keeps its text whole); cells use the table's full column grid
        active = tuple(r.x for r in rules if r.top - 1 <= mid <= r.bottom + 1) if xs else ()
        words = _words(group, active)
        line = PdfLine(number, top, bottom, words)
        if xs:
            line.rules = xs
            line.cells = _cells(words, xs)
        lines.append(line)
    return lines


def _cells(words: list[Word], xs: tuple[float, ...]) -> list[str]:
    """Words → one text per column between consecutive rules ``xs`` (by word centre).

    A word left of the first rule joins the first column, right of the last
    rule the last column (nothing is dropped).
    """
    cells: list[list[str]] = [[] for _ in range(len(xs) - 1)]
    for w in words:
        c = w.center
        i = 0
        while i < len(xs) - 2 and c > xs[i + 1]:
            i += 1
        cells[i].append(w.text)
    return [" ".join(parts) for parts in cells]


def cells_by_anchors(words: list[Word], bounds: list[float]) -> list[list[Word]]:
    """Split ``words`` into ``len(bounds) + 1`` columns at the x positions ``bounds``.

    For tables printed without ruling lines: a parser derives ``bounds`` from
    its header labels and places each word by its centre.
    """
    out: list[list[Word]] = [[] for _ in range(len(bounds) + 1)]
    for w in words:
        i = sum(1 for b in bounds if w.center > b)
        out[i].append(w)
    return out


# ---------------------------------------------------------------- extraction


def is_pdf(path: str | os.PathLike) -> bool:
    """True when the file starts with the PDF signature (whatever its name)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(1024).lstrip().startswith(b"%PDF")
    except OSError:
        return False


def extract(path: str | os.PathLike) -> PdfDocument:
    """Read a PDF's text and geometry (see the module doc).

    Raises :class:`~budgetkit.errors.TemplateError` naming the file (and page)
    when the file cannot be read as a PDF, is encrypted, or has no text layer
    (a scan: budgetkit does no OCR).
    """
    import pdfplumber

    name = str(path)
    if not Path(path).is_file():
        raise TemplateError("no such file", file=name)
    pages: list[PdfPage] = []
    try:
        with pdfplumber.open(path) as pdf:
            metadata = dict(pdf.metadata or {})
            for i, page in enumerate(pdf.pages, start=1):
                try:
                    rules = _vertical_rules(page)
                    lines = _page_lines(page, i, rules)
                except Exception as exc:  # pdfminer raises many types on broken content streams
                    raise TemplateError(f"page {i} cannot be read: {type(exc).__name__}: {exc}", file=name) from exc
                pages.append(PdfPage(i, float(page.width), float(page.height), lines, rules))
    except TemplateError:
        raise
    except Exception as exc:  # pdfminer: PDFSyntaxError, PSEOF, PDFPasswordIncorrect, …
        kind = type(exc).__name__
        reason = "the PDF is encrypted" if "Password" in kind or "Encrypt" in kind else "not a readable PDF"
        raise TemplateError(f"{reason} ({kind}: {exc})", file=name) from exc
    if not pages:
        raise TemplateError("the PDF has no pages", file=name)
    if not any(p.lines for p in pages):
        raise TemplateError("the PDF has no text layer (a scanned document?); budgetkit does not OCR", file=name)
    doc = PdfDocument(name, pages, metadata)
    _render(doc)
    return doc


def _render(doc: PdfDocument) -> None:
    out: list[str] = []
    line_pages: list[int] = []
    geometry: dict[int, PdfLine] = {}
    for page in doc.pages:
        if out:
            out.append(PAGE_BREAK)
            line_pages.append(page.number)
        for line in page.lines:
            out.append(line.text.replace("\n", " ").replace("\f", " "))
            line_pages.append(page.number)
            geometry[len(out)] = line
    doc.text = "\n".join(out) + "\n"
    doc.line_pages = line_pages
    doc.geometry = geometry


def pages_of_text(lines: list[str]) -> list[int] | None:
    """Page number of every line of a rendered text (``\\f`` lines separate pages).

    ``None`` when the text has no page breaks (page numbers are unknown).
    """
    if not any(line.strip() == PAGE_BREAK or line.startswith(PAGE_BREAK) for line in lines):
        return None
    page = 1
    out = []
    for line in lines:
        if line.startswith(PAGE_BREAK):
            page += 1
        out.append(page)
    return out


__all__ = ["PAGE_BREAK", "PdfDocument", "PdfLine", "PdfPage", "Rule", "Word", "cells_by_anchors",
           "extract", "is_pdf", "pages_of_text"]

"""PDF text with page geometry (pypdfium2).

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

The characters and drawn lines come from PDFium through pypdfium2: PDFium is
C, about ten times faster here than the pure-Python content-stream parser of
pdfminer (which pdfplumber, used before, runs on). They are described as
pdfminer describes them (a character's box spans its advance width and font
size; a path is split into rectangles and lines), as the tolerances below
were tuned on that.

Nothing here knows a template: column *meaning* is decided by the parsers.
"""

from __future__ import annotations

import ctypes
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


def _vertical_rules(rects, lines) -> list[Rule]:
    """Vertical ruling lines of a page, collinear segments merged.

    ``rects`` are ``(x0, top, x1, bottom, stroked)`` rectangles, ``lines``
    ``(x0, top, x1, bottom)`` straight 2-point segments (page points,
    top-left origin, ``x0 <= x1`` and ``top <= bottom``).
    """
    segments: list[tuple[float, float, float]] = []
    for x0, top, x1, bottom, stroked in rects:
        w = x1 - x0
        h = bottom - top
        if w <= _RULE_THICKNESS and h > _RULE_THICKNESS:
            segments.append(((x0 + x1) / 2, top, bottom))
        elif stroked and w > _RULE_THICKNESS and h > _RULE_THICKNESS:
            # a stroked cell box: its left and right edges are rules
            segments.append((x0, top, bottom))
            segments.append((x1, top, bottom))
    for x0, top, x1, bottom in lines:
        if abs(x1 - x0) <= _RULE_THICKNESS and bottom - top > _RULE_THICKNESS:
            segments.append(((x0 + x1) / 2, top, bottom))
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


def _page_lines(chars: list[dict], number: int, rules: list[Rule]) -> list[PdfLine]:
    """Characters of one page (dicts: text, x0, x1, top, bottom, size, upright) → its printed lines."""
    chars = [c for c in chars if c.get("upright", True) and c["text"]]
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


#: Why pdfium could not load a document (``FPDF_GetLastError``).
_PDFIUM_ERRORS = {1: "unknown error", 2: "file not found or could not be opened", 3: "not a PDF or corrupted",
                  4: "password required or incorrect", 5: "unsupported security scheme"}

#: Form XObjects nested deeper than this are not looked into.
_FORM_DEPTH = 15

#: An affine map ``(a, b, c, d, e, f)``: x' = a·x + c·y + e, y' = b·x + d·y + f
#: (the PDF matrix convention, as pdfium's ``FS_MATRIX``).
_Affine = tuple[float, float, float, float, float, float]


def _then(m: _Affine, n: _Affine) -> _Affine:
    """The map that applies ``m`` first, then ``n``."""
    a, b, c, d, e, f = m
    na, nb, nc, nd, ne, nf = n
    return (a * na + b * nc, a * nb + b * nd, c * na + d * nc, c * nb + d * nd,
            e * na + f * nc + ne, e * nb + f * nd + nf)


def _box(m: _Affine, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    """Bounds ``(x0, top, x1, bottom)`` of the rectangle (x0, y0)–(x1, y1) mapped by ``m``."""
    a, b, c, d, e, f = m
    xs = (a * x0 + c * y0 + e, a * x1 + c * y0 + e, a * x0 + c * y1 + e, a * x1 + c * y1 + e)
    ys = (b * x0 + d * y0 + f, b * x1 + d * y0 + f, b * x0 + d * y1 + f, b * x1 + d * y1 + f)
    return min(xs), min(ys), max(xs), max(ys)


def _page_space(page) -> tuple[_Affine, float, float]:
    """PDF user space → this module's page space (points, origin top-left, y down); the page's width and height.

    The page box is pdfium's (the MediaBox clipped by the CropBox, inherited
    through the page tree); a ``/Rotate`` page is turned as a viewer shows it.
    """
    left, bottom, right, top = page.get_bbox()
    left, right = min(left, right), max(left, right)
    bottom, top = min(bottom, top), max(bottom, top)
    rotation = page.get_rotation() % 360
    if rotation == 90:
        return (0.0, 1.0, 1.0, 0.0, -bottom, -left), top - bottom, right - left
    if rotation == 180:
        return (-1.0, 0.0, 0.0, 1.0, right, -bottom), right - left, top - bottom
    if rotation == 270:
        return (0.0, -1.0, -1.0, 0.0, top, right), top - bottom, right - left
    return (1.0, 0.0, 0.0, -1.0, -left, top), right - left, top - bottom


def _upright(m: _Affine, space: _Affine) -> bool:
    """pdfminer's test: text drawn with the linear part of ``m`` is neither turned nor vertical on the page.

    ``(a, b)`` is the text direction and ``(c, d)`` its up, both mapped to the
    page as shown (y up): upright when ``a·d > 0`` and ``b·c <= 0``.
    """
    a, b, c, d = m[:4]
    sa, sb, sc, sd = space[:4]
    pa, pb = a * sa + b * sc, -(a * sb + b * sd)
    pc, pd = c * sa + d * sc, -(c * sb + d * sd)
    return pa * pd > 0 and pb * pc <= 0


def _walk(page):
    """Every page object, also inside Form XObjects: ``(handle, type, map of its container to user space)``.

    A nested object's matrix is relative to its form: the map is the product
    of the matrices of the forms it is nested in (see :func:`_to_user`).
    """
    import pypdfium2.raw as pdfium_c

    get_type, form_type = pdfium_c.FPDFPageObj_GetType, pdfium_c.FPDF_PAGEOBJ_FORM
    identity: _Affine = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

    def objects(count, get, parent, outer: _Affine, depth: int):
        for k in range(count(parent)):
            obj = get(parent, k)
            if not obj:
                continue
            kind = get_type(obj)
            yield obj, kind, outer
            if kind == form_type and depth < _FORM_DEPTH:
                yield from objects(pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject,
                                   obj, _to_user(obj, outer), depth + 1)

    yield from objects(pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, page.raw, identity, 0)


def _to_user(obj, outer: _Affine) -> _Affine:
    """The map of a page object's own space (its matrix) to user space, given its container's map ``outer``."""
    import pypdfium2.raw as pdfium_c

    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return outer
    return _then((m.a, m.b, m.c, m.d, m.e, m.f), outer)


def _page_chars(textpage, space: _Affine) -> list[dict]:
    """The printed characters of a page's text layer, in page space, described as pdfminer does.

    pdfium's text page also holds characters it made up (spaces between text
    objects, line breaks): those are skipped, so that only printed characters
    (real spaces included) make words. A character's box spans its advance
    width and, from the font's descent, its font size (as pdfminer's boxes,
    which the geometry tolerances were tuned on). Characters that are not
    upright as the page is shown (turned or vertical text) are left out, as
    pdfplumber's ``upright`` flag left them out before.
    """
    import pypdfium2.raw as pdfium_c

    tp = textpage.raw
    rect = pdfium_c.FS_RECTF()
    fs_matrix = pdfium_c.FS_MATRIX()
    get_unicode = pdfium_c.FPDFText_GetUnicode
    is_generated = pdfium_c.FPDFText_IsGenerated
    loose_box = pdfium_c.FPDFText_GetLooseCharBox
    get_matrix = pdfium_c.FPDFText_GetMatrix
    font_size = pdfium_c.FPDFText_GetFontSize
    chars: list[dict] = []
    for i in range(pdfium_c.FPDFText_CountChars(tp)):
        u = get_unicode(tp, i)
        if u in (0, 0x0A, 0x0D, 0xFFFE, 0xFFFF) or is_generated(tp, i) or not get_matrix(tp, i, fs_matrix):
            continue
        m = (fs_matrix.a, fs_matrix.b, fs_matrix.c, fs_matrix.d, 0.0, 0.0)
        if not _upright(m, space):
            continue
        size = font_size(tp, i)
        a, b, c, d = m[:4]
        if b == 0 and c == 0 and a > 0 and loose_box(tp, i, rect):
            # horizontal text (the usual case): pdfium's loose box has pdfminer's
            # advance width and descent; its height is the font size
            box = _box(space, rect.left, rect.bottom, rect.right, rect.bottom + size * abs(d))
        else:
            box = _turned_char_box(textpage, i, u, size, m, space)
        x0, top, x1, bottom = box
        # pdfium marks a hyphen that ends a line (before a letter or digit) as U+0002
        chars.append({"text": "-" if u == 0x02 else chr(u), "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                      "size": bottom - top, "upright": True})
    return chars


def _text_box(m: _Affine, font, size: float, width: float) -> tuple[float, float, float, float]:
    """pdfminer's box of a glyph: ``width`` wide, ``size`` high from the font's descent, mapped by ``m``.

    ``m`` maps the glyph's text space (origin at the glyph, in points of
    ``size``) to page space.
    """
    import pypdfium2.raw as pdfium_c

    descent = ctypes.c_float(0.0)
    if font:
        pdfium_c.FPDFFont_GetDescent(font, size, descent)
    return _box(m, 0.0, descent.value, width, descent.value + size)


def _turned_char_box(textpage, i: int, u: int, size: float, m: _Affine, space: _Affine):
    """Box of a character drawn turned in PDF user space (e.g. upright on a ``/Rotate`` page).

    pdfium's loose box assumes horizontal text, so the box is rebuilt from the
    character's origin, its font's advance width and descent.
    """
    import pypdfium2.raw as pdfium_c

    tp = textpage.raw
    ox, oy = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(tp, i, ox, oy)
    font = pdfium_c.FPDFTextObj_GetFont(pdfium_c.FPDFText_GetTextObject(tp, i))
    width = ctypes.c_float(0.0)
    if font:
        pdfium_c.FPDFFont_GetGlyphWidth(font, u, size, width)
    origin = _then((*m[:4], ox.value, oy.value), space)
    w = width.value
    if w <= 0:  # no advance width known: the extent of the glyph's ink along the text
        l, b, r, t = textpage.get_charbox(i)
        x0, _, x1, _ = _box(space, l, b, r, t)
        w = (x1 - x0) / max(abs(origin[0]), 1e-9)
    return _text_box(origin, font, size, w)


def _subpaths(path, m: _Affine) -> list[tuple[str, list[tuple[float, float]]]]:
    """The sub-paths of a pdfium path object as pdfminer sees them: ``(shape, points)``.

    ``shape`` spells the operators (``m`` move, ``l`` line, ``c`` curve,
    ``h`` close), ``points`` has each one's end point (a close repeats the
    start), mapped by ``m``.
    """
    import pypdfium2.raw as pdfium_c

    x, y = ctypes.c_float(), ctypes.c_float()
    a, b, c, d, e, f = m
    out: list[tuple[str, list[tuple[float, float]]]] = []
    shape = ""
    pts: list[tuple[float, float]] = []
    bezier = 0
    for s in range(pdfium_c.FPDFPath_CountSegments(path)):
        seg = pdfium_c.FPDFPath_GetPathSegment(path, s)
        if not seg or not pdfium_c.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        pt = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not pts:
            if pts:
                out.append((shape, pts))
            shape, pts, bezier = "m", [pt], 0
        elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            bezier += 1  # pdfium stores a curve as three points: two controls, then the end
            if bezier % 3:
                continue
            shape += "c"
            pts.append(pt)
        else:
            shape += "l"
            pts.append(pt)
        if pdfium_c.FPDFPathSegment_GetClose(seg):
            shape += "h"
            pts.append(pts[0])
    if pts:
        out.append((shape, pts))
    return out


def _path_parts(path, m: _Affine, rects: list, lines: list) -> None:
    """Add a painted path's rectangles and straight segments (page space) to ``rects`` and ``lines``.

    Classified as pdfminer classifies each sub-path (pdfplumber's ``rects``,
    ``lines`` and 2-point ``curves``): a closed 4-sided axis-aligned sub-path is
    a rectangle ``(x0, top, x1, bottom, stroked)``; one straight segment, or
    a curve given by its two end points, a line ``(x0, top, x1, bottom)``.
    """
    import pypdfium2.raw as pdfium_c

    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(path, fill, stroke) or not (fill.value or stroke.value):
        return  # paints nothing
    for shape, pts in _subpaths(path, m):
        if len(shape) > 3 and shape.endswith("lh") and pts[-2] == pts[0]:
            shape, pts = shape[:-2] + "h", pts[:-1]  # a redundant line back to the start
        if shape in ("ml", "mlh") or (len(pts) == 2 and shape != "mh"):
            (xa, ya), (xb, yb) = pts[0], pts[1]
            lines.append((min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)))
        elif shape in ("mlllh", "mllll") and pts[0] == pts[4]:
            (xa, ya), (xb, yb), (xc, yc), (xd, yd), _ = pts
            if (xa == xb and yb == yc and xc == xd and yd == ya) or (ya == yb and xb == xc and yc == yd and xd == xa):
                rects.append((min(xa, xc), min(ya, yc), max(xa, xc), max(ya, yc), bool(stroke.value)))


def _page_objects(page, space: _Affine) -> tuple[list, list, list[dict]]:
    """Rectangles and lines drawn on a page (see :func:`_path_parts`), and its blank text objects.

    pdfium's text page leaves out text objects that print nothing visible
    (only spaces: their box has no width). pdfminer keeps their space
    characters, and a line of them is an (empty) printed line, so each such
    object comes back as one space character at its start.
    """
    import pypdfium2.raw as pdfium_c

    rects: list = []
    lines: list = []
    blanks: list[dict] = []
    path_type, text_type = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_TEXT
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    size = ctypes.c_float()
    get_bounds = pdfium_c.FPDFPageObj_GetBounds
    for obj, kind, outer in _walk(page):
        if kind == path_type:
            _path_parts(obj, _then(_to_user(obj, outer), space), rects, lines)
        elif kind == text_type:
            if not get_bounds(obj, left, bottom, right, top) or abs(right.value - left.value) >= 0.01:
                continue  # not blank: the text page has its characters
            to_user = _to_user(obj, outer)
            if not pdfium_c.FPDFTextObj_GetFontSize(obj, size) or not _upright(to_user, space):
                continue
            x0, y0, x1, y1 = _text_box(_then(to_user, space), pdfium_c.FPDFTextObj_GetFont(obj), size.value, 0.0)
            blanks.append({"text": " ", "x0": x0, "x1": x1, "top": y0, "bottom": y1,
                           "size": y1 - y0, "upright": True})
    return rects, lines, blanks


def extract(path: str | os.PathLike) -> PdfDocument:
    """Read a PDF's text and geometry (see the module doc).

    Raises :class:`~budgetkit.errors.TemplateError` naming the file (and page)
    when the file cannot be read as a PDF, is encrypted, or has no text layer
    (a scan: budgetkit does no OCR).
    """
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    name = str(path)
    if not Path(path).is_file():
        raise TemplateError("no such file", file=name)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise TemplateError(f"not a readable PDF ({type(exc).__name__}: {exc})", file=name) from exc
    # loaded from memory (no file handle stays open); ``data`` must outlive ``pdf``
    raw = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
    if not raw:
        code = pdfium_c.FPDF_GetLastError()
        reason = "the PDF is encrypted" if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY) \
            else "not a readable PDF"
        raise TemplateError(f"{reason} (pdfium: {_PDFIUM_ERRORS.get(code, f'error {code}')})", file=name)
    if pdfium_c.FPDF_GetPageCount(raw) < 1:
        pdfium_c.FPDF_CloseDocument(raw)
        raise TemplateError("the PDF has no pages", file=name)
    pdf = pypdfium2.PdfDocument(raw)
    pages: list[PdfPage] = []
    try:
        metadata = dict(pdf.get_metadata_dict())
        for i in range(1, len(pdf) + 1):
            page = textpage = None
            try:
                page = pdf[i - 1]
                space, width, height = _page_space(page)
                textpage = page.get_textpage()
                rects, segments, blanks = _page_objects(page, space)
                rules = _vertical_rules(rects, segments)
                lines = _page_lines(_page_chars(textpage, space) + blanks, i, rules)
            except Exception as exc:  # pdfium: a page or its text layer that does not load
                raise TemplateError(f"page {i} cannot be read: {type(exc).__name__}: {exc}", file=name) from exc
            finally:
                if textpage is not None:
                    textpage.close()
                if page is not None:
                    page.close()
            pages.append(PdfPage(i, float(width), float(height), lines, rules))
    finally:
        pdf.close()
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

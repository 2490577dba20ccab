"""Source text: numbered lines, cell cleaning and paragraph reflow.

A disclosure extracted from a PDF keeps the PDF's page furniture: prose
paragraphs broken at page ends (one half, a blank line, the other half), table
cells wrapped in HTML fragments (``<p>``, ``<ol style=…>``), stray markers
(``★``). This module turns that into clean cells and whole paragraphs while
remembering the 1-based line numbers every piece came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import TemplateError

_TAG_RE = re.compile(r"</?(?:p|ol|ul|li|br|span|div|strong|b|i)\b[^>]*>", re.IGNORECASE)
_MARKERS = "★☆※"
_WS_RE = re.compile(r"[ \t\u3000\u00a0]+")


def clean_cell(cell: str) -> str:
    """Strip HTML fragments and markers from a cell; fold white space."""
    if not cell:
        return ""
    if "<" in cell:
        cell = _TAG_RE.sub(" ", cell)
    for m in _MARKERS:
        if m in cell:
            cell = cell.replace(m, "")
    return _WS_RE.sub(" ", cell).strip()


def has_marker(cell: str) -> str:
    """The marker characters (e.g. ``★``) a raw cell carries, or ``""``."""
    return "".join(ch for ch in cell if ch in _MARKERS)


def split_cells(line: str) -> list[str]:
    """Split a table line on tabs, cleaning every cell (positions are kept)."""
    return [clean_cell(c) for c in line.rstrip("\r\n").split("\t")]


@dataclass(frozen=True)
class Paragraph:
    """A reflowed paragraph of prose and the source lines it spans."""

    text: str
    line: int
    line_end: int


# Headings never continue onto the next line.
_HEADING_RE = re.compile(
    r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|[一二]、文字部分|二、表格部分)"
)
_TERMINAL = tuple("。；;：:！？!?")


def _is_heading(text: str) -> bool:
    return (
        bool(_HEADING_RE.match(text))
        and len(text) <= 30
        and "，" not in text
        and not text.endswith(_TERMINAL)
    )


class SourceText:
    """A document's text as numbered lines.

    ``SourceText.from_path(p)`` or ``SourceText(text, name="<string>")``.
    Lines are addressed 1-based, as editors and error messages show them.
    """

    def __init__(self, text: str, name: str = "<string>") -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        self.name = name
        self.text = text
        self.lines: list[str] = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if text.endswith("\n"):
            self.lines.pop()
        if not any(line.strip() for line in self.lines):
            raise TemplateError("the document is empty", file=name)

    @classmethod
    def from_path(cls, path: str | Path) -> "SourceText":
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise TemplateError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from exc
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TemplateError(
                f"not UTF-8 text (byte {exc.start}); budgetkit reads UTF-8 text or PDF",
                file=str(path),
            ) from exc
        return cls(text, name=str(path))

    def __len__(self) -> int:
        return len(self.lines)

    def line(self, n: int) -> str:
        """Line ``n`` (1-based)."""
        return self.lines[n - 1]

    def span(self, start: int, end: int) -> list[str]:
        """Lines ``start``..``end`` inclusive (1-based)."""
        return self.lines[start - 1 : end]

    def find(self, pattern: str | re.Pattern, start: int = 1, end: int | None = None) -> int | None:
        """First line number in [start, end] matching ``pattern`` (regex search), or None."""
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        stop = len(self.lines) if end is None else min(end, len(self.lines))
        for n in range(max(start, 1), stop + 1):
            if rx.search(self.lines[n - 1]):
                return n
        return None

    def paragraphs(self, start: int, end: int) -> list[Paragraph]:
        """Reflow the prose lines ``start``..``end`` into paragraphs.

        A line that does not end a sentence (no 。；： …) and is not a heading
        continues on the next non-blank line: that is a paragraph the PDF
        broke at a page end. Halves are joined without a space (Chinese text),
        except between two ASCII alphanumerics.
        """
        out: list[Paragraph] = []
        buf: list[str] = []
        first = last = 0
        for n in range(start, end + 1):
            raw = self.lines[n - 1]
            text = clean_cell(raw)
            if not text:
                continue
            if buf:
                prev = buf[-1]
                if prev[-1:].isascii() and prev[-1:].isalnum() and text[:1].isascii() and text[:1].isalnum():
                    buf.append(" ")
                buf.append(text)
                last = n
            else:
                buf, first, last = [text], n, n
            if text.endswith(_TERMINAL) or _is_heading("".join(buf)):
                out.append(Paragraph("".join(buf), first, last))
                buf = []
        if buf:
            out.append(Paragraph("".join(buf), first, last))
        return out

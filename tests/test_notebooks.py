"""The notebooks as committed: clean stored outputs and the series template.

nbval (``pytest --nbval-lax notebooks``) re-runs every notebook; these tests
look at what is *stored* in the ``.ipynb`` files, which is what GitHub shows
students and what the static site starts from:

* no stored output holds a traceback, an error output, a missing-glyph
  warning (no CJK font), a widget error, or an absolute path of the machine
  that executed it;
* every code cell was executed, top to bottom, by ``make notebooks`` (one
  stream output per stream and cell, so re-executing gives the same file);
* every notebook follows the template: 概述, 小结, 练习 with 2–4 collapsed
  solutions (tag ``solution``), 延伸阅读; at least one cell whose numbers
  nbval checks (``# NBVAL_CHECK_OUTPUT``), and every nbval marker spelt so
  that nbval sees it; no code cell longer than 15 lines
  (longer logic belongs in ``budgetkit/``).

:func:`problems` is tested on a hand-made bad notebook too, so that these
checks can fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))

MAX_CODE_LINES = 15
#: nbval acts on a comment line only when it is exactly one of these (nothing after the marker)
NBVAL_MARKERS = {"NBVAL_CHECK_OUTPUT", "NBVAL_IGNORE_OUTPUT", "NBVAL_SKIP", "NBVAL_RAISES_EXCEPTION"}
SECTIONS = ("## 概述", "## 小结", "## 练习", "## 延伸阅读")

FORBIDDEN_TEXT = {
    "Traceback (most recent call last)": "a Python traceback",
    "missing from font": "a missing-glyph warning (no CJK font installed when it was executed)",
    "Error displaying widget": "a widget that failed to display",
    "出错 / error:": "an error shown inside a budgetkit widget",
}
# Absolute paths of the machine that executed a notebook (POSIX and Windows).
ABSOLUTE_PATH = re.compile(r"(?<![\w.])(?:/(?:home|root|tmp|work|Users|private|var/folders)/|[A-Za-z]:\\\\?Users\\)")


def _texts(output) -> list[str]:
    if output.get("output_type") == "stream":
        return [output.get("text", "")]
    if output.get("output_type") == "error":
        return ["\n".join(output.get("traceback", []))]
    return [v if isinstance(v, str) else "" for v in (output.get("data") or {}).values()]


def problems(nb: nbformat.NotebookNode, repo: Path = REPO) -> list[str]:
    """Everything wrong with a notebook's stored outputs and template (an empty list: nothing)."""
    found: list[str] = []
    code = [c for c in nb.cells if c.cell_type == "code"]
    for k, cell in enumerate(code, start=1):
        where = f"code cell {k}"
        if cell.execution_count != k:
            found.append(f"{where}: execution_count {cell.execution_count}, expected {k} (run `make notebooks`)")
        for line in cell.source.splitlines():
            comment = line.strip().lstrip("#").strip()
            if line.strip().startswith("#") and "NBVAL" in comment and comment not in NBVAL_MARKERS:
                found.append(f"{where}: {line.strip()!r} is not a marker nbval knows (it would be ignored)")
        lines = len(cell.source.splitlines())
        if lines > MAX_CODE_LINES:
            found.append(f"{where}: {lines} lines (> {MAX_CODE_LINES}: move the logic into budgetkit/)")
        previous = None
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"{where}: an error output ({out.get('ename')}: {out.get('evalue')})")
            if out.get("output_type") == "stream" and previous == out.get("name"):
                found.append(f"{where}: {previous} split into several outputs (not reproducible)")
            previous = out.get("name") if out.get("output_type") == "stream" else None
            for text in _texts(out):
                for needle, what in FORBIDDEN_TEXT.items():
                    if needle in text:
                        found.append(f"{where}: {what}")
                for needle in {str(repo), str(Path.home())}:
                    if needle in text:
                        found.append(f"{where}: the absolute path {needle}")
                m = ABSOLUTE_PATH.search(text)
                if m:
                    found.append(f"{where}: an absolute path …{text[max(0, m.start() - 40):m.end() + 40]}…")
    headings = [line.strip() for c in nb.cells if c.cell_type == "markdown" for line in c.source.splitlines()
                if line.startswith("## ")]
    positions = []
    for section in SECTIONS:
        if section in headings:
            positions.append(headings.index(section))
        else:
            found.append(f"no section {section!r}")
    if positions != sorted(positions):
        found.append(f"sections out of order: {SECTIONS}")
    solutions = [c for c in code if "solution" in c.metadata.get("tags", [])]
    if not 2 <= len(solutions) <= 4:
        found.append(f"{len(solutions)} solution cells (tag 'solution'); the template has 2–4 exercises")
    for c in solutions:
        if not c.metadata.get("jupyter", {}).get("source_hidden"):
            found.append(f"solution cell {code.index(c) + 1} is not collapsed (metadata jupyter.source_hidden)")
    if not any("# NBVAL_CHECK_OUTPUT" in c.source for c in code):
        found.append("no cell is marked # NBVAL_CHECK_OUTPUT: nbval would check no number")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_notebook_is_clean_and_follows_the_template(path):
    found = problems(nbformat.read(path, as_version=4))
    assert not found, "\n".join(found)


def test_the_series_is_numbered_and_complete():
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(len(NOTEBOOKS))) and len(NOTEBOOKS) >= 8, [p.name for p in NOTEBOOKS]


def _good() -> nbformat.NotebookNode:
    v4 = nbformat.v4
    md = [v4.new_markdown_cell(f"{s}\n\ntext") for s in SECTIONS]
    checked = v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(1)", execution_count=1,
                               outputs=[v4.new_output("stream", name="stdout", text="1\n")])
    sols = [v4.new_code_cell("# 解答\n1", execution_count=k, metadata={"tags": ["solution"],
                                                                          "jupyter": {"source_hidden": True}})
            for k in (2, 3)]
    return v4.new_notebook(cells=[md[0], checked, md[1], md[2], *sols, md[3]])


def test_problems_accepts_a_good_notebook():
    assert problems(_good()) == []


@pytest.mark.parametrize("spoil, expected", [
    (lambda nb: nb.cells[1].outputs.append(nbformat.v4.new_output(
        "error", ename="KeyError", evalue="'x'", traceback=["Traceback (most recent call last)", "KeyError"])),
     "an error output"),
    (lambda nb: nb.cells[1].outputs.append(nbformat.v4.new_output(
        "stream", name="stderr", text="UserWarning: Glyph 25910 (\\N{CJK}) missing from font(s) DejaVu Sans.")),
     "missing-glyph"),
    (lambda nb: nb.cells[1].outputs.append(nbformat.v4.new_output("stream", name="stdout", text="2\n")),
     "split into several outputs"),
    (lambda nb: nb.cells[1].outputs.append(nbformat.v4.new_output(
        "display_data", data={"text/plain": "Error displaying widget: model not found"})), "widget"),
    (lambda nb: nb.cells[1].outputs.append(nbformat.v4.new_output(
        "display_data", data={"text/plain": "budgetkit 出错 / error: no such code"})), "budgetkit widget"),
    (lambda nb: nb.cells[1].outputs.append(nbformat.v4.new_output(
        "stream", name="stderr", text="FileNotFoundError: /home/teacher/budget.txt")), "absolute path"),
    (lambda nb: nb.cells[1].outputs.append(nbformat.v4.new_output(
        "stream", name="stderr", text=f"see {REPO}/data")), "absolute path"),
    (lambda nb: setattr(nb.cells[4], "execution_count", None), "execution_count None"),
    (lambda nb: setattr(nb.cells[1], "source", "# NBVAL_CHECK_OUTPUT\n" + "x = 1\n" * 20), "lines"),
    (lambda nb: nb.cells.pop(2), "no section '## 小结'"),
    (lambda nb: nb.cells.pop(4), "1 solution cells"),
    (lambda nb: nb.cells[4].metadata.pop("jupyter"), "not collapsed"),
    (lambda nb: setattr(nb.cells[1], "source", "print(1)"), "NBVAL_CHECK_OUTPUT"),
    (lambda nb: setattr(nb.cells[1], "source", "# NBVAL_CHECK_OUTPUT\n# NBVAL_IGNORE_OUTPUT（说明）\nprint(1)"),
     "not a marker nbval knows"),
])
def test_problems_catches_a_spoiled_notebook(spoil, expected):
    nb = _good()
    spoil(nb)
    found = problems(nb)
    assert any(expected in p for p in found), found

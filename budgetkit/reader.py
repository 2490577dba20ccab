"""Read any supported disclosure — text or PDF, either template — and many at once.

>>> import budgetkit.reader as rd
>>> b = rd.read("budget.pdf")                    # or a .txt; template detected from the content
>>> res = rd.read_many("corpus/")                # every .pdf/.txt in the folder
>>> res.expenditure                              # one long table: department, year, template, … per line
>>> res.failures                                 # documents that could not be read, and why

The kind of file is decided from its bytes (``%PDF`` signature), the template
from its text — never from the file name. Supported templates: the Shenzhen
12-table template (``shenzhen-12``) and the national 9-table template
(``national-9``). Every Budget reports its published unit in ``meta`` and holds
amounts as integer 元, so budgets of different templates compare directly.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import pandas as pd

from . import national, shenzhen
from .budget import Budget
from .errors import BudgetkitError, TemplateError
from .pdf import extract, is_pdf, pages_of_text
from .text import SourceText

#: File name endings read_many picks up in a folder.
SUFFIXES = (".pdf", ".txt")

#: Columns that identify the document in read_many's long tables.
ID_COLUMNS = ["department", "year", "template", "source"]


def detect_template(src: SourceText) -> str:
    """``"shenzhen-12"`` or ``"national-9"``; raises :class:`TemplateError` otherwise."""
    if national.detect(src):
        return national.TEMPLATE_ID
    if shenzhen.detect(src):
        return "shenzhen-12"
    raise TemplateError(
        "unknown template: neither the national 9-table template (部门财务收支预算总表 …) nor the "
        "Shenzhen 12-table template (表 1 收支总表 …) was found", file=src.name,
    )


def read_text(text: str, name: str = "<string>", *, fen: str = "round") -> Budget:
    """Parse a disclosure given as text."""
    src = SourceText(text, name=name)
    return _parse(src, fen=fen)


def _parse(src: SourceText, *, fen: str, pages=None, geometry=None, extra_meta=None) -> Budget:
    template = detect_template(src)
    if template == national.TEMPLATE_ID:
        return national.parse(src, pages=pages, geometry=geometry, fen=fen, extra_meta=extra_meta)
    budget = shenzhen.parse(src)
    if extra_meta:
        budget._meta.update(extra_meta)
    return budget


def read(path: str | os.PathLike, *, fen: str = "round") -> Budget:
    """Read one disclosure, a ``.txt`` (UTF-8) or a ``.pdf``, into a :class:`Budget`.

    ``fen`` decides what happens to amounts printed with non-zero 分
    (``31,214,205.80`` 元): ``"round"`` (default) rounds them half up to whole
    元, lists every such cell in ``budget.frame("rounding")`` and says so in
    ``meta["warnings"]``; ``"raise"`` raises :class:`~budgetkit.errors.AmountError`
    naming the file, table and line.

    Errors are budgetkit errors naming the file (and table, line, page).
    """
    if fen not in ("round", "raise"):
        raise ValueError(f"fen must be 'round' or 'raise', not {fen!r}")
    p = Path(path)
    if not p.exists():
        raise TemplateError("no such file", file=str(p))
    if p.is_dir():
        raise TemplateError("a folder, not a file (use read_many for folders)", file=str(p))
    if is_pdf(p):
        doc = extract(p)
        src = SourceText(doc.text, name=str(p))
        extra = {"source_format": "pdf", "pages": doc.page_count}
        return _parse(src, fen=fen, pages=doc.line_pages, geometry=doc.geometry, extra_meta=extra)
    src = SourceText.from_path(p)
    if "\x00" in src.text[:4096]:
        raise TemplateError("a binary file, neither UTF-8 text nor PDF", file=str(p))
    extra = {"source_format": "text"}
    pages = pages_of_text(src.lines)
    return _parse(src, fen=fen, pages=pages, extra_meta=extra)


# ---------------------------------------------------------------- many documents


@dataclass
class ReadManyResult:
    """What :func:`read_many` found.

    ``budgets``    the Budgets read, in path order
    ``documents``  one row per document read: source, department, year, template, unit, pages, totals, seconds
    ``failures``   one row per document that could not be read: source, error, reason, table, line
    """

    budgets: list[Budget] = field(default_factory=list)
    documents: pd.DataFrame = field(default_factory=pd.DataFrame)
    failures: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ok(self) -> bool:
        return self.failures.empty

    def frame(self, name: str) -> pd.DataFrame:
        """One frame (e.g. ``"table3"``) of every Budget that has it, stacked, with the document columns first."""
        parts = []
        for b in self.budgets:
            if name in b.frame_names:
                parts.append(_with_ids(b, b.frame(name)))
        if not parts:
            return pd.DataFrame(columns=ID_COLUMNS)
        return pd.concat(parts, ignore_index=True)

    @property
    def expenditure(self) -> pd.DataFrame:
        """Every document's expenditure lines (:attr:`Budget.expenditure`) in one long table.

        Columns: department, year, template, source, then code, name, level,
        total, basic, project (integer 元), line.
        """
        parts = [_with_ids(b, b.expenditure) for b in self.budgets]
        if not parts:
            return pd.DataFrame(columns=ID_COLUMNS + ["code", "name", "level", "total", "basic", "project", "line"])
        return pd.concat(parts, ignore_index=True)

    def __repr__(self) -> str:
        return f"<ReadManyResult {len(self.budgets)} read, {len(self.failures)} failed>"


def _with_ids(b: Budget, df: pd.DataFrame) -> pd.DataFrame:
    m = b.meta
    df = df.copy()
    ids = {"department": m.get("department"), "year": m.get("year"), "template": m.get("template"),
           "source": Path(str(m.get("source"))).name}
    for i, (k, v) in enumerate(ids.items()):
        if k in df.columns:
            df = df.drop(columns=k)
        df.insert(i, k, pd.array([v] * len(df), dtype="Int64" if k == "year" else "string"))
    return df


def _paths(paths_or_folder) -> list[Path]:
    if isinstance(paths_or_folder, (str, os.PathLike)):
        p = Path(paths_or_folder)
        if p.is_dir():
            return sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in SUFFIXES)
        return [p]
    return [Path(p) for p in paths_or_folder]


def read_many(paths_or_folder: str | os.PathLike | Iterable[str | os.PathLike], *, fen: str = "round",
              progress=None) -> ReadManyResult:
    """Read every disclosure of a folder (``.pdf``/``.txt``) or of a list of paths.

    A document that cannot be read never stops the run: it is listed in
    ``failures`` with the error's class and reason (and table, line when the
    error knows them). ``progress(path, ok, seconds)`` is called after each.
    """
    paths = _paths(paths_or_folder)
    budgets: list[Budget] = []
    docs: list[dict] = []
    fails: list[dict] = []
    for p in paths:
        start = time.perf_counter()
        try:
            b = read(p, fen=fen)
        except BudgetkitError as exc:
            seconds = time.perf_counter() - start
            fails.append({"source": p.name, "error": type(exc).__name__, "reason": exc.reason,
                          "table": exc.table, "line": exc.line, "message": str(exc)})
            if progress:
                progress(p, False, seconds)
            continue
        except Exception as exc:  # a bug in budgetkit must not stop a corpus run either; report it as such
            seconds = time.perf_counter() - start
            fails.append({"source": p.name, "error": f"internal error ({type(exc).__name__})",
                          "reason": f"{exc} — please report this as a budgetkit bug", "table": None, "line": None,
                          "message": f"{p}: {type(exc).__name__}: {exc}"})
            if progress:
                progress(p, False, seconds)
            continue
        seconds = time.perf_counter() - start
        budgets.append(b)
        exp = b.expenditure
        m = b.meta
        docs.append({
            "source": p.name, "department": m.get("department"), "year": m.get("year"),
            "template": m.get("template"), "currency_unit": m.get("currency_unit"),
            "pages": m.get("pages"), "tables": len(m.get("published", [])),
            "total": int(exp.loc[exp["level"] == 1, "total"].sum()),
            "basic": int(exp.loc[exp["level"] == 1, "basic"].sum()),
            "project": int(exp.loc[exp["level"] == 1, "project"].sum()),
            "warnings": len(m.get("warnings", [])), "seconds": round(seconds, 3),
        })
    doc_cols = ["source", "department", "year", "template", "currency_unit", "pages", "tables", "total", "basic",
                "project", "warnings", "seconds"]
    documents = pd.DataFrame.from_records(docs, columns=doc_cols)
    for c in ("year", "pages", "tables", "total", "basic", "project", "warnings"):
        documents[c] = documents[c].astype("Int64")
    failures = pd.DataFrame.from_records(fails, columns=["source", "error", "reason", "table", "line", "message"])
    failures["line"] = failures["line"].astype("Int64")
    return ReadManyResult(budgets, documents, failures)


# ---------------------------------------------------------------- command line


def cmd_parse_many(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"budgetkit: error: {folder}: not a folder", file=sys.stderr)
        return 2

    def progress(path, ok, seconds):
        if not args.quiet:
            print(f"{'ok    ' if ok else 'FAILED'} {path.name} ({seconds:.2f} s)", file=sys.stderr)

    res = read_many(folder, fen=args.fen, progress=progress)
    out = Path(args.out)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True)
    res.expenditure.to_csv(out, index=False, lineterminator="\n")
    print(f"read {len(res.budgets)} of {len(res.budgets) + len(res.failures)} documents; "
          f"wrote {len(res.expenditure)} expenditure lines to {out}")
    if not res.failures.empty:
        fail_path = out.with_name(out.stem + ".failures.csv")
        res.failures.to_csv(fail_path, index=False, lineterminator="\n")
        for r in res.failures.itertuples():
            print(f"budgetkit: failed: {r.message}", file=sys.stderr)
        print(f"{len(res.failures)} failure(s) listed in {fail_path}", file=sys.stderr)
        return 1 if res.budgets else 2
    return 0


def add_cli(subparsers) -> None:
    """Register ``parse-many DIR --out FILE`` on an argparse subparsers object (see budgetkit.cli)."""
    s = subparsers.add_parser(
        "parse-many", help="read every .pdf/.txt disclosure in a folder into one long CSV (expenditure lines)")
    s.add_argument("folder", help="folder of disclosures (.pdf or .txt, any template budgetkit reads)")
    s.add_argument("--out", required=True, help="CSV file to write (failures go to <out>.failures.csv)")
    s.add_argument("--fen", choices=("round", "raise"), default="round",
                   help="amounts printed with 分: round half up to whole 元 (default) or fail the document")
    s.add_argument("--quiet", action="store_true", help="no per-document progress on stderr")
    s.set_defaults(func=cmd_parse_many)


__all__ = ["ReadManyResult", "add_cli", "detect_template", "read", "read_many", "read_text"]

"""Reading and writing Budgets as Frictionless Data Packages, and the public loaders."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from . import _paths
from .budget import FRAME_TITLES, Budget
from .errors import DataError, TemplateError
from .frames import FROM_SCHEMA, schema_type
from .money import MONEY_COLUMNS
from .text import SourceText

DEFAULT_DATASET = "longhua-iit-2023"

#: Preferred primary keys; the first candidate that is unique is declared.
_KEY_CANDIDATES: dict[str, list[list[str]]] = {
    "table1": [["side", "line"]],
    "table6": [["side", "line"]],
    "projects": [["project_no"]],
    "project_components": [["project_no", "component"], ["project_no", "line", "component"]],
    "contents": [["number"]],
    "notes": [["line"]],
    "staffing": [["unit", "kind"]],
    "facts": [["key"]],
    "special_funds": [["sub_fund"]],
    "goals": [["no"]],
    "duties": [["no"]],
    "work_goals": [["no"]],
    "glossary": [["term"], ["line"]],
}

_FIELD_DOCS = {
    "line": "first 1-based line of the source text this row comes from",
    "line_end": "last 1-based line of the source text this row comes from",
    "code": "classification code (支出功能分类 3/5/7 digits or 经济分类 3/5 digits)",
    "level": "classification level: 0 total, 1 类, 2 款, 3 项",
    "name": "name as printed",
    "marker": "marker printed after the name (e.g. ★)",
}


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_datapackage(budget: Budget, out_dir: str | Path, *, source_path: str | Path | None = None) -> Path:
    """Write every table of ``budget`` as CSV plus ``datapackage.json`` into ``out_dir``.

    The source text is referenced (relative path and SHA-256), not copied.
    Returns the path of ``datapackage.json``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = budget.meta
    resources = []
    for name in budget.frame_names:
        df = budget.frame(name)
        path = f"{name}.csv"
        df.to_csv(out / path, index=False, lineterminator="\n")
        fields = []
        for col in df.columns:
            field = {"name": col, "type": schema_type(df[col].dtype)}
            if col in _FIELD_DOCS:
                field["description"] = _FIELD_DOCS[col]
            if field["type"] == "integer" and _is_money(col):
                field["description"] = "amount in 元 (exact integer; published in " + meta["currency_unit"] + ")"
                field["unit"] = "元"
            fields.append(field)
        schema: dict = {"fields": fields}
        for key in _KEY_CANDIDATES.get(name, [["line"]]):
            if all(k in df.columns for k in key) and not df.duplicated(subset=key).any() and not df[key].isna().any().any():
                schema["primaryKey"] = key if len(key) > 1 else key[0]
                break
        resources.append({
            "name": name.replace("_", "-"),
            "path": path,
            "title": FRAME_TITLES.get(name, name),
            "format": "csv",
            "encoding": "utf-8",
            "mediatype": "text/csv",
            "schema": schema,
        })
    src_rel = None
    sha = _sha256(budget.source_text)
    if source_path is not None:
        src_rel = os.path.relpath(Path(source_path).resolve(), out.resolve()).replace(os.sep, "/")
    package = {
        "name": out.name.lower(),
        "title": f"{meta['year']} 年{meta['department']}部门预算",
        "description": "Tidy tables parsed by budgetkit from the published department budget disclosure. "
        "Amounts are exact integers of 元; line/line_end give the source text lines of every row.",
        "licenses": [{"name": "other-pd", "title": "Public government disclosure (部门预算公开), reproduced for research and teaching"}],
        "sources": [{"title": meta["source_name"] if "source_name" in meta else Path(str(meta["source"])).name,
                     "path": src_rel or Path(str(meta["source"])).name}],
        "resources": resources,
        "budgetkit": {**{k: v for k, v in meta.items() if k != "source"},
                      "source": src_rel or Path(str(meta["source"])).name,
                      "source_sha256": sha},
    }
    target = out / "datapackage.json"
    target.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def _is_money(col: str) -> bool:
    return col in MONEY_COLUMNS


def _column(kind: str, values: tuple[str, ...], csv_path: Path, name: str):
    try:
        if kind == "integer":
            return pd.array([int(v) if v else None for v in values], dtype="Int64")
        if kind == "number":
            return pd.array([float(v) if v else None for v in values], dtype="Float64")
        if kind == "boolean":
            bad = [v for v in values if v not in ("", "True", "False")]
            if bad:
                raise ValueError(f"not a boolean: {bad[0]!r}")
            return pd.array([None if not v else v == "True" for v in values], dtype="boolean")
    except ValueError as exc:
        row = next(i for i, v in enumerate(values, start=2) if v and not _fits(kind, v))
        raise DataError(f"column {name!r} ({kind}): {exc}", file=str(csv_path), line=row) from None
    return pd.array([v if v else None for v in values], dtype=FROM_SCHEMA["string"])


def _fits(kind: str, value: str) -> bool:
    try:
        if kind == "integer":
            int(value)
        elif kind == "number":
            float(value)
        elif kind == "boolean":
            return value in ("True", "False")
        return True
    except ValueError:
        return False


def _read_resource(csv_path: Path, fields: list[tuple[str, str]]) -> pd.DataFrame:
    """Read one CSV written by :func:`write_datapackage` into canonical dtypes.

    The files are small; Python's csv module plus one typed array per column is
    faster than ``pandas.read_csv`` here and gives the exact dtypes directly.
    """
    try:
        with open(csv_path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    except OSError as exc:
        raise DataError(f"cannot read the resource: {exc.strerror or exc}", file=str(csv_path)) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"not a valid UTF-8 CSV file: {exc}", file=str(csv_path)) from None
    names = [n for n, _ in fields]
    if not rows or rows[0] != names:
        raise DataError(f"header {rows[0] if rows else []} differs from the schema's fields {names}",
                        file=str(csv_path), line=1)
    body = rows[1:]
    for i, row in enumerate(body, start=2):
        if len(row) != len(names):
            raise DataError(f"{len(row)} cells where the schema has {len(names)} fields", file=str(csv_path), line=i)
    columns = list(zip(*body)) if body else [()] * len(names)
    data = {name: _column(kind, col, csv_path, name) for (name, kind), col in zip(fields, columns)}
    return pd.DataFrame(data, columns=names, copy=False)


def read_datapackage(path: str | Path) -> Budget:
    """Read a Budget written by :func:`write_datapackage` (a folder or its datapackage.json)."""
    path = Path(path)
    descriptor = path / "datapackage.json" if path.is_dir() else path
    try:
        package = json.loads(descriptor.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataError(f"cannot read the data package: {exc.strerror or exc}", file=str(descriptor)) from None
    except json.JSONDecodeError as exc:
        raise DataError(f"invalid JSON: {exc.msg}", file=str(descriptor), line=exc.lineno) from None
    root = descriptor.parent
    frames = {}
    for res in package.get("resources", []):
        name = res["name"].replace("-", "_")
        fields = [(f["name"], f["type"]) for f in res["schema"]["fields"]]
        frames[name] = _read_resource(root / res["path"], fields)
    meta = dict(package["budgetkit"])
    sha = meta.pop("source_sha256", None)
    source_path = (root / meta["source"]).resolve()
    meta["source"] = str(meta["source"])
    budget = Budget(frames, meta, source_path=source_path, _canonical=True)
    budget._source_sha256 = sha
    return budget


def datasets() -> list[str]:
    """Ids of the datasets bundled with budgetkit (e.g. ``'longhua-iit-2023'``)."""
    root = _paths.data_root()
    return sorted(p.name for p in root.iterdir() if (p / "datapackage.json").is_file())


def load(dataset: str | None = None) -> Budget:
    """Load a bundled dataset (default: the 2023 Longhua Industry & IT Bureau budget).

    Reads the processed CSV files; does not re-parse the source text.
    """
    dataset = dataset or DEFAULT_DATASET
    folder = _paths.data_root() / dataset
    if not (folder / "datapackage.json").is_file():
        raise DataError(f"no bundled dataset {dataset!r}; available: {', '.join(datasets()) or 'none'}")
    return read_datapackage(folder)


def parse_text(source: str | os.PathLike, *, strict: bool = False) -> Budget:
    """Parse a disclosure's source text (a path, or the text itself) into a :class:`Budget`.

    The template (Shenzhen 12-table or national 9-table) is detected from the
    text; for PDFs use :func:`budgetkit.read`. Raises a budgetkit error naming the
    file, table and line for anything it cannot read. ``strict=True`` also
    rejects well-formed classification codes that budgetkit's reference list
    does not know (by default they are kept and listed in ``meta["warnings"]``).
    """
    if isinstance(source, str) and not source.strip():
        return _parse_src(SourceText(source), strict)
    if isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source and len(source) < 4096):
        path = Path(source)
        if not path.exists():
            raise TemplateError("no such file", file=str(path))
        src = SourceText.from_path(path)
    else:
        src = SourceText(str(source))
    return _parse_src(src, strict)


def _parse_src(src: SourceText, strict: bool = False) -> Budget:
    from . import shenzhen

    if shenzhen.detect(src):
        return shenzhen.parse(src, strict=strict)
    # Any other template budgetkit reads (the national 9-table one …): the
    # reader detects it from the text, or raises a TemplateError naming both.
    from .pdf import pages_of_text
    from .reader import _parse

    return _parse(src, fen="round", pages=pages_of_text(src.lines), extra_meta={"source_format": "text"})

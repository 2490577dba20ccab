"""Tables a disclosure leaves out, derived from the tables it publishes — always labelled as derived.

The Shenzhen template's contents list promises 表2 收入总表, 表4 基本支出总表 and
表5 项目支出总表, but the seed disclosure does not print them; the national
rules (财预〔2016〕143号) also ask for a 一般公共预算基本支出表. Their content is
(mostly) recoverable from published tables:

===================  ==========================================  =====================
key                  derived from                                 table (Shenzhen)
===================  ==========================================  =====================
``income``           表1 收支总表, revenue side                     表2 收入总表
``basic_summary``    表3 支出总表, 基本支出 column                  表4 基本支出总表
``project_summary``  表3 支出总表, 项目支出 column                  表5 项目支出总表
``general_basic``    表8 经济分类表, 基本支出 column                一般公共预算基本支出表
===================  ==========================================  =====================

A derived table is **never** presented as published: its ``attrs`` carry
``derived=True``, ``published=False``, ``derived_from`` (the source table and
column) and a title ending in “（派生，非公开表）”, and every row has a
``derived_from`` column naming the source line. Amounts are exact integer 元,
copied, never re-rounded.

>>> import budgetkit as bk
>>> from budgetkit.derive import derive_table
>>> t4 = derive_table(bk.load(), 4)          # 基本支出总表, derived from 表3
>>> t4.attrs["derived"], t4.attrs["derived_from"]
(True, '表3 支出总表（基本支出列）')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from .checks._roles import ROLES, TableRef, resolve, role_of
from .errors import DataError, MissingTableError

__all__ = ["DERIVATIONS", "derivable", "derive_table"]

_MONEY = ("amount", "total", "personnel", "public")


@dataclass(frozen=True)
class Derivation:
    """How to derive one table: its key (role), source role, the column used and a builder."""

    key: str
    title: str
    source: str
    column: str
    build: Callable[[Any, dict[str, TableRef]], pd.DataFrame]


def _ref(refs: dict[str, TableRef], role: str, default_number: int) -> TableRef:
    return refs.get(role) or TableRef(role, default_number, ROLES[role][0], f"table{default_number}", False)


def _source(budget: Any, refs: dict[str, TableRef], role: str, default_number: int, wanted: str) -> tuple[TableRef, pd.DataFrame]:
    ref = _ref(refs, role, default_number)
    if ref.frame not in budget.frame_names:
        raise MissingTableError(
            f"cannot derive {wanted}: the Budget has no {ref.full_label}",
            file=budget.meta.get("source"), table=ref.full_label,
        )
    return ref, budget.frame(ref.frame)


def _from(ref: TableRef, line: Any, column: str) -> str:
    where = f"第{int(line)}行" if line is not None and not pd.isna(line) else ""
    return f"{ref.label} {where} {column}".replace("  ", " ").strip()


def _finish(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    for c in columns:
        if c in _MONEY or c in ("level", "line", "line_end"):
            df[c] = pd.array([None if v is None or pd.isna(v) else int(v) for v in df[c]], dtype="Int64")
        else:
            df[c] = pd.array([None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
                              for v in df[c]], dtype="string")
    return df


def _income(budget: Any, refs: dict[str, TableRef]) -> pd.DataFrame:
    ref, t1 = _source(budget, refs, "summary", 1, "收入总表")
    inc = t1[t1["side"] == "income"]
    unit = budget.meta.get("department")
    rows = [{
        "unit": unit, "kind": r.kind, "level": r.level, "name": r.name, "amount": r.amount,
        "line": r.line, "line_end": r.line_end, "derived_from": _from(ref, r.line, "收入方"),
    } for r in inc.itertuples()]
    return _finish(rows, ["unit", "kind", "level", "name", "amount", "line", "line_end", "derived_from"])


def _economic_split(budget: Any, refs: dict[str, TableRef], basic_total: Any) -> tuple[Any, Any, str]:
    """Personnel / public split of the basic total from 表8, when 表8 covers all of it."""
    ref = refs.get("general_economic")
    if ref is None or ref.frame not in budget.frame_names:
        return None, None, ""
    t8 = budget.frame(ref.frame)
    if "basic" not in t8.columns:
        return None, None, ""
    total = t8[t8["kind"] == "total"]
    t8_basic = None if total.empty else total["basic"].iloc[0]
    if t8_basic is None or pd.isna(t8_basic) or pd.isna(basic_total) or int(t8_basic) != int(basic_total):
        return None, None, ""   # 表8 does not cover all the basic expenditure (or a total is missing)
    items = t8[(t8["kind"] != "total") & t8["code"].notna()]
    classes = items[items["code"].str.len() == 3]
    personnel = int(classes.loc[classes["code"].isin(["301", "303"]), "basic"].fillna(0).sum())
    public = int(classes.loc[~classes["code"].isin(["301", "303"]), "basic"].fillna(0).sum())
    return personnel, public, f"人员/公用经费由{ref.label}基本支出列按经济分类计算（301、303 为人员经费，其余为公用经费）"


def _column_of_3(budget: Any, refs: dict[str, TableRef], column: str, wanted: str, personnel_split: bool) -> pd.DataFrame:
    ref, t3 = _source(budget, refs, "expenditure", 3, wanted)
    if column not in t3.columns:
        raise DataError(f"cannot derive {wanted}: {ref.full_label} has no {column!r} column",
                        file=budget.meta.get("source"), table=ref.full_label)
    label = {"basic": "基本支出列", "project": "项目支出列"}[column]
    rows = []
    for r in t3.itertuples():
        value = getattr(r, column)
        if r.kind != "total" and (pd.isna(value) or int(value) == 0):
            continue
        row = {"unit": getattr(r, "unit", budget.meta.get("department")), "kind": r.kind, "code": r.code,
               "level": r.level, "name": r.name, "total": value, "line": r.line, "line_end": r.line_end,
               "derived_from": _from(ref, r.line, label)}
        if personnel_split:
            row["personnel"], row["public"] = None, None
            if r.kind == "total":
                p, q, how = _economic_split(budget, refs, value)
                row["personnel"], row["public"] = p, q
                if how:
                    row["derived_from"] += "；" + how
        rows.append(row)
    cols = ["unit", "kind", "code", "level", "name", "total"] + (["personnel", "public"] if personnel_split else [])
    return _finish(rows, cols + ["line", "line_end", "derived_from"])


def _basic_summary(budget: Any, refs: dict[str, TableRef]) -> pd.DataFrame:
    return _column_of_3(budget, refs, "basic", "基本支出总表", personnel_split=True)


def _project_summary(budget: Any, refs: dict[str, TableRef]) -> pd.DataFrame:
    return _column_of_3(budget, refs, "project", "项目支出总表", personnel_split=False)


def _general_basic(budget: Any, refs: dict[str, TableRef]) -> pd.DataFrame:
    ref, t8 = _source(budget, refs, "general_economic", 8, "一般公共预算基本支出表")
    if "basic" not in t8.columns:
        raise DataError("cannot derive 一般公共预算基本支出表: no 'basic' column",
                        file=budget.meta.get("source"), table=ref.full_label)
    rows = []
    for r in t8.itertuples():
        value = r.basic
        if r.kind != "total" and (pd.isna(value) or int(value) == 0):
            continue
        cls = None if pd.isna(r.code) else str(r.code)[:3]
        personnel = public = None
        if cls is not None and not pd.isna(value):
            personnel, public = (int(value), 0) if cls in ("301", "303") else (0, int(value))
        rows.append({"unit": getattr(r, "unit", budget.meta.get("department")), "kind": r.kind, "code": r.code,
                     "level": r.level, "name": r.name, "total": value, "personnel": personnel, "public": public,
                     "line": r.line, "line_end": r.line_end, "derived_from": _from(ref, r.line, "基本支出列")})
    items = [x for x in rows if x["kind"] != "total" and x["code"] is not None and len(str(x["code"])) == 3]
    for x in rows:
        if x["kind"] == "total":
            x["personnel"] = sum(i["personnel"] for i in items)
            x["public"] = sum(i["public"] for i in items)
    return _finish(rows, ["unit", "kind", "code", "level", "name", "total", "personnel", "public",
                          "line", "line_end", "derived_from"])


#: key → how to derive it
DERIVATIONS: dict[str, Derivation] = {
    "income": Derivation("income", "收入总表", "summary", "收入方", _income),
    "basic_summary": Derivation("basic_summary", "基本支出总表", "expenditure", "基本支出列", _basic_summary),
    "project_summary": Derivation("project_summary", "项目支出总表", "expenditure", "项目支出列", _project_summary),
    "general_basic": Derivation("general_basic", "一般公共预算基本支出表", "general_economic", "基本支出列",
                                _general_basic),
}

_DEFAULT_SOURCE_NUMBERS = {"summary": 1, "expenditure": 3, "general_economic": 8}


def _key(budget: Any, refs: dict[str, TableRef], n: int | str) -> tuple[str, TableRef | None]:
    if isinstance(n, bool):
        raise DataError(f"table must be a number or a name, got {n!r}")
    if isinstance(n, int):
        for role, ref in refs.items():
            if ref.number == n:
                if role in DERIVATIONS:
                    return role, ref
                raise DataError(
                    f"表{n} {ref.title} cannot be derived"
                    + ("; it is published: use Budget.table(%d)" % n if ref.published else "")
                    + f"; derivable: {', '.join(DERIVATIONS)}",
                    file=budget.meta.get("source"), table=ref.full_label,
                )
        raise DataError(f"表{n} is not in the contents list; derivable: {', '.join(DERIVATIONS)}",
                        file=budget.meta.get("source"))
    text = str(n)
    key = text if text in DERIVATIONS else role_of(text)
    if key not in DERIVATIONS:
        raise DataError(f"cannot derive {text!r}; derivable: {', '.join(DERIVATIONS)} "
                        f"({'、'.join(d.title for d in DERIVATIONS.values())})", file=budget.meta.get("source"))
    return key, refs.get(key)


def derive_table(budget: Any, n: int | str) -> pd.DataFrame:
    """Derive table ``n`` (a contents number such as 2/4/5, a key of :data:`DERIVATIONS` or a title).

    The result is clearly labelled: ``attrs["derived"] is True``,
    ``attrs["published"] is False``, ``attrs["derived_from"]`` names the
    source table and column, and a ``derived_from`` column names each row's
    source line. The Budget is not changed.

    Raises :class:`~budgetkit.errors.DataError` for a table that cannot be
    derived and :class:`~budgetkit.errors.MissingTableError` when the source
    table is missing.
    """
    refs = resolve(budget.meta, budget.frame_names)
    key, ref = _key(budget, refs, n)
    d = DERIVATIONS[key]
    df = d.build(budget, refs)
    src = _ref(refs, d.source, _DEFAULT_SOURCE_NUMBERS[d.source])
    number = ref.number if ref is not None else None
    title = ref.title if ref is not None else d.title
    df.attrs.update({
        "derived": True,
        "published": bool(ref.published) if ref is not None else False,
        "derived_from": f"{src.full_label}（{d.column}）",
        "table": number,
        "key": key,
        "title": f"{title}（派生自{src.label}，非公开表）" if not (ref and ref.published) else f"{title}（派生自{src.label}）",
        "notes": [
            f"本表由 budgetkit 从已公开的{src.full_label}（{d.column}）派生，不是部门公开的表格 / "
            f"derived by budgetkit from {src.full_label}, not published by the department",
        ],
    })
    return df


def derivable(budget: Any) -> pd.DataFrame:
    """Which absent (or present) tables can be derived: ``key``, ``number``, ``title``, ``source``, ``published``, ``available``."""
    refs = resolve(budget.meta, budget.frame_names)
    rows = []
    for key, d in DERIVATIONS.items():
        ref = refs.get(key)
        src = _ref(refs, d.source, _DEFAULT_SOURCE_NUMBERS[d.source])
        rows.append({
            "key": key,
            "number": ref.number if ref else None,
            "title": ref.title if ref else d.title,
            "source": f"{src.full_label}（{d.column}）",
            "published": bool(ref.published) if ref else False,
            "available": src.frame in budget.frame_names,
        })
    df = pd.DataFrame(rows)
    df["number"] = df["number"].astype("Int64")
    return df

"""Column types of budgetkit's tidy tables and their Table Schema twins.

Every DataFrame a :class:`~budgetkit.Budget` holds goes through
:func:`normalise`, whether it was just parsed or read back from CSV, so the two
are equal to the dtype: integers (amounts in 元, line numbers, levels) are
``Int64``, decimals ``Float64``, flags ``boolean``, text ``string`` with
``<NA>`` for a missing value (never an empty string).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

STRING = pd.StringDtype()

#: pandas dtype → Table Schema field type
_TO_SCHEMA = {"Int64": "integer", "Float64": "number", "boolean": "boolean", "string": "string"}
#: Table Schema field type → pandas dtype
FROM_SCHEMA = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": STRING}

#: Columns whose type is fixed whatever their values (e.g. all missing).
_INTEGER_COLUMNS = {
    "line", "line_end", "level", "year", "project_no", "no", "goal_line", "goal_line_end",
    "amount", "change", "prior_amount", "goal_amount", "total", "basic", "project", "fiscal", "other",
    "authorised", "actual", "retired", "retired_cadres", "table", "number",
}
_FLOAT_COLUMNS = {"change_pct", "value"}
_BOOL_COLUMNS = {"special_fund", "quantitative", "shifted", "published"}


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def _kind_of(vals: list) -> str | None:
    """Kind of a list of non-missing Python values, or None when empty."""
    if not vals:
        return None
    if all(isinstance(v, (bool, np.bool_)) for v in vals):
        return "boolean"
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in vals):
        return "Int64"
    if all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) for v in vals):
        return "Float64"
    return "string"


def _hint(name: str) -> str:
    if name in _INTEGER_COLUMNS:
        return "Int64"
    if name in _FLOAT_COLUMNS:
        return "Float64"
    if name in _BOOL_COLUMNS:
        return "boolean"
    return "string"


def _canonical_array(name: str, col: pd.Series):
    dtype = col.dtype
    if str(dtype) in ("Int64", "Float64", "boolean"):
        return col.array.copy()
    values = col.tolist()
    present = [v for v in values if not _missing(v)]
    if isinstance(dtype, pd.StringDtype):
        kind = "string"
    elif pd.api.types.is_bool_dtype(dtype):
        kind = "boolean"
    elif pd.api.types.is_integer_dtype(dtype):
        kind = "Int64"
    elif pd.api.types.is_float_dtype(dtype):
        whole = all(float(v).is_integer() for v in present)
        kind = "Int64" if (name in _INTEGER_COLUMNS and whole) else ("Float64" if present else _hint(name))
    else:
        kind = _kind_of(present) or _hint(name)
        if kind == "Float64" and name in _INTEGER_COLUMNS and all(float(v).is_integer() for v in present):
            kind = "Int64"
    return _array(kind, values)


def _is_canonical(df: pd.DataFrame) -> bool:
    if not isinstance(df.index, pd.RangeIndex) or df.index.start != 0 or df.index.step != 1:
        return False
    for name in df.columns:
        col = df[name]
        dtype = col.dtype
        if dtype == STRING:
            if any(type(v) is str and not v for v in col.array._ndarray):
                return False
        elif str(dtype) not in ("Int64", "Float64", "boolean"):
            return False
    return df.columns.is_unique


def from_records(records: list[dict], columns: list[str]) -> pd.DataFrame:
    """Build a canonical frame straight from a list of dicts (one construction, no re-typing)."""
    data = {}
    for name in columns:
        values = [r.get(name) for r in records]
        present = [v for v in values if not _missing(v)]
        kind = _kind_of(present) or _hint(name)
        if kind == "Float64" and name in _INTEGER_COLUMNS and all(float(v).is_integer() for v in present):
            kind = "Int64"
        data[name] = _array(kind, values)
    return pd.DataFrame(data, index=pd.RangeIndex(len(records)), columns=columns, copy=False)


def _array(kind: str, values: list):
    if kind == "string":
        return pd.array([None if _missing(v) or v == "" else str(v) for v in values], dtype=STRING)
    if kind == "Int64":
        return pd.array([None if _missing(v) else int(v) for v in values], dtype="Int64")
    if kind == "Float64":
        return pd.array([None if _missing(v) else float(v) for v in values], dtype="Float64")
    return pd.array([None if _missing(v) else bool(v) for v in values], dtype="boolean")


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with budgetkit's canonical dtypes (see module doc); a new frame unless it already has them."""
    if _is_canonical(df):
        return df
    data = {name: _canonical_array(name, df[name]) for name in df.columns}
    return pd.DataFrame(data, index=pd.RangeIndex(len(df)), columns=list(df.columns), copy=False)


def schema_type(dtype) -> str:
    return _TO_SCHEMA.get(str(dtype), "string")

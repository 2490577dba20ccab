"""Classification codes (政府收支分类科目) of budget tables.

Two expenditure classifications appear in a department budget:

* 支出功能分类 (system ``"function"``): what the money is for. Three levels,
  类/款/项, of 3/5/7 digits; 类 codes are ``2xx`` (``201`` 一般公共服务支出).
  ``2011301`` is 项 ``01`` of 款 ``13`` of 类 ``201``.
* 部门预算支出经济分类 (system ``"economic"``): what kind of spending it is.
  Two levels, 类/款, of 3/5 digits; 类 codes are ``3xx`` (``301`` 工资福利支出).

The first digit decides the system. Codes are validated on construction:
:func:`parse` accepts ``"2011301"``, ``"201 13 01"`` (a code printed across
three columns), ints, full-width digits and surrounding white space, and
raises :class:`~budgetkit.errors.CodeError` for anything malformed.
Well-formed codes that are not in the shipped reference lists still parse
(``known`` is False, ``name`` is None); :func:`lookup` is the strict variant.

The reference lists (``budgetkit/data/function_codes.csv`` and
``economic_codes.csv``) carry the official names (2023 科目, plus the 2024–2025 项 the
Shanghai corpus uses, e.g. ``2010601`` 行政运行) and
former names (``aliases``), e.g. ``21305`` 巩固脱贫攻坚成果衔接乡村振兴,
formerly 扶贫.

:func:`rollup` sums a tidy table that holds rows at several levels at once
(类, 款 and 项 rows, as budget tables print them) exactly: only the leaf rows
are summed, so nothing is counted twice.
"""

from __future__ import annotations

import csv
import io
import numbers
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable, Iterator, Literal, Sequence

import pandas as pd

from .errors import CodeError, DataError
from .text import clean_cell

System = Literal["function", "economic"]

#: The classification systems budgetkit knows, by name.
SYSTEMS: tuple[str, ...] = ("function", "economic")

#: Chinese names of the levels of each system.
LEVEL_NAMES: dict[str, dict[int, str]] = {
    "function": {1: "类", 2: "款", 3: "项"},
    "economic": {1: "类", 2: "款"},
}

#: Human-readable names of the systems.
SYSTEM_NAMES: dict[str, str] = {
    "function": "支出功能分类",
    "economic": "部门预算支出经济分类",
}

#: Number of digits of a code at each level.
LEVEL_DIGITS: dict[int, int] = {1: 3, 2: 5, 3: 7}
_DIGITS_LEVEL = {v: k for k, v in LEVEL_DIGITS.items()}

#: First digit of a code -> its system.
_FIRST_DIGIT: dict[str, str] = {"2": "function", "3": "economic"}

_REFERENCE_FILES = {"function": "function_codes.csv", "economic": "economic_codes.csv"}
_CSV_COLUMNS = ["code", "name", "level", "parent", "aliases", "note"]

#: Integer columns that are never summed by :func:`rollup` by default.
_NON_VALUE_COLUMNS = frozenset({
    "level", "line", "line_end", "source_line", "goal_line", "goal_line_end",
    "row", "page", "year", "table", "no", "number", "project_no",
})

_SPACE_RE = re.compile(r"\s+")


# --------------------------------------------------------------------------
# Code
# --------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Code:
    """A validated classification code.

    Equality, hashing and ordering use ``code`` and ``system`` only; sorting
    codes as strings puts every code right after its ancestors (``201`` <
    ``20113`` < ``2011301`` < ``206``), i.e. in the order tables print them.

    Build codes with :func:`parse` or :func:`lookup`; direct construction is
    validated too (digits, length, system, level and parent must agree).
    """

    code: str
    system: str
    level: int = field(compare=False)
    parent: "Code | None" = field(default=None, compare=False, repr=False)
    name: str | None = field(default=None, compare=False)
    aliases: tuple[str, ...] = field(default=(), compare=False)
    known: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        _check_digits(self.code, self.code)
        system = _system_of(self.code, self.code)
        if self.system != system:
            raise CodeError(
                f"code {self.code!r} is a {SYSTEM_NAMES[system]} ({system!r}) code, "
                f"not {self.system!r}"
            )
        level = _DIGITS_LEVEL[len(self.code)]
        if level not in LEVEL_NAMES[system]:
            raise CodeError(_too_long_message(self.code, system))
        if self.level != level:
            raise CodeError(f"code {self.code!r} is at level {level}, not {self.level!r}")
        if level == 1:
            if self.parent is not None:
                raise CodeError(f"code {self.code!r} is a 类 code and has no parent")
        elif self.parent is None or self.parent.code != self.code[: LEVEL_DIGITS[level - 1]]:
            raise CodeError(
                f"the parent of {self.code!r} must be {self.code[: LEVEL_DIGITS[level - 1]]!r}, "
                f"got {None if self.parent is None else self.parent.code!r}"
            )
        if not isinstance(self.aliases, tuple):
            raise CodeError(f"aliases of {self.code!r} must be a tuple of names")

    @property
    def level_name(self) -> str:
        """类, 款 or 项."""
        return LEVEL_NAMES[self.system][self.level]

    @property
    def segments(self) -> tuple[str, ...]:
        """The code split at level boundaries: ``('201', '13', '01')``."""
        bounds = [0] + [LEVEL_DIGITS[lv] for lv in range(1, self.level + 1)]
        return tuple(self.code[a:b] for a, b in zip(bounds, bounds[1:]))

    def ancestors(self) -> tuple["Code", ...]:
        """The ancestors, outermost first: ``(类, 款)`` for a 项 code."""
        out: list[Code] = []
        node = self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return tuple(reversed(out))

    def ancestor(self, level: int | str) -> "Code":
        """The ancestor at ``level`` (the code itself at its own level)."""
        lv = _level_number(level, self.system)
        if lv > self.level:
            raise CodeError(
                f"code {self.code!r} is a {self.level_name} code; it has no ancestor at level {lv}"
            )
        return self if lv == self.level else self.ancestors()[lv - 1]

    def is_ancestor_of(self, other: "Code | str | int") -> bool:
        """True when ``other`` lies strictly below this code."""
        other = parse(other)
        return (
            other.system == self.system
            and other.level > self.level
            and other.code.startswith(self.code)
        )

    def matches_name(self, text: str | None) -> bool:
        """True when ``text`` is the current name or a former/alternative name.

        ★ markers, HTML fragments and white space are ignored and full-width
        and half-width punctuation compare equal.
        """
        if text is None or self.name is None:
            return False
        want = _norm_name(text)
        return bool(want) and want in {_norm_name(n) for n in (self.name, *self.aliases)}

    def __str__(self) -> str:
        return f"{self.code} {self.name}" if self.name else self.code


# --------------------------------------------------------------------------
# Reference lists
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    code: str
    name: str
    level: int
    parent: str | None
    aliases: tuple[str, ...]
    note: str


def _parse_reference_csv(text: str, system: str, source: str) -> dict[str, _Entry]:
    """Read and validate a reference list; errors name the file and line."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise DataError("the reference list is empty", file=source) from None
    if header != _CSV_COLUMNS:
        raise DataError(
            f"the header must be {','.join(_CSV_COLUMNS)}, got {','.join(header)}",
            file=source, line=1,
        )
    entries: dict[str, _Entry] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(_CSV_COLUMNS):
            raise DataError(f"expected {len(_CSV_COLUMNS)} columns, got {len(row)}", file=source, line=line)
        code, name, level, parent, aliases, note = (c.strip() for c in row)
        try:
            c = _normalise(code, system)
        except CodeError as exc:
            raise DataError(exc.reason, file=source, line=line) from None
        if c != code:
            raise DataError(f"code {code!r} must be written as plain digits", file=source, line=line)
        if code in entries:
            raise DataError(f"code {code} is listed twice", file=source, line=line)
        if not name:
            raise DataError(f"code {code} has no name", file=source, line=line)
        lv = _DIGITS_LEVEL[len(code)]
        if level != str(lv):
            raise DataError(f"code {code} is at level {lv}, the list says {level!r}", file=source, line=line)
        want_parent = code[: LEVEL_DIGITS[lv - 1]] if lv > 1 else ""
        if parent != want_parent:
            raise DataError(
                f"the parent of {code} must be {want_parent or 'empty'}, the list says {parent or 'empty'}",
                file=source, line=line,
            )
        if parent and parent not in entries:
            raise DataError(
                f"the parent {parent} of {code} must be listed before it", file=source, line=line
            )
        alias_t = tuple(a.strip() for a in aliases.split(";") if a.strip()) if aliases else ()
        entries[code] = _Entry(code, name, lv, parent or None, alias_t, note)
    return entries


@lru_cache(maxsize=None)
def _entries(system: str) -> dict[str, _Entry]:
    filename = _REFERENCE_FILES[system]
    resource = resources.files(__package__ or "budgetkit").joinpath("data", filename)
    try:
        text = resource.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:  # pragma: no cover - broken install
        raise DataError(f"cannot read the reference list: {exc}", file=f"budgetkit/data/{filename}") from exc
    return _parse_reference_csv(text, system, f"budgetkit/data/{filename}")


def reference(system: str) -> pd.DataFrame:
    """The shipped reference list of ``system`` as a DataFrame (a fresh copy).

    Columns: ``code``, ``name`` (``string``), ``level`` (``Int64``),
    ``parent`` (``string``, NA for 类), ``aliases`` (tuple of str, empty when
    none), ``note`` (``string``, NA when none). Rows are in code order.
    """
    system = _check_system(system)
    rows = sorted(_entries(system).values(), key=lambda e: e.code)
    return pd.DataFrame(
        {
            "code": pd.array([e.code for e in rows], dtype="string"),
            "name": pd.array([e.name for e in rows], dtype="string"),
            "level": pd.array([e.level for e in rows], dtype="Int64"),
            "parent": pd.array([e.parent for e in rows], dtype="string"),
            "aliases": pd.Series([e.aliases for e in rows], dtype=object),
            "note": pd.array([e.note or None for e in rows], dtype="string"),
        }
    )


# --------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------


def _check_system(system: str) -> str:
    if system not in SYSTEMS:
        raise CodeError(f"unknown classification system {system!r}; known: {', '.join(SYSTEMS)}")
    return system


def _check_digits(code: object, shown: object) -> None:
    if not isinstance(code, str) or not code.isascii() or not code.isdigit():
        raise CodeError(f"a classification code is digits only, got {shown!r}")
    if len(code) not in _DIGITS_LEVEL:
        raise CodeError(
            f"a classification code has 3 (类), 5 (款) or 7 (项) digits, "
            f"got {len(code)} digits in {shown!r}"
        )


def _system_of(code: str, shown: object) -> str:
    try:
        return _FIRST_DIGIT[code[0]]
    except KeyError:
        raise CodeError(
            f"code {shown!r} starts with {code[0]}: expenditure codes start with 2 "
            f"(支出功能分类) or 3 (部门预算支出经济分类)"
        ) from None


def _too_long_message(code: str, system: str) -> str:
    return (
        f"code {code!r} has {len(code)} digits, but {SYSTEM_NAMES[system]} codes "
        f"only have 类 (3 digits) and 款 (5 digits)"
    )


def _normalise(code: object, system: str | None = None) -> str:
    """Validate ``code`` and return it as plain ASCII digits."""
    shown = code
    if isinstance(code, bool) or code is None:
        raise CodeError(f"a classification code is text or an integer, got {shown!r}")
    if isinstance(code, numbers.Integral):
        if code < 0:
            raise CodeError(f"a classification code cannot be negative, got {shown!r}")
        text = str(int(code))
    elif isinstance(code, str):
        text = unicodedata.normalize("NFKC", code).strip()
    else:
        raise CodeError(
            f"a classification code is text or an integer, got {type(code).__name__} {shown!r}"
        )
    if not text:
        raise CodeError("empty classification code")
    groups = _SPACE_RE.split(text)
    if len(groups) > 1:
        # A code printed across columns: "201 13 01". Every break must fall on
        # a level boundary, otherwise "20 113" would silently become "20113".
        pos = 0
        for g in groups[:-1]:
            pos += len(g)
            if pos not in _DIGITS_LEVEL:
                raise CodeError(
                    f"code {shown!r} is split at digit {pos}; a code printed in parts "
                    f"is split as 类 (3 digits) / 款 (2) / 项 (2)"
                )
    digits = "".join(groups)
    _check_digits(digits, shown)
    actual = _system_of(digits, shown)
    if _DIGITS_LEVEL[len(digits)] not in LEVEL_NAMES[actual]:
        raise CodeError(_too_long_message(digits, actual))
    for i, seg in enumerate(_segments_of(digits)):
        if int(seg) == 0:
            raise CodeError(
                f"code {shown!r}: the {LEVEL_NAMES[actual][i + 1]} segment {seg!r} is zero"
            )
    if system is not None and actual != _check_system(system):
        raise CodeError(
            f"code {shown!r} is a {SYSTEM_NAMES[actual]} ({actual!r}) code, "
            f"but a {SYSTEM_NAMES[system]} ({system!r}) code was expected"
        )
    return digits


def _segments_of(digits: str) -> list[str]:
    bounds = [0] + [d for d in LEVEL_DIGITS.values() if d <= len(digits)]
    return [digits[a:b] for a, b in zip(bounds, bounds[1:])]


@lru_cache(maxsize=4096)
def _build(digits: str) -> Code:
    system = _FIRST_DIGIT[digits[0]]
    level = _DIGITS_LEVEL[len(digits)]
    parent = _build(digits[: LEVEL_DIGITS[level - 1]]) if level > 1 else None
    entry = _entries(system).get(digits)
    if entry is None:
        return Code(digits, system, level, parent)
    return Code(digits, system, level, parent, entry.name, entry.aliases, True)


def parse(code: "Code | str | int", system: str | None = None) -> Code:
    """Parse a classification code.

    >>> parse("201 13 01").name
    '行政运行'
    >>> parse(30108).level_name
    '款'

    Raises :class:`CodeError` for malformed input (letters, wrong length, a
    7-digit economic code, a zero segment, empty text) and when ``system`` is
    given and the code belongs to the other system. Well-formed codes missing
    from the reference list parse with ``known=False`` and ``name=None``.
    """
    if isinstance(code, Code):
        if system is not None and code.system != _check_system(system):
            raise CodeError(
                f"code {code.code!r} is a {SYSTEM_NAMES[code.system]} ({code.system!r}) code, "
                f"but a {SYSTEM_NAMES[system]} ({system!r}) code was expected"
            )
        return code
    return _build(_normalise(code, system))


def lookup(code: "Code | str | int", system: str | None = None) -> Code:
    """Like :func:`parse`, but raise :class:`CodeError` for codes not in the reference list."""
    c = parse(code, system)
    if not c.known:
        raise CodeError(
            f"code {c.code} is not in budgetkit's {SYSTEM_NAMES[c.system]} reference list"
        )
    return c


def name(code: "Code | str | int") -> str | None:
    """The current official name of ``code``, or None when it is not in the reference list."""
    return parse(code).name


def check_name(code: "Code | str | int", printed_name: str) -> Literal["same", "alias", "different"]:
    """Compare a printed name with the reference name of ``code``.

    Returns ``"same"`` (the current official name), ``"alias"`` (a known
    former or alternative name, e.g. 扶贫 for 21305) or ``"different"``.
    ★ markers, HTML fragments and white space are ignored. Raises
    :class:`CodeError` for codes that are not in the reference list.
    """
    c = lookup(code)
    text = _norm_name(printed_name)
    if text == _norm_name(c.name or ""):
        return "same"
    if text and text in {_norm_name(a) for a in c.aliases}:
        return "alias"
    return "different"


def normalise_name(text: str) -> str:
    """A printed name in comparable form: no ★/HTML/white space, NFKC punctuation."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", clean_cell(str(text))))


_norm_name = normalise_name


# --------------------------------------------------------------------------
# Navigation
# --------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _codes_among(among: Iterable[object]) -> list[Code]:
    """Parse an iterable of codes, skipping missing values (None/NA)."""
    if isinstance(among, (str, bytes)):
        raise CodeError("'among' must be an iterable of codes, not a single string")
    return sorted({parse(c) for c in among if not _is_missing(c)})


def children(code: "Code | str | int", among: Iterable[object] | None = None) -> list[Code]:
    """The direct children of ``code``, in code order.

    Without ``among`` they come from the reference list; with ``among`` (any
    iterable of codes, e.g. a table's code column; None/NA entries are
    skipped) they are the codes in it one level below ``code``.
    """
    parent = parse(code)
    if among is None:
        pool = [
            _build(e.code) for e in _entries(parent.system).values() if e.parent == parent.code
        ]
        return sorted(pool)
    return [c for c in _codes_among(among) if c.parent == parent]


def walk(code: "Code | str | int", among: Iterable[object] | None = None) -> Iterator[Code]:
    """Depth-first (pre-order) descendants of ``code``, not including ``code`` itself.

    From the reference list, or from ``among`` as in :func:`children`.
    """
    root = parse(code)
    if among is None:
        pool = [_build(e.code) for e in _entries(root.system).values()]
    else:
        pool = _codes_among(among)
    # String order is pre-order: every code sorts right after its ancestors.
    for c in sorted(pool):
        if root.is_ancestor_of(c):
            yield c


def _level_number(level: int | str, system: str) -> int:
    names = LEVEL_NAMES[system]
    if isinstance(level, str):
        for number, label in names.items():
            if level == label:
                return number
        raise CodeError(f"unknown level {level!r}; {SYSTEM_NAMES[system]} levels are {', '.join(names.values())}")
    if isinstance(level, bool) or not isinstance(level, numbers.Integral) or level not in names:
        raise CodeError(
            f"level must be one of {', '.join(str(k) for k in names)} "
            f"({', '.join(names.values())}) for {SYSTEM_NAMES[system]}, got {level!r}"
        )
    return int(level)


# --------------------------------------------------------------------------
# Roll-up
# --------------------------------------------------------------------------


def _where(df: pd.DataFrame, label: object) -> str:
    where = f"row {label!r}"
    if "line" in df.columns:
        line = df.at[label, "line"] if df.index.is_unique else None
        if line is not None and not _is_missing(line):
            where += f" (source line {line})"
    return where


def rollup(
    df: pd.DataFrame,
    level: int | str,
    *,
    code_col: str = "code",
    value_cols: Sequence[str] | None = None,
    by: Sequence[str] | None = None,
    file: str | None = None,
    table: str | None = None,
) -> pd.DataFrame:
    """Roll a tidy multi-level table up to ``level`` exactly.

    A budget table prints rows at every level (类, 款 and 项 rows together,
    plus maybe a total row whose code is NA). Summing all of them would count
    each amount two or three times. ``rollup`` takes only the *leaf* rows
    (rows whose code has no descendant row in the table), maps each to its
    ancestor at ``level`` and sums the value columns.

    Parameters
    ----------
    df:
        The table; it is not modified. Rows whose code is NA (totals) are
        not classified and are left out.
    level:
        1/2/3 or 类/款/项.
    code_col:
        The column holding the codes.
    value_cols:
        Integer columns to sum; default: every integer column except
        ``code_col``, ``by`` and bookkeeping columns (level, line, line_end,
        source_line, goal_line, goal_line_end, row, page, year, table, no,
        number, project_no).
    by:
        Optional grouping columns (e.g. the 预算单位 of a table listing
        several units); leaves are then found and summed per group.
    file, table:
        Where the table came from, for error messages.

    Returns
    -------
    DataFrame with columns ``by…, code, name, level`` followed by the value
    columns, in code order (``code``/``name`` are ``string``, ``level`` is
    ``Int64``, value dtypes as in ``df``). ``name`` is the
    official name, or the name printed in ``df``'s ``name`` column for codes
    missing from the reference list. A value is NA when any leaf summed into
    it is NA (exact money: a missing figure is never treated as 0).

    Raises
    ------
    DataError
        Missing or non-integer columns, a code listed twice (within a group),
        codes of both systems, or a leaf coarser than ``level``.
    CodeError
        A malformed code.
    """
    if not isinstance(df, pd.DataFrame):
        raise DataError(f"rollup needs a DataFrame, got {type(df).__name__}", file=file, table=table)
    by = list(by or [])
    missing = [c for c in [code_col, *by] if c not in df.columns]
    if missing:
        raise DataError(f"the table has no column {', '.join(map(repr, missing))}", file=file, table=table)
    if value_cols is None:
        skip = {code_col, *by} | _NON_VALUE_COLUMNS
        value_cols = [
            c for c in df.columns
            if c not in skip and pd.api.types.is_integer_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        ]
    else:
        value_cols = list(value_cols)
        absent = [c for c in value_cols if c not in df.columns]
        if absent:
            raise DataError(f"the table has no column {', '.join(map(repr, absent))}", file=file, table=table)
        for c in value_cols:
            if not pd.api.types.is_integer_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
                raise DataError(
                    f"value column {c!r} has dtype {df[c].dtype}; money is summed exactly "
                    f"as integer 元 (Int64)",
                    file=file, table=table,
                )
        if code_col in value_cols or set(by) & set(value_cols):
            raise DataError("the code and grouping columns cannot be value columns", file=file, table=table)

    # Parse the codes (NA rows are totals and are not classified).
    parsed: dict[object, Code] = {}
    for label, raw in df[code_col].items():
        if _is_missing(raw):
            continue
        try:
            parsed[label] = parse(raw)
        except CodeError as exc:
            raise CodeError(f"{_where(df, label)}: {exc.reason}", file=file, table=table) from None
    if not parsed:
        raise DataError("the table has no classified rows to roll up", file=file, table=table)
    systems = {c.system for c in parsed.values()}
    if len(systems) > 1:
        raise DataError(
            "the table mixes 支出功能分类 (2xx) and 部门预算支出经济分类 (3xx) codes",
            file=file, table=table,
        )
    system = systems.pop()
    target = _level_number(level, system)

    labels = list(parsed)
    keys = [tuple(df.at[lb, c] for c in by) if by else () for lb in labels] if df.index.is_unique else None
    if keys is None:
        raise DataError("rollup needs a table with a unique index", file=file, table=table)

    # Leaves: per group, codes that are no proper prefix of another code.
    seen: dict[tuple, dict[str, object]] = {}
    prefixes: dict[tuple, set[str]] = {}
    for lb, key in zip(labels, keys):
        c = parsed[lb]
        group = seen.setdefault(key, {})
        if c.code in group:
            raise DataError(
                f"code {c.code} appears twice ({_where(df, group[c.code])} and {_where(df, lb)})"
                + (f" in group {key!r}" if by else "; pass by= for tables listing several units"),
                file=file, table=table,
            )
        group[c.code] = lb
        prefixes.setdefault(key, set()).update(a.code for a in c.ancestors())

    out_code: list[str] = []
    leaf_labels: list[object] = []
    leaf_keys: list[tuple] = []
    for lb, key in zip(labels, keys):
        c = parsed[lb]
        if c.code in prefixes[key]:
            continue
        if c.level < target:
            raise DataError(
                f"{_where(df, lb)}: code {c.code} is a {c.level_name} row without "
                f"{LEVEL_NAMES[system][c.level + 1]} rows below it, so it cannot be rolled "
                f"down to {LEVEL_NAMES[system][target]}",
                file=file, table=table,
            )
        out_code.append(c.ancestor(target).code)
        leaf_labels.append(lb)
        leaf_keys.append(key)

    leaves = df.loc[leaf_labels, value_cols].reset_index(drop=True)
    groups = pd.DataFrame(
        {**{b: [k[i] for k in leaf_keys] for i, b in enumerate(by)}, code_col: out_code}
    )
    if by:
        for b in by:
            groups[b] = groups[b].astype(df[b].dtype)
    work = pd.concat([groups, leaves], axis=1)
    keys_cols = [*by, code_col]
    grouped = work.groupby(keys_cols, sort=True, dropna=False)
    sums = grouped[value_cols].sum(min_count=1) if value_cols else grouped.size().to_frame().iloc[:, :0]
    if value_cols:
        nas = work[value_cols].isna().groupby([work[k] for k in keys_cols], sort=True, dropna=False).any()
        sums = sums.mask(nas)
    result = sums.reset_index()
    for c in value_cols:
        result[c] = result[c].astype(df[c].dtype) if not result[c].isna().any() else result[c].astype("Int64")

    printed = {}
    if "name" in df.columns and code_col != "name":
        for lb, c in parsed.items():
            val = df.at[lb, "name"]
            if not _is_missing(val):
                printed.setdefault(c.code, clean_cell(str(val)))
    names = [parse(c).name or printed.get(c) for c in result[code_col]]
    result.insert(len(by) + 1, "name", pd.array(names, dtype="string"))
    result.insert(len(by) + 2, "level", pd.array([target] * len(result), dtype="Int64"))
    result = result.rename(columns={code_col: "code"}) if code_col != "code" else result
    result["code"] = result["code"].astype("string")
    return result[[*by, "code", "name", "level", *value_cols]].reset_index(drop=True)


__all__ = [
    "Code",
    "LEVEL_DIGITS",
    "LEVEL_NAMES",
    "SYSTEMS",
    "SYSTEM_NAMES",
    "check_name",
    "children",
    "lookup",
    "name",
    "parse",
    "reference",
    "rollup",
    "walk",
]

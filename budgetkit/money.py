"""Exact money.

budgetkit stores every amount as an **integer number of 元 (yuan)** (pandas
``Int64``). Every figure of the supported templates is a whole number of 元:
a 万元 figure published with at most two decimals is a whole number of
hundreds of 元, and 元 tables print ``.00``. Sums of integers are exact, so
tables reconcile to the 元 and rounding in the source (尾数误差) shows up as
a real, explainable difference instead of float noise.

For people, :func:`format_wan` / :func:`format_yi` and :func:`to_wan` turn
元 into 万元 / 亿元 (the latter returns floats and is meant for display and
plotting only, never for checks).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

import pandas as pd

from .errors import AmountError

#: How many 元 one unit is worth.
UNIT_FACTORS: dict[str, int] = {"元": 1, "万元": 10_000, "亿元": 100_000_000}

YUAN_PER_WAN = UNIT_FACTORS["万元"]
YUAN_PER_YI = UNIT_FACTORS["亿元"]

_MINUS = {"-", "－", "−", "—"}
_AMOUNT_RE = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")


def normalise_number_text(text: str) -> str:
    """Full-width digits and punctuation to ASCII, spaces removed."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace(" ", "").replace("\u00a0", "")
    if text and text[0] in _MINUS:
        text = "-" + text[1:]
    return text


def is_amount(text: str) -> bool:
    """True when ``text`` looks like a published amount (``1,000``, ``5.5``, ``-1``)."""
    return bool(_AMOUNT_RE.match(normalise_number_text(text)))


def to_decimal(text: str) -> Decimal:
    """Parse a published number exactly (thousands separators allowed).

    Raises :class:`AmountError` (without location; callers add it) when the
    text is not a number.
    """
    norm = normalise_number_text(text)
    if not _AMOUNT_RE.match(norm):
        raise AmountError(f"not an amount: {text!r}")
    if "," in norm and norm.lstrip("-").startswith("0"):
        # "0,800,000.00": thousands separators after a leading 0 are a misprint, not 800,000
        raise AmountError(f"not an amount: {text!r} (a number with thousands separators cannot start with 0)")
    try:
        return Decimal(norm.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - regex guards this
        raise AmountError(f"not an amount: {text!r}") from exc


def parse_amount(text: str, unit: str = "万元") -> int:
    """Parse a published amount in ``unit`` into an exact integer of 元.

    >>> parse_amount("132,234")
    1322340000
    >>> parse_amount("613.2")
    6132000
    >>> parse_amount("9,389,913.00", unit="元")
    9389913
    """
    if unit not in UNIT_FACTORS:
        raise AmountError(f"unknown currency unit {unit!r}; known: {', '.join(UNIT_FACTORS)}")
    value = to_decimal(text) * UNIT_FACTORS[unit]
    if value != value.to_integral_value():
        raise AmountError(
            f"amount {text!r} {unit} is not a whole number of 元; budgetkit stores whole 元"
        )
    return int(value)


def decimals_of(text: str) -> int:
    """Number of decimals printed in ``text`` (its rounding precision)."""
    norm = normalise_number_text(text)
    return len(norm.split(".", 1)[1]) if "." in norm else 0


def to_wan(yuan):
    """元 → 万元 as float (for display and plots only)."""
    if isinstance(yuan, pd.Series):
        return yuan.astype("Float64") / YUAN_PER_WAN
    return None if yuan is None or yuan is pd.NA else yuan / YUAN_PER_WAN


def to_yi(yuan):
    """元 → 亿元 as float (for display and plots only)."""
    if isinstance(yuan, pd.Series):
        return yuan.astype("Float64") / YUAN_PER_YI
    return None if yuan is None or yuan is pd.NA else yuan / YUAN_PER_YI


def _fmt(value: Decimal, decimals: int | None) -> str:
    if decimals is None:
        # as few decimals as needed, at most 2
        q = value.quantize(Decimal("0.01")).normalize()
        decimals = max(0, -q.as_tuple().exponent)
    return f"{value:,.{decimals}f}"


def format_wan(yuan: int, decimals: int | None = None, unit: bool = True) -> str:
    """Format 元 as 万元 for people: ``format_wan(1322340000) == '132,234 万元'``."""
    text = _fmt(Decimal(int(yuan)) / YUAN_PER_WAN, decimals)
    return f"{text} 万元" if unit else text


def format_yi(yuan: int, decimals: int = 2, unit: bool = True) -> str:
    """Format 元 as 亿元: ``format_yi(1322340000) == '13.22 亿元'``."""
    text = _fmt(Decimal(int(yuan)) / YUAN_PER_YI, decimals)
    return f"{text} 亿元" if unit else text


def format_yuan(yuan: int) -> str:
    """Format 元 with thousands separators: ``'1,322,340,000 元'``."""
    return f"{int(yuan):,} 元"


#: Column names that hold amounts (integer 元) in budgetkit's tables.
MONEY_COLUMNS = frozenset({
    "amount", "change", "prior_amount", "goal_amount", "total", "basic", "project", "fiscal", "other",
    "procurement", "procurement_sme", "procurement_small_micro", "outbound", "reception",
    "vehicle", "vehicle_purchase", "vehicle_operation",
    # the national 9-table template's columns (收入预算总表, 财政拨款收支总表, 基本支出表, 三公表)
    "business_income", "operating_income", "general_budget", "gov_fund", "state_capital",
    "personnel", "public", "operating_costs",
})


def wan(df: pd.DataFrame, columns=None, *, unit: str = "万元") -> pd.DataFrame:
    """A copy of ``df`` with its amount columns (integer 元) shown in 万元 (or 亿元/元).

    For reading and plotting; compute and check with the integer 元 columns.
    ``columns`` defaults to the columns of :data:`MONEY_COLUMNS` present with
    an integer dtype. The converted columns are ``Float64``; the frame's
    ``attrs["unit"]`` records the unit.
    """
    factor = UNIT_FACTORS[unit]
    out = df.copy()
    if columns is None:
        columns = [c for c in df.columns if c in MONEY_COLUMNS and pd.api.types.is_integer_dtype(df[c].dtype)]
    for c in columns:
        out[c] = out[c].astype("Float64") / factor
    out.attrs["unit"] = unit
    return out

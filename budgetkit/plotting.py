"""Matplotlib helpers: Chinese-capable fonts and money axes.

Budget tables are full of Chinese labels, and matplotlib's default font
(DejaVu Sans) has no Chinese glyphs: without a CJK font every label turns into
boxes ("tofu") and matplotlib warns ``Glyph … missing from font(s)``.

:func:`use_chinese_font` finds an installed CJK font through matplotlib's own
font manager and puts it first in ``rcParams["font.sans-serif"]``; when there
is none it warns once, with a :class:`MissingCJKFontWarning` that says how to
install one on each platform. :func:`font_status` tells what was found.

Amounts are exact integers of 元 everywhere in budgetkit; plots keep axis
values in 元 and only *label* them in 万元 or 亿元 (:func:`money_formatter`,
:func:`money_axis`), so the plotted data stays the exact data.

Everything here is deterministic: fixed colours, no randomness.
"""

from __future__ import annotations

import math
import numbers
import os
import subprocess
import sys
import warnings
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Sequence

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.ticker import Formatter

from .money import UNIT_FACTORS

__all__ = [
    "CJK_FONT_PREFERENCE",
    "FontStatus",
    "MISSING_FONT_MESSAGE",
    "MissingCJKFontWarning",
    "MoneyFormatter",
    "BAR_COLOR",
    "NEGATIVE_BAR_COLOR",
    "bar_chart",
    "font_status",
    "money_axis",
    "money_formatter",
    "source_note",
    "titled",
    "use_chinese_font",
]

# ---------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------

#: Font families tried, in order. Simplified-Chinese faces first; Japanese,
#: Traditional-Chinese, Hong Kong and Korean faces of the Noto CJK collection
#: cover the same characters (with regional glyph shapes) and are a last resort.
CJK_FONT_PREFERENCE: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Heiti SC",
    "SimHei",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK HK",
    "Noto Sans CJK KR",
)

#: A few characters every usable font must have (checked in the font file's
#: character map, so a family name alone does not fool the lookup).
_PROBE_TEXT = "部门预算龙华区工业和信息化局万元亿"

_FONT_EXTENSIONS = {".ttf", ".ttc", ".otf"}


class MissingCJKFontWarning(UserWarning):
    """No font with Chinese glyphs is installed; Chinese text renders as boxes."""


#: The message of :class:`MissingCJKFontWarning`: what to install, per platform.
MISSING_FONT_MESSAGE = (
    "budgetkit found no font with Chinese (CJK) glyphs, so Chinese labels in "
    "plots will render as empty boxes. Install one, then restart Python:\n"
    "  Debian/Ubuntu: sudo apt-get install fonts-noto-cjk\n"
    "                 and then: rm -rf ~/.cache/matplotlib  "
    "(matplotlib caches its font list; clear it so it sees the new fonts)\n"
    "  conda:         conda install -c conda-forge font-ttf-noto-cjk\n"
    "  macOS:         PingFang SC / Hiragino Sans GB are built in; "
    "or brew install --cask font-noto-sans-cjk-sc\n"
    "  Windows:       Microsoft YaHei / SimHei are built in\n"
    "Checked families: " + ", ".join(CJK_FONT_PREFERENCE) + "."
)


@dataclass(frozen=True)
class FontStatus:
    """What :func:`use_chinese_font` found (for diagnostics).

    Attributes
    ----------
    family:
        The CJK font family in use, or ``None`` when none is installed.
    path:
        The font file (a ``.ttc`` collection holds several faces).
    face_index:
        The face of ``path`` matplotlib renders (0 for single-face files).
    registered_at_runtime:
        True when the font was not in matplotlib's cached font list and
        budgetkit added it for this process (a stale cache; clearing
        ``matplotlib.get_cachedir()`` makes matplotlib see it by itself).
    active:
        True when the family is currently first in ``font.sans-serif`` and
        ``font.family`` is sans-serif.
    matplotlib_version:
        ``matplotlib.__version__``.
    cache_dir:
        ``matplotlib.get_cachedir()``, where the font list cache lives.
    """

    family: str | None
    path: str | None
    face_index: int | None
    registered_at_runtime: bool
    active: bool
    matplotlib_version: str
    cache_dir: str

    @property
    def found(self) -> bool:
        return self.family is not None


@dataclass(frozen=True)
class _Found:
    family: str
    path: str
    face_index: int
    registered_at_runtime: bool = False


_UNSET: Any = object()
_cache: Any = _UNSET  # _Found | None once looked up
_warned = False


def _charmap_has(path: str, face_index: int, text: str) -> bool:
    try:
        font = font_manager.get_font(font_manager.FontPath(path, face_index))
        charmap = font.get_charmap()
    except Exception:  # unreadable file: not usable
        return False
    return all(ord(ch) in charmap for ch in text)


def _find_in(manager: font_manager.FontManager, registered: bool = False) -> _Found | None:
    """The most preferred usable CJK family the font manager knows, if any."""
    by_name: dict[str, list[Any]] = {}
    for entry in manager.ttflist:
        by_name.setdefault(entry.name, []).append(entry)
    for family in CJK_FONT_PREFERENCE:
        entries = by_name.get(family)
        if not entries:
            continue
        # Prefer the regular face as the representative file.
        entries = sorted(entries, key=lambda e: (e.style != "normal", abs(_weight(e.weight) - 400)))
        for entry in entries:
            index = int(getattr(entry, "index", 0) or 0)
            if _charmap_has(entry.fname, index, _PROBE_TEXT):
                return _Found(family, str(entry.fname), index, registered)
    return None


def _weight(weight: Any) -> int:
    if isinstance(weight, int):
        return weight
    return font_manager.weight_dict.get(str(weight), 400)


def _uncached_font_files(manager: font_manager.FontManager) -> list[str]:
    """CJK font files on this machine that matplotlib's cached list lacks.

    matplotlib caches its font list (``fontlist-v*.json``) and does not notice
    fonts installed after the cache was built. fontconfig knows them
    (``fc-list :lang=zh``); conda-forge font packages go to
    ``<sys.prefix>/fonts``. Nothing when ``MPL_IGNORE_SYSTEM_FONTS`` is set.
    """
    if os.environ.get("MPL_IGNORE_SYSTEM_FONTS"):
        return []  # the user asked matplotlib to ignore installed fonts
    known = {os.path.realpath(str(e.fname)) for e in manager.ttflist}
    files: list[str] = []
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "--format=%{file}\\n"],
            capture_output=True,
            check=True,
            timeout=20,
        ).stdout
        files.extend(os.fsdecode(line) for line in out.splitlines() if line.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    conda_fonts = Path(sys.prefix, "fonts")
    if conda_fonts.is_dir():
        files.extend(str(p) for p in sorted(conda_fonts.rglob("*")) if p.suffix.lower() in _FONT_EXTENSIONS)
    out_files: list[str] = []
    for f in files:
        real = os.path.realpath(f)
        if Path(f).suffix.lower() in _FONT_EXTENSIONS and real not in known and os.path.isfile(real):
            known.add(real)
            out_files.append(f)
    return out_files


def _discover() -> _Found | None:
    """Look a CJK font up (uncached; :func:`use_chinese_font` caches it)."""
    manager = font_manager.fontManager
    found = _find_in(manager)
    if found is not None:
        return found
    added = False
    for path in _uncached_font_files(manager):
        try:
            manager.addfont(path)
            added = True
        except Exception:  # not a font matplotlib can read
            continue
    if added:
        return _find_in(manager, registered=True)
    return None


def _lookup(refresh: bool = False) -> _Found | None:
    global _cache
    if refresh or _cache is _UNSET:
        _cache = _discover()
    return _cache


def use_chinese_font(warn: bool = True, *, refresh: bool = False) -> str | None:
    """Make matplotlib render Chinese text; return the font family used.

    Finds the most preferred installed CJK font (see
    :data:`CJK_FONT_PREFERENCE`), puts it first in
    ``rcParams["font.sans-serif"]`` (the other fonts stay behind it as
    fallbacks), sets ``font.family`` to sans-serif and
    ``axes.unicode_minus`` to False (CJK fonts often lack U+2212).

    Idempotent and cheap: the lookup runs once per process (``refresh=True``
    runs it again, e.g. after installing a font).

    When no CJK font is installed, ``rcParams`` are left untouched, ``None``
    is returned and — if ``warn`` — a :class:`MissingCJKFontWarning` naming
    the fix is issued, once per process.
    """
    global _warned
    found = _lookup(refresh)
    if found is None:
        if warn and not _warned:
            _warned = True
            warnings.warn(MISSING_FONT_MESSAGE, MissingCJKFontWarning, stacklevel=2)
        return None
    rc = mpl.rcParams
    families = [f for f in rc["font.sans-serif"] if f != found.family]
    rc["font.sans-serif"] = [found.family, *families]
    rc["font.family"] = ["sans-serif"]
    rc["axes.unicode_minus"] = False
    return found.family


def font_status() -> FontStatus:
    """Diagnostics: which CJK font budgetkit uses and whether it is active.

    Runs the (cached) lookup but changes no settings and never warns.
    """
    found = _lookup()
    rc = mpl.rcParams
    active = bool(
        found is not None
        and list(rc["font.sans-serif"])[:1] == [found.family]
        and list(rc["font.family"])[:1] == ["sans-serif"]
    )
    return FontStatus(
        family=found.family if found else None,
        path=found.path if found else None,
        face_index=found.face_index if found else None,
        registered_at_runtime=found.registered_at_runtime if found else False,
        active=active,
        matplotlib_version=mpl.__version__,
        cache_dir=mpl.get_cachedir(),
    )


# ---------------------------------------------------------------------------
# Money
# ---------------------------------------------------------------------------


def _unit_factor(unit: str) -> int:
    try:
        return UNIT_FACTORS[unit]
    except KeyError:
        raise ValueError(f"unknown currency unit {unit!r}; known: {', '.join(UNIT_FACTORS)}") from None


def _as_decimal(value: Any) -> Decimal | None:
    """A finite number as Decimal (integers exactly, floats via their shortest repr)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return Decimal(int(value))
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(f):
        return None
    return Decimal(repr(f))


def _needed_decimals(value: Decimal, max_decimals: int) -> int:
    q = value.quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP).normalize()
    return max(0, -q.as_tuple().exponent)


def _format_in_unit(value: Decimal, decimals: int) -> str:
    q = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if q.is_zero():
        q = abs(q)
    return f"{q:,.{decimals}f}"


class MoneyFormatter(Formatter):
    """Tick formatter: values in 元, labels in ``unit`` with thousands separators.

    With ``decimals=None`` the labels of one axis share the fewest decimals
    (at most ``max_decimals``) that show every tick exactly, rounded half up
    (四舍五入): ticks at 0, 5,000,000 and 10,000,000 元 read ``0 500 1,000``
    in 万元; 1,322,340,000 元 alone reads ``132,234`` (万元) or ``13.22`` (亿元).
    """

    def __init__(self, unit: str = "万元", decimals: int | None = None, max_decimals: int = 2) -> None:
        self.unit = unit
        self.factor = _unit_factor(unit)
        if decimals is not None and decimals < 0:
            raise ValueError("decimals must be >= 0")
        self.decimals = decimals
        self.max_decimals = max_decimals
        self._tick_decimals: int | None = None
        self._locs: list[float] = []

    def _scaled(self, x: Any) -> Decimal | None:
        d = _as_decimal(x)
        return None if d is None else d / self.factor

    def set_locs(self, locs: Sequence[float]) -> None:
        self._locs = list(locs)
        if self.decimals is not None:
            self._tick_decimals = self.decimals
            return
        scaled = [s for s in (self._scaled(v) for v in self._locs) if s is not None]
        self._tick_decimals = max((_needed_decimals(s, self.max_decimals) for s in scaled), default=0)

    def format_value(self, x: Any) -> str:
        """One amount in 元 → its text in ``unit`` (no unit suffix)."""
        s = self._scaled(x)
        if s is None:
            return ""
        decimals = self.decimals if self.decimals is not None else _needed_decimals(s, self.max_decimals)
        return self.fix_minus(_format_in_unit(s, decimals))

    def __call__(self, x: Any, pos: int | None = None) -> str:
        s = self._scaled(x)
        if s is None:
            return ""
        if pos is not None and self._tick_decimals is not None:
            return self.fix_minus(_format_in_unit(s, self._tick_decimals))
        return self.format_value(x)

    def format_data(self, value: Any) -> str:
        return self.format_value(value)

    def format_data_short(self, value: Any) -> str:
        text = self.format_value(value)
        return f"{text} {self.unit}" if text else ""


def money_formatter(unit: str = "万元", decimals: int | None = None) -> MoneyFormatter:
    """A tick formatter for axes whose values are in 元, labelled in ``unit``.

    ``unit`` is ``"万元"`` (default), ``"亿元"`` or ``"元"``.
    """
    return MoneyFormatter(unit, decimals=decimals)


def money_axis(ax: Any, unit: str = "万元", axis: str = "y", label: str | None = None) -> Any:
    """Label ``ax``'s x or y axis (values in 元) in ``unit``.

    Sets a :class:`MoneyFormatter` and the axis label ``金额（万元）``
    (``label`` overrides it; ``""`` sets none). Returns ``ax``.
    """
    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y', not {axis!r}")
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(money_formatter(unit))
    target.set_label_text(f"金额（{unit}）" if label is None else label)
    return ax


# ---------------------------------------------------------------------------
# Figure furniture
# ---------------------------------------------------------------------------

BAR_COLOR = "#3B6EA8"
NEGATIVE_BAR_COLOR = "#C0504D"
_NOTE_COLOR = "#595959"
_SUBTITLE_COLOR = "#595959"
_NOTE_FONTSIZE = 8.0


def source_note(fig: Any, text: str, *, fontsize: float = _NOTE_FONTSIZE) -> Any:
    """Put a small source note (e.g. ``数据来源：…``) under the figure.

    The note sits at the bottom left; room is made for it below the axes
    (through the figure's constrained/tight layout when it has one, else by
    raising the subplots' bottom edge). The note counts in the figure's
    tight bounding box, so Jupyter's inline backend (which saves with
    ``bbox_inches="tight"``) keeps it. Returns the Text.
    """
    from matplotlib.layout_engine import ConstrainedLayoutEngine, TightLayoutEngine

    lines = text.count("\n") + 1
    height_in = (fontsize * 1.35 * lines + 6) / 72  # text plus a small gap
    frac = min(0.4, height_in / fig.get_figheight())
    note = fig.text(
        0.01,
        0.01,
        text,
        ha="left",
        va="bottom",
        fontsize=fontsize,
        color=_NOTE_COLOR,
    )
    note.set_in_layout(True)
    engine = fig.get_layout_engine()
    if isinstance(engine, (ConstrainedLayoutEngine, TightLayoutEngine)):
        engine.set(rect=(0, frac + 0.01, 1, 1 - frac - 0.01))
    else:
        bottom = fig.subplotpars.bottom
        fig.subplots_adjust(bottom=min(0.9, bottom + frac))
    return note


def titled(ax: Any, title: str, subtitle: str | None = None) -> Any:
    """Left-aligned bold title, with an optional smaller grey subtitle below it."""
    title_size = 13.0
    if subtitle:
        sub_size = 9.0
        sub_lines = subtitle.count("\n") + 1
        ax.annotate(
            subtitle,
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(0, 6),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=sub_size,
            color=_SUBTITLE_COLOR,
        )
        pad = 6 + sub_size * 1.3 * sub_lines + 4
    else:
        pad = 8
    ax.set_title(title, loc="left", fontsize=title_size, fontweight="bold", pad=pad)
    return ax


def bar_chart(
    labels: Sequence[str],
    values_yuan: Sequence[Any],
    *,
    title: str | None = None,
    unit: str = "万元",
    source: str | None = None,
    ax: Any = None,
    percent: bool = False,
    subtitle: str | None = None,
) -> Any:
    """Horizontal bar chart of amounts in 元, bars labelled with their values.

    The first label is the top bar. Values stay in 元 on the axis and are
    shown in ``unit`` (axis ticks and bar labels). ``percent=True`` adds each
    bar's share of the sum of the values to its label (``132,234（45.6%）``;
    two decimals below 1%: ``174（0.13%）``).
    ``source`` adds a :func:`source_note`. Creates a figure (sized to the
    number of bars) unless ``ax`` is given. Calls :func:`use_chinese_font`.
    Returns the Axes.
    """
    labels = [str(label) for label in labels]
    values = list(values_yuan)
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels but {len(values)} values")
    numbers: list[float] = []
    for label, value in zip(labels, values):
        d = _as_decimal(value)
        if d is None:
            raise ValueError(f"value of {label!r} is not a finite number: {value!r}")
        numbers.append(float(d))

    use_chinese_font()
    if ax is None:
        import matplotlib.pyplot as plt

        height = max(2.6, 0.42 * len(labels) + 1.6 + (0.3 if source else 0) + (0.3 if subtitle else 0))
        fig, ax = plt.subplots(figsize=(8, height), layout="constrained")
    fig = ax.figure

    positions = list(range(len(labels)))
    colors = [NEGATIVE_BAR_COLOR if v < 0 else BAR_COLOR for v in numbers]
    bars = ax.barh(positions, numbers, color=colors, height=0.62)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()  # first label on top
    money_axis(ax, unit=unit, axis="x")

    fmt = money_formatter(unit)
    total = sum(numbers)
    texts = []
    for v in values:
        text = fmt.format_value(v)
        if percent and total:
            share = float(_as_decimal(v)) / total * 100
            # below 1% one decimal would print 0.0% for a real, small item
            text += f"（{share:.2f}%）" if abs(share) < 1 else f"（{share:.1f}%）"
        texts.append(text)
    ax.bar_label(bars, labels=texts, padding=3, fontsize=9)
    ax.margins(x=0.18)
    if min(numbers, default=0) >= 0:
        ax.set_xlim(left=0)
    ax.axvline(0, color="#333333", linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    if title:
        titled(ax, title, subtitle)
    if source:
        source_note(fig, source)
    return ax

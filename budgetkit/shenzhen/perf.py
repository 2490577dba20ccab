"""表12 整体支出绩效目标表: department-wide performance targets.

The table has three parts, in this order:

* 年度主要任务 (main tasks of the year): one row per task with its name, a long
  description and three amounts (总额 = 财政拨款 + 其他资金), closed by a
  ``金额合计`` row;
* 年度总体目标 (overall goals): a single cell holding numbered ``<p>`` items;
* 年度绩效指标 (performance indicators): a three-level hierarchy
  一级指标 → 二级指标 → 三级指标 with a target value (目标值) per indicator.

PDF extraction shifts the indicator cells around (a 二级指标 name in the
一级指标 column, an indicator name one column too far right, trailing tabs),
so indicator rows are read by *vocabulary*, not by position: every cell that
is a known section, 一级 or 二级 name is taken as such, the two remaining
non-empty cells are the indicator name and its target, and 一级/二级 are
carried forward from the rows above. Whether a row was in the standard
positions is kept in the ``shifted`` column for data-quality audits.

Every non-blank line of the region ends up in exactly one place of the result
(see :attr:`Table12.layout`) or raises :class:`~budgetkit.errors.ParseError`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import BudgetkitError, MissingTableError, ParseError
from ..money import UNIT_FACTORS, parse_amount
from ..text import SourceText, clean_cell, split_cells

__all__ = [
    "TABLE_LABEL",
    "LEVEL2_BY_LEVEL1",
    "Target",
    "Table12",
    "parse_target",
    "find_table12",
    "parse_table12",
]

#: How errors name this table.
TABLE_LABEL = "表12 整体支出绩效目标表"

#: The standard three-level indicator framework: 一级指标 → its 二级指标.
LEVEL2_BY_LEVEL1: dict[str, tuple[str, ...]] = {
    "产出": ("数量", "质量", "时效", "成本"),
    "效益": ("经济效益", "社会效益", "生态效益", "可持续影响"),
    "满意度": ("服务对象满意度", "其他满意度"),
}
_LEVEL1_OF = {l2: l1 for l1, l2s in LEVEL2_BY_LEVEL1.items() for l2 in l2s}

_TASKS_LABEL = "年度主要任务"
_GOALS_LABEL = "年度总体目标"
_INDICATORS_LABEL = "年度绩效指标"
_TOTAL_LABELS = ("金额合计", "合计", "总计")

_HEADING_RE = re.compile(r"^表\s*(\d+)$")
_PART_RE = re.compile(r"^(第[一二三四五六七八九十]+部分|[一二]、(文字|表格)部分)")
_DEPT_RE = re.compile(r"部门名称\s*[:：]\s*(.*?)(?=\s*单位\s*[:：]|$)")
_UNIT_RE = re.compile(r"单位\s*[:：]\s*(\S+)")
_GOAL_SPLIT_RE = re.compile(r"</?p\b[^>]*>|<br\s*/?>", re.IGNORECASE)
_GOAL_NO_RE = re.compile(r"^(\d+)\s*[.．、]\s*")


# --------------------------------------------------------------------------
# targets


@dataclass(frozen=True)
class Target:
    """A parsed 目标值.

    ``op`` is one of ``≥ ≤ = > <`` (``=`` when the text has no comparison),
    ``value`` the number as printed (``100`` for ``100%``), ``unit`` what
    follows the number (``%``, ``台``, ``个工作日`` …, None when nothing does).
    For text that is not a number with an optional comparison and unit
    (``有效促进``, ``不适用``, ranges, …) ``quantitative`` is False and
    ``op``/``value``/``unit`` are None. ``raw`` is the text as given.
    """

    op: str | None
    value: float | None
    unit: str | None
    quantitative: bool
    raw: str


# Longest spelling first so that "大于等于" is not read as "大于".
_PREFIX_OPS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        [
            *((s, "≥") for s in ("≥", "≧", "⩾", ">=", "=>", "不低于", "不少于", "不小于", "大于等于", "大于或等于", "至少")),
            *((s, "≤") for s in ("≤", "≦", "⩽", "<=", "=<", "不高于", "不多于", "不大于", "不超过", "小于等于", "小于或等于", "至多", "最多")),
            *((s, ">") for s in (">", "大于", "高于", "超过", "多于")),
            *((s, "<") for s in ("<", "小于", "低于", "少于")),
            *((s, "=") for s in ("=", "等于")),
        ],
        key=lambda p: -len(p[0]),
    )
)
_PREFIX_RE = re.compile("^(?:" + "|".join(re.escape(sp) for sp, _ in _PREFIX_OPS) + ")")
_PREFIX_SYMBOL = dict(_PREFIX_OPS)
_SUFFIX_OPS = (("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤"))
_NUMBER_RE = re.compile(r"^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[-+]?\.\d+)", re.ASCII)
_UNIT_OK_RE = re.compile(r"^[%‰℃°A-Za-z\u4e00-\u9fff/]{1,8}\Z")
_TRAILING_PUNCT = "。；;，,、"


def _not_quantitative(raw: str) -> Target:
    return Target(op=None, value=None, unit=None, quantitative=False, raw=raw)


def parse_target(text: str) -> Target:
    """Read a 目标值 such as ``≥2 篇``, ``100%``, ``不低于95%`` or ``有效促进``.

    Never raises on text: whatever cannot be read as
    ``[comparison] number [unit] [以上|以下|以内]`` is returned with
    ``quantitative=False``.

    >>> parse_target("≥100 篇")
    Target(op='≥', value=100.0, unit='篇', quantitative=True, raw='≥100 篇')
    >>> parse_target("有效促进").quantitative
    False
    """
    raw = text
    if not isinstance(text, str):
        return _not_quantitative(raw)
    s = unicodedata.normalize("NFKC", clean_cell(text))
    s = re.sub(r"\s+", "", s).rstrip(_TRAILING_PUNCT)
    op = None
    m = _PREFIX_RE.match(s)
    if m:
        op, s = _PREFIX_SYMBOL[m.group(0)], s[m.end():]
    m = _NUMBER_RE.match(s)
    if not m:
        return _not_quantitative(raw)
    number, rest = m.group(1), s[m.end():]
    for spelling, sym in _SUFFIX_OPS:
        if rest.endswith(spelling):
            if op is not None and op != sym:
                return _not_quantitative(raw)  # "≥90%以下": contradictory
            op, rest = sym, rest[: -len(spelling)]
            break
    if rest and not _UNIT_OK_RE.match(rest):
        return _not_quantitative(raw)
    try:
        value = float(number.replace(",", ""))
    except ValueError:  # pragma: no cover - the regex guards this
        return _not_quantitative(raw)
    if not math.isfinite(value):
        return _not_quantitative(raw)
    return Target(op=op or "=", value=value, unit=rest or None, quantitative=True, raw=raw)


# --------------------------------------------------------------------------
# result


@dataclass(frozen=True, eq=False)
class Table12:
    """The parsed 表12 整体支出绩效目标表.

    Attributes
    ----------
    tasks:
        年度主要任务, one row per task: ``task``, ``content`` (string),
        ``total``, ``fiscal``, ``other`` (Int64 元), ``line``, ``line_end``
        (Int64; the first and last source line of the row).
    tasks_total:
        The ``金额合计`` row, as a one-row DataFrame with the columns and
        dtypes of ``tasks`` (``task`` is the label, ``content`` is NA), so
        that ``pd.concat([tasks, tasks_total])`` lines up.
    goals:
        年度总体目标: ``no`` (Int64, 1..n), ``text`` (string, without the
        number), ``line`` (Int64).
    indicators:
        年度绩效指标: ``level1``, ``level2``, ``level3``, ``target`` (string),
        ``op`` (string, NA when not quantitative), ``value`` (Float64),
        ``unit`` (string), ``quantitative``, ``shifted`` (bool), ``line``
        (Int64).
    unit:
        The currency unit of the amounts as published (``"万元"``).
    heading, title, department:
        The heading (``"表 12"``), title and 部门名称 lines' text.
    notes:
        ``line``, ``text`` of 注 lines inside the region (often none).
    layout:
        ``line`` (Int64), ``part`` (string): where every non-blank line of the
        region went (heading, title, department, unit, note, task_header, task,
        tasks_total, goals, indicator_header, indicator).
    start, end:
        The region, 1-based inclusive.
    """

    tasks: pd.DataFrame
    tasks_total: pd.DataFrame
    goals: pd.DataFrame
    indicators: pd.DataFrame
    unit: str
    heading: str
    title: str
    department: str | None
    notes: pd.DataFrame
    layout: pd.DataFrame
    start: int
    end: int


# --------------------------------------------------------------------------
# locating the table


def find_table12(src: SourceText) -> tuple[int, int]:
    """``(start, end)`` of 表12: the last ``表 12`` heading after ``二、表格部分``.

    ``end`` is the last non-blank line before the next table heading or part
    heading, or before the end of the document.
    """
    parts = src.find(r"^\s*二、表格部分\s*$")
    first = parts + 1 if parts is not None else 1
    start = None
    for n in range(first, len(src) + 1):
        raw = src.line(n)
        m = "表" in raw and _HEADING_RE.match(clean_cell(raw))
        if m and int(m.group(1)) == 12:
            start = n
    if start is None:
        # A mis-numbered heading (this template's PDFs print "表 1" above
        # several tables): fall back to the title under a "表 N" heading.
        prev = None
        for n in range(first, len(src) + 1):
            text = clean_cell(src.line(n))
            if not text:
                continue
            if text.endswith("整体支出绩效目标表") and prev is not None:
                start = prev
            prev = n if _HEADING_RE.match(text) else None
    if start is None:
        raise MissingTableError("no '表 12' heading after '二、表格部分'", file=src.name, table=TABLE_LABEL)
    end = len(src)
    for n in range(start + 1, len(src) + 1):
        raw = src.line(n)
        if "表" not in raw and "部分" not in raw:
            continue
        text = clean_cell(raw)
        if _HEADING_RE.match(text) or _PART_RE.match(text):
            end = n - 1
            break
    while end > start and not src.line(end).strip():
        end -= 1
    return start, end


# --------------------------------------------------------------------------
# parsing


def _norm_level(cell: str) -> str:
    """``"数量指标"`` → ``"数量"``: vocabulary matching ignores a 指标 suffix."""
    cell = cell.replace(" ", "")
    return cell[:-2] if cell.endswith("指标") and len(cell) > 2 else cell


def _index_containing(cells: list[str], word: str) -> int | None:
    for i, c in enumerate(cells):
        if word in c.replace(" ", ""):
            return i
    return None


class _Parser:
    def __init__(self, src: SourceText, start: int, end: int) -> None:
        self.src = src
        self.start = start
        self.end = end
        self.layout: list[tuple[int, str]] = []
        self.notes: list[tuple[int, str]] = []
        self.unit: str | None = None
        self.unit_line: int | None = None
        self.heading = ""
        self.title: str | None = None
        self.department: str | None = None
        # tasks
        self.task_cols: dict[str, int] = {}
        self.tasks: list[dict] = []
        self.pending: dict | None = None
        self.total: dict | None = None
        # goals
        self.goal_pieces: list[tuple[int, str]] = []
        self.goals_line: int | None = None
        # indicators
        self.ind_cols: dict[str, int] = {}
        self.indicators: list[dict] = []
        self.level1: str | None = None
        self.level2: str | None = None

    def error(self, message: str, line: int | None) -> ParseError:
        return ParseError(message, file=self.src.name, table=TABLE_LABEL, line=line)

    # -- driver ------------------------------------------------------------

    def run(self) -> Table12:
        src, start, end = self.src, self.start, self.end
        if not (1 <= start <= end <= len(src)):
            raise self.error(f"bad region {start}..{end} (document has {len(src)} lines)", None)
        heading = clean_cell(src.line(start))
        if not _HEADING_RE.match(heading):
            raise self.error(f"expected a '表 12' heading, found {heading[:40]!r}", start)
        self.heading = heading
        self.layout.append((start, "heading"))
        state = "preamble"
        for n in range(start + 1, end + 1):
            raw = src.line(n)
            if not raw.strip():
                continue  # blank lines are page breaks
            cells = split_cells(raw)
            if not any(cells):
                raise self.error("line holds only markup, no text", n)
            state = getattr(self, f"_line_{state}")(n, raw, cells)
        self._finish(state)
        return self._result()

    # -- preamble ----------------------------------------------------------

    def _line_preamble(self, n: int, raw: str, cells: list[str]) -> str:
        if _index_containing(cells, "任务名称") is not None:
            return self._task_header(n, cells)
        nonempty = [c for c in cells if c]
        text = " ".join(nonempty)
        if len(nonempty) == 1 and text.startswith("注"):
            self._note(n, text)
            return "preamble"
        dept, unit = _DEPT_RE.search(text), _UNIT_RE.search(text)
        if dept or unit:
            if dept:
                self.department = dept.group(1).strip() or None
            if unit:
                unit_text = unit.group(1).strip()
                if unit_text not in UNIT_FACTORS:
                    raise self.error(f"unknown unit {unit_text!r}; known: {', '.join(UNIT_FACTORS)}", n)
                self.unit, self.unit_line = unit_text, n
            self.layout.append((n, "department" if dept else "unit"))
            return "preamble"
        if self.title is None and len(nonempty) == 1 and "绩效目标表" in text:
            self.title = text
            self.layout.append((n, "title"))
            return "preamble"
        raise self.error(f"unexpected line before the 任务名称 header: {text[:40]!r}", n)

    def _note(self, n: int, text: str) -> None:
        self.notes.append((n, text))
        self.layout.append((n, "note"))

    # -- tasks -------------------------------------------------------------

    def _task_header(self, n: int, cells: list[str]) -> str:
        if self.unit is None:
            raise self.error("no 单位 (unit) line before the table header", n)
        self.task_cols["task"] = _index_containing(cells, "任务名称")
        content = _index_containing(cells, "主要内容")
        if content is None:
            raise self.error("task header has 任务名称 but no 主要内容", n)
        self.task_cols["content"] = content
        self._amount_columns(cells)
        self.layout.append((n, "task_header"))
        return "task_subheader"

    def _amount_columns(self, cells: list[str]) -> None:
        for key, word in (("total", "总额"), ("fiscal", "财政拨款"), ("other", "其他资金")):
            i = _index_containing(cells, word)
            if i is not None:
                self.task_cols[key] = i

    def _line_task_subheader(self, n: int, raw: str, cells: list[str]) -> str:
        if _index_containing(cells, "总额") is not None:
            self._amount_columns(cells)
            self.layout.append((n, "task_header"))
            missing = [k for k in ("total", "fiscal", "other") if k not in self.task_cols]
            if missing:
                raise self.error(f"task header lacks the columns {missing}", n)
            return "tasks"
        missing = [k for k in ("total", "fiscal", "other") if k not in self.task_cols]
        if missing:
            raise self.error("expected the 总额 / 财政拨款 / 其他资金 header line", n)
        return self._line_tasks(n, raw, cells)

    def _line_tasks(self, n: int, raw: str, cells: list[str]) -> str:
        cols = self.task_cols
        label_cells = [c for c in cells[: cols["task"]] if c]
        if label_cells == [_GOALS_LABEL]:
            raise self.error("年度总体目标 row before the 金额合计 row", n)
        if label_cells not in ([], [_TASKS_LABEL]):
            raise self.error(f"unexpected text {label_cells[0][:40]!r} in the section column", n)
        known = set(cols.values())
        for i, c in enumerate(cells):
            if c and i >= cols["task"] and i not in known:
                raise self.error(f"unexpected cell {c[:40]!r} in column {i + 1} of a task row", n)

        def cell(key: str) -> str:
            i = cols[key]
            return cells[i] if i < len(cells) else ""

        task, content = cell("task"), cell("content")
        amount_text = {k: cell(k) for k in ("total", "fiscal", "other")}
        has_amounts = any(amount_text.values())

        if task in _TOTAL_LABELS and self.pending is None:
            if content:
                raise self.error(f"the {task} row has text in 主要内容", n)
            if not has_amounts:
                raise self.error(f"the {task} row has no amounts", n)
            self.total = {"task": task, "line": n, **self._amounts(n, amount_text)}
            self.layout.append((n, "tasks_total"))
            return "after_total"

        if self.pending is None:
            if not task:
                raise self.error(
                    "task row without a task name that continues no open row "
                    "(cannot tell which task it belongs to)",
                    n,
                )
            self.pending = {"task": task, "content": content, "line": n}
        else:
            if task:
                raise self.error(
                    f"task row at line {self.pending['line']} has no amounts "
                    f"before the next task {task[:20]!r} starts",
                    n,
                )
            # continuation of a row broken by a page end: join the halves
            self.pending["content"] += content
        self.layout.append((n, "task"))
        if has_amounts:
            row = self.pending
            self.pending = None
            row.update(self._amounts(n, amount_text))
            row["line_end"] = n
            self.tasks.append(row)
        return "tasks"

    def _amounts(self, n: int, texts: dict[str, str]) -> dict[str, int | None]:
        out: dict[str, int | None] = {}
        for key, text in texts.items():
            if not text:
                out[key] = None
                continue
            try:
                out[key] = parse_amount(text, unit=self.unit)
            except BudgetkitError as exc:
                raise type(exc)(
                    f"{key} amount: {exc.reason}", file=self.src.name, table=TABLE_LABEL, line=n
                ) from exc
        return out

    def _line_after_total(self, n: int, raw: str, cells: list[str]) -> str:
        if cells[0] != _GOALS_LABEL:
            raise self.error(f"expected the {_GOALS_LABEL} row after the 金额合计 row", n)
        self.goals_line = n
        return self._line_goals(n, raw, cells, first=True)

    # -- goals -------------------------------------------------------------

    def _line_goals(self, n: int, raw: str, cells: list[str], first: bool = False) -> str:
        if not first and _index_containing(cells, "三级指标") is not None:
            return self._indicator_header(n, cells)
        raw_cells = raw.rstrip("\r\n").split("\t")
        if first:
            raw_cells = raw_cells[1:]
        elif cells[0] in (_GOALS_LABEL, _INDICATORS_LABEL, _TASKS_LABEL):
            raise self.error(f"unexpected {cells[0]} row inside 年度总体目标", n)
        texts = [r for r, c in zip(raw_cells, cells[1:] if first else cells) if c]
        if len(texts) > 1 or (not texts and not first):
            raise self.error(f"年度总体目标 line has {len(texts)} non-empty cells, expected 1", n)
        if texts:  # the label may stand alone, its text on the next line
            self.goal_pieces.append((n, texts[0]))
        self.layout.append((n, "goals"))
        return "goals"

    def _goals(self) -> list[dict]:
        # Join the pieces (a cell broken by a page end continues on the next
        # line), remembering at which offset each source line starts.
        joined, starts = "", []
        for n, piece in self.goal_pieces:
            starts.append((len(joined), n))
            joined += piece

        def line_at(offset: int) -> int:
            line = starts[0][1]
            for off, n in starts:
                if off <= offset:
                    line = n
            return line

        items: list[tuple[int, str]] = []
        pos = 0
        for m in [*_GOAL_SPLIT_RE.finditer(joined), None]:
            stop = m.start() if m else len(joined)
            chunk = joined[pos:stop]
            text = clean_cell(chunk)
            if text:
                lead = len(chunk) - len(chunk.lstrip())
                items.append((line_at(pos + lead), text))
            pos = m.end() if m else len(joined)
        if not items:
            raise self.error("年度总体目标 is empty", self.goals_line)
        numbered = [_GOAL_NO_RE.match(t) for _, t in items]
        rows = []
        if items and all(numbered):
            for k, ((line, text), m) in enumerate(zip(items, numbered), start=1):
                if int(m.group(1)) != k:
                    raise self.error(f"年度总体目标 item {k} is numbered {m.group(1)}", line)
                rows.append({"no": k, "text": text[m.end():], "line": line})
        elif len(items) == 1 or not any(numbered):
            rows = [{"no": k, "text": t, "line": line} for k, (line, t) in enumerate(items, start=1)]
        else:
            bad = next(line for (line, _), m in zip(items, numbered) if not m)
            raise self.error("年度总体目标 mixes numbered and unnumbered items", bad)
        return rows

    # -- indicators --------------------------------------------------------

    def _indicator_header(self, n: int, cells: list[str]) -> str:
        cols = {}
        for key, word in (("level1", "一级指标"), ("level2", "二级指标"), ("level3", "三级指标"), ("target", "目标值")):
            i = _index_containing(cells, word)
            if i is None:
                raise self.error(f"indicator header has no {word} column", n)
            cols[key] = i
        if not cols["level1"] < cols["level2"] < cols["level3"] < cols["target"]:
            raise self.error("indicator header columns are out of order", n)
        cols["section"] = max(cols["level1"] - 1, 0)
        if self.ind_cols and cols != self.ind_cols:
            raise self.error("repeated indicator header has different columns", n)
        self.ind_cols = cols
        self.layout.append((n, "indicator_header"))
        return "indicators"

    def _line_indicators(self, n: int, raw: str, cells: list[str]) -> str:
        nonempty = [(i, c) for i, c in enumerate(cells) if c]
        if len(nonempty) == 1 and nonempty[0][1].startswith("注"):
            self._note(n, nonempty[0][1])
            return "indicators"
        if _index_containing(cells, "三级指标") is not None and _index_containing(cells, "目标值") is not None:
            return self._indicator_header(n, cells)

        roles: dict[str, tuple[int, str]] = {}
        rest: list[tuple[int, str]] = []
        for i, c in nonempty:
            norm = _norm_level(c)
            if c == _INDICATORS_LABEL:
                kind = "section"
            elif norm in LEVEL2_BY_LEVEL1:
                kind, c = "level1", norm
            elif norm in _LEVEL1_OF:
                kind, c = "level2", norm
            else:
                rest.append((i, c))
                continue
            if kind in roles:
                raise self.error(f"two {kind} names in one row: {roles[kind][1]!r} and {c!r}", n)
            roles[kind] = (i, c)

        if len(rest) != 2:
            std = {self.ind_cols["level1"]: "一级指标", self.ind_cols["level2"]: "二级指标"}
            unknown = [f"{c!r} in the {std[i]} column" for i, c in rest if i in std]
            hint = f" (unknown indicator level name {', '.join(unknown)}?)" if unknown and len(rest) > 2 else ""
            raise self.error(
                f"indicator row has {len(rest)} cells besides level names, expected 2 "
                f"(三级指标 and 目标值){hint}",
                n,
            )
        (i3, level3), (it, target) = rest
        order = [roles[k][0] for k in ("section", "level1", "level2") if k in roles]
        if order != sorted(order) or (order and order[-1] > i3):
            raise self.error("indicator level names are out of order in the row", n)

        if "level1" in roles:
            new1 = roles["level1"][1]
            if new1 != self.level1:
                self.level1, self.level2 = new1, None
        if "level2" in roles:
            new2 = roles["level2"][1]
            if self.level1 is None:
                raise self.error(f"二级指标 {new2!r} before any 一级指标", n)
            if new2 not in LEVEL2_BY_LEVEL1[self.level1]:
                raise self.error(
                    f"二级指标 {new2!r} does not belong to 一级指标 {self.level1!r} "
                    f"(it belongs to {_LEVEL1_OF[new2]!r})",
                    n,
                )
            self.level2 = new2
        if self.level1 is None or self.level2 is None:
            raise self.error("indicator row before its 一级指标 / 二级指标 is known", n)

        expected = self.ind_cols
        actual = {k: i for k, (i, _) in roles.items()}
        actual.update(level3=i3, target=it)
        shifted = any(actual[k] != expected[k] for k in actual)

        t = parse_target(target)
        self.indicators.append(
            {
                "level1": self.level1,
                "level2": self.level2,
                "level3": level3,
                "target": target,
                "op": t.op,
                "value": t.value,
                "unit": t.unit,
                "quantitative": t.quantitative,
                "shifted": shifted,
                "line": n,
            }
        )
        self.layout.append((n, "indicator"))
        return "indicators"

    # -- end ---------------------------------------------------------------

    def _finish(self, state: str) -> None:
        if state != "indicators":
            where = {
                "preamble": "the 任务名称 header",
                "task_subheader": "the task rows",
                "tasks": "the 金额合计 row",
                "after_total": "the 年度总体目标 row",
                "goals": "the 年度绩效指标 header",
            }[state]
            raise self.error(f"the table ends before {where}", self.end)
        if not self.indicators:
            raise self.error("the table has no indicator rows", self.end)

    def _result(self) -> Table12:
        S, I = _S, _I
        tasks = _frame(self.tasks, _TASK_COLUMNS)
        total = dict(self.total, content=None, line_end=self.total["line"])
        goals = _frame(self._goals(), {"no": I, "text": S, "line": I})
        return Table12(
            tasks=tasks,
            tasks_total=_frame([total], _TASK_COLUMNS),
            goals=goals,
            indicators=_frame(self.indicators, _INDICATOR_COLUMNS),
            unit=self.unit,
            heading=self.heading,
            title=self.title or "",
            department=self.department,
            notes=_frame([{"line": n, "text": t} for n, t in self.notes], {"line": I, "text": S}),
            layout=_frame([{"line": n, "part": p} for n, p in self.layout], {"line": I, "part": S}),
            start=self.start,
            end=self.end,
        )


# dtype instances, not names: looking a name up costs more than the parse
_S, _I, _F, _B = pd.StringDtype(), pd.Int64Dtype(), pd.Float64Dtype(), np.dtype(bool)
_TASK_COLUMNS = {
    "task": _S, "content": _S, "total": _I, "fiscal": _I, "other": _I, "line": _I, "line_end": _I,
}
_INDICATOR_COLUMNS = {
    "level1": _S, "level2": _S, "level3": _S, "target": _S, "op": _S, "value": _F, "unit": _S,
    "quantitative": _B, "shifted": _B, "line": _I,
}


def _frame(records: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    """A DataFrame with exactly ``columns`` (name → dtype) from ``records``."""
    return pd.DataFrame(
        {name: pd.array([r[name] for r in records], dtype=dtype) for name, dtype in columns.items()},
        copy=False,
    )


def parse_table12(src: SourceText, start: int, end: int) -> Table12:
    """Parse 表12 整体支出绩效目标表 from ``src`` lines ``start``..``end``.

    ``start`` is the ``表 12`` heading line, ``end`` the last line of the
    table (see :func:`find_table12`). Raises :class:`ParseError` (with the
    table and line) for any line that does not fit the table's structure.
    """
    return _Parser(src, start, end).run()

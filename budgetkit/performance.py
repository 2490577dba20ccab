"""Performance targets (绩效目标): the indicator framework of 表12 and its links.

表12 整体支出绩效目标表 lists the department's indicators in a three-level
framework — 一级指标 产出 / 效益 / 满意度, each with its 二级指标 (产出 →
数量/质量/时效/成本, 效益 → 经济/社会/生态效益/可持续影响, 满意度 →
服务对象满意度/其他满意度) — and the 三级指标 (the indicator itself) with a
目标值 (target) that budgetkit parses into ``op``, ``value`` and ``unit``.

* :func:`parse_target` (re-exported from :mod:`budgetkit.shenzhen.perf`) —
  read a 目标值 such as ``≥100 篇`` into ``op``, ``value``, ``unit``;
* :func:`indicator_kinds`, :func:`by_level`, :func:`indicator_summary`,
  :func:`quantified_share`, :func:`target_forms` — what the framework holds;
* :func:`source_cells`, :func:`shifted_rows` — the raw table cells, to see the
  rows whose columns were shifted by the PDF extraction;
* :func:`link_indicators_to_projects`, :func:`link_tasks_to_projects` — a
  **heuristic** keyword match of indicators (and of 表12's tasks) to the
  projects of 第三部分/第七部分; it suggests, it does not establish;
* :func:`tasks_vs_budget` — 表12's 年度主要任务 amounts against the budget's
  totals (the tasks are printed to 0.01 万元, the tables to 1 万元).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Sequence

import pandas as pd

from .budget import Budget
from .errors import BudgetkitError, DataError
from .projects import short_label
from .shenzhen.perf import LEVEL2_BY_LEVEL1, Target, parse_target
from .text import split_cells

__all__ = [
    "GENERIC_LEVEL2",
    "GENERIC_WORDS",
    "LEVEL_NAMES_EN",
    "NOT_APPLICABLE",
    "QuantifiedShare",
    "Target",
    "by_level",
    "indicator_kinds",
    "indicator_summary",
    "indicators_per_project",
    "keywords",
    "link_indicators_to_projects",
    "link_tasks_to_projects",
    "parse_target",
    "plot_indicator_counts",
    "quantified_share",
    "shifted_rows",
    "source_cells",
    "target_forms",
    "tasks_vs_budget",
]

_TABLE = "表12 整体支出绩效目标表"

#: The text of an indicator (and of its target) that does not apply.
NOT_APPLICABLE = "不适用"

#: English names of the framework's levels.
LEVEL_NAMES_EN: dict[str, str] = {
    "产出": "outputs",
    "数量": "quantity",
    "质量": "quality",
    "时效": "timeliness",
    "成本": "cost",
    "效益": "effects",
    "经济效益": "economic effects",
    "社会效益": "social effects",
    "生态效益": "ecological effects",
    "可持续影响": "sustainable impact",
    "满意度": "satisfaction",
    "服务对象满意度": "satisfaction of those served",
    "其他满意度": "other satisfaction",
}

#: 二级指标 whose indicators concern the whole department, not one project.
GENERIC_LEVEL2 = ("时效", "成本", "服务对象满意度", "其他满意度")

#: Words that say *how much* or *what kind of result*, not *what*: the
#: keyword match ignores them (see :func:`link_indicators_to_projects`).
GENERIC_WORDS: tuple[str, ...] = (
    "数量", "次数", "场数", "期数", "项目数", "开展", "完成", "形成", "出具", "拨付", "推荐", "组织", "支持",
    "建立", "采纳", "参与", "举办", "情况", "有关", "相关", "报告", "工作", "辖区", "企业", "龙华区", "提升",
    "有效", "水平", "能力", "验收", "合格率", "准确率", "覆盖率", "完成率", "通过率", "达成率", "参与率",
    "及时率", "控制率", "整改率", "满意度", "填报率", "建设", "审核", "审查", "管理", "服务",
)
_SUFFIX_GENERIC = ("企业数", "项目数")
_PUNCT = r"[“”\"'‘’、，,。；;：:（）()\s/《》<>]+"
_GENERIC_RE = re.compile(
    "(?:" + "|".join(re.escape(w) + "$" for w in _SUFFIX_GENERIC) + ")|"
    + "|".join(sorted(map(re.escape, GENERIC_WORDS), key=len, reverse=True)) + "|" + _PUNCT
)
_ASCII_ONLY = re.compile(r"^[\x00-\x7f]+$")


def _source(b: Budget) -> str | None:
    return b.meta.get("source")


def _indicators(b: Budget) -> pd.DataFrame:
    if not isinstance(b, Budget):
        raise BudgetkitError(f"expected a budgetkit Budget, got {type(b).__name__}")
    df = b.indicators
    needed = ["level1", "level2", "level3", "target", "quantitative", "shifted", "line"]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataError(f"the indicators have no column {', '.join(map(repr, missing))}",
                        file=_source(b), table=_TABLE)
    for r in df.itertuples(index=False):
        for col in ("level1", "level2", "level3", "target"):
            if pd.isna(getattr(r, col)):
                raise DataError(f"indicator has no {col}", file=_source(b), table=_TABLE,
                                line=None if pd.isna(r.line) else int(r.line))
    return df


# --------------------------------------------------------------------------
# the framework


def _kind(row) -> str:
    if bool(row.quantitative):
        return "定量"
    if str(row.level3).strip() == NOT_APPLICABLE or str(row.target).strip() == NOT_APPLICABLE:
        return NOT_APPLICABLE
    return "定性"


def indicator_kinds(b: Budget) -> pd.DataFrame:
    """The indicators with their kind and English level names.

    ``b.indicators`` plus ``kind`` — ``定量`` (quantitative: a number with
    an optional comparison and unit), ``定性`` (qualitative: words such as
    有效促进) or ``不适用`` (a placeholder: the level does not apply) — and
    ``level1_en``, ``level2_en``.
    """
    df = _indicators(b)
    out = df.copy()
    out["kind"] = pd.array([_kind(r) for r in df.itertuples(index=False)], dtype="string")
    out["level1_en"] = pd.array([LEVEL_NAMES_EN.get(x) for x in df["level1"]], dtype="string")
    out["level2_en"] = pd.array([LEVEL_NAMES_EN.get(x) for x in df["level2"]], dtype="string")
    return out


def _counts(group: pd.DataFrame) -> dict[str, int]:
    return {
        "indicators": len(group),
        "quantitative": int((group["kind"] == "定量").sum()),
        "qualitative": int((group["kind"] == "定性").sum()),
        "not_applicable": int((group["kind"] == NOT_APPLICABLE).sum()),
        "shifted": int(group["shifted"].fillna(False).astype(bool).sum()),
    }


_COUNT_COLS = ("indicators", "quantitative", "qualitative", "not_applicable", "shifted")


def by_level(b: Budget) -> pd.DataFrame:
    """One row per 二级指标 of the standard framework (in its order), with counts.

    Columns: ``level1``, ``level1_en``, ``level2``, ``level2_en``,
    ``indicators``, ``quantitative``, ``qualitative``, ``not_applicable``,
    ``shifted``, ``first_line``, ``last_line`` (NA when the level has no
    indicator). Levels outside the standard framework, if a document has
    any, follow at the end.
    """
    ind = indicator_kinds(b)
    pairs = [(l1, l2) for l1, l2s in LEVEL2_BY_LEVEL1.items() for l2 in l2s]
    extra = [p for p in dict.fromkeys(zip(ind["level1"], ind["level2"])) if p not in pairs]
    rows = []
    for l1, l2 in [*pairs, *extra]:
        g = ind[(ind["level1"] == l1) & (ind["level2"] == l2)]
        rows.append({"level1": l1, "level1_en": LEVEL_NAMES_EN.get(l1), "level2": l2,
                     "level2_en": LEVEL_NAMES_EN.get(l2), **_counts(g),
                     "first_line": int(g["line"].min()) if len(g) else None,
                     "last_line": int(g["line"].max()) if len(g) else None})
    out = pd.DataFrame(rows)
    for c in ("level1", "level1_en", "level2", "level2_en"):
        out[c] = out[c].astype("string")
    for c in (*_COUNT_COLS, "first_line", "last_line"):
        out[c] = pd.array([None if v is None or pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
    return out


KIND_COLORS = {"定量": "#3B6EA8", "定性": "#E3A33B", NOT_APPLICABLE: "#BDBDBD"}


def plot_indicator_counts(df: pd.DataFrame, ax=None, *, title: str | None = "绩效指标的框架：每个二级指标有几条",
                          subtitle: str | None = None, source: str | None = None):
    """Stacked horizontal bars of :func:`by_level`: 定量 / 定性 / 不适用 per 二级指标.

    The axis counts indicators (条), not money. Returns the Axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from . import plotting

    cols = {"定量": "quantitative", "定性": "qualitative", NOT_APPLICABLE: "not_applicable"}
    missing = [c for c in ("level1", "level2", "indicators", *cols.values()) if c not in df.columns]
    if missing:
        raise DataError(f"plot_indicator_counts: the table has no column {', '.join(map(repr, missing))}")
    plotting.use_chinese_font()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.42 * len(df) + 1.9), layout="constrained")
    labels = [f"{a} · {b}" for a, b in zip(df["level1"], df["level2"])]
    left = [0] * len(df)
    for kind, col in cols.items():
        vals = [0 if pd.isna(v) else int(v) for v in df[col]]
        ax.barh(range(len(df)), vals, left=left, color=KIND_COLORS[kind], height=0.62, label=kind)
        left = [a + v for a, v in zip(left, vals)]
    for i, n in enumerate(left):
        ax.annotate(f"{n}", (n, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_yticks(range(len(df)), labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("指标数（条）")
    ax.set_xlim(0, max(left) * 1.12 + 1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(loc="lower right", frameon=False, fontsize=9)
    if title:
        plotting.titled(ax, title, subtitle)
    if source:
        plotting.source_note(ax.figure, source)
    return ax


def indicator_summary(b: Budget) -> pd.DataFrame:
    """Counts per 一级指标, total row first.

    Columns: ``level1`` (``合计`` for the total), ``level1_en``,
    ``indicators``, ``quantitative``, ``qualitative``, ``not_applicable``,
    ``shifted``, ``quantitative_pct`` (share of quantitative indicators, 1
    decimal, display).
    """
    ind = indicator_kinds(b)
    rows = [{"level1": "合计", "level1_en": "total", **_counts(ind)}]
    order = list(LEVEL2_BY_LEVEL1) + [x for x in dict.fromkeys(ind["level1"]) if x not in LEVEL2_BY_LEVEL1]
    for l1 in order:
        rows.append({"level1": l1, "level1_en": LEVEL_NAMES_EN.get(l1), **_counts(ind[ind["level1"] == l1])})
    out = pd.DataFrame(rows)
    out["quantitative_pct"] = pd.array(
        [_pct1(Fraction(q, n)) if n else None for q, n in zip(out["quantitative"], out["indicators"])],
        dtype="Float64")
    for c in ("level1", "level1_en"):
        out[c] = out[c].astype("string")
    for c in _COUNT_COLS:
        out[c] = out[c].astype("Int64")
    return out


def _pct1(fr: Fraction) -> float:
    from decimal import ROUND_HALF_UP, Decimal

    return float((Decimal(fr.numerator) * 100 / Decimal(fr.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP))


@dataclass(frozen=True)
class QuantifiedShare:
    """How many indicators have a measurable target (see :func:`quantified_share`)."""

    total: int
    quantitative: int
    qualitative: int
    not_applicable: int

    @property
    def share(self) -> Fraction:
        """Quantitative indicators / all indicator rows (exact)."""
        return Fraction(self.quantitative, self.total)

    @property
    def share_applicable(self) -> Fraction:
        """Quantitative indicators / indicator rows that are not 不适用 placeholders (exact)."""
        return Fraction(self.quantitative, self.total - self.not_applicable)

    def __str__(self) -> str:
        return "\n".join([
            f"指标行 {self.total} 条：定量 {self.quantitative}，定性 {self.qualitative}，"
            f"“不适用”占位 {self.not_applicable}",
            f"定量占全部指标行：{self.quantitative}/{self.total} = {_pct1(self.share):.1f}%",
            f"定量占实际指标（不含“不适用”）：{self.quantitative}/{self.total - self.not_applicable}"
            f" = {_pct1(self.share_applicable):.1f}%",
        ])


def quantified_share(b: Budget) -> QuantifiedShare:
    """Counts of quantitative, qualitative and 不适用 indicators, with exact shares."""
    ind = indicator_kinds(b)
    if ind.empty:
        raise DataError("the budget has no performance indicators", file=_source(b), table=_TABLE)
    c = _counts(ind)
    return QuantifiedShare(total=c["indicators"], quantitative=c["quantitative"], qualitative=c["qualitative"],
                           not_applicable=c["not_applicable"])


def target_forms(b: Budget) -> pd.DataFrame:
    """How the quantitative targets are written: counts per (op, unit), most common first.

    Columns: ``op`` (≥ ≤ = > <), ``unit`` (NA when none), ``indicators``,
    ``example`` (the first target of that form, as printed).
    """
    ind = indicator_kinds(b)
    q = ind[ind["kind"] == "定量"]
    rows = []
    for (op, unit), g in q.groupby([q["op"].fillna(""), q["unit"].fillna("")], sort=False):
        rows.append({"op": op or None, "unit": unit or None, "indicators": len(g), "example": g["target"].iloc[0]})
    out = pd.DataFrame(rows, columns=["op", "unit", "indicators", "example"])
    out = out.sort_values(["indicators", "op", "unit"], ascending=[False, True, True], kind="stable",
                          na_position="last").reset_index(drop=True)
    for c in ("op", "unit", "example"):
        out[c] = out[c].astype("string")
    out["indicators"] = out["indicators"].astype("Int64")
    return out


# --------------------------------------------------------------------------
# raw cells and shifted rows


def source_cells(b: Budget, lines: Iterable[int]) -> pd.DataFrame:
    """The tab-separated cells of source ``lines``, one column per position.

    Index: ``line``; columns ``0`` … ``n-1`` (the cell positions, cleaned
    of HTML fragments; an empty cell is ``""``). This is how the PDF
    extraction left the table row, before budgetkit read it.
    """
    lines = [int(n) for n in lines]
    if not lines:
        raise BudgetkitError("no lines given")
    rows = {}
    for n in lines:
        text = b.source_lines(n, n, numbered=False)
        rows[n] = split_cells(text)
    width = max(len(c) for c in rows.values())
    data = {str(i): [cells[i] if i < len(cells) else "" for cells in rows.values()] for i in range(width)}
    out = pd.DataFrame(data, index=pd.Index(list(rows), name="line"))
    return out


def _header_positions(b: Budget, first_line: int) -> dict[str, int]:
    """Cell positions of 一级指标/二级指标/三级指标/目标值 in the indicator header above ``first_line``."""
    for n in range(first_line - 1, max(first_line - 40, 0), -1):
        cells = split_cells(b.source_lines(n, n, numbered=False))
        if "三级指标" in cells and "目标值" in cells:
            return {"level1": cells.index("一级指标") if "一级指标" in cells else None,
                    "level2": cells.index("二级指标") if "二级指标" in cells else None,
                    "level3": cells.index("三级指标"), "target": cells.index("目标值"), "header_line": n}
    raise DataError("no indicator header (三级指标 … 目标值) above the indicators", file=_source(b),
                    table=_TABLE, line=first_line)


def shifted_rows(b: Budget) -> pd.DataFrame:
    """The indicator rows whose cells are not in the header's columns.

    Columns: ``line``, ``level1``, ``level2``, ``level3``, ``target``,
    ``level3_col`` / ``target_col`` (where the indicator name and target
    actually are), ``expected_level3_col`` / ``expected_target_col`` (where
    the header puts them), ``level_names_at`` (the cells holding a level
    name, e.g. ``1:质量`` — ``质量`` in column 1, the 一级指标 column).
    ``attrs["header_line"]`` is the header's line.
    """
    ind = _indicators(b)
    if ind.empty:
        raise DataError("the budget has no performance indicators", file=_source(b), table=_TABLE)
    header = _header_positions(b, int(ind["line"].min()))
    names = set(LEVEL2_BY_LEVEL1) | {x for v in LEVEL2_BY_LEVEL1.values() for x in v} | {"年度绩效指标"}
    rows = []
    for r in ind[ind["shifted"].fillna(False).astype(bool)].itertuples(index=False):
        cells = split_cells(b.source_lines(int(r.line), int(r.line), numbered=False))
        try:
            c3 = cells.index(str(r.level3))
            ct = next(i for i in range(c3 + 1, len(cells)) if cells[i] == str(r.target))
        except (ValueError, StopIteration):
            raise DataError(f"indicator {r.level3!r} / {r.target!r} not found in its source line",
                            file=_source(b), table=_TABLE, line=int(r.line)) from None
        at = [f"{i}:{c}" for i, c in enumerate(cells) if c in names]
        rows.append({"line": int(r.line), "level1": r.level1, "level2": r.level2, "level3": r.level3,
                     "target": r.target, "level3_col": c3, "target_col": ct,
                     "expected_level3_col": header["level3"], "expected_target_col": header["target"],
                     "level_names_at": " ".join(at)})
    cols = ["line", "level1", "level2", "level3", "target", "level3_col", "target_col", "expected_level3_col",
            "expected_target_col", "level_names_at"]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("line", "level3_col", "target_col", "expected_level3_col", "expected_target_col"):
        out[c] = out[c].astype("Int64")
    for c in ("level1", "level2", "level3", "target", "level_names_at"):
        out[c] = out[c].astype("string")
    out.attrs["header_line"] = header["header_line"]
    return out


# --------------------------------------------------------------------------
# heuristic links


def _norm(text) -> str:
    return "" if text is None or text is pd.NA else re.sub(r"\s+", "", str(text))


def keywords(text: str, min_length: int = 2) -> set[str]:
    """Candidate keywords of an indicator: substrings of its distinctive parts.

    The text is cut at :data:`GENERIC_WORDS` and punctuation; every substring
    of at least ``min_length`` characters of the remaining chunks is a
    candidate, except purely ASCII ones (numbers such as ``20``).
    """
    out = set()
    for chunk in _GENERIC_RE.split(_norm(text)):
        for i in range(len(chunk)):
            for j in range(i + min_length, len(chunk) + 1):
                term = chunk[i:j]
                if not _ASCII_ONLY.match(term):
                    out.add(term)
    return out


def _best_term(text: str, documents: dict[int, str], min_length: int,
               max_matches: int | None = None) -> tuple[str | None, list[int]]:
    """The longest keyword of ``text`` found in 1 … ``max_matches`` documents (ties: found in fewer)."""
    best: tuple[int, int, str] | None = None
    hits_of: dict[str, list[int]] = {}
    for term in keywords(text, min_length):
        hits = [k for k, doc in documents.items() if term in doc]
        if not hits or (max_matches is not None and len(hits) > max_matches):
            continue
        hits_of[term] = hits
        key = (len(term), -len(hits), term)
        if best is None or key > best:
            best = key
    if best is None:
        return None, []
    return best[2], hits_of[best[2]]


def _confidence(term: str | None) -> str:
    if term is None:
        return "none"
    return "strong" if len(term) >= 4 else "medium" if len(term) == 3 else "weak"


def _project_documents(b: Budget, fields: Sequence[str]) -> dict[int, str]:
    p = b.projects
    docs = {}
    for r in p.itertuples(index=False):
        parts = []
        for f in fields:
            if f == "components":
                parts.append("".join(c.name for c in (r.components or ())))
            else:
                parts.append(_norm(getattr(r, f, None)))
        docs[int(r.project_no)] = "|".join(parts)
    return docs


def link_indicators_to_projects(b: Budget, *, min_length: int = 2, max_matches: int = 5,
                                fields: Sequence[str] = ("name", "components", "purpose", "goal")) -> pd.DataFrame:
    """**Heuristic**: which project(s) an indicator probably belongs to, by keyword.

    表12 lists the department's indicators without saying which project each
    one measures. This function guesses, transparently: it cuts the
    indicator's name (三级指标) at generic words (:data:`GENERIC_WORDS`,
    e.g. 数量, 完成, 合格率) and punctuation, takes every substring of at
    least ``min_length`` characters of what is left, and looks them up in
    each project's ``fields`` (name, components, purpose from 第三部分, goal
    from 第七部分). The longest substring found in at least one and at most
    ``max_matches`` projects wins (ties: the one found in fewer projects;
    a word found in more projects, such as 产业, says nothing); every
    project containing it is listed.

    One row per (indicator, project); an indicator without a match has one
    row with ``project_no`` NA. Columns: ``line``, ``level1``, ``level2``,
    ``level3``, ``target``, ``project_no``, ``project`` (short label),
    ``term`` (the matched keyword), ``matches`` (how many projects share the
    term), ``confidence`` (``strong`` ≥ 4 characters, ``medium`` 3,
    ``weak`` 2, ``none``), ``scope`` (``department`` for 时效/成本/满意度
    indicators and 不适用 placeholders, which concern the whole department
    and are not matched; else ``project``).

    It is a reading aid: a match means the words overlap, not that the
    document links them; a miss means the words differ (e.g. 采购电脑数量
    vs 办公设备). Check every link you rely on in the source text.
    """
    if min_length < 1:
        raise ValueError("min_length must be >= 1")
    ind = indicator_kinds(b)
    docs = _project_documents(b, fields)
    label_of = {int(r.project_no): short_label(r.name) for r in b.projects.itertuples(index=False)}
    rows = []
    for r in ind.itertuples(index=False):
        base = {"line": r.line, "level1": r.level1, "level2": r.level2, "level3": r.level3, "target": r.target}
        if r.level2 in GENERIC_LEVEL2 or r.kind == NOT_APPLICABLE:
            rows.append({**base, "project_no": None, "project": None, "term": None, "matches": 0,
                         "confidence": "none", "scope": "department"})
            continue
        term, hits = _best_term(str(r.level3), docs, min_length, max_matches)
        if not hits:
            rows.append({**base, "project_no": None, "project": None, "term": None, "matches": 0,
                         "confidence": "none", "scope": "project"})
            continue
        for no in hits:
            rows.append({**base, "project_no": no, "project": label_of[no], "term": term, "matches": len(hits),
                         "confidence": _confidence(term), "scope": "project"})
    out = pd.DataFrame(rows)
    for c in ("line", "project_no", "matches"):
        out[c] = pd.array([None if v is None or pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
    for c in ("level1", "level2", "level3", "target", "project", "term", "confidence", "scope"):
        out[c] = out[c].astype("string")
    return out


def indicators_per_project(b: Budget, links: pd.DataFrame | None = None) -> pd.DataFrame:
    """**Heuristic** count of 表12 indicators per project, next to the project's amount.

    Built on :func:`link_indicators_to_projects` (pass its result as
    ``links`` to reuse it). One row per project, largest amount first:
    ``project_no``, ``project``, ``amount`` (元), ``indicators`` (how many
    indicators the keyword match links to it), ``strong`` (of which with a
    keyword of ≥ 4 characters), ``examples`` (up to three 三级指标, ``、``
    between them). Department-wide indicators (时效/成本/满意度) are not
    counted.
    """
    if links is None:
        links = link_indicators_to_projects(b)
    p = b.projects
    rows = []
    for r in p.itertuples(index=False):
        mine = links[links["project_no"] == r.project_no]
        rows.append({"project_no": int(r.project_no), "project": short_label(r.name), "amount": int(r.amount),
                     "indicators": mine["line"].nunique(),
                     "strong": mine.loc[mine["confidence"] == "strong", "line"].nunique(),
                     "examples": "、".join(mine["level3"].drop_duplicates().head(3)) or None})
    out = pd.DataFrame(rows).sort_values(["amount", "project_no"], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    for c in ("project_no", "amount", "indicators", "strong"):
        out[c] = out[c].astype("Int64")
    for c in ("project", "examples"):
        out[c] = out[c].astype("string")
    return out


def link_tasks_to_projects(b: Budget, *, min_length: int = 4, max_matches: int = 3) -> pd.DataFrame:
    """**Heuristic**: 表12 tasks next to the projects whose *names* match.

    A project of exactly the task's name is taken first; otherwise the
    method of :func:`link_indicators_to_projects` is applied to the task
    name against the project names only, with a stricter ``min_length`` (4)
    and ``max_matches`` (3).
    Columns: ``task``, ``task_total`` (元), ``projects`` (labels joined by
    ``、``), ``term``, ``projects_total`` (元, NA without a match),
    ``difference`` (task − projects, 元), ``line``. A shared name is not
    shared money: compare the totals.
    """
    tasks = b.tasks
    for c in ("task", "total", "line"):
        if c not in tasks.columns:
            raise DataError(f"the tasks have no column {c!r}", file=_source(b), table=_TABLE)
    p = b.projects
    names = {int(r.project_no): _norm(r.name) for r in p.itertuples(index=False)}
    amount = {int(r.project_no): int(r.amount) for r in p.itertuples(index=False)}
    label_of = {int(r.project_no): short_label(r.name) for r in p.itertuples(index=False)}
    rows = []
    for r in tasks.itertuples(index=False):
        if pd.isna(r.total):
            raise DataError(f"task {r.task!r} has no amount", file=_source(b), table=_TABLE, line=int(r.line))
        exact = [k for k, name in names.items() if name == _norm(r.task)]
        if exact:
            term, hits = _norm(r.task), exact
        else:
            term, hits = _best_term(str(r.task), names, min_length, max_matches)
        tot = sum(amount[h] for h in hits) if hits else None
        rows.append({"task": r.task, "task_total": int(r.total),
                     "projects": "、".join(label_of[h] for h in hits) if hits else None, "term": term,
                     "projects_total": tot, "difference": int(r.total) - tot if tot is not None else None,
                     "line": int(r.line)})
    out = pd.DataFrame(rows)
    for c in ("task_total", "projects_total", "difference", "line"):
        out[c] = pd.array([None if v is None or pd.isna(v) else int(v) for v in out[c]], dtype="Int64")
    for c in ("task", "projects", "term"):
        out[c] = out[c].astype("string")
    return out


# --------------------------------------------------------------------------
# tasks vs the budget


def _precision(values: Iterable[int]) -> int:
    """The coarsest printed unit (元) consistent with every value: 10,000 for whole 万元, 100 for 0.01 万元 …"""
    vals = [int(v) for v in values]
    for unit in (10_000, 1_000, 100, 10, 1):
        if all(v % unit == 0 for v in vals):
            return unit
    return 1  # pragma: no cover - unit 1 always divides


def _total_row(b: Budget, n: int, column: str) -> tuple[int, int]:
    t = b.table(n)
    tot = t[t["kind"] == "total"]
    if len(tot) != 1 or pd.isna(tot[column].iloc[0]):
        raise DataError(f"表{n} has no single total row with {column!r}", file=_source(b), table=f"表{n}")
    return int(tot[column].iloc[0]), int(tot["line"].iloc[0])


def tasks_vs_budget(b: Budget) -> pd.DataFrame:
    """表12's 年度主要任务 amounts against the budget's totals.

    Rows (each a comparison ``left`` vs ``right``, amounts in 元):

    1. Σ of the tasks' 总额 vs 表12's printed 金额合计;
    2. 表12 金额合计 (总额) vs 表3's department total;
    3. 表12 金额合计 (其中：财政拨款) vs 表7's total (一般公共预算);
    4. 表12 金额合计 (其中：其他资金) vs 表10's total (政府性基金预算);
    5. each task's 财政拨款 + 其他资金 vs its 总额, summed over the tasks
       (``left`` = Σ(fiscal + other), ``right`` = Σ total).

    Columns: ``check``, ``left_where``, ``left_line``, ``left``,
    ``right_where``, ``right_line``, ``right``, ``difference`` (left −
    right), ``tolerance`` (half a printed unit of each side, the printed unit
    inferred from the figures: 100 元 for 0.01 万元, 10,000 元 for 1 万元),
    ``within_rounding``.
    """
    t12 = b.table(12)
    for c in ("kind", "total", "fiscal", "other", "line"):
        if c not in t12.columns:
            raise DataError(f"表12 has no column {c!r}", file=_source(b), table=_TABLE)
    tasks = t12[t12["kind"] == "task"]
    total = t12[t12["kind"] == "total"]
    if tasks.empty or len(total) != 1:
        raise DataError("表12 needs task rows and one 金额合计 row", file=_source(b), table=_TABLE)
    for r in tasks.itertuples(index=False):
        if pd.isna(r.total) or pd.isna(r.fiscal) or pd.isna(r.other):
            raise DataError(f"task {r.task!r} has a missing amount", file=_source(b), table=_TABLE, line=int(r.line))
    tot = total.iloc[0]
    tot_line = int(tot["line"])
    p12 = _precision([*tasks["total"], *tasks["fiscal"], *tasks["other"], tot["total"], tot["fiscal"], tot["other"]])
    t3, t3_line = _total_row(b, 3, "total")
    t7, t7_line = _total_row(b, 7, "total")
    t10, t10_line = _total_row(b, 10, "total")
    p3 = _precision([t3, t7, t10])
    first, last = int(tasks["line"].min()), int(tasks["line_end"].max() if "line_end" in tasks else tasks["line"].max())
    n = len(tasks)
    comparisons = [
        ("任务金额之和 = 金额合计", f"表12 {n} 项任务 总额之和", first, int(tasks["total"].sum()),
         "表12 金额合计", tot_line, int(tot["total"]), n * p12 // 2 + p12 // 2),
        ("金额合计 vs 部门预算总额", "表12 金额合计（总额）", tot_line, int(tot["total"]),
         "表3 支出总计", t3_line, t3, p12 // 2 + p3 // 2),
        ("财政拨款 vs 一般公共预算", "表12 金额合计（财政拨款）", tot_line, int(tot["fiscal"]),
         "表7 一般公共预算支出合计", t7_line, t7, p12 // 2 + p3 // 2),
        ("其他资金 vs 政府性基金", "表12 金额合计（其他资金）", tot_line, int(tot["other"]),
         "表10 政府性基金预算支出合计", t10_line, t10, p12 // 2 + p3 // 2),
        ("每项任务：财政拨款 + 其他资金 = 总额", f"表12 {n} 项任务 财政拨款+其他资金", first,
         int(tasks["fiscal"].sum() + tasks["other"].sum()), f"表12 {n} 项任务 总额", last,
         int(tasks["total"].sum()), 0),
    ]
    rows = []
    for check, lw, ll, lv, rw, rl, rv, tol in comparisons:
        rows.append({"check": check, "left_where": lw, "left_line": ll, "left": lv, "right_where": rw,
                     "right_line": rl, "right": rv, "difference": lv - rv, "tolerance": tol,
                     "within_rounding": abs(lv - rv) <= tol})
    out = pd.DataFrame(rows)
    for c in ("left_line", "left", "right_line", "right", "difference", "tolerance"):
        out[c] = out[c].astype("Int64")
    for c in ("check", "left_where", "right_where"):
        out[c] = out[c].astype("string")
    out["within_rounding"] = out["within_rounding"].astype(bool)
    # each task on its own: fiscal + other must equal total exactly
    bad = tasks[tasks["fiscal"] + tasks["other"] != tasks["total"]]
    out.attrs["tasks_not_adding_up"] = [int(x) for x in bad["line"]]
    return out

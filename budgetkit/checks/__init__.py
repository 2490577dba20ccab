"""The audit engine (数据核对): rules that check a Budget against itself.

>>> import budgetkit as bk
>>> from budgetkit import checks
>>> report = checks.run(bk.load())            # one row per rule application
>>> report[report["status"] == "fail"]        # genuine contradictions of the document
>>> checks.summary(report)                     # rule × status counts
>>> print(checks.explain(bk.load(), report.iloc[0]))   # a finding beside its source lines

Every rule is a :class:`Rule` in the registry :data:`RULES` (id, category,
Chinese and English description, the tables it needs, a check function).
Rule families (``category``):

``balance``       收支平衡: the balance tables balance.
``cross_table``   表间核对: the same money agrees across tables.
``hierarchy``     表内层级: parents = Σ children; total = basic + project; procurement bounds.
``text``          文字与表格: the prose's figures against the tables.
``changes``       增减变化: every stated change recomputed; its baseline reported.
``naming``        名称与口径: one code, one name; one classification of a source of funds.
``units``         数量×单价: counts × unit prices stated in the prose.
``completeness``  完整性与透明度: the tables and explanations 财预〔2016〕143号 requires.

Statuses: ``ok`` (holds exactly), ``rounding`` (off by no more than the
rounding of the printed figures allows — see :mod:`budgetkit.checks._core`),
``fail`` (a genuine contradiction), ``not_applicable`` (the Budget lacks what
the rule needs, or there is nothing to recompute). Amount columns
(``expected``, ``actual``, ``difference``, ``tolerance``) are exact integer
元; ``expected_text`` / ``actual_text`` say the same for people (and carry the
non-money comparisons: percentages, counts, names).
"""

from __future__ import annotations

import fnmatch
import unicodedata
from typing import Any, Iterable, Sequence

import pandas as pd

from ..errors import BudgetkitError
from . import balance, changes, completeness, cross, hierarchy, naming, text, units  # noqa: F401  (register rules)
from ._core import (
    CATEGORIES, COLUMNS, RULES, STATUSES, Context, Fig, Finding, Rule, format_lines, located_error, parse_lines,
    rule, worst,
)
from ._roles import ROLES, TableRef, resolve

__all__ = [
    "CATEGORIES", "COLUMNS", "ROLES", "RULES", "STATUSES", "Context", "Fig", "Finding", "Rule", "TableRef",
    "explain", "format_findings", "format_text", "get_rule", "parse_lines", "resolve", "rule", "rules_table", "run", "side_by_side",
    "summary",
]

_INT_COLUMNS = ("expected", "actual", "difference", "tolerance")


def get_rule(rule_id: str) -> Rule:
    """The registered rule ``rule_id`` (raises :class:`BudgetkitError` for an unknown id)."""
    try:
        return RULES[rule_id]
    except KeyError:
        raise BudgetkitError(f"unknown rule {rule_id!r}; known rules: {', '.join(r.id for r in _ordered())}") from None


def _ordered() -> list[Rule]:
    """Registered rules in report order: by category (see :data:`CATEGORIES`), then registration."""
    order = list(CATEGORIES)
    return sorted(RULES.values(), key=lambda r: order.index(r.category))


def _select(rules: Iterable[Any] | str | None) -> list[Rule]:
    if rules is None:
        return _ordered()
    if isinstance(rules, (str, Rule)):
        rules = [rules]
    chosen: list[Rule] = []
    for item in rules:
        if isinstance(item, Rule):
            hits = [item]
        else:
            pattern = str(item)
            hits = [r for r in _ordered() if fnmatch.fnmatchcase(r.id, pattern) or r.category == pattern]
            if not hits:
                raise BudgetkitError(f"no rule matches {pattern!r}; known rules: {', '.join(r.id for r in _ordered())} "
                                     f"(categories: {', '.join(CATEGORIES)})")
        for r in hits:
            if r not in chosen:
                chosen.append(r)
    return chosen


def _row(r: Rule, f: Finding) -> dict[str, Any]:
    diff = f.actual - f.expected if f.actual is not None and f.expected is not None else None
    return {
        "rule": r.id, "category": r.category, "description_zh": r.description_zh, "description_en": r.description_en,
        "subject": f.subject, "lines": format_lines(f.lines), "expected": f.expected, "actual": f.actual,
        "difference": diff, "status": f.status, "note": f.note or None,
        "expected_text": f.expected_text, "actual_text": f.actual_text, "tolerance": f.tolerance,
    }


def run(budget: Any, rules: Iterable[Any] | str | None = None) -> pd.DataFrame:
    """Audit ``budget``: one row per rule application (see :data:`COLUMNS`).

    ``rules`` selects rules by id, glob (``"cross.*"``), category
    (``"changes"``) or :class:`Rule`; default: all. A rule whose tables the
    Budget lacks reports one ``not_applicable`` row. The Budget is never
    changed. Raises :class:`BudgetkitError` (naming the file and table) when a
    table lacks columns a rule needs.
    """
    chosen = _select(rules)
    ctx = Context(budget)
    rows: list[dict[str, Any]] = []
    for r in chosen:
        missing = [name for name in r.requires if not ctx.has(name)]
        if missing:
            labels = "、".join(ctx.full_label(m) if ctx.ref(m) else m for m in missing)
            rows.append(_row(r, Finding(subject="—", status="not_applicable",
                                        note=f"本预算没有 / this Budget lacks: {labels}")))
            continue
        try:
            findings = list(r.check(ctx))
        except BudgetkitError:
            raise
        except Exception as exc:  # a rule met data it cannot handle: say where, keep the cause
            raise located_error(r, ctx, exc) from exc
        rows.extend(_row(r, f) for f in findings)
    data = {}
    for c in COLUMNS:
        values = [row[c] for row in rows]
        if c in _INT_COLUMNS:
            data[c] = pd.array([None if v is None else int(v) for v in values], dtype="Int64")
        else:
            data[c] = pd.array([None if v is None else str(v) for v in values], dtype="string")
    df = pd.DataFrame(data, columns=list(COLUMNS))
    meta = budget.meta
    df.attrs.update({
        "department": meta.get("department"), "year": meta.get("year"), "source": meta.get("source"),
        "currency_unit": meta.get("currency_unit"), "rules": [r.id for r in chosen],
    })
    return df


def rules_table(rules: Iterable[Any] | str | None = None) -> pd.DataFrame:
    """The registry as a table: id, category, descriptions, required tables, reference."""
    rows = [{
        "rule": r.id, "category": r.category, "category_zh": CATEGORIES[r.category],
        "description_zh": r.description_zh, "description_en": r.description_en,
        "requires": ", ".join(r.requires), "optional": ", ".join(r.optional), "reference": r.reference or None,
    } for r in _select(rules)]
    return pd.DataFrame(rows).astype("string")


def summary(report: pd.DataFrame) -> pd.DataFrame:
    """Counts of each status per rule (rules in report order), with the rule's worst status."""
    order = list(dict.fromkeys(report["rule"]))
    counts = pd.crosstab(report["rule"], report["status"]).reindex(index=order, columns=list(STATUSES), fill_value=0)
    counts = counts.astype("Int64")
    counts.columns.name = None
    first = report.drop_duplicates("rule").set_index("rule")
    counts.insert(0, "category", first.loc[order, "category"].to_numpy())
    counts.insert(1, "description_zh", first.loc[order, "description_zh"].to_numpy())
    counts["worst"] = [worst(report.loc[report["rule"] == r, "status"]) for r in order]
    return counts


# ---------------------------------------------------------------------- presentation

def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, width: int) -> str:
    s = _clip(s, width)
    return s + " " * (width - _width(s))


def _clip(s: str, width: int) -> str:
    if _width(s) <= width:
        return s
    out, w = "", 0
    for ch in s:
        cw = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if w + cw > width - 1:
            break
        out += ch
        w += cw
    return out + "…"


def _get(row: Any, key: str) -> Any:
    """A field of a report row (Series, dict or namedtuple); None for missing values."""
    value = row.get(key) if hasattr(row, "get") else getattr(row, key, None)
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


def _value(row: Any, kind: str) -> str:
    v = _get(row, f"{kind}_text")
    return "" if v is None else str(v)


def _source(budget: Any, lines: str, max_lines: int) -> list[str]:
    out = []
    for a, b in parse_lines(lines or ""):
        end = min(b, a + max_lines - 1)
        try:
            out.extend(budget.source_lines(a, end).split("\n"))
        except BudgetkitError as exc:
            out.append(f"({exc})")
            continue
        if end < b:
            out.append(f"      … （至第 {b} 行）")
    return out


def explain(budget: Any, row: Any, *, max_lines: int = 8) -> str:
    """A finding in words, followed by the source lines it cites (at most ``max_lines`` per range)."""
    out = [f"[{_get(row, 'status')}] {_get(row, 'rule')} — {_get(row, 'subject')}"]
    exp, act = _value(row, "expected"), _value(row, "actual")
    if exp or act:
        out.append(f"  应为 expected: {exp}")
        out.append(f"  实际 actual:   {act}")
    diff = _get(row, "difference")
    if diff:
        out.append(f"  差额 difference: {int(diff):+,} 元")
    note = _get(row, "note")
    if note:
        out.append(f"  说明 note: {note}")
    source = _source(budget, _get(row, "lines") or "", max_lines)
    if source:
        out.append("  原文 source:")
        out.extend("    " + line for line in source)
    return "\n".join(out)


_STATUS_COLOURS = {"ok": "#2e7d32", "rounding": "#8d6e00", "fail": "#c62828", "not_applicable": "#616161"}


def side_by_side(budget: Any, report: pd.DataFrame, *, max_lines: int = 6) -> str:
    """HTML: each finding (left) beside the source lines it cites (right), for notebooks.

    ``IPython.display.HTML(checks.side_by_side(b, report[report.status == "fail"]))``
    """
    from html import escape

    cells = []
    for _, r in report.iterrows():
        status = _get(r, "status") or ""
        colour = _STATUS_COLOURS.get(status, "#000")
        left = [f'<b style="color:{colour}">[{escape(status)}]</b> <code>{escape(str(_get(r, "rule")))}</code>',
                f"<b>{escape(str(_get(r, 'subject')))}</b>"]
        exp, act = _value(r, "expected"), _value(r, "actual")
        if exp or act:
            left.append(f"应为 {escape(exp)}<br>实际 {escape(act)}")
        if _get(r, "note"):
            left.append(f'<span style="font-size:90%">{escape(str(_get(r, "note")))}</span>')
        source = "\n".join(_source(budget, _get(r, "lines") or "", max_lines))
        cells.append(
            '<tr style="vertical-align:top"><td style="text-align:left;vertical-align:top;width:45%">' + "<br>".join(left)
            + '</td><td style="text-align:left;vertical-align:top"><pre style="white-space:pre-wrap;margin:0;font-size:85%">'
            + escape(source) + "</pre></td></tr>")
    return ('<table style="border-collapse:collapse"><thead><tr><th style="text-align:left">发现 finding</th>'
            '<th style="text-align:left">原文 source (行号)</th></tr></thead><tbody>' + "".join(cells) + "</tbody></table>")


def format_text(report: pd.DataFrame, *, show: Sequence[str] | None = ("rounding", "fail", "not_applicable"),
                width: int = 100) -> str:
    """The report as plain text: a per-rule summary, then the findings whose status is in ``show`` (None: all)."""
    meta = report.attrs
    lines = []
    if meta.get("department"):
        lines.append(f"budgetkit check — {meta.get('year')} {meta.get('department')} ({meta.get('source')})")
    counts = report["status"].value_counts()
    lines.append("findings: " + ", ".join(f"{s} {int(counts.get(s, 0))}" for s in STATUSES))
    lines.append("")
    summ = summary(report) if len(report) else None
    lines.append(f"{_pad('rule', 34)} {_pad('worst', 15)} {'ok':>4} {'rnd':>4} {'fail':>4} {'n/a':>4}")
    if summ is not None:
        for rid, r in summ.iterrows():
            lines.append(f"{_pad(rid, 34)} {_pad(r['worst'], 15)} {int(r['ok']):>4} {int(r['rounding']):>4} "
                         f"{int(r['fail']):>4} {int(r['not_applicable']):>4}")
    shown = report if show is None else report[report["status"].isin(list(show))]
    lines.append("")
    lines.append(f"{len(shown)} finding(s)" + ("" if show is None else f" with status {', '.join(show)}") + ":")
    if len(shown):
        lines.append("")
        lines.append(format_findings(shown, width=width))
    return "\n".join(lines)


def format_findings(report: pd.DataFrame, *, width: int = 100, notes: bool = True) -> str:
    """Findings as plain text, one block each: status, rule, subject, lines, expected | actual, note."""
    blocks = []
    for _, r in report.iterrows():
        block = [_clip(f"[{r['status']}] {r['rule']}  {r['subject']}", width), f"    lines {r['lines'] or '—'}"]
        exp, act = _value(r, "expected"), _value(r, "actual")
        if exp or act:
            block.append(f"    expected {exp}  |  actual {act}")
        if notes and _get(r, "note"):
            block.append(f"    note: {r['note']}")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)

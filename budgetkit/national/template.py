"""The national 9-table department budget template (部门预算公开 “九张表”), as data.

Used by most provinces and cities (the corpus: Shanghai 普陀区 districts'
2024/2025 budgets). Each table is named by its title (``2025年部门支出预算总表``),
followed by ``编制部门：… 单位：元`` and a multi-line column header; amounts are
in 元 (with 分) or 万元, the unit printed per table (the 三公 table is often in
万元 while the others are in 元).

Columns are recognised from the printed header, never from position alone:
each :class:`Column` has ``patterns`` (regular expressions) matched against the
header text of a column — first its bottom-most header cell, then all its
header cells joined — so ``事业单位 / 经营收入`` printed on two lines, or the 三公
columns in another order, are still found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TEMPLATE_ID = "national-9"


@dataclass(frozen=True)
class Column:
    """An amount column: identifier, Chinese label, header patterns."""

    name: str
    label: str
    patterns: tuple[str, ...]

    def matches(self, text: str) -> bool:
        return any(re.search(p, text) for p in self.patterns)


@dataclass(frozen=True)
class TableSpec:
    number: int
    title: str
    layout: str  # balance | coded | three_public
    english: str
    columns: tuple[Column, ...] = ()
    code_system: str | None = None
    #: balance tables: the columns of the expenditure side (the income side has one amount)
    side_columns: tuple[Column, ...] = ()


_TOTAL = Column("total", "合计", (r"合计$", r"^小计$"))
_EXP = (
    _TOTAL,
    Column("basic", "基本支出", (r"基本支出$",)),
    Column("project", "项目支出", (r"项目支出$",)),
)
_REVENUE = (
    _TOTAL,
    Column("fiscal", "财政拨款收入", (r"财政拨款",)),
    Column("business_income", "事业收入", (r"^事业收入$", r"[^位]事业收入$")),
    Column("operating_income", "事业单位经营收入", (r"经营收入$",)),
    Column("other", "其他收入", (r"其他收入$",)),
)
_ECONOMIC = (
    _TOTAL,
    Column("personnel", "人员经费", (r"人员经费$",)),
    Column("public", "公用经费", (r"公用经费$",)),
)
_FISCAL_SIDE = (
    Column("amount", "合计", (r"合计$",)),
    Column("general_budget", "一般公共预算", (r"一般公共预算$",)),
    Column("gov_fund", "政府性基金预算", (r"政府性基金",)),
    Column("state_capital", "国有资本经营预算", (r"国有资本",)),
)
_THREE_PUBLIC = (
    Column("total", "合计", (r"^合计$", r"预算数合计$")),
    Column("outbound", "因公出国(境)费", (r"出国",)),
    Column("reception", "公务接待费", (r"接待",)),
    Column("vehicle", "公务用车购置及运行费小计", (r"小计$",)),
    Column("vehicle_purchase", "公务用车购置费", (r"购置费$",)),
    Column("vehicle_operation", "公务用车运行费", (r"运行费$", r"运行维护费$")),
    Column("operating_costs", "机关运行经费预算数", (r"机关运行",)),
)

TABLES: dict[int, TableSpec] = {
    1: TableSpec(1, "财务收支预算总表", "balance", "Revenue and expenditure summary"),
    2: TableSpec(2, "收入预算总表", "coded", "Revenue by function", _REVENUE, "function"),
    3: TableSpec(3, "支出预算总表", "coded", "Expenditure summary", _EXP, "function"),
    4: TableSpec(4, "财政拨款收支预算总表", "balance", "Fiscal appropriations: revenue and expenditure",
                 side_columns=_FISCAL_SIDE),
    5: TableSpec(5, "一般公共预算支出功能分类预算表", "coded", "General public budget expenditure by function",
                 _EXP, "function"),
    6: TableSpec(6, "政府性基金预算支出功能分类预算表", "coded", "Government fund budget expenditure by function",
                 _EXP, "function"),
    7: TableSpec(7, "国有资本经营预算支出功能分类预算表", "coded",
                 "State capital operation budget expenditure by function", _EXP, "function"),
    8: TableSpec(8, "一般公共预算基本支出部门预算经济分类预算表", "coded",
                 "General public budget basic expenditure by economic classification", _ECONOMIC, "economic"),
    9: TableSpec(9, "“三公”经费和机关运行经费预算表", "three_public",
                 "“Three public” expenses and office running costs", _THREE_PUBLIC),
}

#: Labels of the balance tables' fixed lines → (side, kind).
BALANCE_TOTALS = {
    "收入总计": ("income", "total"),
    "支出总计": ("expenditure", "total"),
    "本年收入合计": ("income", "subtotal"),
    "本年支出合计": ("expenditure", "subtotal"),
    "上年结转": ("income", "carry"),
    "上年结转结余": ("income", "carry"),
    "结转下年": ("expenditure", "carry"),
}

#: Narrative sections: heading suffix → section kind.
SECTION_KINDS = (
    ("主要职能", "functions"),
    ("机构设置", "organisation"),
    ("名词解释", "glossary"),
    ("预算编制说明", "explanation"),
    ("其他相关情况说明", "other_information"),
    ("经费情况说明", "project"),
    ("项目情况说明", "project"),
)


def table_label(number: int) -> str:
    """``"表3 支出预算总表"`` — how errors and notes name a table."""
    spec = TABLES.get(number)
    return f"表{number} {spec.title}" if spec else f"表{number}"


def _norm(text: str) -> str:
    return re.sub(r"[\s\"'“”‘’()（）]", "", text)


#: title (normalised) → table number
_TITLES = {_norm(spec.title): n for n, spec in TABLES.items()}
_TITLE_RE = re.compile(
    r"^(?:\d{4}年)?(?:(?:部门|单位)(?:\d{4}年)?)?(?P<title>.+?)(?P<cont>续(?:表)?)?$"
)


def match_title(text: str) -> tuple[int, bool] | None:
    """``(table number, is_continuation)`` when ``text`` is a table title of this template."""
    norm = _norm(text)
    if not norm or len(norm) > 40:
        return None
    m = _TITLE_RE.match(norm)
    if not m:
        return None
    n = _TITLES.get(m.group("title"))
    if n is None:
        return None
    return n, bool(m.group("cont"))

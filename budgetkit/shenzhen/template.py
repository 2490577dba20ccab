"""The Shenzhen 12-table department budget template, as data.

Everything a parser needs to know about the template that is not code: the
twelve tables' numbers and titles, which layout each uses, and the columns of
each layout with their Chinese labels. A new template is a new module like
this one plus the few layout parsers it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

TEMPLATE_ID = "shenzhen-12"


@dataclass(frozen=True)
class Column:
    """A column of a parsed table: English identifier, Chinese label, kind."""

    name: str
    label: str
    kind: str = "amount"  # amount | text | code


@dataclass(frozen=True)
class TableSpec:
    number: int
    title: str
    layout: str  # balance | expenditure | three_public | performance
    english: str
    amount_columns: tuple[Column, ...] = ()
    code_system: str | None = None


_EXP_BASE = (
    Column("total", "支出总计"),
    Column("basic", "基本支出"),
    Column("project", "项目支出"),
)
_PROCUREMENT = (
    Column("procurement", "政府采购项目小计"),
    Column("procurement_sme", "其中：面向中小企业政府采购项目"),
    Column("procurement_small_micro", "其中：面向小型、微型企业政府采购项目"),
)
_THREE_PUBLIC = (
    Column("total", "总计"),
    Column("outbound", "因公出国(境)费"),
    Column("reception", "公务接待费"),
    Column("vehicle", "公务用车购置及运行维护费小计"),
    Column("vehicle_purchase", "公务用车购置费"),
    Column("vehicle_operation", "公务用车运行维护费"),
)

TABLES: dict[int, TableSpec] = {
    1: TableSpec(1, "收支总表", "balance", "Revenue and expenditure summary", (Column("amount", "2023 年预算数"),), "function"),
    2: TableSpec(2, "收入总表", "revenue", "Revenue summary"),
    3: TableSpec(3, "支出总表", "expenditure", "Expenditure summary", _EXP_BASE + _PROCUREMENT, "function"),
    4: TableSpec(4, "基本支出总表", "expenditure", "Basic expenditure summary"),
    5: TableSpec(5, "项目支出总表", "expenditure", "Project expenditure summary"),
    6: TableSpec(6, "政府预算拨款收支总表", "balance", "Government appropriations: revenue and expenditure", (Column("amount", "2023 年预算数"),), "function"),
    7: TableSpec(7, "一般公共预算支出表（按功能分类）", "expenditure", "General public budget expenditure by function", _EXP_BASE, "function"),
    8: TableSpec(8, "一般公共预算支出表（按经济分类）", "expenditure", "General public budget expenditure by economic classification", _EXP_BASE, "economic"),
    9: TableSpec(9, "一般公共预算“三公”经费支出表", "three_public", "“Three public” expenses", _THREE_PUBLIC),
    10: TableSpec(10, "政府性基金预算支出表", "expenditure", "Government fund budget expenditure", _EXP_BASE, "function"),
    11: TableSpec(11, "国有资本经营预算支出表", "expenditure", "State capital operation budget expenditure", _EXP_BASE, "function"),
    12: TableSpec(12, "整体支出绩效目标表", "performance", "Department-wide performance targets"),
}

#: Chinese numerals used in the contents list, "(十二)" → 12.
CN_NUMERALS = {
    "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12,
}

#: Labels of the balance tables' fixed lines (not classification lines).
BALANCE_TOTALS = {
    "本年收入合计": ("income", "subtotal"),
    "本年支出合计": ("expenditure", "subtotal"),
    "上年结余、结转": ("income", "carry"),
    "上年结转": ("income", "carry"),
    "结转下年": ("expenditure", "carry"),
    "收入总计": ("income", "total"),
    "支出总计": ("expenditure", "total"),
}

#: Revenue lines of the balance tables, and their level (1 = group, 2 = item).
REVENUE_LINES = {
    "政府预算拨款": 1,
    "一般公共预算拨款": 2,
    "政府性基金预算拨款": 2,
    "国有资本经营预算拨款": 2,
    "财政专户管理资金": 1,
    "单位资金": 1,
    "事业收入": 2,
    "事业单位经营收入": 2,
    "上级补助收入": 2,
    "附属单位上缴收入": 2,
    "其他收入": 2,
}


def table_label(number: int) -> str:
    """``"表3 支出总表"`` — how errors and notes name a table."""
    spec = TABLES.get(number)
    return f"表{number} {spec.title}" if spec else f"表{number}"

"""budgetkit — explore Chinese government department budget disclosures (部门预算公开).

>>> import budgetkit as bk
>>> b = bk.load()                 # the bundled 2023 Longhua Industry & IT Bureau budget
>>> b.table(3)                    # 表3 支出总表 as a tidy DataFrame (amounts: exact integer 元)
>>> b.projects                    # the 19 projects of 第三部分
>>> bk.codes.parse("2011301").parent.name   # '商贸事务'
"""

from __future__ import annotations

from . import codes, money
from .budget import Budget, Component
from .errors import (
    AmountError,
    BudgetkitError,
    CodeError,
    DataError,
    MissingTableError,
    ParseError,
    TemplateError,
    UnplacedNumberError,
)
from .io import datasets, load, parse_text, read_datapackage, write_datapackage

__version__ = "0.1.0"

__all__ = [
    "AmountError",
    "Budget",
    "BudgetkitError",
    "CodeError",
    "Component",
    "DataError",
    "MissingTableError",
    "ParseError",
    "TemplateError",
    "UnplacedNumberError",
    "codes",
    "datasets",
    "load",
    "money",
    "parse_text",
    "read_datapackage",
    "write_datapackage",
]

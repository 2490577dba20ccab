"""budgetkit — explore Chinese government department budget disclosures (部门预算公开).

>>> import budgetkit as bk
>>> b = bk.load()                 # the bundled 2023 Longhua Industry & IT Bureau budget
>>> b.table(3)                    # 表3 支出总表 as a tidy DataFrame (amounts: exact integer 元)
>>> b.projects                    # the 19 projects of 第三部分
>>> bk.codes.parse("2011301").parent.name   # '商贸事务'
>>> bk.read("other-budget.pdf")  # any disclosure, .txt or .pdf, Shenzhen 12-table or national 9-table template
>>> bk.read_many("corpus/")       # a folder of them → one long table per kind, failures listed
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

# Submodules that pull in heavy libraries (matplotlib, ipywidgets) load on first use:
# ``bk.plotting``, ``bk.widgets`` … work without slowing ``import budgetkit``.
_LAZY_SUBMODULES = {"analysis", "checks", "compare", "derive", "performance", "plotting", "projects", "reader", "widgets"}
# Functions of those submodules offered at the top level, loaded the same way.
_LAZY_FUNCTIONS = {"read": "reader", "read_many": "reader", "read_text": "reader"}


def __getattr__(name: str):
    if name in _LAZY_FUNCTIONS:
        value = getattr(__getattr__(_LAZY_FUNCTIONS[name]), name)
        globals()[name] = value
        return value
    if name in _LAZY_SUBMODULES:
        import importlib

        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'budgetkit' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | _LAZY_SUBMODULES | set(_LAZY_FUNCTIONS))

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
    "read",
    "read_datapackage",
    "read_many",
    "read_text",
    "write_datapackage",
]

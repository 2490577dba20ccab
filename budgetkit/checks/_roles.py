"""Which published table plays which part (role) in a disclosure.

Templates number their tables differently: the Shenzhen 12-table template's
表6 is 政府预算拨款收支总表, the national 9-table template's 表6 is
政府性基金预算支出功能分类预算表. Rules therefore ask for a *role*
(``"expenditure"`` = 部门支出总表) and :func:`resolve` finds its number from the
titles of the disclosure's contents list (``meta["contents"]``), falling back to
the template's own titles and, last, to the Shenzhen numbering.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Iterable

#: role → (standard Chinese name, English name, title pattern on a normalised title)
ROLES: dict[str, tuple[str, str, str]] = {
    "summary": ("部门收支总表", "revenue and expenditure summary", r"^(财务)?收支(预算)?总表$"),
    "income": ("部门收入总表", "revenue summary", r"^收入(预算)?总表$"),
    "expenditure": ("部门支出总表", "expenditure summary", r"^支出(预算)?总表$"),
    "basic_summary": ("基本支出总表", "basic expenditure summary", r"^基本支出(预算)?总表$"),
    "project_summary": ("项目支出总表", "project expenditure summary", r"^项目支出(预算)?总表$"),
    "appropriation": ("财政拨款收支总表", "fiscal appropriations summary",
                      r"^(政府预算拨款|财政拨款)收支(预算)?总表$"),
    "general_function": ("一般公共预算支出表", "general public budget expenditure (by function)",
                         r"^一般公共预算(财政拨款)?支出(功能分类)?(预算)?表(按功能分类)?$"),
    "general_economic": ("一般公共预算支出表（按经济分类）", "general public budget expenditure (by economic class)",
                         r"^一般公共预算(财政拨款)?支出(预算)?表按经济分类$"),
    "general_basic": ("一般公共预算基本支出表", "general public budget basic expenditure",
                      r"^一般公共预算(财政拨款)?基本支出(部门预算经济分类)?(预算)?表$"),
    "three_public_table": ("一般公共预算“三公”经费支出表", "“three public” expenses", r"三公"),
    "fund": ("政府性基金预算支出表", "government fund budget expenditure",
             r"^政府性基金预算(财政拨款)?支出(功能分类)?(预算)?表$"),
    "state_capital": ("国有资本经营预算支出表", "state capital operation budget expenditure",
                      r"^国有资本经营预算(财政拨款)?支出(功能分类)?(预算)?表$"),
    "performance": ("整体支出绩效目标表", "overall performance targets", r"绩效目标表$"),
}

#: The Shenzhen 12-table template's titles (used when a Budget carries no contents list).
SHENZHEN_TITLES: dict[int, str] = {
    1: "收支总表", 2: "收入总表", 3: "支出总表", 4: "基本支出总表", 5: "项目支出总表",
    6: "政府预算拨款收支总表", 7: "一般公共预算支出表（按功能分类）", 8: "一般公共预算支出表（按经济分类）",
    9: "一般公共预算“三公”经费支出表", 10: "政府性基金预算支出表", 11: "国有资本经营预算支出表",
    12: "整体支出绩效目标表",
}

_STRIP_RE = re.compile(r"[\s\"'“”‘’()（）]")
_YEAR_RE = re.compile(r"^\d{4}年(度)?")


def normalise_title(title: str) -> str:
    """A table title without white space, quotes, brackets, a leading year or a leading 部门/单位."""
    text = _STRIP_RE.sub("", unicodedata.normalize("NFKC", str(title)))
    text = _YEAR_RE.sub("", text)
    text = re.sub(r"^(部门|单位)", "", text)   # 部门收支总表 = 收支总表
    return _YEAR_RE.sub("", text)


def role_of(title: str) -> str | None:
    """The role of a table from its title (``"收支总表"`` → ``"summary"``), or None."""
    norm = normalise_title(title)
    for role, (_, _, pattern) in ROLES.items():
        if re.search(pattern, norm):
            return role
    return None


@dataclass(frozen=True)
class TableRef:
    """A table of the disclosure that plays a role."""

    role: str
    number: int
    title: str
    frame: str
    published: bool

    @property
    def label(self) -> str:
        """``"表3"``."""
        return f"表{self.number}"

    @property
    def full_label(self) -> str:
        """``"表3 支出总表"``."""
        return f"表{self.number} {self.title}"


def _titles(meta: dict[str, Any]) -> dict[int, str]:
    contents = meta.get("contents") or {}
    if contents:
        return {int(k): str(v) for k, v in contents.items()}
    template = str(meta.get("template") or "")
    if template.startswith("national"):
        try:
            from ..national.template import TABLES  # type: ignore[import-not-found]

            return {n: spec.title for n, spec in TABLES.items()}
        except Exception:  # pragma: no cover - the national reader is optional
            pass
    return dict(SHENZHEN_TITLES)


def resolve(meta: dict[str, Any], frame_names: Iterable[str]) -> dict[str, TableRef]:
    """``{role: TableRef}`` for every role the disclosure lists or publishes.

    A role is listed when a contents title matches it; it is *published* when
    the Budget holds the frame ``table<n>``. A frame that no title explains
    gets no role.
    """
    frames = set(frame_names)
    out: dict[str, TableRef] = {}
    for number, title in sorted(_titles(meta).items()):
        role = role_of(title)
        if role is None or role in out:
            continue
        frame = f"table{number}"
        out[role] = TableRef(role, number, title, frame, frame in frames)
    return out

"""The :class:`Budget`: one department's budget disclosure as tidy tables."""

from __future__ import annotations

from collections import namedtuple
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import BudgetkitError, DataError, MissingTableError
from .frames import normalise

#: One itemised sub-amount of a project (``amount`` in 元).
Component = namedtuple("Component", ["name", "amount"])

# frame name → short description (English / 中文); also the Data Package resource titles
FRAME_TITLES: dict[str, str] = {
    "contents": "Contents list of the disclosure / 目录",
    "notes": "Notes printed under tables / 表注",
    "table1": "表1 收支总表 (revenue and expenditure summary)",
    "table3": "表3 支出总表 (expenditure summary)",
    "table6": "表6 政府预算拨款收支总表 (government appropriations)",
    "table7": "表7 一般公共预算支出表（按功能分类）",
    "table8": "表8 一般公共预算支出表（按经济分类）",
    "table9": "表9 一般公共预算“三公”经费支出表",
    "table10": "表10 政府性基金预算支出表",
    "table11": "表11 国有资本经营预算支出表",
    "table12": "表12 整体支出绩效目标表 — 年度主要任务 (tasks and their total)",
    "tasks": "表12 年度主要任务 (annual main tasks)",
    "goals": "表12 年度总体目标 (overall goals)",
    "indicators": "表12 年度绩效指标 (performance indicators)",
    "projects": "第三部分 项目支出 (the projects)",
    "project_components": "第三部分 项目的主要构成 (itemised project sub-amounts)",
    "project_goals": "第七部分 重点项目绩效目标 (project performance goals)",
    "special_funds": "产业发展专项资金 sub-funds",
    "expenditure_summary": "第三部分 支出构成 (personnel / public / project)",
    "basic_items": "第三部分 人员支出与公用支出明细 (basic expenditure items)",
    "statements": "Stated year-on-year changes in the prose / 文字部分的增减说明",
    "staffing": "第一部分 编制与实有人数 (staffing)",
    "three_public": "第五部分 “三公”经费说明 (three public expenses, narrative)",
    "procurement": "第四部分 政府采购预算 (government procurement)",
    "facts": "Single facts stated in the prose / 文字部分的单项数据",
    "duties": "第一部分 部门职责 (duties)",
    "work_goals": "第一部分 主要工作目标 (main work goals)",
    "glossary": "第九部分 名词解释 (glossary)",
}

TABLE_NUMBERS = (1, 3, 6, 7, 8, 9, 10, 11, 12)


class Budget:
    """A department budget disclosure.

    Build one with :func:`budgetkit.load` (bundled, processed data) or
    :func:`budgetkit.parse_text` (a disclosure's source text). All amounts are
    exact integers of 元 (``Int64``); every row carries ``line``/``line_end``,
    the 1-based source lines it came from. Accessors return copies: nothing you
    do to a returned DataFrame changes the Budget.
    """

    def __init__(self, frames: dict[str, pd.DataFrame], meta: dict[str, Any], source_text: str | None = None,
                 source_path: str | Path | None = None, *, _canonical: bool = False) -> None:
        # frames read back from a data package already have the canonical dtypes
        self._frames = dict(frames) if _canonical else {name: normalise(df) for name, df in frames.items()}
        self._meta = dict(meta)
        self._source_text = source_text
        self._source_path = Path(source_path) if source_path is not None else None

    # ------------------------------------------------------------ metadata
    @property
    def meta(self) -> dict[str, Any]:
        """Department, year, currency unit, source, template and the contents list's promises."""
        return dict(self._meta)

    def __repr__(self) -> str:
        m = self._meta
        return (
            f"<Budget {m.get('year')} {m.get('department')} — tables {m.get('published')}, "
            f"published in {m.get('currency_unit')}, stored as integer 元>"
        )

    @property
    def frame_names(self) -> list[str]:
        return list(self._frames)

    def frame(self, name: str) -> pd.DataFrame:
        """Any of the Budget's tables by name (see :data:`FRAME_TITLES`)."""
        try:
            return self._frames[name].copy()
        except KeyError:
            raise DataError(
                f"no table {name!r}; available: {', '.join(self._frames)}", file=self._meta.get("source")
            ) from None

    # ------------------------------------------------------------ tables
    def table(self, n: int) -> pd.DataFrame:
        """Published table ``n`` (表n) as a tidy DataFrame.

        Raises :class:`MissingTableError` for a table the contents list
        promises but the document does not contain (表2, 4, 5 in the seed).
        """
        contents = self._meta.get("contents", {})
        key = f"table{n}"
        if key in self._frames:
            df = self._frames[key].copy()
            df.attrs["title"] = contents.get(str(n)) or contents.get(n) or FRAME_TITLES.get(key, key)
            df.attrs["table"] = n
            df.attrs["notes"] = self.notes_for(n)
            return df
        title = contents.get(str(n)) or contents.get(n)
        if title:
            raise MissingTableError(
                f"表{n} {title} is listed in the contents but absent from the document "
                f"(published tables: {', '.join(map(str, self._meta.get('published', [])))}); "
                f"Budget.derived_table({n}) rebuilds it from the published tables where it can, labelled as derived",
                file=self._meta.get("source"),
                table=f"表{n} {title}",
            )
        raise MissingTableError(
            f"表{n} is neither listed in the contents nor published", file=self._meta.get("source")
        )

    def derived_table(self, n: int | str) -> pd.DataFrame:
        """Table ``n`` derived from the published tables — for one the document left out.

        ``n`` is a contents number (2 收入总表, 4 基本支出总表, 5 项目支出总表 in
        the seed), or ``"general_basic"`` (一般公共预算基本支出表). The result is
        labelled as derived, never as published: ``attrs["derived"] is True``,
        ``attrs["derived_from"]`` names the source table and column, and each
        row's ``derived_from`` its source line. See :mod:`budgetkit.derive`.
        """
        from .derive import derive_table

        return derive_table(self, n)

    def tables(self) -> dict[int, pd.DataFrame]:
        """All published tables, ``{number: DataFrame}``."""
        return {n: self.table(n) for n in self._meta.get("published", [])}

    def notes_for(self, n: int) -> list[str]:
        notes = self._frames.get("notes")
        if notes is None:
            return []
        return list(notes.loc[notes["table"] == n, "text"])

    @property
    def notes(self) -> pd.DataFrame:
        """Notes printed under the tables (``table``, ``text``, ``line``)."""
        return self.frame("notes")

    @property
    def contents(self) -> pd.DataFrame:
        """The contents list: ``number``, ``title``, ``published``, ``line``."""
        return self.frame("contents")

    @property
    def expenditure(self) -> pd.DataFrame:
        """支出总表 lines in a template-independent form.

        ``code`` (normalised functional code), ``name``, ``level`` (1/2/3),
        ``total``, ``basic``, ``project`` (integer 元), ``line``. The unit's
        total row is left out; in this template it equals ``table(3)``'s coded lines.
        """
        df = self.table(3)
        df = df[df["kind"] == "item"]
        return df[["code", "name", "level", "total", "basic", "project", "line"]].reset_index(drop=True)

    # ------------------------------------------------------------ prose facts
    def _prose(self, name: str) -> pd.DataFrame:
        return self.frame(name)

    @property
    def projects(self) -> pd.DataFrame:
        """The projects of 第三部分（四）, with a ``components`` column of :class:`Component` tuples."""
        df = self.frame("projects")
        comps = self._frames.get("project_components")
        if comps is not None:
            grouped = {
                no: tuple(Component(r.component, int(r.amount)) for r in g.itertuples())
                for no, g in comps.groupby("project_no", sort=False)
            }
            pos = list(df.columns).index("amount") + 1
            df.insert(pos, "components", [grouped.get(no, ()) for no in df["project_no"]])
        return df

    project_components = property(lambda self: self._prose("project_components"),
                                  doc="Itemised sub-amounts of the projects (one row per component).")
    project_goals = property(lambda self: self._prose("project_goals"), doc="第七部分's project performance goals.")
    special_funds = property(lambda self: self._prose("special_funds"), doc="The 产业发展专项资金 sub-funds.")
    indicators = property(lambda self: self._prose("indicators"), doc="表12 performance indicators.")
    tasks = property(lambda self: self._prose("tasks"), doc="表12 年度主要任务 (without the 金额合计 row).")
    goals = property(lambda self: self._prose("goals"), doc="表12 年度总体目标.")
    statements = property(lambda self: self._prose("statements"), doc="Every stated change in the prose.")
    staffing = property(lambda self: self._prose("staffing"), doc="编制 and 实有 staff.")
    three_public = property(lambda self: self._prose("three_public"), doc="第五部分 “三公” narrative figures.")
    procurement = property(lambda self: self._prose("procurement"), doc="第四部分 government procurement.")
    expenditure_summary = property(lambda self: self._prose("expenditure_summary"),
                                   doc="人员/公用/对个人和家庭/项目 split stated in 第三部分.")
    basic_items = property(lambda self: self._prose("basic_items"), doc="人员支出 and 公用支出 items of 第三部分.")
    facts = property(lambda self: self._prose("facts"), doc="Single facts (机关运行经费, assets, vehicles …).")
    duties = property(lambda self: self._prose("duties"), doc="部门职责.")
    work_goals = property(lambda self: self._prose("work_goals"), doc="主要工作目标.")
    glossary = property(lambda self: self._prose("glossary"), doc="名词解释.")

    def fact(self, key: str):
        """One row of :attr:`facts` as a Series (``value``, ``amount``, ``unit``, ``line`` …)."""
        facts = self._frames["facts"]
        hit = facts[facts["key"] == key]
        if hit.empty:
            raise DataError(f"no fact {key!r}; known: {', '.join(facts['key'])}", file=self._meta.get("source"))
        return hit.iloc[0].copy()

    # ------------------------------------------------------------ source
    @property
    def source_text(self) -> str:
        """The full source text the Budget was parsed from."""
        if self._source_text is None:
            if self._source_path is None:
                raise DataError("this Budget has no source text attached")
            try:
                self._source_text = self._source_path.read_text(encoding="utf-8")
            except OSError as exc:
                raise DataError(f"cannot read the source text: {exc}", file=str(self._source_path)) from None
        return self._source_text

    def source_lines(self, start: int, end: int | None = None, *, numbered: bool = True) -> str:
        """Source lines ``start``..``end`` (1-based, inclusive), as printed in the document.

        ``b.source_lines(*b.table(3).loc[0, ["line", "line_end"]])``
        """
        lines = self.source_text.replace("\r\n", "\n").split("\n")
        end = start if end is None else end
        if not (1 <= start <= end <= len(lines)):
            raise BudgetkitError(f"lines {start}–{end} are outside the source (1–{len(lines)})",
                                 file=self._meta.get("source"))
        chunk = lines[start - 1 : end]
        if numbered:
            return "\n".join(f"{start + i:>4}  {text}" for i, text in enumerate(chunk))
        return "\n".join(chunk)

    # ------------------------------------------------------------ comparison
    def equals(self, other: "Budget") -> bool:
        """True when both Budgets hold equal tables and metadata (source location aside)."""
        if set(self._frames) != set(other._frames):
            return False
        strip = lambda m: {k: v for k, v in m.items() if k not in ("source", "source_path")}
        if strip(self._meta) != strip(other._meta):
            return False
        return all(self._frames[k].equals(other._frames[k]) for k in self._frames)

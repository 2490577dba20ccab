"""Errors raised by budgetkit.

Every error that concerns a place in a document carries the file, the table
(or part of the prose) and the 1-based source line, and says them in its
message, so that a user can open the source text at the right place.
"""

from __future__ import annotations


class BudgetkitError(ValueError):
    """Base class of all budgetkit errors.

    Parameters
    ----------
    message:
        What is wrong, in plain words.
    file:
        The source file (or ``"<string>"`` for text passed directly).
    table:
        The table or part of the document, e.g. ``"表3 支出总表"`` or ``"第三部分"``.
    line:
        The 1-based line number in the source text.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        table: str | None = None,
        line: int | None = None,
    ) -> None:
        self.reason = message
        self.file = file
        self.table = table
        self.line = line
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.table is not None:
            where.append(str(self.table))
        if self.line is not None:
            where.append(f"line {self.line}")
        if where:
            return f"{', '.join(where)}: {self.reason}"
        return self.reason

    def located(self, *, file: str | None = None, table: str | None = None) -> "BudgetkitError":
        """Return the same error with missing location parts filled in."""
        if self.file is None and file is not None:
            self.file = file
        if self.table is None and table is not None:
            self.table = table
        self.args = (self._format(),)
        return self


class ParseError(BudgetkitError):
    """The source text does not have the structure the template expects."""


class AmountError(ParseError):
    """A cell that should hold an amount does not hold a valid one."""


class UnplacedNumberError(ParseError):
    """A number in a table region could not be assigned to any row/column."""


class TemplateError(ParseError):
    """The document is not in a template budgetkit knows (or is empty/truncated)."""


class CodeError(BudgetkitError):
    """A classification code is malformed or unknown."""


class MissingTableError(BudgetkitError, LookupError):
    """A table that the document's contents list promises was not published."""


class DataError(BudgetkitError):
    """Processed data files are missing, inconsistent or invalid."""

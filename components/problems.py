"""Problems found in data files, worded for the analyst who has to fix them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum

import pandas as pd


class Severity(StrEnum):
    # The file cannot be read at all (missing, not UTF-8, broken quotes): nothing was checked.
    FATAL = "fatal"
    # The data breaks the contract and is not used until it is fixed.
    ERROR = "error"
    # Read and used, but something was normalised or looks odd.
    WARNING = "warning"


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One thing wrong or normalised in a file, where it is, and how to fix it.

    Built by keyword only (`Problem(severity=..., file=..., line=..., problem=..., fix=...)`):
    with two texts and three optional places side by side, a position is easy to get wrong.
    """

    severity: Severity
    file: str
    # The row number as a spreadsheet shows it: the header is line 1, the first data row line 2.
    line: int | None = None
    column: str | None = None
    # The offending value as the report shows it (see `shorten_value`).
    value: str | None = None
    problem: str
    fix: str

    def as_row(self) -> dict:
        row = asdict(self)
        row["severity"] = str(self.severity)
        return row

    def location(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


REPORT_COLUMNS = ["severity", "file", "line", "column", "value", "problem", "fix"]

# A whole column of the same mistake should not bury the report: past this many lines per
# file, column and kind of problem, the rest are counted in one summary line.
MAX_PER_KIND = 50


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """A count in the analysts' English reports: "1 error", "2 errors"."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity in (Severity.ERROR, Severity.FATAL) for p in problems)


def has_fatal(problems: Iterable[Problem]) -> bool:
    return any(p.severity is Severity.FATAL for p in problems)


def sort_key(problem: Problem) -> tuple:
    order = {Severity.FATAL: 0, Severity.ERROR: 1, Severity.WARNING: 2}
    return (order[problem.severity], problem.file, problem.line or 0, problem.column or "")


def shorten_value(value: object, limit: int = 80) -> str:
    """The offending value as it can be shown in one line of a report."""
    text = "" if value is None else str(value)
    text = text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text
    return text if len(text) <= limit else text[: limit - 1] + "…"


def format_report(problems: list[Problem]) -> str:
    """A plain-text report, one problem per paragraph, errors before warnings."""
    lines = []
    for problem in sorted(problems, key=sort_key):
        lines.append(f"{problem.severity.upper()}: {problem.location()}")
        if problem.value is not None:
            lines.append(f"  value:   {problem.value!r}")
        lines.append(f"  problem: {problem.problem}")
        if problem.fix:
            lines.append(f"  fix:     {problem.fix}")
    return "\n".join(lines)


def report_frame(problems: list[Problem]) -> pd.DataFrame:
    """The validation report as a table (the Data page shows it; the analyst downloads it)."""
    rows = [p.as_row() for p in sorted(problems, key=sort_key)]
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    frame["line"] = frame["line"].astype("Int64")
    return frame

"""Problems found in data files, worded for the analyst who has to fix them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum

import pandas as pd

from components.limits import MAX_PROBLEMS


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


class ProblemLog:
    """Collects problems, folding long runs of the same mistake into one summary line.

    A kind of problem is counted per file and column; `unit="column"` counts it per file only,
    for a problem of the header that each of thousands of columns may have.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._counts: dict[tuple, int] = defaultdict(int)
        self._units: dict[tuple, str] = {}

    def _key(self, file: str, column: str | None, kind: str, severity: Severity, unit: str):
        key = (file, None if unit == "column" else column, kind, severity)
        self._units.setdefault(key, unit)
        return key

    def add(self, problem: Problem, kind: str, *, unit: str = "line") -> None:
        key = self._key(problem.file, problem.column, kind, problem.severity, unit)
        self._counts[key] += 1
        if self._counts[key] <= MAX_PER_KIND:
            self.problems.append(problem)

    def add_rows(
        self,
        severity: Severity,
        file: str,
        column: str | None,
        values: pd.Series,
        kind: str,
        problem: str,
        fix: str,
    ) -> None:
        """One problem for each row of `values` (a Series indexed by line)."""
        for line, value in values.head(MAX_PER_KIND + 1).items():
            self.add(
                Problem(
                    severity=severity,
                    file=file,
                    line=int(line),
                    column=column,
                    value=shorten_value(value),
                    problem=problem,
                    fix=fix,
                ),
                kind,
            )
        self.count_more(severity, file, column, kind, len(values) - (MAX_PER_KIND + 1))

    def count_more(
        self, severity: Severity, file: str, column: str | None, kind: str, extra: int
    ) -> None:
        """Count `extra` more lines with a problem already listed, without listing them (a
        check that stops listing after the first few still says how many there are)."""
        if extra > 0:
            self._counts[self._key(file, column, kind, severity, "line")] += extra

    def merge(self, other: ProblemLog) -> None:
        """Take over `other`'s problems after this log's own (logs of different files)."""
        self.problems.extend(other.problems)
        for key, count in other._counts.items():
            self._counts[key] += count
            self._units.setdefault(key, other._units[key])

    def finish(self) -> list[Problem]:
        for key, count in self._counts.items():
            if count <= MAX_PER_KIND:
                continue
            file, column, kind, severity = key
            more = count - MAX_PER_KIND
            unit = self._units[key]
            self.problems.append(
                Problem(
                    severity=severity,
                    file=file,
                    column=column,
                    problem=f"{counted(more, 'more ' + unit)} {'has' if more == 1 else 'have'} "
                    f"the same problem ({kind}); only the first {MAX_PER_KIND} are listed.",
                    fix=f"Fix the {unit}s above the same way, then validate again.",
                )
            )
        self._counts.clear()
        return self.problems


def bounded(problems: list[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """At most `limit` problems, the most severe first, then one line counting the rest.

    Each kind is already capped (`ProblemLog`); this bounds what many kinds, columns and files
    add up to, so a report is always small enough to read and to draw. The line counting the
    rest is as severe as the worst of them, so a report never looks better than it is.
    """
    if len(problems) <= limit:
        return problems
    ordered = sorted(problems, key=sort_key)
    kept, rest = ordered[: limit - 1], ordered[limit - 1 :]
    worst = rest[0].severity
    files = sorted({problem.file for problem in rest})
    counts = {severity: sum(p.severity is severity for p in rest) for severity in Severity}
    by_severity = [
        f"{count:,} {severity}{'' if count == 1 else 's'}"
        for severity, count in counts.items()
        if count
    ]
    kept.append(
        Problem(
            severity=worst,
            file=", ".join(files[:3]) + (", …" if len(files) > 3 else ""),
            problem=f"{len(rest):,} more problem{'' if len(rest) == 1 else 's'} "
            f"({', '.join(by_severity)}) "
            f"{'is' if len(rest) == 1 else 'are'} not listed: a report lists at most {limit:,}.",
            fix="Fix the problems listed, then validate again to see the rest.",
        )
    )
    return kept


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

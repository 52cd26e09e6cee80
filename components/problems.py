"""Problems found in data files, worded for the analyst who has to fix them.

Every text of a problem is a `Message`: a catalogue key (under `problem.`) with its values. As a
string it is the English text, which the command line prints; the Data page asks each message
for the page's language (`Message.text`), so the report reads wholly in English or in Chinese.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from enum import StrEnum

import pandas as pd

from components.i18n import BILINGUAL, CATALOGUE_LANGUAGES, Bilingual, half, join, translate
from components.limits import MAX_PROBLEMS


class Quoted(str):
    """A value quoted inside a message as the file has it: 'x' in English, “x” in Chinese."""

    def text(self, language: str) -> str:
        return repr(str(self)) if language == "en" else f"“{self}”"


@dataclass(frozen=True)
class Listed:
    """Items listed inside a message with the language's own separator ("a, b" and "a、b"), or
    as alternatives ("a or b", "a或b") when `alternatives`."""

    items: tuple
    alternatives: bool = False

    def text(self, language: str) -> str:
        items = [_in_language(item, language) for item in self.items]
        if self.alternatives:
            return translate("problem.or_separator", language).join(items)
        return join(items, language)


def _in_language(value: object, language: str) -> object:
    """A message's value as a text in `language` writes it (other values as they are)."""
    if isinstance(value, Message | Quoted | Listed):
        return value.text(language)
    # A text given in both languages (a column's description): the half for `language`.
    return half(value, language)


def _rebuild(key: str, values: dict) -> Message:
    return Message(key, **values)


class Message(str):
    """A text of the report: a catalogue key and its values, read as its English text.

    Values may be `Quoted` names and values, `Listed` items or other messages, each written in
    the language the message is read in. An unknown key fails when the message is made, and
    the catalogues have the same keys, so a message always has its Chinese text.
    """

    key: str
    values: dict

    def __new__(cls, key: str, /, **values: object) -> Message:
        made = super().__new__(cls, _render(key, values, "en"))
        made.key, made.values = key, values
        return made

    def __reduce__(self):  # copies and pickles keep the key and values, not only the English
        return (_rebuild, (self.key, self.values))

    def text(self, language: str) -> str:
        """The message in `language` ("en", "zh", or both as a `Bilingual`)."""
        if language == BILINGUAL:
            return Bilingual(*(self.text(side) for side in CATALOGUE_LANGUAGES))
        return _render(self.key, self.values, language)


def _render(key: str, values: dict, language: str) -> str:
    return translate(key, language, **{n: _in_language(v, language) for n, v in values.items()})


def in_language(text: str, language: str) -> str:
    """A problem's text (a `Message`, or an empty fix) in `language`."""
    return text.text(language) if isinstance(text, Message) else text


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
    `problem` and `fix` are `Message`s (a fix may be empty when there is nothing to do).
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

    def as_row(self, language: str = "en") -> dict:
        """The problem as a row of the report, its texts in `language` ("en" or "zh")."""
        row = {field.name: getattr(self, field.name) for field in fields(self)}
        row["severity"] = str(self.severity)
        row["problem"] = in_language(self.problem, language)
        row["fix"] = in_language(self.fix, language)
        if language != "en":
            row["severity"] = translate(f"report.severity.{self.severity}", language)
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
                    problem=Message(
                        f"problem.more_{unit}s",
                        count=more,
                        kind=Message(f"problem.kind.{kind.replace(' ', '_')}"),
                        limit=MAX_PER_KIND,
                    ),
                    fix=Message(f"problem.fix_more_{unit}s"),
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
    by_severity = Listed(
        tuple(
            Message(f"problem.count_{severity}", count=count)
            for severity, count in counts.items()
            if count
        )
    )
    kept.append(
        Problem(
            severity=worst,
            file=", ".join(files[:3]) + (", …" if len(files) > 3 else ""),
            problem=Message(
                "problem.more_problems", count=len(rest), by_severity=by_severity, limit=limit
            ),
            fix=Message("problem.fix_more_problems"),
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


# The columns of the report whose text is in the report's language (one column per language in
# the bilingual layout, so that no cell holds both).
TEXT_COLUMNS = ("severity", "problem", "fix")


def report_columns(language: str = "en") -> list[str]:
    """The report's columns: in the bilingual layout each text twice, English then Chinese
    (`problem_en`, `problem_zh`), so neither language runs into the other."""
    if language != BILINGUAL:
        return REPORT_COLUMNS
    return [
        f"{name}_{side}" if name in TEXT_COLUMNS else name
        for name in REPORT_COLUMNS
        for side in (CATALOGUE_LANGUAGES if name in TEXT_COLUMNS else ("",))
    ]


def report_frame(problems: list[Problem], language: str = "en") -> pd.DataFrame:
    """The validation report as a table (the Data page shows it; the analyst downloads it),
    its problems and fixes in `language` ("en", "zh" or both, see `report_columns`).

    The columns keep their names; `report_headings` gives their headings in the language."""
    ordered = sorted(problems, key=sort_key)
    if language == BILINGUAL:
        rows = []
        for problem in ordered:
            english, chinese = problem.as_row("en"), problem.as_row("zh")
            row = dict(english)
            for name in TEXT_COLUMNS:
                row[f"{name}_en"], row[f"{name}_zh"] = english[name], chinese[name]
            rows.append(row)
    else:
        rows = [p.as_row(language) for p in ordered]
    frame = pd.DataFrame(rows, columns=report_columns(language))
    frame["line"] = frame["line"].astype("Int64")
    return frame


def report_headings(language: str) -> dict[str, str]:
    """Each column of `report_frame(..., language)` -> its heading in the language."""
    headings = {}
    for name in report_columns(language):
        base, _, side = name.rpartition("_") if name.endswith(("_en", "_zh")) else (name, "", "")
        key = f"columns.report_{base}"
        headings[name] = translate(key, side) if side else translate(key, language)
    return headings

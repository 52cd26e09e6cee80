"""Checking tables of text cells against the contract and turning them into typed columns.

Checks run a whole column at a time (pandas), so a million rows take seconds, not minutes.
Every problem names the file, the spreadsheet line, the column, the value and a fix.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from components.contract import Column, Contract, Table
from components.problems import MAX_PER_KIND, Problem, Severity, shorten_value
from components.table_files import RawTable

LIST_SEPARATOR = ";"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CONTROL_CHARACTERS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
DAY_FIRST_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-](\d{2}|\d{4})$")
EXCEL_SERIAL = re.compile(r"^\d{4,6}(\.\d+)?$")


class ProblemLog:
    """Collects problems, folding long runs of the same mistake into one summary line."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._counts: dict[tuple, int] = defaultdict(int)
        self._first_line: dict[tuple, int | None] = {}

    def add(self, problem: Problem, kind: str) -> None:
        key = (problem.file, problem.column, kind, problem.severity)
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
                Problem(severity, file, int(line), column, shorten_value(value), problem, fix),
                kind,
            )
        extra = len(values) - (MAX_PER_KIND + 1)
        if extra > 0:
            self._counts[(file, column, kind, severity)] += extra

    def finish(self) -> list[Problem]:
        for (file, column, kind, severity), count in self._counts.items():
            if count > MAX_PER_KIND:
                self.problems.append(
                    Problem(
                        severity,
                        file,
                        None,
                        column,
                        None,
                        f"{count - MAX_PER_KIND} more line(s) have the same problem ({kind}); "
                        f"only the first {MAX_PER_KIND} are listed.",
                        "Fix the lines above the same way, then validate again.",
                    )
                )
        return self.problems


def closest_ids(value: str, candidates: list[str], how_many: int = 3) -> list[str]:
    return difflib.get_close_matches(value, candidates, n=how_many, cutoff=0.5)


def suggestion(value: str, candidates: list[str]) -> str:
    near = closest_ids(value, candidates)
    if near:
        return "Did you mean " + " or ".join(repr(n) for n in near) + "?"
    if not candidates:
        return "The table it refers to has no rows yet: add that row first."
    shown = ", ".join(repr(c) for c in candidates[:5])
    return f"Use one of the ids that exist, e.g. {shown}."


def _describe_type(column: Column) -> str:
    return {
        "number": "a number written with digits and a '.' for decimals, e.g. 51.75",
        "integer": "a whole number, e.g. 3",
        "date": "a date written YYYY-MM-DD, e.g. 2018-07-04",
    }.get(column.type, "text")


def _date_fix(value: str) -> str:
    if DAY_FIRST_DATE.match(value):
        parts = re.split(r"[/.-]", value)
        if len(parts[2]) == 2:
            return (
                "Two-digit years are ambiguous: write the full date as YYYY-MM-DD, e.g. 2018-07-04."
            )
        day, month, year = parts
        if int(month) <= 12 and int(day) <= 31:
            return (
                f"Write it as YYYY-MM-DD: if this is day {int(day)} of month {int(month)}, "
                f"write {year}-{int(month):02d}-{int(day):02d}."
            )
    if EXCEL_SERIAL.match(value):
        return (
            "This looks like a date stored as an Excel day number. Format the column as text "
            "in the form YYYY-MM-DD (e.g. 2018-07-04) before saving."
        )
    if ISO_DATE.match(value):
        return "This date does not exist in the calendar; check the month and the day."
    return "Write the date as YYYY-MM-DD, e.g. 2018-07-04, or leave the cell empty if unknown."


def _each_distinct(values: pd.Series, test: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`test(values)`, computed once per distinct value when values repeat a lot.

    A million indicator values name a few thousand indicators, dates and one source; a regular
    expression run once per distinct id instead of once per cell saves most of the time.
    """
    codes, distinct = pd.factorize(values)
    if len(distinct) * 2 > len(values):
        return test(values)
    result = test(pd.Series(distinct, dtype=values.dtype)).to_numpy()
    return pd.Series(result[codes], index=values.index, dtype=result.dtype)


def _check_text(cells: pd.Series, column: Column, file: str, log: ProblemLog) -> None:
    has_control = _each_distinct(
        cells, lambda values: values.str.contains(CONTROL_CHARACTERS, regex=True)
    )
    if has_control.any():
        log.add_rows(
            Severity.ERROR,
            file,
            column.name,
            cells[has_control],
            "control character",
            "The value contains an invisible control character (such as a NUL or a form feed).",
            "Retype the value; such characters usually come from copying out of other programs.",
        )
    if column.max_length is not None:
        too_long = cells.str.len() > column.max_length
        if too_long.any():
            log.add_rows(
                Severity.ERROR,
                file,
                column.name,
                cells[too_long],
                "too long",
                f"The value is longer than the {column.max_length} characters this column allows.",
                "Shorten it; put longer explanations in a source document and cite it.",
            )


def _check_column(
    cells: pd.Series, column: Column, table: Table, file: str, log: ProblemLog
) -> pd.Series:
    """Check one column's filled cells and return them converted to their type."""
    _check_text(cells, column, file, log)
    filled = cells[cells != ""]
    if column.required:
        empty = cells[cells == ""]
        if len(empty):
            log.add_rows(
                Severity.ERROR,
                file,
                column.name,
                empty,
                "required",
                f"{column.name} is required but the cell is empty.",
                f"Fill it in: {column.description}",
            )

    if column.enum:
        allowed = set(column.enum)
        outside = filled[~filled.isin(allowed)]
        if len(outside):
            by_lower = {value.lower(): value for value in column.enum}
            recased = outside.str.lower().map(by_lower)
            fixable = recased.notna()
            if fixable.any():
                log.add_rows(
                    Severity.WARNING,
                    file,
                    column.name,
                    outside[fixable],
                    "letter case",
                    "The value is written in different capitals from the allowed value; it was "
                    "read as the allowed value.",
                    f"Write it in lower case, as listed: {', '.join(column.enum)}.",
                )
                cells = cells.copy()
                cells.loc[recased[fixable].index] = recased[fixable]
            if (~fixable).any():
                log.add_rows(
                    Severity.ERROR,
                    file,
                    column.name,
                    outside[~fixable],
                    "not allowed",
                    f"The value is not one of those allowed for {column.name}.",
                    f"Use one of: {', '.join(column.enum)}.",
                )

    if column.pattern and column.type == "string":
        matches = _each_distinct(filled, lambda values: values.str.fullmatch(column.pattern))
        mismatched = filled[~matches]
        if len(mismatched):
            if column.name == "country":
                fix = "Write the two-letter ISO 3166-1 code in capitals, e.g. GB or CN."
            else:
                fix = (
                    "Ids use lower-case letters a-z, digits and single hyphens, "
                    "e.g. 'oxford-town-hall'."
                )
            log.add_rows(
                Severity.ERROR,
                file,
                column.name,
                mismatched,
                "pattern",
                f"The value is not in the form {column.name} takes.",
                fix,
            )

    if column.type in ("number", "integer"):
        return _convert_number(cells, column, table, file, log)
    if column.type == "date":
        return _convert_date(cells, column, file, log)
    if column.is_list:
        items = cells.str.split(LIST_SEPARATOR)
        return items.map(
            lambda parts: tuple(part.strip() for part in parts if part.strip()), na_action="ignore"
        )
    return cells


def _parse_numbers(filled: pd.Series) -> pd.Series:
    """Each cell as a number, NaN where it is not one.

    Arrow's parser reads a clean column of a million figures about eight times faster than
    pandas. It is stricter (it refuses a space around a figure, which pandas accepts), so a column
    it refuses goes through pandas whole, which decides cell by cell as before.
    """
    try:
        parsed = pc.cast(pa.array(filled.array), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError):
        return pd.to_numeric(filled, errors="coerce")
    return pd.Series(parsed.to_numpy(zero_copy_only=False), index=filled.index, dtype="float64")


def _convert_number(
    cells: pd.Series, column: Column, table: Table, file: str, log: ProblemLog
) -> pd.Series:
    filled = cells[cells != ""]
    numbers = _parse_numbers(filled)
    # pandas reads "NaN" and "inf" as numbers; a figure on a councillor's screen never is.
    textual_nan = filled.str.strip().str.lower().isin({"nan", "+nan", "-nan"})
    not_numbers = filled[numbers.isna() | textual_nan]
    if len(not_numbers):
        log.add_rows(
            Severity.ERROR,
            file,
            column.name,
            not_numbers,
            "not a number",
            f"The value is not {_describe_type(column)}.",
            "Write digits only, with '.' for decimals and no units, spaces or thousands "
            "separators; leave the cell empty if the figure is unknown.",
        )
    numbers = numbers.where(~textual_nan)
    infinite = numbers[np.isinf(numbers.to_numpy(dtype="float64", na_value=np.nan))]
    if len(infinite):
        log.add_rows(
            Severity.ERROR,
            file,
            column.name,
            filled[infinite.index],
            "not finite",
            "The value is infinite, which cannot be a real figure.",
            "Write the actual figure, or leave the cell empty if it is unknown.",
        )
        numbers = numbers.where(~np.isinf(numbers.astype("float64")))
    if column.type == "integer":
        fractional = numbers[numbers.notna() & (numbers != numbers.round())]
        if len(fractional):
            log.add_rows(
                Severity.ERROR,
                file,
                column.name,
                filled[fractional.index],
                "not whole",
                "The value must be a whole number.",
                "Remove the decimals.",
            )
    low = column.minimum
    high = column.maximum
    if low is not None or high is not None:
        out_of_range = numbers[
            (numbers < (low if low is not None else -np.inf))
            | (numbers > (high if high is not None else np.inf))
        ]
        for line in out_of_range.index:
            fix = f"Use a value from {low} to {high}."
            if column.name in ("lat", "lon") and table.name == "places":
                other_name = "lon" if column.name == "lat" else "lat"
                fix += _swap_hint(column.name, other_name)
            log.add(
                Problem(
                    Severity.ERROR,
                    file,
                    int(line),
                    column.name,
                    shorten_value(filled[line]),
                    f"{column.name} must lie between {low} and {high}.",
                    fix,
                ),
                "range",
            )
    converted = pd.Series(np.nan, index=cells.index, dtype="float64")
    converted.loc[numbers.index] = numbers.astype("float64")
    if column.type == "integer":
        return converted.round().astype("Int64")
    return converted


def _swap_hint(name: str, other: str) -> str:
    return (
        f" If {name} and {other} look swapped, exchange them: latitude (north-south) is "
        "between -90 and 90 and comes first; Oxford is about 51.75, -1.26."
    )


def _convert_date(cells: pd.Series, column: Column, file: str, log: ProblemLog) -> pd.Series:
    filled = cells[cells != ""]
    dates = _each_distinct(
        filled,
        lambda values: pd.to_datetime(
            values.where(values.str.match(ISO_DATE)), format="%Y-%m-%d", errors="coerce"
        ),
    )
    bad = filled[dates.isna()]
    for line, value in bad.head(MAX_PER_KIND + 1).items():
        log.add(
            Problem(
                Severity.ERROR,
                file,
                int(line),
                column.name,
                shorten_value(value),
                "The value is not a date in the form YYYY-MM-DD.",
                _date_fix(value),
            ),
            "not a date",
        )
    converted = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    converted.loc[dates.index] = dates
    return converted


def check_table(raw: RawTable, file: str, log: ProblemLog) -> pd.DataFrame:
    """Check a table's own cells (types, required values, enums, keys) and return typed columns."""
    table = raw.table
    cells = raw.cells
    typed = {}
    for column in table.columns:
        if column.name not in cells.columns:
            continue
        values = cells[column.name]
        stripped = values.str.strip()
        changed = values[values != stripped]
        if len(changed):
            log.add_rows(
                Severity.WARNING,
                file,
                column.name,
                changed,
                "spaces",
                "The value has spaces at its start or end; they were removed.",
                "",
            )
        typed[column.name] = _check_column(stripped, column, table, file, log)
    frame = pd.DataFrame(typed, index=cells.index)
    for name in raw.extra_columns:
        frame[name] = cells[name]

    _check_primary_key(frame, table, file, log)
    for rule in table.not_before:
        if rule.column in frame and rule.other in frame:
            later, earlier = frame[rule.column], frame[rule.other]
            wrong = frame.index[(later < earlier).fillna(False).to_numpy(dtype=bool)]
            for line in wrong[: MAX_PER_KIND + 1]:
                log.add(
                    Problem(
                        Severity.ERROR,
                        file,
                        int(line),
                        rule.column,
                        later[line].date().isoformat(),
                        f"{rule.column} is before {rule.other} "
                        f"({earlier[line].date().isoformat()}).",
                        f"Correct one of the two dates: {rule.column} must be on or after "
                        f"{rule.other}.",
                    ),
                    "date order",
                )
    return frame


def _check_primary_key(frame: pd.DataFrame, table: Table, file: str, log: ProblemLog) -> None:
    key = list(table.primary_key)
    if not key or any(name not in frame for name in key):
        return
    keyed = frame[key]
    complete = keyed.notna().all(axis=1)
    if len(key) == 1:
        complete &= keyed[key[0]] != ""
    keyed = keyed[complete]
    repeated = keyed.duplicated(keep="first")
    if not repeated.any():
        return
    first_line = {}
    for line, values in keyed.iterrows():
        first_line.setdefault(tuple(values), line)
    for line in keyed.index[repeated.to_numpy()][: MAX_PER_KIND + 1]:
        values = tuple(keyed.loc[line])
        shown = ", ".join(
            v.date().isoformat() if isinstance(v, pd.Timestamp) else str(v) for v in values
        )
        log.add(
            Problem(
                Severity.ERROR,
                file,
                int(line),
                "+".join(key),
                shown,
                f"The id {shown!r} is used again: line {first_line[values]} already has it.",
                "Give each row its own id, or delete the repeated row.",
            ),
            "duplicate id",
        )


def check_references(
    frames: dict[str, pd.DataFrame], contract: Contract, files: dict[str, str], log: ProblemLog
) -> None:
    """Check every id that points into another table (including ids inside `;`-lists)."""
    for table in contract.tables:
        frame = frames.get(table.name)
        if frame is None:
            continue
        for column in table.columns:
            reference = column.references
            if reference is None or column.name not in frame:
                continue
            target = frames.get(reference.table)
            if target is None or reference.column not in target:
                continue
            known = target[reference.column]
            known_ids = set(known[known != ""])
            candidates = sorted(known_ids)
            values = frame[column.name]
            if column.is_list:
                exploded = values.explode().dropna()
                exploded = exploded[exploded != ""]
            else:
                exploded = values[values.notna() & (values != "")]
            unknown = exploded[~exploded.isin(known_ids)]
            for line, value in unknown.head(MAX_PER_KIND + 1).items():
                what = "in this list" if column.is_list else ""
                log.add(
                    Problem(
                        Severity.ERROR,
                        files[table.name],
                        int(line),
                        column.name,
                        shorten_value(value),
                        f"The id {value!r} {what + ' ' if what else ''}is not a "
                        f"{reference.column} in {files[reference.table]}.".replace("  ", " "),
                        suggestion(value, candidates),
                    ),
                    "unknown id",
                )

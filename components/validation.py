"""Checking tables of text cells against the contract and turning them into typed columns.

Checks run a whole column at a time (pandas), so a million rows take seconds, not minutes.
Every problem names the file, the spreadsheet line, the column, the value and a fix.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from components import clock
from components.contract import Column, Contract, Table
from components.problems import (
    MAX_PER_KIND,
    Problem,
    ProblemLog,
    Severity,
    shorten_value,
)
from components.table_files import INVISIBLE_CHARACTERS, RawTable, first_invisible

LIST_SEPARATOR = ";"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Control characters and the invisible ones that reorder or hide text (bidi overrides, zero-width
# spaces): see components.table_files.
CONTROL_CHARACTERS = INVISIBLE_CHARACTERS
# A link is drawn only for a web address: a `javascript:`, `data:` or `file:` one never is.
WEB_ADDRESS = re.compile(r"^https?://[^\s/?#]+([/?#]\S*)?$", re.IGNORECASE)
DAY_FIRST_DATE = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-](\d{2}|\d{4})$")
EXCEL_SERIAL = re.compile(r"^\d{4,6}(\.\d+)?$")


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


class ColumnCells:
    """One column's cells, with what several checks share: which cells are filled, and the
    column's distinct values.

    A million indicator values name a few thousand indicators, dates and one source, so a test
    (a regular expression, a date parse) run once per distinct value instead of once per cell
    saves most of the time. The distinct values are found once per column, on first use, and
    only where values may repeat: a number column or a table's own id is nearly all distinct.
    """

    def __init__(self, cells: pd.Series, may_repeat: bool = True) -> None:
        self.cells = cells
        self._empty = (cells == "").to_numpy(dtype=bool)
        self.filled = cells[~self._empty] if self._empty.any() else cells
        self._may_repeat = may_repeat
        self._distinct: tuple[np.ndarray, pd.Series] | None = None

    @property
    def empty(self) -> pd.Series:
        return self.cells[self._empty]

    def _repeats(self) -> tuple[np.ndarray, pd.Series] | None:
        if not self._may_repeat:
            return None
        if self._distinct is None:
            codes, distinct = pd.factorize(self.cells)
            if len(distinct) * 2 > len(self.cells):
                self._may_repeat = False
                return None
            self._distinct = (codes, pd.Series(distinct, dtype=self.cells.dtype))
        return self._distinct

    def each(self, test: Callable[[pd.Series], pd.Series], filled_only: bool = False) -> pd.Series:
        """`test` of each cell (of each filled cell if `filled_only`), indexed like the cells."""
        repeats = self._repeats()
        if repeats is None:
            return test(self.filled if filled_only else self.cells)
        codes, distinct = repeats
        if filled_only:
            codes = codes[~self._empty]
        result = test(distinct).to_numpy()
        index = self.filled.index if filled_only else self.cells.index
        return pd.Series(result[codes], index=index, dtype=result.dtype)


def _check_text(column_cells: ColumnCells, column: Column, file: str, log: ProblemLog) -> None:
    cells = column_cells.cells
    has_control = column_cells.each(
        lambda values: values.str.contains(CONTROL_CHARACTERS, regex=True)
    )
    if has_control.any():
        # Each line names its own character, so the analyst can search for it.
        invisible = cells[has_control]
        for line, value in invisible.head(MAX_PER_KIND + 1).items():
            log.add(
                Problem(
                    severity=Severity.ERROR,
                    file=file,
                    line=int(line),
                    column=column.name,
                    value=shorten_value(value),
                    problem=f"The value contains an invisible character, {first_invisible(value)}.",
                    fix="Retype the value, or search for that character and delete it; such "
                    "characters usually come from copying out of other programs.",
                ),
                "control character",
            )
        log.count_more(
            Severity.ERROR,
            file,
            column.name,
            "control character",
            len(invisible) - MAX_PER_KIND - 1,
        )
    if _is_web_address(column):
        filled = column_cells.filled
        is_link = column_cells.each(lambda values: values.str.match(WEB_ADDRESS), filled_only=True)
        if not is_link.all():
            example = column.example or "https://www.example.org/news"
            log.add_rows(
                Severity.ERROR,
                file,
                column.name,
                filled[~is_link.to_numpy(dtype=bool)],
                "not a web address",
                "The value is not a web address starting with http:// or https://; no other "
                "kind of address (javascript:, data:, file: or a bare name) is shown as a link.",
                f"Write the address as the browser shows it, e.g. {example}, or leave the cell "
                "empty and say where the document is kept in the reference column.",
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


def _is_web_address(column: Column) -> bool:
    """A column that holds a link: a source's `url` (and any `..._url` column)."""
    return column.type == "string" and (column.name == "url" or column.name.endswith("_url"))


def _check_column(
    column_cells: ColumnCells, column: Column, table: Table, file: str, log: ProblemLog
) -> pd.Series:
    """Check one column's filled cells and return them converted to their type."""
    _check_text(column_cells, column, file, log)
    cells, filled = column_cells.cells, column_cells.filled
    if column.required:
        empty = column_cells.empty
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
                column_cells = ColumnCells(cells)
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
        matches = column_cells.each(
            lambda values: values.str.fullmatch(column.pattern), filled_only=True
        )
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
        return _convert_number(column_cells, column, table, file, log)
    if column.type == "date":
        return _convert_date(column_cells, column, file, log)
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
    column_cells: ColumnCells, column: Column, table: Table, file: str, log: ProblemLog
) -> pd.Series:
    cells, filled = column_cells.cells, column_cells.filled
    numbers = _parse_numbers(filled)
    # Both parsers read "NaN" (as a missing figure, caught here) and "inf" (caught below) as
    # numbers; a figure on a councillor's screen is never either.
    not_numbers = filled[numbers.isna()]
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
        # Only the lines the report lists are built; the rest are counted.
        for line in out_of_range.index[: MAX_PER_KIND + 1]:
            fix = f"Use a value from {low} to {high}."
            if column.name in ("lat", "lon") and table.name == "places":
                other_name = "lon" if column.name == "lat" else "lat"
                fix += _swap_hint(column.name, other_name)
            log.add(
                Problem(
                    severity=Severity.ERROR,
                    file=file,
                    line=int(line),
                    column=column.name,
                    value=shorten_value(filled[line]),
                    problem=f"{column.name} must lie between {low} and {high}.",
                    fix=fix,
                ),
                "range",
            )
        log.count_more(
            Severity.ERROR, file, column.name, "range", len(out_of_range) - (MAX_PER_KIND + 1)
        )
    converted = _spread(numbers.astype("float64"), cells.index, np.nan, "float64")
    if column.type == "integer":
        return converted.round().astype("Int64")
    return converted


def _swap_hint(name: str, other: str) -> str:
    return (
        f" If {name} and {other} look swapped, exchange them: latitude (north-south) is "
        "between -90 and 90 and comes first; Oxford is about 51.75, -1.26."
    )


def _convert_date(
    column_cells: ColumnCells, column: Column, file: str, log: ProblemLog
) -> pd.Series:
    cells, filled = column_cells.cells, column_cells.filled
    dates = column_cells.each(
        lambda values: pd.to_datetime(
            values.where(values.str.match(ISO_DATE)), format="%Y-%m-%d", errors="coerce"
        ),
        filled_only=True,
    )
    bad = filled[dates.isna()]
    for line, value in bad.head(MAX_PER_KIND + 1).items():
        log.add(
            Problem(
                severity=Severity.ERROR,
                file=file,
                line=int(line),
                column=column.name,
                value=shorten_value(value),
                problem="The value is not a date in the form YYYY-MM-DD.",
                fix=_date_fix(value),
            ),
            "not a date",
        )
    log.count_more(Severity.ERROR, file, column.name, "not a date", len(bad) - (MAX_PER_KIND + 1))
    return _spread(dates, cells.index, pd.NaT, "datetime64[ns]")


def _spread(values: pd.Series, index: pd.Index, missing, dtype: str) -> pd.Series:
    """`values` (converted filled cells) on every line of `index`, `missing` on the empty ones."""
    if len(values) == len(index):
        return values.astype(dtype)
    spread = pd.Series(missing, index=index, dtype=dtype)
    spread.loc[values.index] = values
    return spread


def check_table(
    raw: RawTable, file: str, log: ProblemLog, today: date | None = None
) -> pd.DataFrame:
    """Check a table's own cells (types, required values, enums, keys, dates that cannot lie in
    the future) and return typed columns."""
    table = raw.table
    cells = raw.cells
    typed = {}
    for column in table.columns:
        if column.name not in cells.columns:
            continue
        # Numbers and a table's own ids are nearly all distinct: finding their distinct values
        # would cost more than it saves.
        own_id = table.primary_key == (column.name,)
        may_repeat = column.type not in ("number", "integer") and not own_id
        column_cells = ColumnCells(cells[column.name], may_repeat)
        changed = column_cells.each(lambda values: values != values.str.strip())
        if changed.any():
            values = column_cells.cells
            changed = values[changed]
            log.add_rows(
                Severity.WARNING,
                file,
                column.name,
                changed,
                "spaces",
                "The value has spaces at its start or end; they were removed.",
                "",
            )
            column_cells = ColumnCells(values.str.strip(), may_repeat)
        typed[column.name] = _check_column(column_cells, column, table, file, log)
    # Only the contract's columns: a column it does not know is never published.
    frame = pd.DataFrame(typed, index=cells.index)

    _check_primary_key(frame, table, file, log)
    for rule in table.not_before:
        if rule.column in frame and rule.other in frame:
            later, earlier = frame[rule.column], frame[rule.other]
            wrong = frame.index[(later < earlier).fillna(False).to_numpy(dtype=bool)]
            for line in wrong[: MAX_PER_KIND + 1]:
                log.add(
                    Problem(
                        severity=Severity.ERROR,
                        file=file,
                        line=int(line),
                        column=rule.column,
                        value=later[line].date().isoformat(),
                        problem=f"{rule.column} is before {rule.other} "
                        f"({earlier[line].date().isoformat()}).",
                        fix=f"Correct one of the two dates: {rule.column} must be on or after "
                        f"{rule.other}.",
                    ),
                    "date order",
                )
            extra = len(wrong) - (MAX_PER_KIND + 1)
            log.count_more(Severity.ERROR, file, rule.column, "date order", extra)
    _check_not_after_today(frame, table, file, log, today or clock.today())
    return frame


def _check_not_after_today(
    frame: pd.DataFrame, table: Table, file: str, log: ProblemLog, today: date
) -> None:
    """Warn about dates of things measured, confirmed or done that lie after today."""
    limit = pd.Timestamp(today)
    for rule in table.not_after_today:
        if rule.column not in frame or any(column not in frame for column, _ in rule.when):
            continue
        dates = frame[rule.column]
        late = (dates > limit).fillna(False).to_numpy(dtype=bool)
        for column, value in rule.when:
            late = late & (frame[column] == value).to_numpy(dtype=bool)
        if not late.any():
            continue
        log.add_rows(
            Severity.WARNING,
            file,
            rule.column,
            dates[late].dt.strftime("%Y-%m-%d"),
            "after today",
            f"{rule.problem} Today is {today.isoformat()}.",
            rule.fix,
        )


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
    # The first line of each repeated id, read from the rows whose id repeats: a row-by-row
    # walk of a million rows took longer than every other check together.
    repeats = keyed[keyed.duplicated(keep=False).to_numpy()]
    first_line: dict[tuple, object] = {}
    for line, *values in zip(repeats.index, *(repeats[name] for name in key), strict=True):
        first_line.setdefault(tuple(values), line)
    for line in keyed.index[repeated.to_numpy()][: MAX_PER_KIND + 1]:
        values = tuple(keyed.loc[line])
        shown = ", ".join(
            v.date().isoformat() if isinstance(v, pd.Timestamp) else str(v) for v in values
        )
        log.add(
            Problem(
                severity=Severity.ERROR,
                file=file,
                line=int(line),
                column="+".join(key),
                value=shown,
                problem=f"The id {shown!r} is used again: line {first_line[values]} already has "
                "it.",
                fix="Give each row its own id, or delete the repeated row.",
            ),
            "duplicate id",
        )
    extra = int(repeated.sum()) - (MAX_PER_KIND + 1)
    log.count_more(Severity.ERROR, file, "+".join(key), "duplicate id", extra)


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
            values = frame[column.name]
            if column.is_list:
                exploded = values.explode().dropna()
                exploded = exploded[exploded != ""]
            else:
                exploded = values[values.notna() & (values != "")]
            unknown = exploded[~_is_in(exploded, known)]
            candidates = sorted(set(known[known != ""])) if len(unknown) else []
            for line, value in unknown.head(MAX_PER_KIND + 1).items():
                what = "in this list" if column.is_list else ""
                log.add(
                    Problem(
                        severity=Severity.ERROR,
                        file=files[table.name],
                        line=int(line),
                        column=column.name,
                        value=shorten_value(value),
                        problem=f"The id {value!r} {what + ' ' if what else ''}is not a "
                        f"{reference.column} in {files[reference.table]}.".replace("  ", " "),
                        fix=suggestion(value, candidates),
                    ),
                    "unknown id",
                )
            log.count_more(
                Severity.ERROR,
                files[table.name],
                column.name,
                "unknown id",
                len(unknown) - (MAX_PER_KIND + 1),
            )


def _is_in(values: pd.Series, known: pd.Series) -> np.ndarray:
    """Whether each of `values` is one of `known` (both text), as a boolean array.

    Arrow is asked directly: pandas' `isin` turns the known ids into Python objects one by one
    on every call, which took longer than the look-up itself at a million rows.
    """
    found = pc.is_in(_arrow_text(values), value_set=_arrow_text(known))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _arrow_text(series: pd.Series) -> pa.Array:
    return pa.array(series, type=pa.string(), from_pandas=True)

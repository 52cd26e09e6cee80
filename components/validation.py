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
from components.i18n import Bilingual
from components.problems import (
    MAX_PER_KIND,
    Listed,
    Message,
    Problem,
    ProblemLog,
    Quoted,
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


def suggestion(value: str, candidates: list[str]) -> Message:
    near = closest_ids(value, candidates)
    if near:
        return Message(
            "problem.fix_did_you_mean", near=Listed(tuple(map(Quoted, near)), alternatives=True)
        )
    if not candidates:
        return Message("problem.fix_no_ids_yet")
    return Message("problem.fix_use_an_id", shown=Listed(tuple(map(Quoted, candidates[:5]))))


def described(column: Column) -> Bilingual:
    """A column's description in English and Chinese, for a message to quote in either."""
    return Bilingual(column.description, column.description_zh or column.description)


def _date_fix(value: str) -> Message:
    if DAY_FIRST_DATE.match(value):
        parts = re.split(r"[/.-]", value)
        if len(parts[2]) == 2:
            return Message("problem.fix_two_digit_year")
        day, month, year = parts
        if int(month) <= 12 and int(day) <= 31:
            return Message(
                "problem.fix_day_first",
                day=int(day),
                month=int(month),
                iso=f"{year}-{int(month):02d}-{int(day):02d}",
            )
    if EXCEL_SERIAL.match(value):
        return Message("problem.fix_excel_day_number")
    if ISO_DATE.match(value):
        return Message("problem.fix_no_such_date")
    return Message("problem.fix_date")


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
                    problem=Message("problem.invisible_in_value", character=first_invisible(value)),
                    fix=Message("problem.fix_invisible_in_value"),
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
                Message("problem.not_a_web_address"),
                Message("problem.fix_web_address", example=example),
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
                Message("problem.too_long", limit=column.max_length),
                Message("problem.fix_too_long"),
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
                Message("problem.required", column=column.name),
                Message("problem.fix_required", description=described(column)),
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
                    Message("problem.letter_case"),
                    Message("problem.fix_letter_case", allowed=Listed(column.enum)),
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
                    Message("problem.not_allowed", column=column.name),
                    Message("problem.fix_not_allowed", allowed=Listed(column.enum)),
                )

    if column.pattern and column.type == "string":
        matches = column_cells.each(
            lambda values: values.str.fullmatch(column.pattern), filled_only=True
        )
        mismatched = filled[~matches]
        if len(mismatched):
            if column.name == "country":
                fix = Message("problem.fix_country_code")
            else:
                fix = Message("problem.fix_id_pattern")
            log.add_rows(
                Severity.ERROR,
                file,
                column.name,
                mismatched,
                "pattern",
                Message("problem.pattern", column=column.name),
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
            Message(f"problem.not_{'whole' if column.type == 'integer' else 'a'}_number"),
            Message("problem.fix_number"),
        )
    infinite = numbers[np.isinf(numbers.to_numpy(dtype="float64", na_value=np.nan))]
    if len(infinite):
        log.add_rows(
            Severity.ERROR,
            file,
            column.name,
            filled[infinite.index],
            "not finite",
            Message("problem.not_finite"),
            Message("problem.fix_not_finite"),
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
                Message("problem.not_whole"),
                Message("problem.fix_not_whole"),
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
            fix = (
                Message("problem.fix_range", low=low, high=high)
                if low is not None and high is not None
                else Message("problem.fix_at_least", low=low)
                if low is not None
                else Message("problem.fix_at_most", high=high)
            )
            if column.name in ("lat", "lon") and table.name == "places":
                other_name = "lon" if column.name == "lat" else "lat"
                fix = Message(
                    "problem.fix_range_swapped",
                    low=low,
                    high=high,
                    name=column.name,
                    other=other_name,
                )
            log.add(
                Problem(
                    severity=Severity.ERROR,
                    file=file,
                    line=int(line),
                    column=column.name,
                    value=shorten_value(filled[line]),
                    problem=_out_of_range(column, low, high),
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


def _out_of_range(column: Column, low: float | None, high: float | None) -> Message:
    """What a value outside the column's range breaks: both bounds, or the one it has."""
    if low is not None and high is not None:
        return Message("problem.range", column=column.name, low=low, high=high)
    if low is not None:
        return Message("problem.at_least", column=column.name, low=low)
    return Message("problem.at_most", column=column.name, high=high)


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
                problem=Message("problem.not_a_date"),
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
                Message("problem.spaces"),
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
                        problem=Message(
                            "problem.date_order",
                            column=rule.column,
                            other=rule.other,
                            other_date=earlier[line].date().isoformat(),
                        ),
                        fix=Message("problem.fix_date_order", column=rule.column, other=rule.other),
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
            Message(
                "problem.after_today",
                problem=Bilingual(rule.problem, rule.problem_zh),
                today=today.isoformat(),
            ),
            Message("problem.contract_fix", fix=Bilingual(rule.fix, rule.fix_zh)),
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
                problem=Message(
                    "problem.duplicate_id", id=Quoted(shown), first_line=first_line[values]
                ),
                fix=Message("problem.fix_duplicate_id"),
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
            key = "problem.unknown_id_in_list" if column.is_list else "problem.unknown_id"
            for line, value in unknown.head(MAX_PER_KIND + 1).items():
                log.add(
                    Problem(
                        severity=Severity.ERROR,
                        file=files[table.name],
                        line=int(line),
                        column=column.name,
                        value=shorten_value(value),
                        problem=Message(
                            key,
                            id=Quoted(value),
                            column=reference.column,
                            file=files[reference.table],
                        ),
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

"""Normalising an upload's records: what Excel writes differently from the stored form.

Header names in other capitals, `1,200`, `45%` where the unit is %, UK day-first dates and the
apostrophe our exports put before formula-like text are rewritten and listed as warnings; what
cannot be read without guessing (mixed or month-first dates, `%` on a figure that is not a
percentage, unnamed columns holding values) is an error.
"""

from __future__ import annotations

import re

from components.contract import Column, Table
from components.problems import Problem, Severity, counted, shorten_value
from components.validation import ProblemLog

# No cell the contract knows is longer than 2,000 characters; this also bounds extra columns.
MAX_CELL_CHARACTERS = 10_000
FORMULA_STARTS = ("=", "+", "-", "@")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DAY_FIRST = re.compile(r"^(\d{1,2})([/.])(\d{1,2})\2(\d{4})$")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
PERCENT = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*%$")


def normalise_header(
    records: list[list[str]], table: Table, label: str
) -> tuple[list[list[str]], list[Problem]]:
    """Contract names for header cells that differ only in case or spaces; unnamed columns
    dropped when empty and rejected when they hold values."""
    problems: list[Problem] = []
    header = records[0]
    by_key = {name.lower(): name for name in table.column_names}
    named = []
    for raw in header:
        name = raw.strip()
        canonical = by_key.get(name.lower(), name)
        if canonical != raw and canonical in table.column_names:
            problems.append(
                Problem(
                    severity=Severity.WARNING,
                    file=label,
                    line=1,
                    column=canonical,
                    value=shorten_value(raw),
                    problem=f"The column name is written {raw!r}; it was read as {canonical!r}.",
                    fix=f"Write it exactly {canonical!r} next time.",
                )
            )
            name = canonical
        named.append(name)
    keep = []
    # Thousands of unnamed columns with values are one kind of mistake: a few lines list them.
    unnamed = ProblemLog()
    for position, name in enumerate(named):
        if name:
            keep.append(position)
            continue
        filled = [
            (line, record[position])
            for line, record in enumerate(records[1:], start=2)
            if position < len(record) and record[position].strip()
        ]
        if filled:
            line, value = filled[0]
            unnamed.add(
                Problem(
                    severity=Severity.ERROR,
                    file=label,
                    line=line,
                    column=f"(column {position + 1})",
                    value=shorten_value(value),
                    problem=f"Column {position + 1} has values but no name on line 1 "
                    f"({counted(len(filled), 'cell')}).",
                    fix="Give the column a name on line 1, or delete it (a column the contract "
                    "does not know is not stored).",
                ),
                "values without a column name",
                unit="column",
            )
            keep.append(position)
    problems.extend(unnamed.finish())
    if len(keep) == len(header):
        return [named, *records[1:]], problems
    # Only trailing, empty, unnamed columns (Excel's stray commas) are removed here; a ragged
    # row keeps its own length so that the row-length check still sees it.
    width = max(keep) + 1 if keep else 0
    trimmed = [named[:width]]
    for record in records[1:]:
        tail = record[width:]
        trimmed.append(record[:width] if not any(cell.strip() for cell in tail) else record)
    return trimmed, problems


def _percent_columns(table: Table, units: dict[str, str]) -> dict[str, object]:
    """For a table whose figures may be percentages: which column says the unit, per row."""
    if table.name == "indicators":
        return {"baseline": "unit", "target": "unit"}
    if table.name == "indicator_values":
        return {"value": ("indicator_id", units)}
    return {}


def _is_percent_row(rule: object, row: dict[str, str]) -> bool:
    if isinstance(rule, str):
        return row.get(rule, "").strip() == "%"
    column, units = rule
    return units.get(row.get(column, "").strip(), "") == "%"


def normalise_cells(
    records: list[list[str]], table: Table, label: str, units: dict[str, str]
) -> tuple[list[list[str]], list[Problem]]:
    """Cells rewritten to their stored form where that needs no guess (`units` maps indicator
    ids to their unit, so `45%` is read where the unit is %), and cells too long rejected.

    The rows of `records` are rewritten in place: a copy of millions of rows would double the
    memory an upload takes, and the readers never look at the records again.
    """
    log = ProblemLog()
    header = records[0]
    rows = records[1:]
    columns = {name: table.column(name) for name in header if name in table.column_names}
    percent = _percent_columns(table, units)
    positions = {name: header.index(name) for name in columns}

    for line, record in enumerate(rows, start=2):
        if len(record) != len(header):
            continue
        as_dict = dict(zip(header, record, strict=True))
        for position, cell in enumerate(record):
            name = header[position] or f"(column {position + 1})"
            if len(cell) > MAX_CELL_CHARACTERS:
                log.add(
                    Problem(
                        severity=Severity.ERROR,
                        file=label,
                        line=line,
                        column=name,
                        value=shorten_value(cell),
                        problem=f"The cell holds {len(cell):,} characters; no cell may hold more "
                        f"than {MAX_CELL_CHARACTERS:,}.",
                        fix="Shorten it; put long texts in a source document and cite it.",
                    ),
                    "cell too long",
                )
                continue
            stripped = cell.strip()
            if len(stripped) > 1 and stripped[0] == "'" and stripped[1] in FORMULA_STARTS:
                # The app's own exports put this apostrophe in front of formula-like text.
                record[position] = stripped[1:]
                log.add(
                    Problem(
                        severity=Severity.WARNING,
                        file=label,
                        line=line,
                        column=name,
                        value=shorten_value(cell),
                        problem="The apostrophe in front of this text (which stops spreadsheets "
                        "running it as a formula) was removed; the text is stored as it reads.",
                        fix="",
                    ),
                    "apostrophe",
                )
        for name, column in columns.items():
            position = positions[name]
            value = record[position].strip()
            if column.type not in ("number", "integer") or not value:
                continue
            if THOUSANDS.match(value):
                record[position] = value.replace(",", "")
                log.add(
                    Problem(
                        severity=Severity.WARNING,
                        file=label,
                        line=line,
                        column=name,
                        value=shorten_value(value),
                        problem="The thousands separators were removed: read as "
                        f"{record[position]}.",
                        fix="Write numbers without separators, e.g. 1200.",
                    ),
                    "thousands",
                )
                continue
            match = PERCENT.match(value)
            if match and name in percent and _is_percent_row(percent[name], as_dict):
                record[position] = match.group(1)
                log.add(
                    Problem(
                        severity=Severity.WARNING,
                        file=label,
                        line=line,
                        column=name,
                        value=shorten_value(value),
                        problem="The % sign was removed (the unit is %): read as "
                        f"{match.group(1)}.",
                        fix="Write the figure without the % sign; the unit column says it is a "
                        "percentage.",
                    ),
                    "percent",
                )
            elif match:
                log.add(
                    Problem(
                        severity=Severity.ERROR,
                        file=label,
                        line=line,
                        column=name,
                        value=shorten_value(value),
                        problem="The value has a % sign, but this figure's unit is not %.",
                        fix="Write the figure in its unit without a % sign, or set the indicator's "
                        "unit to % if it is a percentage.",
                    ),
                    "percent",
                )
                # The error above already blocks the upload; one message per cell is enough.
                record[position] = match.group(1)

    for name, column in columns.items():
        if column.type == "date":
            _normalise_dates(rows, header, positions[name], column, label, log)
    return [header, *rows], log.finish()


def _normalise_dates(
    rows: list[list[str]],
    header: list[str],
    position: int,
    column: Column,
    label: str,
    log: ProblemLog,
) -> None:
    """One date format per column: YYYY-MM-DD, or day-first DD/MM/YYYY converted to it."""
    iso: list[int] = []
    day_first: list[tuple[int, re.Match]] = []
    for line, record in enumerate(rows, start=2):
        if len(record) != len(header):
            continue
        value = record[position].strip()
        if ISO_DATE.match(value):
            iso.append(line)
        elif match := DAY_FIRST.match(value):
            day_first.append((line, match))
    if not day_first:
        return
    if iso:
        minority = [(line, None) for line in iso] if len(iso) < len(day_first) else list(day_first)
        majority = "DD/MM/YYYY" if len(iso) < len(day_first) else "YYYY-MM-DD"
        for line, _ in minority:
            log.add(
                Problem(
                    severity=Severity.ERROR,
                    file=label,
                    line=line,
                    column=column.name,
                    value=shorten_value(rows[line - 2][position]),
                    problem="The column mixes date formats (YYYY-MM-DD and DD/MM/YYYY); most of "
                    f"its dates are {majority}, so this one cannot be trusted.",
                    fix="Write every date of the column the same way, preferably YYYY-MM-DD "
                    "(format the column as text first).",
                ),
                "mixed dates",
            )
        return
    month_first = [(line, m) for line, m in day_first if int(m.group(3)) > 12]
    if month_first:
        for line, match in month_first:
            log.add(
                Problem(
                    severity=Severity.ERROR,
                    file=label,
                    line=line,
                    column=column.name,
                    value=shorten_value(match.group(0)),
                    problem=f"The date cannot be day-first: month {int(match.group(3))} does not "
                    "exist. It looks month-first (US order), and the column cannot be read either "
                    "way without guessing.",
                    fix="Write the dates as YYYY-MM-DD, e.g. 2018-07-04 for 4 July 2018.",
                ),
                "month first",
            )
        return
    for line, match in day_first:
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        converted = f"{year}-{month:02d}-{day:02d}"
        rows[line - 2][position] = converted
        log.add(
            Problem(
                severity=Severity.WARNING,
                file=label,
                line=line,
                column=column.name,
                value=shorten_value(match.group(0)),
                problem="The date is written day-first (DD/MM/YYYY, as UK Excel does); it was "
                f"read as {converted}.",
                fix="Write dates as YYYY-MM-DD to avoid any doubt between day and month.",
            ),
            "day first",
        )

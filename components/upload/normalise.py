"""Normalising an upload's records: what Excel writes differently from the stored form.

Header names in other capitals, `1,200`, `45%` where the unit is %, UK day-first dates and the
apostrophe our exports put before formula-like text are rewritten and listed as warnings; what
cannot be read without guessing (mixed or month-first dates, `%` on a figure that is not a
percentage, unnamed columns holding values) is an error.
"""

from __future__ import annotations

import re

from components.contract import Column, Table
from components.problems import Message, Problem, Quoted, Severity, shorten_value
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
                    problem=Message(
                        "problem.header_recased", raw=Quoted(raw), column=Quoted(canonical)
                    ),
                    fix=Message("problem.fix_header_recased", column=Quoted(canonical)),
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
                    column=f"({position + 1})",
                    value=shorten_value(value),
                    problem=Message(
                        "problem.unnamed_column", position=position + 1, count=len(filled)
                    ),
                    fix=Message("problem.fix_unnamed_column"),
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
            name = header[position] or f"({position + 1})"
            if len(cell) > MAX_CELL_CHARACTERS:
                log.add(
                    Problem(
                        severity=Severity.ERROR,
                        file=label,
                        line=line,
                        column=name,
                        value=shorten_value(cell),
                        problem=Message(
                            "problem.cell_too_long", count=len(cell), limit=MAX_CELL_CHARACTERS
                        ),
                        fix=Message("problem.fix_cell_too_long"),
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
                        problem=Message("problem.apostrophe"),
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
                        problem=Message("problem.thousands", number=record[position]),
                        fix=Message("problem.fix_thousands"),
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
                        problem=Message("problem.percent_removed", number=match.group(1)),
                        fix=Message("problem.fix_percent_removed"),
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
                        problem=Message("problem.percent_not_unit"),
                        fix=Message("problem.fix_percent_not_unit"),
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
                    problem=Message("problem.mixed_dates", majority=majority),
                    fix=Message("problem.fix_mixed_dates"),
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
                    problem=Message("problem.month_first", month=int(match.group(3))),
                    fix=Message("problem.fix_month_first"),
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
                problem=Message("problem.day_first", date=converted),
                fix=Message("problem.fix_day_first_dates"),
            ),
            "day first",
        )

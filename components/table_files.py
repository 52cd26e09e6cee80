"""Reading one table's CSV file into text cells, keeping the line numbers a spreadsheet shows."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pandas as pd

from components.contract import Table
from components.problems import Problem, Severity, counted

UTF8_BOM = b"\xef\xbb\xbf"
SAVE_AS_UTF8 = (
    "In Excel use File > Save As > 'CSV UTF-8 (Comma delimited)'; "
    "in LibreOffice choose the character set 'Unicode (UTF-8)'."
)


@dataclass
class RawTable:
    """A table's cells as text, indexed by the spreadsheet line each row is on."""

    table: Table
    cells: pd.DataFrame
    extra_columns: list[str]


def _line_of_byte(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def decode_utf8(data: bytes, filename: str) -> tuple[str | None, list[Problem]]:
    problems: list[Problem] = []
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        problems.append(
            Problem(
                severity=Severity.WARNING,
                file=filename,
                problem="The file starts with a byte order mark (Excel adds one); it was ignored.",
                fix="",
            )
        )
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as error:
        line = _line_of_byte(data, error.start)
        bad = data[error.start : error.start + 4].hex(" ")
        problems.append(
            Problem(
                severity=Severity.FATAL,
                file=filename,
                line=line,
                value=f"bytes {bad}",
                problem="The file is not UTF-8 text, so its letters cannot be read safely "
                "(it was probably saved in another encoding, such as Windows-1252).",
                fix=SAVE_AS_UTF8,
            )
        )
        return None, problems


def split_records(
    text: str, filename: str, delimiter: str = ","
) -> tuple[list[list[str]] | None, list[Problem]]:
    """Split CSV text into records; record N is the row a spreadsheet shows as line N."""
    problems: list[Problem] = []
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        # A spreadsheet shows one row per record, even when a quoted cell spans several lines,
        # so the record count (not the reader's physical line) is the line the analyst sees.
        for record in reader:
            records.append(record)
    except csv.Error as error:
        line = len(records) + 1
        problems.append(
            Problem(
                severity=Severity.FATAL,
                file=filename,
                line=line,
                problem=f"The file cannot be split into cells here: {error}.",
                fix="Check the quotes on this line: a value that contains a comma, a quote or a "
                "line break must be wrapped in double quotes, and a quote inside it written twice "
                '("").',
            )
        )
        return None, problems
    return records, problems


def read_table_text(
    text: str, table: Table, filename: str, delimiter: str = ","
) -> tuple[RawTable | None, list[Problem]]:
    """Split CSV text into cells and check its header and row lengths against the contract."""
    records, problems = split_records(text, filename, delimiter)
    if records is None:
        return None, problems
    raw, more = read_table_records(records, table, filename)
    return raw, problems + more


def read_table_records(
    records: list[list[str]], table: Table, filename: str
) -> tuple[RawTable | None, list[Problem]]:
    """Check a table's records (CSV or spreadsheet rows, header first) and index them by line."""
    problems: list[Problem] = []
    lines = list(range(1, len(records) + 1))
    if not records or not any(cell.strip() for cell in records[0]):
        problems.append(
            Problem(
                severity=Severity.FATAL,
                file=filename,
                line=1,
                problem="The file is empty or its first line is blank; line 1 must be the header.",
                fix=f"Put the column names on line 1: {', '.join(table.column_names)}.",
            )
        )
        return None, problems

    header = records[0]
    stripped = [name.strip() for name in header]
    for position, (raw, name) in enumerate(zip(header, stripped, strict=True)):
        if raw != name:
            problems.append(
                Problem(
                    severity=Severity.WARNING,
                    file=filename,
                    line=1,
                    column=name,
                    value=raw,
                    problem="The column name has spaces around it; they were ignored.",
                    fix="",
                )
            )
        if name in stripped[:position]:
            problems.append(
                Problem(
                    severity=Severity.ERROR,
                    file=filename,
                    line=1,
                    column=name,
                    value=name,
                    problem=f"The column {name!r} appears more than once in the header.",
                    fix="Delete or rename the repeated column so each column name appears once.",
                )
            )
    expected = table.column_names
    for name in expected:
        if name not in stripped:
            near = [other for other in stripped if other.lower() == name.lower()]
            fix = (
                f"Rename the column {near[0]!r} to {name!r}."
                if near
                else f"Add a column named {name!r} to line 1 (it may be left empty where the "
                "contract allows)."
            )
            problems.append(
                Problem(
                    severity=Severity.ERROR,
                    file=filename,
                    line=1,
                    column=name,
                    problem=f"The required column {name!r} is missing from the header.",
                    fix=fix,
                )
            )
    extra = [name for name in stripped if name not in expected and name]
    for name in extra:
        problems.append(
            Problem(
                severity=Severity.WARNING,
                file=filename,
                line=1,
                column=name,
                problem=f"The column {name!r} is not part of the contract for {table.name}; it is "
                "kept but not used.",
                fix=f"Check its spelling against: {', '.join(expected)}.",
            )
        )

    width = len(header)
    good_rows: list[list[str]] = []
    good_lines: list[int] = []
    blank_lines: list[int] = []
    for line, record in zip(lines[1:], records[1:], strict=True):
        if not record or all(not cell.strip() for cell in record):
            blank_lines.append(line)
            continue
        if len(record) != width:
            problems.append(
                Problem(
                    severity=Severity.ERROR,
                    file=filename,
                    line=line,
                    problem=f"This row has {len(record)} cells but the header has {width}.",
                    fix="A value containing a comma must be wrapped in double quotes; otherwise "
                    "remove the extra cells or add the missing ones.",
                )
            )
            continue
        good_rows.append(record)
        good_lines.append(line)
    if blank_lines:
        shown = ", ".join(str(line) for line in blank_lines[:10])
        problems.append(
            Problem(
                severity=Severity.WARNING,
                file=filename,
                line=blank_lines[0],
                problem=f"{counted(len(blank_lines), 'blank line')} "
                f"{'was' if len(blank_lines) == 1 else 'were'} skipped (lines {shown}"
                f"{', …' if len(blank_lines) > 10 else ''}).",
                fix="",
            )
        )

    columns = {}
    for position, name in enumerate(stripped):
        if name and name not in columns:
            columns[name] = [row[position] for row in good_rows]
    cells = pd.DataFrame(columns, index=pd.Index(good_lines, name="line"), dtype="str")
    if not good_rows:
        cells = pd.DataFrame(
            {name: pd.Series(dtype="str") for name in columns}, index=pd.Index([], name="line")
        )
    return RawTable(table=table, cells=cells, extra_columns=extra), problems


def read_table_bytes(
    data: bytes, table: Table, filename: str
) -> tuple[RawTable | None, list[Problem]]:
    text, problems = decode_utf8(data, filename)
    if text is None:
        return None, problems
    raw, more = read_table_text(text, table, filename)
    return raw, problems + more

"""Reading analysts' uploads (CSV, XLSX or a ZIP of tables) and checking them against the dataset.

Analysts save files from Excel in many shapes. What can be read without guessing is normalised
and listed as a warning (a BOM, Chinese Excel's GB18030, `;` or tab delimiters, header case,
UK dates, `45%`, `1,200`); what cannot be read safely is rejected with the file, line, column,
value and how to fix it. The checks of the cells themselves are the loader's
(`components.validation`), so the Data page, `partnership import` and `partnership validate`
report a mistake the same way, on the same line.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePosixPath

import pandas as pd

from components.changes import TableChanges, diff_tables
from components.contract import Column, Contract, Table, load_contract
from components.problems import (
    REPORT_COLUMNS,
    Problem,
    Severity,
    counted,
    has_errors,
    shorten_value,
    sort_key,
)
from components.publishing import current_files, digest
from components.table_files import (
    SAVE_AS_UTF8,
    UTF8_BOM,
    RawTable,
    read_table_bytes,
    read_table_records,
    split_records,
)
from components.validation import ProblemLog, check_references, check_table

# Streamlit's own upload limit (`server.maxUploadSize`) is 10 MB; the command line uses the same.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# An XLSX or ZIP is compressed: a small file can unpack into gigabytes ("zip bomb").
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 200
# No cell the contract knows is longer than 2,000 characters; this also bounds extra columns.
MAX_CELL_CHARACTERS = 10_000

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
FORMULA_STARTS = ("=", "+", "-", "@")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DAY_FIRST = re.compile(r"^(\d{1,2})([/.])(\d{1,2})\2(\d{4})$")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
PERCENT = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*%$")
# Byte signatures of files analysts sometimes pick by mistake.
BINARY_SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "an Excel 97-2003 workbook (.xls) or another old Office file",
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"Rar!": "a RAR archive",
}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
XLSX_MARKER = "xl/workbook.xml"
# The sheet our XLSX templates add to describe the columns; never read as data.
TEMPLATE_HELP_SHEET = "columns"


def problem(
    severity: Severity,
    file: str,
    message: str,
    fix: str,
    line: int | None = None,
    column: str | None = None,
    value: object = None,
) -> Problem:
    shown = None if value is None else shorten_value(value)
    return Problem(severity, file, line, column, shown, message, fix)


@dataclass
class UploadedTable:
    """One table read from an upload: normalised text records, header first."""

    table: Table
    label: str  # how the analyst knows the file: name, sheet or archive member
    records: list[list[str]]


@dataclass
class Upload:
    tables: dict[str, UploadedTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return bool(self.tables) and not any(p.severity is Severity.FATAL for p in self.problems)


# --- Bytes to text -----------------------------------------------------------------------------


def _looks_chinese(text: str) -> bool:
    """True when every non-ASCII character is in GB2312, the set Chinese Excel text uses.

    Windows-1252 bytes (é, ö, £) also decode as GB18030, but into rare characters outside
    GB2312, so this tells the two apart without guessing at what the analyst meant.
    """
    for character in {c for c in text if ord(c) > 127}:
        try:
            character.encode("gb2312")
        except UnicodeEncodeError:
            return False
    return True


def decode_text(data: bytes, label: str) -> tuple[str | None, list[Problem]]:
    """Text from UTF-8 (with or without BOM), UTF-16 with BOM, or Chinese Excel's GB18030."""
    if data.startswith(UTF8_BOM):
        try:
            return data[len(UTF8_BOM) :].decode("utf-8"), [
                problem(
                    Severity.WARNING,
                    label,
                    "The file starts with a byte order mark (Excel's 'CSV UTF-8' adds one); "
                    "it was ignored.",
                    "",
                )
            ]
        except UnicodeDecodeError:
            pass
    elif data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16"), [
                problem(
                    Severity.WARNING,
                    label,
                    "The file is saved as UTF-16 ('Unicode Text'); it was read as such.",
                    "Next time save it as 'CSV UTF-8 (Comma delimited)'.",
                )
            ]
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _looks_chinese(text):
        return text, [
            problem(
                Severity.WARNING,
                label,
                "The file is saved in the Chinese GB18030/GBK encoding (Chinese Excel's 'CSV'); "
                "it was read as such and will be stored as UTF-8.",
                "Next time choose 'CSV UTF-8 (Comma delimited)' (CSV UTF-8（逗号分隔）).",
            )
        ]
    line = data.count(b"\n", 0, utf8_error.start) + 1
    bad = data[utf8_error.start : utf8_error.start + 4].hex(" ")
    return None, [
        problem(
            Severity.FATAL,
            label,
            "The file is not in an encoding that can be read safely (it looks like Windows-1252 "
            "or another 'ANSI' encoding, which would garble accented and Chinese letters).",
            SAVE_AS_UTF8,
            line=line,
            value=f"bytes {bad}",
        )
    ]


def _delimiter(text: str) -> str:
    """The delimiter of the header line: the one of , ; tab that splits it into most names."""
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


# --- Which table a file holds ------------------------------------------------------------------


def _name_key(name: str) -> str:
    return name.strip().lower()


def guess_table(header: list[str], contract: Contract) -> Table | None:
    """The table whose columns the header matches best; None when it is unclear."""
    names = {_name_key(name) for name in header}
    scored = []
    for table in contract.tables:
        columns = {name.lower() for name in table.column_names}
        key = {name.lower() for name in table.primary_key}
        matched = len(names & columns)
        if key <= names and matched * 2 >= len(columns):
            # Prefer the table with most matches, then the fewest columns left unmatched.
            scored.append((matched, -len(columns - names), table))
    if not scored:
        return None
    scored.sort(key=lambda item: item[:2], reverse=True)
    if len(scored) > 1 and scored[0][:2] == scored[1][:2]:
        return None
    return scored[0][2]


def _table_from_name(name: str, contract: Contract) -> Table | None:
    stem = PurePosixPath(name).stem.strip().lower()
    for table in contract.tables:
        if stem in (table.name, PurePosixPath(table.filename).stem):
            return table
    return None


def _which_table(
    header: list[str], label: str, contract: Contract, chosen: str | None, name_hint: str
) -> tuple[Table | None, list[Problem]]:
    if chosen:
        return contract.table(chosen), []
    table = _table_from_name(name_hint, contract) or guess_table(header, contract)
    if table is not None:
        return table, []
    return None, [
        problem(
            Severity.FATAL,
            label,
            "Which table this file holds cannot be told from its column names.",
            "Choose the table when uploading (or use --table), or copy the header from that "
            "table's template: " + ", ".join(contract.table_names) + ".",
            line=1,
        )
    ]


# --- Normalising records -----------------------------------------------------------------------


def _normalise_header(
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
                problem(
                    Severity.WARNING,
                    label,
                    f"The column name is written {raw!r}; it was read as {canonical!r}.",
                    f"Write it exactly {canonical!r} next time.",
                    line=1,
                    column=canonical,
                    value=raw,
                )
            )
            name = canonical
        named.append(name)
    keep = []
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
            problems.append(
                problem(
                    Severity.ERROR,
                    label,
                    f"Column {position + 1} has values but no name on line 1 "
                    f"({counted(len(filled), 'cell')}).",
                    "Give the column a name on line 1 (any name the contract does not use is "
                    "kept as an extra column), or delete it.",
                    line=line,
                    column=f"(column {position + 1})",
                    value=value,
                )
            )
            keep.append(position)
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


def _normalise_cells(
    records: list[list[str]], table: Table, label: str, units: dict[str, str]
) -> tuple[list[list[str]], list[Problem]]:
    log = ProblemLog()
    header = records[0]
    rows = [list(record) for record in records[1:]]
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
                    problem(
                        Severity.ERROR,
                        label,
                        f"The cell holds {len(cell):,} characters; no cell may hold more than "
                        f"{MAX_CELL_CHARACTERS:,}.",
                        "Shorten it; put long texts in a source document and cite it.",
                        line=line,
                        column=name,
                        value=cell,
                    ),
                    "cell too long",
                )
                continue
            stripped = cell.strip()
            if len(stripped) > 1 and stripped[0] == "'" and stripped[1] in FORMULA_STARTS:
                # The app's own exports put this apostrophe in front of formula-like text.
                record[position] = stripped[1:]
                log.add(
                    problem(
                        Severity.WARNING,
                        label,
                        "The apostrophe in front of this text (which stops spreadsheets running "
                        "it as a formula) was removed; the text is stored as it reads.",
                        "",
                        line=line,
                        column=name,
                        value=cell,
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
                    problem(
                        Severity.WARNING,
                        label,
                        f"The thousands separators were removed: read as {record[position]}.",
                        "Write numbers without separators, e.g. 1200.",
                        line=line,
                        column=name,
                        value=value,
                    ),
                    "thousands",
                )
                continue
            match = PERCENT.match(value)
            if match and name in percent and _is_percent_row(percent[name], as_dict):
                record[position] = match.group(1)
                log.add(
                    problem(
                        Severity.WARNING,
                        label,
                        f"The % sign was removed (the unit is %): read as {match.group(1)}.",
                        "Write the figure without the % sign; the unit column says it is a "
                        "percentage.",
                        line=line,
                        column=name,
                        value=value,
                    ),
                    "percent",
                )
            elif match:
                log.add(
                    problem(
                        Severity.ERROR,
                        label,
                        "The value has a % sign, but this figure's unit is not %.",
                        "Write the figure in its unit without a % sign, or set the indicator's "
                        "unit to % if it is a percentage.",
                        line=line,
                        column=name,
                        value=value,
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
                problem(
                    Severity.ERROR,
                    label,
                    f"The column mixes date formats (YYYY-MM-DD and DD/MM/YYYY); most of its "
                    f"dates are {majority}, so this one cannot be trusted.",
                    "Write every date of the column the same way, preferably YYYY-MM-DD "
                    "(format the column as text first).",
                    line=line,
                    column=column.name,
                    value=rows[line - 2][position],
                ),
                "mixed dates",
            )
        return
    month_first = [(line, m) for line, m in day_first if int(m.group(3)) > 12]
    if month_first:
        for line, match in month_first:
            log.add(
                problem(
                    Severity.ERROR,
                    label,
                    f"The date cannot be day-first: month {int(match.group(3))} does not exist. "
                    "It looks month-first (US order), and the column cannot be read either way "
                    "without guessing.",
                    "Write the dates as YYYY-MM-DD, e.g. 2018-07-04 for 4 July 2018.",
                    line=line,
                    column=column.name,
                    value=match.group(0),
                ),
                "month first",
            )
        return
    for line, match in day_first:
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        converted = f"{year}-{month:02d}-{day:02d}"
        rows[line - 2][position] = converted
        log.add(
            problem(
                Severity.WARNING,
                label,
                f"The date is written day-first (DD/MM/YYYY, as UK Excel does); it was read as "
                f"{converted}.",
                "Write dates as YYYY-MM-DD to avoid any doubt between day and month.",
                line=line,
                column=column.name,
                value=match.group(0),
            ),
            "day first",
        )


# --- Files to records --------------------------------------------------------------------------


def _cell_text(value: object, number_format: str, is_date_column: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if is_date_column or value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        if "%" in (number_format or ""):
            # Excel stores 45% as 0.45; written back as the analyst sees it on screen.
            return f"{value * 100:.10g}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    return str(value)


def _archive_problem(data: bytes, label: str) -> tuple[zipfile.ZipFile | None, list[Problem]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None, [
            problem(
                Severity.FATAL,
                label,
                "The file looks like an XLSX or ZIP file but is damaged and cannot be opened.",
                "Open it in Excel and save it again, or save the sheet as 'CSV UTF-8'.",
            )
        ]
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES or len(members) > MAX_ARCHIVE_MEMBERS:
        return None, [
            problem(
                Severity.FATAL,
                label,
                f"The file unpacks to {unpacked / 1_048_576:.0f} MB in "
                f"{counted(len(members), 'part')}; "
                f"at most {MAX_UNPACKED_BYTES // 1_048_576} MB is accepted.",
                "Upload only the table being changed, without pictures, extra sheets or "
                "formatting, or save it as 'CSV UTF-8'.",
            )
        ]
    return archive, []


def _read_xlsx(
    data: bytes, label: str, contract: Contract, chosen: str | None
) -> tuple[list[tuple[str, str, list[list[str]], Table | None]], list[Problem]]:
    """(label, sheet, records, table) for each sheet that holds a table."""
    from openpyxl import load_workbook  # only needed for XLSX; keeps the CLI start-up quick

    archive, problems = _archive_problem(data, label)
    if archive is None:
        return [], problems
    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds of error for a broken workbook
        return [], [
            problem(
                Severity.FATAL,
                label,
                f"The workbook cannot be read ({type(error).__name__}).",
                "Open it in Excel and save it again as .xlsx, or save the sheet as 'CSV UTF-8'.",
            )
        ]
    sheets = [name for name in values.sheetnames if name.strip().lower() != TEMPLATE_HELP_SHEET]
    named = [name for name in sheets if _table_from_name(name, contract)]
    if not chosen and len(named) > 1:
        wanted = named
    else:
        wanted = sheets[:1]
    found = []
    for sheet in wanted:
        sheet_label = f"{label} [{sheet}]" if len(values.sheetnames) > 1 else label
        # Some writers record a wrong sheet size; read every row that is really there.
        values[sheet].reset_dimensions()
        formulas[sheet].reset_dimensions()
        value_rows = values[sheet].iter_rows()
        formula_rows = formulas[sheet].iter_rows()
        records: list[list[str]] = []
        table: Table | None = contract.table(chosen) if chosen else None
        date_columns: set[int] = set()
        for row_number, (cells, formula_cells) in enumerate(
            zip(value_rows, formula_rows, strict=False), start=1
        ):
            record = []
            for position, (cell, formula_cell) in enumerate(
                zip(cells, formula_cells, strict=False)
            ):
                if getattr(formula_cell, "data_type", None) == "f":
                    column = records[0][position] if records and position < len(records[0]) else ""
                    if cell.value is None:
                        problems.append(
                            problem(
                                Severity.ERROR,
                                sheet_label,
                                "The cell holds a formula whose result was never saved, so its "
                                "value is unknown.",
                                "Copy the column and use Paste Special > Values, then save.",
                                line=row_number,
                                column=column or None,
                                value=formula_cell.value,
                            )
                        )
                    else:
                        problems.append(
                            problem(
                                Severity.WARNING,
                                sheet_label,
                                "The cell holds a formula; its last calculated value was used.",
                                "Paste values instead of formulas to be sure of what is stored.",
                                line=row_number,
                                column=column or None,
                                value=formula_cell.value,
                            )
                        )
                number_format = getattr(cell, "number_format", "") or ""
                record.append(_cell_text(cell.value, number_format, position in date_columns))
            if row_number == 1:
                if table is None:
                    table = _table_from_name(sheet, contract) or guess_table(record, contract)
                if table is not None:
                    by_key = {name.lower(): table.column(name) for name in table.column_names}
                    date_columns = {
                        position
                        for position, name in enumerate(record)
                        if (column := by_key.get(_name_key(name))) and column.type == "date"
                    }
            records.append(record)
        # Formatting makes Excel keep empty rows and columns after the data: drop them.
        while records and not any(cell.strip() for cell in records[-1]):
            records.pop()
        if records:
            width = max(
                (i + 1 for record in records for i, cell in enumerate(record) if cell.strip()),
                default=0,
            )
            records = [(record + [""] * width)[:width] for record in records]
        found.append((sheet_label, sheet, records, table))
    values.close()
    formulas.close()
    return found, problems


def _not_a_table_file(data: bytes, label: str) -> Problem | None:
    for signature, what in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return problem(
                Severity.FATAL,
                label,
                f"The file is {what}, not a CSV or XLSX file (its name does not matter, its "
                "contents do).",
                "In Excel use File > Save As and choose 'Excel Workbook (.xlsx)' or "
                "'CSV UTF-8 (Comma delimited)'.",
            )
    sample = data[:8192]
    if not sample.startswith(UTF16_BOMS):
        controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
        if controls > max(8, len(sample) // 50):
            return problem(
                Severity.FATAL,
                label,
                "The file is not a CSV or XLSX file: it holds binary data, not text.",
                "Save the table from Excel as 'CSV UTF-8 (Comma delimited)' or as .xlsx.",
            )
    return None


def _size_problem(data: bytes, label: str) -> Problem | None:
    if not data.strip():
        return problem(
            Severity.FATAL,
            label,
            "The file is empty.",
            "Check that the right file was chosen and that it was saved before uploading.",
        )
    if len(data) > MAX_UPLOAD_BYTES:
        return problem(
            Severity.FATAL,
            label,
            f"The file is {len(data) / 1_048_576:.1f} MB; at most "
            f"{MAX_UPLOAD_BYTES // 1_048_576} MB is accepted.",
            "Upload one table at a time, without pictures or formatting, or save it as CSV.",
        )
    return None


def _add_table(
    upload: Upload,
    records: list[list[str]],
    label: str,
    table: Table,
    units: dict[str, str],
) -> None:
    if not records or not any(cell.strip() for cell in records[0]):
        upload.problems.append(
            problem(
                Severity.FATAL,
                label,
                "The file has no header: line 1 is blank.",
                f"Put the column names on line 1: {', '.join(table.column_names)}.",
                line=1,
            )
        )
        return
    if table.name in upload.tables:
        upload.problems.append(
            problem(
                Severity.FATAL,
                label,
                f"The upload holds the {table.name} table twice (also in "
                f"{upload.tables[table.name].label}).",
                "Keep one file per table.",
            )
        )
        return
    records, header_problems = _normalise_header(records, table, label)
    records, cell_problems = _normalise_cells(records, table, label, units)
    upload.problems.extend(header_problems + cell_problems)
    upload.tables[table.name] = UploadedTable(table, label, records)


def _read_text_file(
    upload: Upload,
    data: bytes,
    label: str,
    contract: Contract,
    chosen: str | None,
    units: dict[str, str],
) -> None:
    text, problems = decode_text(data, label)
    upload.problems.extend(problems)
    if text is None:
        return
    delimiter = _delimiter(text)
    records, problems = split_records(text, label, delimiter)
    upload.problems.extend(problems)
    if records is None:
        return
    if delimiter != ",":
        upload.problems.append(
            problem(
                Severity.WARNING,
                label,
                f"The cells are separated by {DELIMITERS[delimiter]}s, not commas; they were "
                "read as such.",
                "Nothing to do; 'CSV UTF-8 (Comma delimited)' avoids the question.",
            )
        )
    # Lines at the end with only separators on them are blank lines to a spreadsheet user.
    while len(records) > 1 and not any(cell.strip() for cell in records[-1]):
        records.pop()
        upload.problems.append(
            problem(
                Severity.WARNING,
                label,
                "A blank line at the end of the file was ignored.",
                "",
                line=len(records) + 1,
            )
        )
    header = records[0] if records else []
    table, problems = _which_table(header, label, contract, chosen, label)
    upload.problems.extend(problems)
    if table is not None:
        _add_table(upload, records, label, table, units)


def _read_one(
    upload: Upload,
    data: bytes,
    label: str,
    contract: Contract,
    chosen: str | None,
    units: dict[str, str],
    inside_zip: bool = False,
) -> None:
    if (size := _size_problem(data, label)) is not None:
        upload.problems.append(size)
        return
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        archive, problems = _archive_problem(data, label)
        if archive is None:
            upload.problems.extend(problems)
            return
        names = archive.namelist()
        if XLSX_MARKER in names:
            sheets, problems = _read_xlsx(data, label, contract, chosen)
            upload.problems.extend(problems)
            for sheet_label, sheet, records, table in sheets:
                if table is None:
                    table, more = _which_table(
                        records[0] if records else [], sheet_label, contract, chosen, sheet
                    )
                    upload.problems.extend(more)
                if table is not None:
                    _add_table(upload, records, sheet_label, table, units)
            return
        if inside_zip:
            upload.problems.append(
                problem(
                    Severity.FATAL,
                    label,
                    "A ZIP file inside the ZIP file is not read.",
                    "Put the CSV or XLSX files directly in one ZIP.",
                )
            )
            return
        _read_archive(upload, archive, label, contract, units)
        return
    if (binary := _not_a_table_file(data, label)) is not None:
        upload.problems.append(binary)
        return
    _read_text_file(upload, data, label, contract, chosen, units)


def _read_archive(
    upload: Upload, archive: zipfile.ZipFile, label: str, contract: Contract, units
) -> None:
    members = [
        member
        for member in archive.infolist()
        if not member.is_dir()
        and not PurePosixPath(member.filename).name.startswith((".", "~$"))
        and "__MACOSX" not in member.filename
    ]
    if not members:
        upload.problems.append(
            problem(
                Severity.FATAL,
                label,
                "The ZIP file holds no files.",
                "Put one CSV or XLSX file per table in the ZIP, named after the table "
                "(e.g. places.csv).",
            )
        )
        return
    for member in members:
        member_label = f"{PurePosixPath(label).name}/{member.filename}"
        if PurePosixPath(member.filename).name == "datapackage.json":
            continue  # the contract travels with a full download; the app's own one is used
        table = _table_from_name(member.filename, contract)
        with archive.open(member) as handle:
            data = handle.read(MAX_UPLOAD_BYTES + 1)
        _read_one(
            upload,
            data,
            member_label,
            contract,
            table.name if table else None,
            units,
            inside_zip=True,
        )


def read_upload(
    data: bytes,
    filename: str,
    contract: Contract | None = None,
    table: str | None = None,
    units: dict[str, str] | None = None,
) -> Upload:
    """Read an uploaded CSV, XLSX or ZIP (told apart by their bytes) into normalised tables.

    `table` is the analyst's choice for a single CSV or XLSX (else it is recognised from the
    columns); `units` maps indicator ids to their unit, so `45%` is read where the unit is %.
    """
    contract = contract or load_contract()
    upload = Upload()
    label = PurePosixPath(filename.replace("\\", "/")).name or "upload"
    _read_one(upload, data, label, contract, table, units or {})
    return upload


# --- The upload against the whole dataset -------------------------------------------------------


def records_to_csv(records: list[list[str]]) -> bytes:
    """The stored form of a table: UTF-8 without BOM, comma-separated, `\\n` line ends."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(records)
    return buffer.getvalue().encode("utf-8")


@dataclass
class Proposal:
    """A checked change: the files it would write and how they differ from the current ones."""

    problems: list[Problem]
    # File name -> the bytes to store, for each table the upload changes.
    files: dict[str, bytes]
    # File name -> sha256 of every table file when the check was made (for the optimistic check).
    base: dict[str, str]
    changes: dict[str, TableChanges]
    labels: dict[str, str]

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    @property
    def errors(self) -> list[Problem]:
        return sorted(
            (p for p in self.problems if p.severity is not Severity.WARNING), key=sort_key
        )

    @property
    def warnings(self) -> list[Problem]:
        return sorted((p for p in self.problems if p.severity is Severity.WARNING), key=sort_key)

    @property
    def has_changes(self) -> bool:
        return bool(self.files)


def indicator_units(files: dict[str, bytes], contract: Contract) -> dict[str, str]:
    """indicator_id -> unit in the current data (for `45%` in indicator values)."""
    table = contract.table("indicators")
    data = files.get(table.filename, b"")
    text = data.decode("utf-8-sig", errors="replace")
    return {
        row.get("indicator_id", ""): (row.get("unit") or "").strip()
        for row in csv.DictReader(io.StringIO(text))
    }


def _text_cells(raw: RawTable, typed: pd.DataFrame) -> pd.DataFrame:
    """The cells as they will be stored: stripped, with enum values in their listed capitals."""
    cells = raw.cells.apply(lambda column: column.str.strip()) if len(raw.cells) else raw.cells
    for column in raw.table.columns:
        if column.enum and column.name in typed and column.name in cells:
            cells[column.name] = (
                typed[column.name].astype("str").where(typed[column.name].notna(), "")
            )
    return cells


def _keep_number_text(cells: pd.DataFrame, old: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Keep a number's stored text when the upload has the same value written differently.

    A workbook gives 38.9 back for the stored 38.9000; that is no change, and the preview
    should not show one.
    """
    key = list(table.primary_key)
    if not key or any(name not in cells or name not in old for name in key) or not len(old):
        return cells
    old_by_key = old.set_index(key)
    if not old_by_key.index.is_unique:
        return cells
    cells = cells.copy()
    new_keys = pd.MultiIndex.from_frame(cells[key]) if len(key) > 1 else pd.Index(cells[key[0]])
    for column in table.columns:
        if column.type not in ("number", "integer") or column.name not in cells:
            continue
        if column.name not in old_by_key:
            continue
        before = old_by_key[column.name].reindex(new_keys)
        before.index = cells.index
        new_numbers = pd.to_numeric(cells[column.name], errors="coerce")
        old_numbers = pd.to_numeric(before, errors="coerce")
        same = (new_numbers == old_numbers).fillna(False) & (cells[column.name] != before)
        cells.loc[same, column.name] = before[same]
    return cells


def _stored_records(raw: RawTable, cells: pd.DataFrame) -> list[list[str]]:
    # The contract's columns in its order, then any extra columns as the analyst named them.
    names = [name for name in raw.table.column_names if name in cells] + raw.extra_columns
    return [names, *cells[names].astype("str").values.tolist()]


def validate_upload(
    upload: Upload, data_dir: Path | str, contract: Contract | None = None
) -> Proposal:
    """Check the uploaded tables together with the rest of the current dataset."""
    contract = contract or load_contract()
    data_dir = Path(data_dir)
    before = current_files(data_dir, contract)
    base = {table.filename: digest(before.get(table.filename, b"")) for table in contract.tables}
    problems = list(upload.problems)
    if not upload.readable:
        return Proposal(problems, {}, base, {}, {})

    log = ProblemLog()
    labels = {table.name: table.filename for table in contract.tables}
    raws: dict[str, RawTable] = {}
    old_raws: dict[str, RawTable] = {}
    for table in contract.tables:
        current_problems: list[Problem] = []
        if table.filename in before:
            old_raw, current_problems = read_table_bytes(
                before[table.filename], table, table.filename
            )
            if old_raw is not None:
                old_raws[table.name] = old_raw
        uploaded = upload.tables.get(table.name)
        if uploaded is not None:
            labels[table.name] = uploaded.label
            raw, more = read_table_records(uploaded.records, table, uploaded.label)
        else:
            # A table the upload leaves alone: its errors still count (the whole dataset must be
            # valid), its warnings are not the analyst's concern here.
            raw = old_raws.get(table.name)
            more = [p for p in current_problems if p.severity is not Severity.WARNING]
        problems.extend(more)
        if raw is not None:
            raws[table.name] = raw

    frames = {name: check_table(raw, labels[name], log) for name, raw in raws.items()}
    check_references(frames, contract, labels, log)
    untouched = {t.filename for t in contract.tables if t.name not in upload.tables}
    checked = [
        p for p in log.finish() if p.severity is not Severity.WARNING or p.file not in untouched
    ]
    problems.extend(_explain_removed_rows(checked, upload, old_raws, contract, labels))

    files: dict[str, bytes] = {}
    changes: dict[str, TableChanges] = {}
    if not has_errors(problems):
        for name in upload.tables:
            raw = raws[name]
            table = contract.table(name)
            cells = _text_cells(raw, frames[name])
            if name in old_raws:
                cells = _keep_number_text(cells, old_raws[name].cells, table)
            new_bytes = records_to_csv(_stored_records(raw, cells))
            if new_bytes == before.get(table.filename):
                continue
            files[table.filename] = new_bytes
            old_cells = old_raws[name].cells if name in old_raws else None
            changes[name] = diff_tables(old_cells, cells.reset_index(drop=True), table)
    return Proposal(problems, files, base, changes, labels)


def _explain_removed_rows(
    problems: list[Problem],
    upload: Upload,
    old_raws: dict[str, RawTable],
    contract: Contract,
    labels: dict[str, str],
) -> list[Problem]:
    """Reword unknown ids in tables the upload leaves alone: the upload removed those rows."""
    untouched = {labels[t.name]: t for t in contract.tables if t.name not in upload.tables}
    explained = []
    for found in problems:
        table = untouched.get(found.file)
        column = None
        if table is not None and found.column in table.column_names:
            column = table.column(found.column)
        reference = column.references if column is not None else None
        if (
            found.severity is Severity.ERROR
            and reference is not None
            and reference.table in upload.tables
            and reference.table in old_raws
            and found.value in set(old_raws[reference.table].cells[reference.column].str.strip())
        ):
            target = labels[reference.table]
            explained.append(
                Problem(
                    Severity.ERROR,
                    found.file,
                    found.line,
                    found.column,
                    found.value,
                    f"The upload removes {found.value!r} from {target}, but this row of "
                    f"{found.file} still refers to it.",
                    f"Keep the row {found.value!r} in {target}, or first change or remove this "
                    f"row of {found.file}.",
                )
            )
        else:
            explained.append(found)
    return explained


def report_frame(problems: list[Problem]) -> pd.DataFrame:
    """The validation report as a table (the Data page shows it; the analyst downloads it)."""
    rows = [p.as_row() for p in sorted(problems, key=sort_key)]
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    frame["line"] = frame["line"].astype("Int64")
    return frame


def prepare_rollback(
    data_dir: Path, number: int, contract: Contract | None = None
) -> tuple[list[Problem], dict[str, TableChanges]]:
    """Check that version `number` still passes today's checks, and what restoring it changes.

    Returns the errors (empty when it may be restored) and the changes against the current data.
    """
    import tempfile

    from components.changes import diff_files
    from components.loader import load_dataset
    from components.publishing import version_files

    contract = contract or load_contract()
    target = version_files(Path(data_dir), number)
    with tempfile.TemporaryDirectory() as folder:
        for name, data in target.items():
            (Path(folder) / name).write_bytes(data)
        problems = load_dataset(Path(folder), contract).problems
    errors = [p for p in problems if p.severity is not Severity.WARNING]
    return errors, diff_files(current_files(Path(data_dir), contract), target, contract)

"""Files to records: an uploaded CSV, XLSX workbook or ZIP of tables, told apart by its bytes.

Each table found becomes an `UploadedTable` of normalised text records; what stops a file being
read (empty, too large, a PDF, a damaged workbook, a ZIP inside a ZIP) is a fatal problem.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePosixPath

from components.contract import Contract, Table, load_contract
from components.problems import Problem, Severity, counted, shorten_value
from components.table_files import split_records
from components.templates import HELP_SHEET
from components.upload.decode import DELIMITERS, UTF16_BOMS, decode_text, find_delimiter
from components.upload.normalise import normalise_cells, normalise_header
from components.upload.recognise import guess_table, name_key, table_from_name, which_table

# Streamlit's own upload limit (`server.maxUploadSize`) is 10 MB; the command line uses the same.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# An XLSX or ZIP is compressed: a small file can unpack into gigabytes ("zip bomb").
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 200
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
XLSX_MARKER = "xl/workbook.xml"


@dataclass
class UploadedTable:
    """One table read from an upload: normalised text records, header first."""

    table: Table
    label: str  # how the analyst knows the file: name, sheet or archive member
    records: list[list[str]]


@dataclass
class Upload:
    """Everything read from one upload: its tables by name, and what was found on the way."""

    tables: dict[str, UploadedTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return bool(self.tables) and not any(p.severity is Severity.FATAL for p in self.problems)


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
            Problem(
                severity=Severity.FATAL,
                file=label,
                problem="The file looks like an XLSX or ZIP file but is damaged and cannot be "
                "opened.",
                fix="Open it in Excel and save it again, or save the sheet as 'CSV UTF-8'.",
            )
        ]
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES or len(members) > MAX_ARCHIVE_MEMBERS:
        return None, [
            Problem(
                severity=Severity.FATAL,
                file=label,
                problem=f"The file unpacks to {unpacked / 1_048_576:.0f} MB in "
                f"{counted(len(members), 'part')}; "
                f"at most {MAX_UNPACKED_BYTES // 1_048_576} MB is accepted.",
                fix="Upload only the table being changed, without pictures, extra sheets or "
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
            Problem(
                severity=Severity.FATAL,
                file=label,
                problem=f"The workbook cannot be read ({type(error).__name__}).",
                fix="Open it in Excel and save it again as .xlsx, or save the sheet as 'CSV "
                "UTF-8'.",
            )
        ]
    sheets = [name for name in values.sheetnames if name.strip().lower() != HELP_SHEET]
    named = [name for name in sheets if table_from_name(name, contract)]
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
                            Problem(
                                severity=Severity.ERROR,
                                file=sheet_label,
                                line=row_number,
                                column=column or None,
                                value=shorten_value(formula_cell.value),
                                problem="The cell holds a formula whose result was never saved, "
                                "so its value is unknown.",
                                fix="Copy the column and use Paste Special > Values, then save.",
                            )
                        )
                    else:
                        problems.append(
                            Problem(
                                severity=Severity.WARNING,
                                file=sheet_label,
                                line=row_number,
                                column=column or None,
                                value=shorten_value(formula_cell.value),
                                problem="The cell holds a formula; its last calculated value was "
                                "used.",
                                fix="Paste values instead of formulas to be sure of what is "
                                "stored.",
                            )
                        )
                number_format = getattr(cell, "number_format", "") or ""
                record.append(_cell_text(cell.value, number_format, position in date_columns))
            if row_number == 1:
                if table is None:
                    table = table_from_name(sheet, contract) or guess_table(record, contract)
                if table is not None:
                    by_key = {name.lower(): table.column(name) for name in table.column_names}
                    date_columns = {
                        position
                        for position, name in enumerate(record)
                        if (column := by_key.get(name_key(name))) and column.type == "date"
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
            return Problem(
                severity=Severity.FATAL,
                file=label,
                problem=f"The file is {what}, not a CSV or XLSX file (its name does not matter, "
                "its contents do).",
                fix="In Excel use File > Save As and choose 'Excel Workbook (.xlsx)' or "
                "'CSV UTF-8 (Comma delimited)'.",
            )
    sample = data[:8192]
    if not sample.startswith(UTF16_BOMS):
        controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
        if controls > max(8, len(sample) // 50):
            return Problem(
                severity=Severity.FATAL,
                file=label,
                problem="The file is not a CSV or XLSX file: it holds binary data, not text.",
                fix="Save the table from Excel as 'CSV UTF-8 (Comma delimited)' or as .xlsx.",
            )
    return None


def _size_problem(data: bytes, label: str) -> Problem | None:
    if not data.strip():
        return Problem(
            severity=Severity.FATAL,
            file=label,
            problem="The file is empty.",
            fix="Check that the right file was chosen and that it was saved before uploading.",
        )
    if len(data) > MAX_UPLOAD_BYTES:
        return Problem(
            severity=Severity.FATAL,
            file=label,
            problem=f"The file is {len(data) / 1_048_576:.1f} MB; at most "
            f"{MAX_UPLOAD_BYTES // 1_048_576} MB is accepted.",
            fix="Upload one table at a time, without pictures or formatting, or save it as CSV.",
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
            Problem(
                severity=Severity.FATAL,
                file=label,
                line=1,
                problem="The file has no header: line 1 is blank.",
                fix=f"Put the column names on line 1: {', '.join(table.column_names)}.",
            )
        )
        return
    if table.name in upload.tables:
        upload.problems.append(
            Problem(
                severity=Severity.FATAL,
                file=label,
                problem=f"The upload holds the {table.name} table twice (also in "
                f"{upload.tables[table.name].label}).",
                fix="Keep one file per table.",
            )
        )
        return
    records, header_problems = normalise_header(records, table, label)
    records, cell_problems = normalise_cells(records, table, label, units)
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
    delimiter = find_delimiter(text)
    records, problems = split_records(text, label, delimiter)
    upload.problems.extend(problems)
    if records is None:
        return
    if delimiter != ",":
        upload.problems.append(
            Problem(
                severity=Severity.WARNING,
                file=label,
                problem=f"The cells are separated by {DELIMITERS[delimiter]}s, not commas; they "
                "were read as such.",
                fix="Nothing to do; 'CSV UTF-8 (Comma delimited)' avoids the question.",
            )
        )
    # Lines at the end with only separators on them are blank lines to a spreadsheet user.
    while len(records) > 1 and not any(cell.strip() for cell in records[-1]):
        records.pop()
        upload.problems.append(
            Problem(
                severity=Severity.WARNING,
                file=label,
                line=len(records) + 1,
                problem="A blank line at the end of the file was ignored.",
                fix="",
            )
        )
    header = records[0] if records else []
    table, problems = which_table(header, label, contract, chosen, label)
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
                    table, more = which_table(
                        records[0] if records else [], sheet_label, contract, chosen, sheet
                    )
                    upload.problems.extend(more)
                if table is not None:
                    _add_table(upload, records, sheet_label, table, units)
            return
        if inside_zip:
            upload.problems.append(
                Problem(
                    severity=Severity.FATAL,
                    file=label,
                    problem="A ZIP file inside the ZIP file is not read.",
                    fix="Put the CSV or XLSX files directly in one ZIP.",
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
            Problem(
                severity=Severity.FATAL,
                file=label,
                problem="The ZIP file holds no files.",
                fix="Put one CSV or XLSX file per table in the ZIP, named after the table "
                "(e.g. places.csv).",
            )
        )
        return
    for member in members:
        member_label = f"{PurePosixPath(label).name}/{member.filename}"
        if PurePosixPath(member.filename).name == "datapackage.json":
            continue  # the contract travels with a full download; the app's own one is used
        table = table_from_name(member.filename, contract)
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

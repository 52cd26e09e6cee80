"""Files to records: an uploaded CSV, XLSX workbook or ZIP of tables, told apart by its bytes.

Each table found becomes an `UploadedTable` of normalised text records; what stops a file being
read (empty, too large, a PDF, a damaged workbook or ZIP, a ZIP inside a ZIP, a sheet whose cells
reach far outside its table) is a fatal problem naming the file and the fix, never a traceback.

A compressed file is never trusted for what it says about itself: a ZIP's sizes are measured by
unpacking with a bound, and a sheet's size by its cells that hold a value (see `_scan_sheet`),
not by the `dimension` its writer recorded.
"""

from __future__ import annotations

import io
import lzma
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePosixPath
from xml.etree import ElementTree

from components.contract import Contract, Table, load_contract
from components.limits import (
    MAX_ARCHIVE_MEMBERS,
    MAX_EXTRA_COLUMNS,
    MAX_SHEET_CELLS,
    MAX_UNPACKED_BYTES,
    MAX_UPLOAD_BYTES,
    SHEET_COLUMN_SLACK,
)
from components.problems import Listed, Message, Problem, Quoted, Severity, shorten_value
from components.table_files import split_records
from components.templates import is_help_sheet
from components.upload.decode import (
    DELIMITERS,
    UTF16_BOMS,
    decode_text,
    find_delimiter,
    lost_letters,
    read_as_windows_1252,
)
from components.upload.normalise import normalise_cells, normalise_header
from components.upload.recognise import guess_table, name_key, table_from_name, which_table

__all__ = [  # the limits are imported from here by older callers
    "MAX_ARCHIVE_MEMBERS",
    "MAX_UNPACKED_BYTES",
    "MAX_UPLOAD_BYTES",
    "Upload",
    "UploadedTable",
    "read_upload",
]

# Byte signatures of files analysts sometimes pick by mistake, and the key naming each kind.
BINARY_SIGNATURES = {
    b"\xd0\xcf\x11\xe0": "problem.file_kind.old_office",
    b"%PDF": "problem.file_kind.pdf",
    b"\x89PNG": "problem.file_kind.png",
    b"\xff\xd8\xff": "problem.file_kind.jpeg",
    b"GIF8": "problem.file_kind.gif",
    b"\x1f\x8b": "problem.file_kind.gzip",
    b"7z\xbc\xaf": "problem.file_kind.seven_zip",
    b"Rar!": "problem.file_kind.rar",
}
XLSX_MARKER = "xl/workbook.xml"
OFFICE_MARKER = "[Content_Types].xml"  # every Office Open XML file has it
OTHER_OFFICE_FILES = {
    "word/document.xml": "problem.file_kind.word",
    "ppt/presentation.xml": "problem.file_kind.powerpoint",
}
# What Python's zipfile unpacks; 7-Zip's AES and Deflate64 (Windows, large folders) are not.
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
# What a damaged or cut-short member raises while it is unpacked.
UNPACK_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError)
# The keys of fixes several problems share.
REMAKE_ZIP = "problem.fix_remake_zip"
RESAVE_WORKBOOK = "problem.fix_resave_workbook"
CLEAR_FAR_CELLS = "problem.fix_clear_far_cells"
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")
SPREADSHEET_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


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


def _fatal(
    label: str, problem: Message, fix: Message, value: object = None, line: int | None = None
):
    return Problem(
        severity=Severity.FATAL,
        file=label,
        line=line,
        value=None if value is None else shorten_value(value),
        problem=problem,
        fix=fix,
    )


def _unpacked_size(archive: zipfile.ZipFile) -> int:
    """What the members really unpack to, read with a bound: at most MAX_UNPACKED_BYTES + 1.

    The sizes an archive declares can lie both ways, so they are never added up; a member that
    is cut short, changed or wrongly sized fails its check sum here, before anything reads it.
    """
    total = 0
    for member in archive.infolist():
        with archive.open(member) as handle:
            while chunk := handle.read(min(1 << 20, MAX_UNPACKED_BYTES + 1 - total)):
                total += len(chunk)
                if total > MAX_UNPACKED_BYTES:
                    return total
    return total


def _open_archive(data: bytes, label: str) -> tuple[zipfile.ZipFile | None, list[Problem]]:
    """The ZIP (or XLSX, which is one) opened and every member unpacked once, or why not."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None, [
            _fatal(
                label,
                Message("problem.damaged_archive"),
                Message("problem.fix_damaged_archive"),
            )
        ]
    names = {member.filename for member in members}
    workbook = XLSX_MARKER in names or OFFICE_MARKER in names
    what, fix = (
        (Message("problem.what_workbook"), Message(RESAVE_WORKBOOK))
        if workbook
        else (Message("problem.what_zip"), Message(REMAKE_ZIP))
    )
    if len(members) > MAX_ARCHIVE_MEMBERS:
        return None, [
            _fatal(
                label,
                Message(
                    "problem.too_many_parts",
                    what=what,
                    count=len(members),
                    limit=MAX_ARCHIVE_MEMBERS,
                ),
                Message("problem.fix_too_many_parts"),
            )
        ]
    for member in members:
        if member.flag_bits & 0x1:
            return None, [
                _fatal(
                    label,
                    Message("problem.password", what=what, part=Quoted(member.filename)),
                    fix,
                    value=member.filename,
                )
            ]
        if member.compress_type not in READABLE_METHODS:
            return None, [
                _fatal(
                    label,
                    Message(
                        "problem.compression",
                        what=what,
                        method=member.compress_type,
                        part=Quoted(member.filename),
                    ),
                    fix,
                    value=member.filename,
                )
            ]
    try:
        unpacked = _unpacked_size(archive)
    except UNPACK_ERRORS + (RuntimeError, NotImplementedError):
        return None, [
            _fatal(
                label,
                Message("problem.damaged_part", what=what),
                fix,
            )
        ]
    if unpacked > MAX_UNPACKED_BYTES:
        return None, [
            _fatal(
                label,
                Message(
                    "problem.unpacks_too_large",
                    count=len(members),
                    megabytes=MAX_UNPACKED_BYTES // 1_048_576,
                ),
                Message("problem.fix_unpacks_too_large"),
            )
        ]
    if OFFICE_MARKER in names and XLSX_MARKER not in names:
        kind = next((kind for part, kind in OTHER_OFFICE_FILES.items() if part in names), None)
        return None, [
            _fatal(
                label,
                Message(
                    "problem.not_a_workbook",
                    kind=Message(kind or "problem.file_kind.office_without_workbook"),
                ),
                Message(RESAVE_WORKBOOK if kind is None else "problem.fix_put_in_excel"),
            )
        ]
    return archive, []


def _local(tag: str) -> str:
    """An XML tag without its namespace: writers use the transitional or the strict one."""
    return tag.rpartition("}")[2]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's name and the archive member holding its cells, from the workbook's links."""
    targets = {}
    with archive.open("xl/_rels/workbook.xml.rels") as source:
        for element in ElementTree.parse(source).iter():
            if _local(element.tag) == "Relationship":
                target = element.get("Target", "")
                if target.startswith("/"):
                    target = target.lstrip("/")
                else:
                    target = posixpath.normpath(posixpath.join("xl", target))
                targets[element.get("Id")] = target
    parts = {}
    with archive.open(XLSX_MARKER) as source:
        for element in ElementTree.parse(source).iter():
            if _local(element.tag) == "sheet":
                link = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
                parts[element.get("name", "")] = targets.get(link, "")
    return parts


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


CELL_KINDS = {"n": "number", "b": "boolean", "s": "shared_text"}


def _fits_its_type(kind: str, text: str) -> bool:
    """Whether a stored value can be read as the type its cell declares (as openpyxl reads it)."""
    try:
        if kind == "n":
            float(text) if any(mark in text for mark in ".eE") else int(text)
        elif kind in ("b", "s"):
            int(text)
    except ValueError:
        return False
    return True


@dataclass
class SheetExtent:
    """What a sheet really holds: the grid up to its last value, or why it is refused."""

    rows: int = 0
    columns: int = 0
    problem: Problem | None = None


def _scan_sheet(source, label: str, sheet: str, column_cap: int) -> SheetExtent:
    """The rows and columns up to the last cell holding a value (or a formula).

    Read as a stream, one row at a time, before openpyxl allocates anything: its read-only mode
    trusts the `dimension` a writer recorded, or without it makes every row as wide as its
    rightmost cell, so one value at XFD1048576 asked for a grid of 17 billion cells. Empty cells
    that only carry a format cost nothing here and are not part of the grid. A value right of
    `column_cap`, or one that makes the grid larger than MAX_SHEET_CELLS, is far outside the
    table and refuses the sheet; so does a value that does not fit its cell's type (text in a
    number cell, as a broken link to another workbook leaves), which openpyxl cannot read.
    """
    extent = SheetExtent()
    sheet_data = None
    row_number = column = 0
    for event, element in ElementTree.iterparse(source, events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "sheetData":
                sheet_data = element
            elif tag == "row":
                row_number = int(element.get("r") or row_number + 1)
                column = 0
            continue
        if tag == "row" and sheet_data is not None:
            sheet_data.clear()  # the row is done: keep memory flat over a million rows
            continue
        if tag != "c":
            continue
        reference = element.get("r")
        if reference:
            match = CELL_REFERENCE.fullmatch(reference)
            if match is None:
                raise ValueError(f"cell reference {reference!r}")
            column, row_number = _column_number(match[1]), int(match[2])
        else:
            column += 1
            reference = f"{_column_letters(column)}{row_number}"
        children = {_local(child.tag): child for child in element}
        stored = children["v"].text if "v" in children else None
        if "f" in children:
            value = f"={children['f'].text or ''}"
        elif "is" in children:
            value = "".join(children["is"].itertext())
        else:
            value = stored
        if value is None:
            continue
        kind = element.get("t", "n")
        if stored is not None and not _fits_its_type(kind, stored):
            extent.problem = _fatal(
                label,
                Message(
                    "problem.cell_type",
                    cell=reference,
                    sheet=Quoted(sheet),
                    # Only these three types can hold a value that does not fit them.
                    kind=Message(f"problem.cell_kind.{CELL_KINDS[kind]}"),
                    stored=Quoted(stored),
                ),
                Message("problem.fix_cell_type"),
                value=stored,
                line=row_number,
            )
            return extent
        columns = max(extent.columns, column)
        if column > column_cap or row_number * columns > MAX_SHEET_CELLS:
            extent.problem = _fatal(
                label,
                Message(
                    "problem.far_cell",
                    cell=reference,
                    sheet=Quoted(sheet),
                    end=f"{_column_letters(extent.columns) or 'A'}{extent.rows}",
                    last_column=_column_letters(column_cap),
                    limit=MAX_SHEET_CELLS,
                ),
                Message(CLEAR_FAR_CELLS),
                value=value,
                line=row_number,
            )
            return extent
        extent.rows, extent.columns = max(extent.rows, row_number), columns
    return extent


def _column_cap(contract: Contract) -> int:
    """The rightmost column a sheet may use: the widest table, its extra columns and a margin."""
    widest = max(len(table.column_names) for table in contract.tables)
    return widest + MAX_EXTRA_COLUMNS + SHEET_COLUMN_SLACK


def _read_xlsx(
    data: bytes, archive: zipfile.ZipFile, label: str, contract: Contract, chosen: str | None
) -> tuple[list[tuple[str, str, list[list[str]], Table | None]], list[Problem]]:
    """(label, sheet, records, table) for each sheet that holds a table."""
    from openpyxl import load_workbook  # only needed for XLSX; keeps the CLI start-up quick

    try:
        values = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        parts = _sheet_parts(archive)
    except Exception as error:  # openpyxl raises many kinds of error for a broken workbook
        return [], [
            _fatal(
                label,
                Message("problem.workbook_unreadable", error=type(error).__name__),
                Message(RESAVE_WORKBOOK),
            )
        ]
    sheets = [name for name in values.sheetnames if not is_help_sheet(name)]
    named = [name for name in sheets if table_from_name(name, contract)]
    wanted = named if not chosen and len(named) > 1 else sheets[:1]
    found, problems = [], []
    for sheet in wanted:
        sheet_label = f"{label} [{sheet}]" if len(values.sheetnames) > 1 else label
        try:
            with archive.open(parts[sheet]) as source:
                extent = _scan_sheet(source, sheet_label, sheet, _column_cap(contract))
            records = _sheet_records(
                values[sheet], formulas[sheet], extent, sheet, sheet_label, contract, chosen
            )
        except Exception as error:  # a sheet that is not XML, or that openpyxl cannot read
            problems.append(
                _fatal(
                    sheet_label,
                    Message(
                        "problem.sheet_unreadable", sheet=Quoted(sheet), error=type(error).__name__
                    ),
                    Message(RESAVE_WORKBOOK),
                )
            )
            continue
        if extent.problem is not None:
            problems.append(extent.problem)
            continue
        table, sheet_records, sheet_problems = records
        problems.extend(sheet_problems)
        found.append((sheet_label, sheet, sheet_records, table))
    values.close()
    formulas.close()
    return found, problems


def _sheet_records(
    values, formulas, extent: SheetExtent, sheet: str, label: str, contract, chosen
) -> tuple[Table | None, list[list[str]], list[Problem]]:
    """The sheet's grid as text, read only over the rows and columns `_scan_sheet` measured."""
    table: Table | None = contract.table(chosen) if chosen else None
    records: list[list[str]] = []
    problems: list[Problem] = []
    if extent.problem is not None or not extent.rows:
        return table, records, problems
    # The bounds make openpyxl ignore the sheet's recorded size (it can lie) and stop reading
    # after the last value, however many formatted rows follow it.
    bounds = {"min_row": 1, "max_row": extent.rows, "min_col": 1, "max_col": extent.columns}
    date_columns: set[int] = set()
    for row_number, (cells, formula_cells) in enumerate(
        zip(values.iter_rows(**bounds), formulas.iter_rows(**bounds), strict=False), start=1
    ):
        record = []
        for position, (cell, formula_cell) in enumerate(zip(cells, formula_cells, strict=False)):
            if getattr(formula_cell, "data_type", None) == "f":
                problems.append(
                    _formula_problem(records, position, cell, formula_cell, label, row_number)
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
    return table, records, problems


def _formula_problem(records, position, cell, formula_cell, label, row_number) -> Problem:
    column = records[0][position] if records and position < len(records[0]) else ""
    if cell.value is None:
        return Problem(
            severity=Severity.ERROR,
            file=label,
            line=row_number,
            column=column or None,
            value=shorten_value(formula_cell.value),
            problem=Message("problem.formula_unsaved"),
            fix=Message("problem.fix_formula_unsaved"),
        )
    return Problem(
        severity=Severity.WARNING,
        file=label,
        line=row_number,
        column=column or None,
        value=shorten_value(formula_cell.value),
        problem=Message("problem.formula"),
        fix=Message("problem.fix_formula"),
    )


def _not_a_table_file(data: bytes, label: str) -> Problem | None:
    for signature, what in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return Problem(
                severity=Severity.FATAL,
                file=label,
                problem=Message("problem.not_a_table_file", kind=Message(what)),
                fix=Message("problem.fix_not_a_table_file"),
            )
    sample = data[:8192]
    if not sample.startswith(UTF16_BOMS):
        controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
        if controls > max(8, len(sample) // 50):
            return Problem(
                severity=Severity.FATAL,
                file=label,
                problem=Message("problem.binary"),
                fix=Message("problem.fix_binary"),
            )
    return None


def _size_problem(data: bytes, label: str) -> Problem | None:
    if not data.strip():
        return Problem(
            severity=Severity.FATAL,
            file=label,
            problem=Message("problem.empty_file"),
            fix=Message("problem.fix_empty_file"),
        )
    if len(data) > MAX_UPLOAD_BYTES:
        return Problem(
            severity=Severity.FATAL,
            file=label,
            problem=Message(
                "problem.file_too_large",
                megabytes=f"{len(data) / 1_048_576:.1f}",
                limit=MAX_UPLOAD_BYTES // 1_048_576,
            ),
            fix=Message("problem.fix_file_too_large"),
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
                problem=Message("problem.no_header"),
                fix=Message("problem.fix_header", columns=Listed(tuple(table.column_names))),
            )
        )
        return
    if table.name in upload.tables:
        upload.problems.append(
            Problem(
                severity=Severity.FATAL,
                file=label,
                problem=Message(
                    "problem.table_twice", table=table.name, other=upload.tables[table.name].label
                ),
                fix=Message("problem.fix_table_twice"),
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
    windows_1252 = read_as_windows_1252(problems)
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
                problem=Message(f"problem.delimiter_{DELIMITERS[delimiter]}"),
                fix=Message("problem.fix_delimiter"),
            )
        )
    # Lines at the end with only separators on them are blank lines to a spreadsheet user.
    # Counted, not listed: a file can end in millions of them.
    last = len(records)
    while len(records) > 1 and not any(cell.strip() for cell in records[-1]):
        records.pop()
    if len(records) < last:
        first = len(records) + 1
        upload.problems.append(
            Problem(
                severity=Severity.WARNING,
                file=label,
                line=first,
                problem=Message(
                    "problem.blank_lines_at_end", count=last - first + 1, first=first, last=last
                ),
                fix="",
            )
        )
    if windows_1252:
        upload.problems.extend(lost_letters(records, label))
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
        archive, problems = _open_archive(data, label)
        if archive is None:
            upload.problems.extend(problems)
            return
        names = archive.namelist()
        if XLSX_MARKER in names:
            sheets, problems = _read_xlsx(data, archive, label, contract, chosen)
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
                    problem=Message("problem.zip_in_zip"),
                    fix=Message("problem.fix_zip_in_zip"),
                )
            )
            return
        _read_archive(upload, archive, label, contract, units)
        return
    if (binary := _not_a_table_file(data, label)) is not None:
        upload.problems.append(binary)
        return
    _read_text_file(upload, data, label, contract, chosen, units)


def _outside_the_zip(name: str) -> bool:
    """A member name that would be written outside a folder the ZIP is unpacked into."""
    path = name.replace("\\", "/")
    return (
        path.startswith("/") or re.match(r"[A-Za-z]:", path) is not None or ".." in path.split("/")
    )


def _read_archive(
    upload: Upload, archive: zipfile.ZipFile, label: str, contract: Contract, units
) -> None:
    members = []
    for member in archive.infolist():
        # Windows tools write `folder\places.csv`: the same path as `folder/places.csv`.
        name = member.filename.replace("\\", "/")
        if _outside_the_zip(member.filename):
            upload.problems.append(
                _fatal(
                    label,
                    Message("problem.outside_the_zip", name=Quoted(member.filename)),
                    Message(REMAKE_ZIP),
                    value=member.filename,
                )
            )
            continue
        parts = PurePosixPath(name).parts
        hidden = not parts or parts[-1].startswith((".", "~$")) or "__MACOSX" in parts
        if not member.is_dir() and not name.endswith("/") and not hidden:
            members.append((name, member))
    if not members and not upload.problems:
        upload.problems.append(
            _fatal(
                label,
                Message("problem.empty_zip"),
                Message("problem.fix_empty_zip"),
            )
        )
        return
    for name, member in members:
        member_label = f"{PurePosixPath(label).name}/{name}"
        if PurePosixPath(name).name == "datapackage.json":
            continue  # the contract travels with a full download; the app's own one is used
        table = table_from_name(name, contract)
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

"""Files analysts download from the Data page: templates made from the contract, and the data.

A template has the contract's header and one example row (the contract's `example` values); the
XLSX template adds a sheet describing every column. Every file goes through `components.exports`,
so no text in it can run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

import pandas as pd

from components.contract import Contract, Table
from components.exports import Sheet, csv_bytes, safe_csv_rows, write_xlsx, xlsx_bytes
from components.table_files import read_table_records, split_records

# The sheet that describes the columns; components.upload.readers never reads it as data.
HELP_SHEET = "columns"
TYPE_WORDS = {
    "string": "text",
    "number": "number (digits, '.' for decimals)",
    "integer": "whole number",
    "date": "date, YYYY-MM-DD",
    "list": "ids separated by ';'",
}


def number_columns(table: Table) -> list[str]:
    """Columns holding numbers, kept as written in exports (they cannot be formulas)."""
    return [c.name for c in table.columns if c.type in ("number", "integer")]


def example_frame(table: Table) -> pd.DataFrame:
    return pd.DataFrame([{c.name: c.example for c in table.columns}], dtype="str")


def column_guide(table: Table) -> pd.DataFrame:
    rows = []
    for column in table.columns:
        allowed = ", ".join(column.enum)
        if column.references is not None:
            allowed = allowed or (
                f"a {column.references.column} from {column.references.table}.csv"
            )
        if column.minimum is not None or column.maximum is not None:
            allowed = allowed or f"from {column.minimum} to {column.maximum}"
        if column.pattern and not allowed:
            allowed = "lower-case letters, digits and hyphens"
        rows.append(
            {
                "column": column.name,
                "type": TYPE_WORDS.get(column.type, column.type),
                "required": "yes" if column.required else "no",
                "allowed values": allowed,
                "max length": "" if column.max_length is None else str(column.max_length),
                "description": column.description,
                "example": column.example,
            }
        )
    return pd.DataFrame(rows, dtype="str")


def template_csv(table: Table) -> bytes:
    return csv_bytes(example_frame(table), numbers=number_columns(table))


def template_xlsx(table: Table) -> bytes:
    return xlsx_bytes(
        {table.name: example_frame(table), HELP_SHEET: column_guide(table)},
        numbers={table.name: number_columns(table)},
    )


def stored_cells(data: bytes, table: Table) -> pd.DataFrame:
    """A stored data file's cells as text, in file order."""
    records, _ = split_records(data.decode("utf-8-sig"), table.filename)
    raw, _ = read_table_records(records or [], table, table.filename)
    if raw is None:
        return pd.DataFrame(columns=table.column_names, dtype="str")
    return raw.cells.reset_index(drop=True)


def _stored_records(data: bytes) -> tuple[list[str], Iterator[list[str]]]:
    """A stored data file's header and rows, read as the file goes: the stored form is one
    UTF-8 CSV written by `publishing`, so the plain CSV reader reads it exactly (a broken,
    hand-edited file is still handed out as it is: the Data page offers it to fix)."""
    # Decoded as it is read: the whole text at once would be another copy of the file.
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", errors="replace", newline="")
    rows = csv.reader(text)
    header = next(rows, [])
    return header, rows


def data_csv(data: bytes, table: Table) -> bytes:
    """A stored table as a download: formula-safe, with a BOM so Excel reads Chinese text."""
    header, rows = _stored_records(data)
    return safe_csv_rows(header, rows, numbers=number_columns(table))


def data_xlsx(files: dict[str, bytes], contract: Contract) -> bytes:
    """Every table as a sheet of one workbook, written row by row."""

    def sheets() -> Iterator[Sheet]:
        for table in contract.tables:
            if table.filename in files:
                header, rows = _stored_records(files[table.filename])
                yield Sheet(table.name, header, rows, number_columns(table))

    return write_xlsx(sheets())


def data_zip(files: dict[str, bytes], contract: Contract) -> bytes:
    """Every table as a formula-safe CSV in one ZIP, which the Data page also accepts back."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in contract.tables:
            if table.filename in files:
                archive.writestr(table.filename, data_csv(files[table.filename], table))
    return buffer.getvalue()

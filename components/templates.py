"""Files analysts download from the Data page: templates made from the contract, and the data.

A template has the contract's header and one example row (the contract's `example` values); the
XLSX template adds a sheet describing every column, in the page's language. Every file goes
through `components.exports`, so no text in it can run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

import pandas as pd

from components.contract import Column, Contract, Table
from components.exports import Sheet, csv_bytes, safe_csv_rows, write_xlsx, xlsx_bytes
from components.i18n import BILINGUAL, LANGUAGES, Bilingual, join, stacked, translate
from components.table_files import read_table_records, split_records

# The sheet that describes the columns, named in the template's language;
# components.upload.readers never reads a sheet of any of these names as data.
HELP_SHEET = "columns"
GUIDE_COLUMNS = ("column", "type", "required", "allowed", "max_length", "description", "example")


def help_sheet(language: str = "en") -> str:
    return stacked(translate("template.sheet", language), " ")


def is_help_sheet(name: str) -> bool:
    """Whether a workbook's sheet is a template's column guide (in any language)."""
    return name.strip().lower() in {help_sheet(language).lower() for language in LANGUAGES}


def number_columns(table: Table) -> list[str]:
    """Columns holding numbers, kept as written in exports (they cannot be formulas)."""
    return [c.name for c in table.columns if c.type in ("number", "integer")]


def example_frame(table: Table) -> pd.DataFrame:
    return pd.DataFrame([{c.name: c.example for c in table.columns}], dtype="str")


def _allowed(column: Column, language: str) -> str:
    """The values a column takes, in the analyst's words."""
    if column.enum:
        return join(column.enum, language)
    if column.references is not None:
        reference = column.references
        return translate(
            "template.reference", language, column=reference.column, file=f"{reference.table}.csv"
        )
    low, high = column.minimum, column.maximum
    if low is not None and high is not None:
        return translate("template.range", language, low=low, high=high)
    if low is not None:
        return translate("template.at_least", language, low=low)
    if high is not None:
        return translate("template.at_most", language, high=high)
    if column.pattern:
        return translate("template.pattern", language)
    return ""


def column_guide(table: Table, language: str = "en") -> pd.DataFrame:
    """One row per column: its type, whether required, its values, its description and its
    example, in `language` (in English + 中文 each text on two lines, English first)."""
    rows = []
    for column in table.columns:
        description = Bilingual(column.description, column.description_zh or column.description)
        texts = {
            "column": column.name,
            "type": translate(f"template.type.{column.type}", language, separator=";"),
            "required": translate(f"template.{'yes' if column.required else 'no'}", language),
            "allowed": _allowed(column, language),
            "max_length": "" if column.max_length is None else str(column.max_length),
            "description": description if language == BILINGUAL else getattr(description, language),
            "example": column.example,
        }
        rows.append({name: stacked(text) for name, text in texts.items()})
    headings = {
        name: stacked(translate(f"template.{name}", language, table=table.name))
        for name in GUIDE_COLUMNS
    }
    return pd.DataFrame(rows, columns=list(GUIDE_COLUMNS), dtype="str").rename(columns=headings)


def template_csv(table: Table) -> bytes:
    return csv_bytes(example_frame(table), numbers=number_columns(table))


def template_xlsx(table: Table, language: str = "en") -> bytes:
    """The table's header and example row, and a sheet describing every column in `language`."""
    return xlsx_bytes(
        {table.name: example_frame(table), help_sheet(language): column_guide(table, language)},
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

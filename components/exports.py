"""Files the app hands to users (CSV and XLSX downloads), safe to open in a spreadsheet.

A cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return) is read by Excel and
LibreOffice as a formula, which can run commands or leak data ("CSV injection"). Such text is
exported with a leading apostrophe, which spreadsheets show as plain text. In an XLSX file
such text is stored as a text cell marked "quote prefix", Excel's own way of saying "text, not a
formula", so it reads exactly as written and stays text when edited.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ILLUSTRATIVE_MARK = "ILLUSTRATIVE DATA: generated for demonstration, not real figures"


def neutralise_formulas(frame: pd.DataFrame, numbers: Collection[str] = ()) -> pd.DataFrame:
    """A copy of `frame` whose text cells cannot be run as spreadsheet formulas.

    Numbers stay numbers: -3 is a value, but the text "-3+A1" is not. `numbers` names text
    columns already validated as numbers (e.g. "-1.2578" read from a data file), kept as written.
    """
    safe = frame.copy()
    for name in safe.columns:
        column = safe[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
            continue
        text = column.astype("str").where(column.notna(), "")
        risky = text.str.startswith(FORMULA_STARTS)
        if name in numbers:
            # Only text that really is a number is let through: a broken file may hold anything.
            risky &= pd.to_numeric(text, errors="coerce").isna()
        safe[name] = text.where(~risky, "'" + text)
    return safe


def csv_bytes(
    frame: pd.DataFrame, illustrative: bool = False, numbers: Collection[str] = ()
) -> bytes:
    """UTF-8 CSV (with a byte order mark, so Excel reads Chinese text correctly).

    When the rows are illustrative, the first line says so; a spreadsheet shows it above the header.
    """
    body = neutralise_formulas(frame, numbers).to_csv(index=False, lineterminator="\r\n")
    if illustrative:
        body = f"{ILLUSTRATIVE_MARK}\r\n{body}"
    return ("\ufeff" + body).encode("utf-8")


def _xlsx_value(value: object, is_number_text: bool) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if is_number_text and isinstance(value, str) and value.strip():
        try:
            number = float(value)
        except ValueError:
            return value  # not a number after all (a broken file): stored as text
        if math.isfinite(number):
            return int(number) if number.is_integer() and "." not in value else number
        return value
    if isinstance(value, bool | int | float):
        return value
    return str(value)


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook as it is written: its rows are read once, in order, so a table
    of a million rows is never held as cells (or as a frame) while the file is made."""

    name: str
    columns: list[str]
    rows: Iterable[Sequence[object]]
    # Text columns holding validated numbers: stored as numbers, so Excel can sum them.
    numbers: Collection[str] = ()


def frame_sheet(name: str, frame: pd.DataFrame, numbers: Collection[str] = ()) -> Sheet:
    columns = [str(column) for column in frame.columns]
    return Sheet(name, columns, frame.itertuples(index=False, name=None), numbers)


# Columns are as wide as their first rows need, within these bounds (in characters).
WIDTH_SAMPLE_ROWS = 200
NARROWEST, WIDEST = 8, 60


def write_xlsx(sheets: Iterable[Sheet], illustrative: bool = False) -> bytes:
    """An XLSX workbook, one sheet per `Sheet`, where no text cell can run as a formula.

    Text is always stored as text (never as a formula, a number or a link, whatever it looks
    like) and formula-like text also gets Excel's quote prefix. The writer streams each row to
    disk as it goes: a million rows take tens of MB, not gigabytes.
    """
    import xlsxwriter

    buffer = io.BytesIO()
    options = {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    with xlsxwriter.Workbook(buffer, options) as workbook:
        bold = workbook.add_format({"bold": True})
        quoted = workbook.add_format({"quote_prefix": True})
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for sheet in sheets:
            worksheet = workbook.add_worksheet(sheet.name[:31])
            number_columns = [name in set(sheet.numbers) for name in sheet.columns]
            rows = iter(sheet.rows)
            first_rows = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
            # Widths first: a streaming sheet writes its column settings before any row.
            for position, name in enumerate(sheet.columns):
                seen = [len(str(row[position])) for row in first_rows if position < len(row)]
                width = max([len(name), *seen], default=NARROWEST)
                worksheet.set_column(position, position, min(max(width, NARROWEST), WIDEST) + 2)
            row_number = 0
            if illustrative:
                worksheet.write_string(0, 0, ILLUSTRATIVE_MARK, bold)
                row_number = 1
            for position, name in enumerate(sheet.columns):
                worksheet.write_string(row_number, position, name, bold)
            worksheet.freeze_panes(row_number + 1, 0)
            for row in itertools.chain(first_rows, rows):
                row_number += 1
                if row_number >= EXCEL_ROWS:
                    raise TooManyRowsError(sheet.name, EXCEL_ROWS)
                for position, value in enumerate(row):
                    is_number = position < len(number_columns) and number_columns[position]
                    stored = _xlsx_value(value, is_number)
                    if stored is None or stored == "":
                        continue  # an empty cell, as a spreadsheet leaves it
                    if isinstance(stored, str):
                        style = quoted if stored.startswith(FORMULA_STARTS) else None
                        worksheet.write_string(row_number, position, stored, style)
                    elif isinstance(stored, bool):
                        worksheet.write_boolean(row_number, position, stored)
                    elif isinstance(stored, int | float):
                        worksheet.write_number(row_number, position, stored)
                    else:
                        worksheet.write_datetime(row_number, position, stored, day)
    return buffer.getvalue()


# What one sheet of Excel holds, header included.
EXCEL_ROWS = 1_048_576


class TooManyRowsError(ValueError):
    def __init__(self, sheet: str, limit: int) -> None:
        super().__init__(
            f"The table {sheet} has more rows than one Excel sheet holds ({limit:,}); "
            "download it as CSV instead."
        )


def xlsx_bytes(
    sheets: dict[str, pd.DataFrame],
    illustrative: bool = False,
    numbers: dict[str, Collection[str]] | None = None,
) -> bytes:
    """`write_xlsx` of frames, one sheet per frame; `numbers` names, per sheet, the text columns
    that hold validated numbers."""
    return write_xlsx(
        (frame_sheet(name, frame, (numbers or {}).get(name, ())) for name, frame in sheets.items()),
        illustrative,
    )


def safe_csv_rows(
    columns: list[str], rows: Iterable[Sequence[str]], numbers: Collection[str] = ()
) -> bytes:
    """Rows of text as a formula-safe CSV, like `csv_bytes`, without building a frame: the
    way a stored table of a million rows is downloaded."""
    number_positions = {position for position, name in enumerate(columns) if name in numbers}
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [_safe_cell(cell, position in number_positions) for position, cell in enumerate(row)]
        )
    return buffer.getvalue().encode("utf-8")


def _safe_cell(cell: str, is_number_text: bool) -> str:
    if not cell.startswith(FORMULA_STARTS):
        return cell
    if is_number_text:
        try:
            float(cell)
            return cell
        except ValueError:
            pass
    return "'" + cell
